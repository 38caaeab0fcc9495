"""Windows: the worker runs in a job object that allows no child processes, caps its memory and
is killed when the app's handle closes (so a worker never outlives the app).

The parent creates the job and assigns the worker right after starting it, before sending the
first message the worker waits for, so no learner code runs outside the job. Structure layouts
and constants are Win32 facts (``JOBOBJECT_EXTENDED_LIMIT_INFORMATION``, ``winnt.h``). A restricted
token is not attempted: it must be chosen at CreateProcess time, which ``subprocess`` does not
expose. Written to the design but untested on this project's Linux machines.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import wintypes
from typing import Any

__all__ = ["JobObject"]

_JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100
_JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x00000008
_JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x00000400
_JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
_JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9  # JOBOBJECTINFOCLASS value
_PROCESS_SET_QUOTA = 0x0100
_PROCESS_TERMINATE = 0x0001


class _IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount",
    )]  # fmt: skip


class _BasicLimits(ctypes.Structure):
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_longlong),
        ("PerJobUserTimeLimit", ctypes.c_longlong),
        ("LimitFlags", wintypes.DWORD),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", wintypes.DWORD),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", wintypes.DWORD),
        ("SchedulingClass", wintypes.DWORD),
    ]


class _ExtendedLimits(ctypes.Structure):
    _fields_ = [
        ("BasicLimitInformation", _BasicLimits),
        ("IoInfo", _IoCounters),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


def _windows_error() -> OSError:
    """The last Win32 error as an OSError (ctypes names that exist only on Windows)."""
    code = getattr(ctypes, "get_last_error")()  # noqa: B009
    error: OSError = getattr(ctypes, "WinError")(code)  # noqa: B009
    return error


class JobObject:
    """One job per worker; ``close()`` (or the app exiting) kills the worker."""

    def __init__(self, memory_mb: int) -> None:
        if os.name != "nt":
            raise OSError("job objects exist only on Windows")
        kernel32: Any = getattr(ctypes, "WinDLL")("kernel32", use_last_error=True)  # noqa: B009 - Windows-only name
        self._kernel32: Any = kernel32
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        handle = kernel32.CreateJobObjectW(None, None)
        if not handle:
            raise _windows_error()
        self.handle: Any = handle
        limits = _ExtendedLimits()
        limits.BasicLimitInformation.LimitFlags = (
            _JOB_OBJECT_LIMIT_ACTIVE_PROCESS
            | _JOB_OBJECT_LIMIT_PROCESS_MEMORY
            | _JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
            | _JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION
        )
        limits.BasicLimitInformation.ActiveProcessLimit = 1
        limits.ProcessMemoryLimit = memory_mb * 1024 * 1024
        if not kernel32.SetInformationJobObject(
            handle, _JOB_OBJECT_EXTENDED_LIMIT_INFORMATION, ctypes.byref(limits), ctypes.sizeof(limits)
        ):
            error = _windows_error()
            self.close()
            raise error

    def assign(self, pid: int) -> None:
        kernel32 = self._kernel32
        kernel32.OpenProcess.restype = wintypes.HANDLE
        process = kernel32.OpenProcess(_PROCESS_SET_QUOTA | _PROCESS_TERMINATE, False, pid)
        if not process:
            raise _windows_error()
        try:
            if not kernel32.AssignProcessToJobObject(self.handle, process):
                raise _windows_error()
        finally:
            kernel32.CloseHandle(process)

    def close(self) -> None:
        if self.handle:
            self._kernel32.CloseHandle(self.handle)
            self.handle = None
