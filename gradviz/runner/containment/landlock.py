"""Landlock: the worker reads only the Python installation and writes only its private folder.

Why our own ctypes module: PyPI's ``landlock`` is a pre-release (1.0.0.dev5) and the whole API is
three system calls and three small structs, so a binding would add a dependency for less code than
it saves. Numbers, struct layouts and access bits are kernel UAPI facts (``linux/landlock.h``); the
ABI version is asked of the running kernel and only what it knows is requested:

- ABI 1: file access rights (execute, read, write, make, remove); ABI 2: REFER (re-parenting);
  ABI 3: TRUNCATE; ABI 5: IOCTL_DEV. Every right the ABI knows is *handled*, so anything not
  granted below is denied: the read roots get READ_FILE and READ_DIR (no EXECUTE anywhere), the
  private folder gets reading, writing, creating and removing regular files and folders.
- ABI 4: TCP bind and connect are handled with no port rule, so both are denied.
- ABI 6: scoped: no signals to processes outside the sandbox, no connecting to abstract unix
  sockets outside it.
- ABI 7 adds audit logging controls only; nothing to request.

Landlock restricts the calling thread and the threads it creates later, so it is applied while
the worker has a single thread (checked; one BLAS thread is configured for that reason).
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Iterable

__all__ = ["LandlockError", "abi_version", "restrict_process"]

_SYS_CREATE_RULESET = 444  # the same number on every architecture (added after the unification)
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE_CHAR = 1 << 6
_FS_MAKE_DIR = 1 << 7
_FS_MAKE_REG = 1 << 8
_FS_MAKE_SOCK = 1 << 9
_FS_MAKE_FIFO = 1 << 10
_FS_MAKE_BLOCK = 1 << 11
_FS_MAKE_SYM = 1 << 12
_FS_REFER = 1 << 13  # ABI 2
_FS_TRUNCATE = 1 << 14  # ABI 3
_FS_IOCTL_DEV = 1 << 15  # ABI 5
_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1

_FS_ABI_1 = (
    _FS_EXECUTE
    | _FS_WRITE_FILE
    | _FS_READ_FILE
    | _FS_READ_DIR
    | _FS_REMOVE_DIR
    | _FS_REMOVE_FILE
    | _FS_MAKE_CHAR
    | _FS_MAKE_DIR
    | _FS_MAKE_REG
    | _FS_MAKE_SOCK
    | _FS_MAKE_FIFO
    | _FS_MAKE_BLOCK
    | _FS_MAKE_SYM
)
_READ = _FS_READ_FILE | _FS_READ_DIR
_PRIVATE = _READ | _FS_WRITE_FILE | _FS_REMOVE_DIR | _FS_REMOVE_FILE | _FS_MAKE_DIR | _FS_MAKE_REG


class LandlockError(OSError):
    """Landlock is missing, disabled, or refused the ruleset."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),  # ABI 4
        ("scoped", ctypes.c_uint64),  # ABI 6
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # packed in the UAPI: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _fail(what: str) -> LandlockError:
    error = ctypes.get_errno()
    return LandlockError(error, f"{what} failed: {errno.errorcode.get(error, str(error))}")


def abi_version() -> int:
    """The kernel's Landlock ABI (0 when Landlock is not built in or not enabled at boot)."""
    libc = _libc()
    version = libc.syscall(
        ctypes.c_long(_SYS_CREATE_RULESET), None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)
    )
    return max(int(version), 0)


def _handled_fs(abi: int) -> int:
    handled = _FS_ABI_1
    if abi >= 2:
        handled |= _FS_REFER
    if abi >= 3:
        handled |= _FS_TRUNCATE
    if abi >= 5:
        handled |= _FS_IOCTL_DEV
    return handled


def _private_rights(abi: int) -> int:
    rights = _PRIVATE
    if abi >= 2:
        rights |= _FS_REFER  # renaming inside the private folder
    if abi >= 3:
        rights |= _FS_TRUNCATE
    return rights


def _thread_count() -> int | None:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def restrict_process(read_roots: Iterable[str], write_roots: Iterable[str]) -> int:
    """Apply the ruleset to this (single-threaded) process; returns the ABI used."""
    abi = abi_version()
    if abi < 1:
        raise LandlockError(errno.ENOSYS, "Landlock is not available in this kernel (or disabled at boot)")
    threads = _thread_count()
    if threads is not None and threads > 1:
        raise LandlockError(errno.EBUSY, f"{threads} threads were running; Landlock would cover only one")
    libc = _libc()
    attr = _RulesetAttr(_handled_fs(abi), 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    ruleset = libc.syscall(
        ctypes.c_long(_SYS_CREATE_RULESET), ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)
    )
    if ruleset < 0:
        raise _fail("landlock_create_ruleset")
    try:
        rules = [(path, _READ) for path in read_roots] + [(path, _private_rights(abi)) for path in write_roots]
        for path, rights in rules:
            _add_path_rule(libc, int(ruleset), path, rights)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)):
            raise _fail("PR_SET_NO_NEW_PRIVS")
        if libc.syscall(ctypes.c_long(_SYS_RESTRICT_SELF), ctypes.c_int(int(ruleset)), ctypes.c_uint32(0)) != 0:
            raise _fail("landlock_restrict_self")
    finally:
        os.close(int(ruleset))
    return abi


def _add_path_rule(libc: ctypes.CDLL, ruleset: int, path: str, rights: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            rights &= _FS_READ_FILE | _FS_WRITE_FILE | _FS_EXECUTE | _FS_TRUNCATE | _FS_IOCTL_DEV
        rule = _PathBeneathAttr(rights, fd)
        result = libc.syscall(
            ctypes.c_long(_SYS_ADD_RULE),
            ctypes.c_int(ruleset),
            ctypes.c_int(_RULE_PATH_BENEATH),
            ctypes.byref(rule),
            ctypes.c_uint32(0),
        )
        if result != 0:
            raise _fail(f"landlock_add_rule({path})")
    finally:
        os.close(fd)
