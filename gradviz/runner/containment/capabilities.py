"""Drop every Linux capability the worker holds (it has some when the app runs as root).

Landlock and seccomp hold for root too; dropping the capabilities takes away what a root process
could still do through calls neither of them judges (the filter refuses a list, not everything),
and with all capability sets empty (and no execve to regain any) the worker is an ordinary process
of its user. Layouts are UAPI facts (``linux/capability.h``, version 3).
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Mapping

from gradviz.runner.containment.linux_syscalls import Architecture

__all__ = ["drop_capabilities", "holds_capabilities"]

_VERSION_3 = 0x20080522
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def holds_capabilities(status: Mapping[str, str]) -> bool:
    """Whether any capability is permitted (``status``: the fields of /proc/self/status)."""
    try:
        return int(status["CapPrm"], 16) != 0
    except (KeyError, ValueError):
        return os.geteuid() == 0


def drop_capabilities(arch: Architecture) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    zero = ctypes.c_ulong(0)
    libc.prctl(_PR_CAP_AMBIENT, ctypes.c_ulong(_PR_CAP_AMBIENT_CLEAR_ALL), zero, zero, zero)
    header = _Header(_VERSION_3, 0)
    data = (_Data * 2)()  # all three sets empty, in both 32-bit halves
    number = arch.number("capset")
    assert number is not None
    if libc.syscall(ctypes.c_long(number), ctypes.byref(header), ctypes.byref(data)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"capset failed: {errno.errorcode.get(error, error)}")
