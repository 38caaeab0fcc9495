"""macOS: the worker starts under ``sandbox-exec`` with a profile of the same intent as Linux's.

Read the Python installation, gradviz and the system libraries the loader maps; write only the
private folder; no network, no new processes, no signals to others. Executing is allowed only for
the interpreter and the files of its installation (sandbox-exec starts it, and a framework build's
``python3`` re-executes ``Python.app`` inside it); an exec replaces the worker and stays inside the
same profile. ``sandbox-exec`` is deprecated by Apple but still shipped
and used (by Bazel, Chromium's tests, Nix); it applies the profile before Python starts, which is
stronger than a later self-restriction. The child confirms it is sandboxed with ``sandbox_check``.

Written to the same design as the Linux path but not run on this project's Linux machines: it is
untested here, and a failure to start under it shows up as the worker's start-up error.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable, Sequence

__all__ = ["SANDBOX_EXEC", "is_sandboxed", "sandbox_profile", "wrap_command"]

SANDBOX_EXEC = "/usr/bin/sandbox-exec"

# What every dyld-loaded process reads: the shared cache, system frameworks and libraries.
_SYSTEM_READ = ("/System/Library", "/usr/lib", "/private/var/db/dyld", "/System/Volumes/Preboot/Cryptexes")


def _quote(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sandbox_profile(read_roots: Iterable[str], private_dir: str, executable: str) -> str:
    """The SBPL profile text for one worker."""
    reads = " ".join(f"(subpath {_quote(p)})" for p in (*_SYSTEM_READ, *read_roots))
    private = _quote(os.path.realpath(private_dir))
    installation = _quote(os.path.realpath(sys.base_prefix))
    return "\n".join(
        [
            "(version 1)",
            "(deny default)",
            f"(allow process-exec (literal {_quote(os.path.realpath(executable))}) (subpath {installation}))",
            "(allow file-read-metadata)",
            f'(allow file-read* {reads} (literal "/dev/null") (literal "/dev/urandom"))',
            f"(allow file-read* file-write* (subpath {private}))",
            '(allow file-write-data (literal "/dev/null"))',
            "(allow sysctl-read)",
            "(allow signal (target self))",
            '(allow mach-lookup (global-name "com.apple.system.notification_center"))',
            "(deny network*)",
            "(deny process-fork)",
        ]
    )


def wrap_command(argv: Sequence[str], read_roots: Iterable[str], private_dir: str) -> list[str]:
    """``argv`` run under sandbox-exec with the worker's profile."""
    return [SANDBOX_EXEC, "-p", sandbox_profile(read_roots, private_dir, argv[0]), *argv]


def is_sandboxed() -> bool:
    """``sandbox_check(getpid(), NULL, 0)`` is non-zero inside a sandbox."""
    try:
        libc = ctypes.CDLL(None)
        check = libc.sandbox_check
    except (OSError, AttributeError):
        return False
    check.restype = ctypes.c_int
    return bool(check(ctypes.c_int(os.getpid()), None, ctypes.c_int(0)))
