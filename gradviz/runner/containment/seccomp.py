"""A seccomp-bpf filter: the system calls a contained worker may not make.

Why a filter of our own: the bindings (``pyseccomp`` 0.1.2, last released 2021, and Debian's
``python3-seccomp``) wrap libseccomp, a C library that is not on every machine and not installable
from PyPI; the program below is a few dozen classic-BPF instructions built with ``struct`` and
installed with one ``seccomp(2)`` call through ctypes. Constants are kernel UAPI facts
(``linux/seccomp.h``, ``linux/filter.h``, ``linux/sched.h``).

The filter (applied to every thread with SECCOMP_FILTER_FLAG_TSYNC, after PR_SET_NO_NEW_PRIVS):

- another architecture's calling convention (or x86_64's x32 ABI) ends the process;
- no new programs (execve, execveat) and no new processes: fork and vfork are refused, clone is
  allowed only with CLONE_THREAD and no new namespace (numpy and OpenBLAS make threads), clone3 is
  answered with ENOSYS because its flags live in memory a filter cannot read, and libc then falls
  back to clone;
- no sockets at all (the channel to the app is a pair of inherited pipes);
- signals only to the worker itself (kill/tgkill/sigqueue with the worker's own pid);
- no ptrace, process_vm_*, pidfd tricks, mount/unshare/setns/pivot_root/chroot, bpf, keyctl,
  perf_event_open, userfaultfd, io_uring, module loading, kexec, personality, and none of the
  machine-wide calls (reboot, clock setting, swap, ...) that matter when the app runs as root;
- no chmod, chown or extended-attribute changes, which Landlock does not judge;
- no TIOCSTI/TIOCLINUX ioctls, which would type into a terminal.

Refused calls fail with EPERM, so Python raises PermissionError and the cell reports it.
"""

from __future__ import annotations

import ctypes
import errno
import struct

from gradviz.runner.containment.linux_syscalls import Architecture

__all__ = ["SeccompError", "build_filter", "install_filter"]

# classic BPF (linux/bpf_common.h)
_LD_W_ABS = 0x00 | 0x00 | 0x20  # BPF_LD | BPF_W | BPF_ABS
_JMP_JEQ_K = 0x05 | 0x10 | 0x00  # BPF_JMP | BPF_JEQ | BPF_K
_JMP_JGE_K = 0x05 | 0x30 | 0x00  # BPF_JMP | BPF_JGE | BPF_K
_JMP_JSET_K = 0x05 | 0x40 | 0x00  # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06 | 0x00  # BPF_RET | BPF_K

# linux/seccomp.h
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000
_SET_MODE_FILTER = 1
_FLAG_TSYNC = 1
_PR_SET_NO_NEW_PRIVS = 38

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
_OFFSET_NR = 0
_OFFSET_ARCH = 4
_OFFSET_ARGS = 16

_CLONE_THREAD = 0x00010000
_CLONE_NEW_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
_TIOCSTI = 0x5412
_TIOCLINUX = 0x541C

_DENIED = (
    "execve",
    "execveat",
    "fork",
    "vfork",
    "socket",
    "socketpair",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_open",
    "pidfd_getfd",
    "pidfd_send_signal",
    "tkill",
    "mount",
    "umount2",
    "unshare",
    "setns",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "name_to_handle_at",
    "open_by_handle_at",
    "fanotify_init",
    "open_tree_attr",
    "chmod",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "setxattr",
    "lsetxattr",
    "fsetxattr",
    "removexattr",
    "lremovexattr",
    "fremovexattr",
    "setxattrat",
    "removexattrat",
    "bpf",
    "keyctl",
    "add_key",
    "request_key",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "personality",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "lookup_dcookie",
    "uselib",
    "reboot",
    "swapon",
    "swapoff",
    "iopl",
    "ioperm",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "syslog",
    "acct",
    "quotactl",
    "quotactl_fd",
    "vhangup",
)
# (pid) or (tgid, ...) as first argument: allowed only when it names the worker itself
_SIGNALS_TO_SELF_ONLY = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")

_Insn = tuple[int, int, int, int]  # code, jt, jf, k


class SeccompError(OSError):
    """The filter could not be installed."""


