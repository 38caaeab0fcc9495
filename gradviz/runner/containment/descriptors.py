"""Close every file descriptor the worker inherited except its channel and the standard three.

The parent already spawns with ``close_fds=True`` and ``pass_fds``; the child checks again because
an inherited descriptor (a socket, the user's terminal, a file opened for writing) would be a door
through every wall: Landlock and seccomp only judge new opens and new sockets. A standard stream
that is a terminal is pointed at the null device, so the worker cannot type into the user's shell
(TIOCSTI) or paint on it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["close_inherited_descriptors", "open_descriptors"]

_STANDARD = (0, 1, 2)
_FALLBACK_MAX_FD = 4096


def open_descriptors() -> list[int]:
    """The process's open descriptors (Linux and macOS list them; elsewhere probe a range)."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            names = os.listdir(listing)
        except OSError:
            continue
        found = []
        for name in names:
            if name.isdigit():
                fd = int(name)
                try:
                    os.fstat(fd)  # the listing's own descriptor is closed by now
                except OSError:
                    continue
                found.append(fd)
        return sorted(found)
    found = []
    for fd in range(_FALLBACK_MAX_FD):
        try:
            os.fstat(fd)
        except OSError:
            continue
        found.append(fd)
    return found


def close_inherited_descriptors(keep: Iterable[int]) -> list[int]:
    """Close all but ``keep`` and 0/1/2; returns what was closed. Terminals on 0/1/2 become null."""
    kept = set(keep) | set(_STANDARD)
    closed = []
    for fd in open_descriptors():
        if fd in kept:
            continue
        try:
            os.close(fd)
        except OSError:
            continue
        closed.append(fd)
    for fd in _STANDARD:
        try:
            terminal = os.isatty(fd)
        except OSError:
            terminal = False
        if terminal:
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, fd)
            os.close(null)
    return closed