def _stmt(code: int, k: int) -> _Insn:
    return (code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> _Insn:
    return (code, jt, jf, k)


def _arg_low(index: int) -> int:
    """Offset of the low 32 bits of argument ``index`` (both supported architectures are little-endian)."""
    return _OFFSET_ARGS + 8 * index


def _refuse(number: int, error: int) -> list[_Insn]:
    return [_jump(_JMP_JEQ_K, number, 0, 1), _stmt(_RET_K, _RET_ERRNO | error)]


def _clone_threads_only(number: int) -> list[_Insn]:
    return [
        _jump(_JMP_JEQ_K, number, 0, 5),  # not clone: skip the block
        _stmt(_LD_W_ABS, _arg_low(0)),  # flags
        _jump(_JMP_JSET_K, _CLONE_THREAD, 0, 2),  # a new process: refuse
        _jump(_JMP_JSET_K, _CLONE_NEW_NAMESPACES, 1, 0),  # a thread in new namespaces: refuse
        _stmt(_RET_K, _RET_ALLOW),
        _stmt(_RET_K, _RET_ERRNO | errno.EPERM),
    ]


def _first_argument_is(number: int, value: int) -> list[_Insn]:
    return [
        _jump(_JMP_JEQ_K, number, 0, 4),
        _stmt(_LD_W_ABS, _arg_low(0)),
        _jump(_JMP_JEQ_K, value & 0xFFFFFFFF, 0, 1),
        _stmt(_RET_K, _RET_ALLOW),
        _stmt(_RET_K, _RET_ERRNO | errno.EPERM),
    ]


def _no_terminal_injection(number: int) -> list[_Insn]:
    return [
        _jump(_JMP_JEQ_K, number, 0, 5),
        _stmt(_LD_W_ABS, _arg_low(1)),  # the request
        _jump(_JMP_JEQ_K, _TIOCSTI, 2, 0),
        _jump(_JMP_JEQ_K, _TIOCLINUX, 1, 0),
        _stmt(_RET_K, _RET_ALLOW),
        _stmt(_RET_K, _RET_ERRNO | errno.EPERM),
    ]


def build_filter(arch: Architecture, own_pid: int) -> bytes:
    """The filter program as ``struct sock_filter`` records. Every block returns when its call
    matches and leaves the accumulator (the call number) alone when it does not."""
    program: list[_Insn] = [
        _stmt(_LD_W_ABS, _OFFSET_ARCH),
        _jump(_JMP_JEQ_K, arch.audit_arch, 1, 0),
        _stmt(_RET_K, _RET_KILL_PROCESS),
        _stmt(_LD_W_ABS, _OFFSET_NR),
    ]
    if arch.x32_bit is not None:
        program += [_jump(_JMP_JGE_K, arch.x32_bit, 0, 1), _stmt(_RET_K, _RET_ERRNO | errno.EPERM)]
    for number in arch.numbers(_DENIED):
        program += _refuse(number, errno.EPERM)
    clone3 = arch.number("clone3")
    if clone3 is not None:
        program += _refuse(clone3, errno.ENOSYS)
    clone = arch.number("clone")
    if clone is not None:
        program += _clone_threads_only(clone)
    for number in arch.numbers(_SIGNALS_TO_SELF_ONLY):
        program += _first_argument_is(number, own_pid)
    ioctl = arch.number("ioctl")
    if ioctl is not None:
        program += _no_terminal_injection(ioctl)
    program.append(_stmt(_RET_K, _RET_ALLOW))
    return b"".join(struct.pack("=HBBI", code, jt, jf, k) for code, jt, jf, k in program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install_filter(arch: Architecture, own_pid: int) -> None:
    """Set PR_SET_NO_NEW_PRIVS and install the filter on every thread of the process."""
    program = build_filter(arch, own_pid)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)):
        error = ctypes.get_errno()
        raise SeccompError(error, f"PR_SET_NO_NEW_PRIVS failed: {errno.errorcode.get(error, error)}")
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    number = arch.number("seccomp")
    assert number is not None
    libc.syscall.restype = ctypes.c_long
    result = libc.syscall(
        ctypes.c_long(number), ctypes.c_ulong(_SET_MODE_FILTER), ctypes.c_ulong(_FLAG_TSYNC), ctypes.byref(fprog)
    )
    if result != 0:
        error = ctypes.get_errno() if result < 0 else errno.EBUSY
        raise SeccompError(error, f"seccomp(SECCOMP_SET_MODE_FILTER) failed: {errno.errorcode.get(error, error)}")
