"""Linux system call numbers and audit architectures for the seccomp filter.

Numbers are kernel ABI facts (``asm/unistd_64.h`` for x86_64, ``asm-generic/unistd.h`` for
aarch64); a name missing on an architecture (aarch64 has no fork, vfork, iopl, ...) is left out.
The filter checks the architecture first, so a number is never read under the wrong table.
"""

from __future__ import annotations

import platform
import struct
import sys
from dataclasses import dataclass

__all__ = ["Architecture", "current_architecture"]

# A name -> (x86_64, aarch64) number; None where the architecture lacks the call.
_NUMBERS: dict[str, tuple[int | None, int | None]] = {
    # new programs and processes
    "execve": (59, 221),
    "execveat": (322, 281),
    "fork": (57, None),
    "vfork": (58, None),
    "clone": (56, 220),
    "clone3": (435, 435),
    # other processes' memory and signals
    "ptrace": (101, 117),
    "process_vm_readv": (310, 270),
    "process_vm_writev": (311, 271),
    "kcmp": (312, 272),
    "pidfd_open": (434, 434),
    "pidfd_getfd": (438, 438),
    "pidfd_send_signal": (424, 424),
    "kill": (62, 129),
    "tkill": (200, 130),
    "tgkill": (234, 131),
    "rt_sigqueueinfo": (129, 138),
    "rt_tgsigqueueinfo": (297, 240),
    # network
    "socket": (41, 198),
    "socketpair": (53, 199),
    # namespaces, mounts and the file system's view
    "mount": (165, 40),
    "umount2": (166, 39),
    "unshare": (272, 97),
    "setns": (308, 268),
    "pivot_root": (155, 41),
    "chroot": (161, 51),
    "open_tree": (428, 428),
    "move_mount": (429, 429),
    "fsopen": (430, 430),
    "fsconfig": (431, 431),
    "fsmount": (432, 432),
    "fspick": (433, 433),
    "mount_setattr": (442, 442),
    "name_to_handle_at": (303, 264),
    "open_by_handle_at": (304, 265),
    "fanotify_init": (300, 262),
    "open_tree_attr": (467, 467),
    # file metadata Landlock does not judge (mode, owner, extended attributes)
    "chmod": (90, None),
    "fchmod": (91, 52),
    "fchmodat": (268, 53),
    "fchmodat2": (452, 452),
    "chown": (92, None),
    "fchown": (93, 55),
    "lchown": (94, None),
    "fchownat": (260, 54),
    "setxattr": (188, 5),
    "lsetxattr": (189, 6),
    "fsetxattr": (190, 7),
    "removexattr": (197, 14),
    "lremovexattr": (198, 15),
    "fremovexattr": (199, 16),
    "setxattrat": (463, 463),
    "removexattrat": (466, 466),
    # kernel facilities a learner's script never needs
    "bpf": (321, 280),
    "keyctl": (250, 219),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "perf_event_open": (298, 241),
    "userfaultfd": (323, 282),
    "kexec_load": (246, 104),
    "kexec_file_load": (320, 294),
    "init_module": (175, 105),
    "finit_module": (313, 273),
    "delete_module": (176, 106),
    "personality": (135, 92),
    "io_uring_setup": (425, 425),
    "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427),
    "lookup_dcookie": (212, 18),
    "uselib": (134, None),
    # machine-wide state (these need privileges, which matter when the app runs as root)
    "reboot": (169, 142),
    "swapon": (167, 224),
    "swapoff": (168, 225),
    "iopl": (172, None),
    "ioperm": (173, None),
    "settimeofday": (164, 170),
    "clock_settime": (227, 112),
    "clock_adjtime": (305, 266),
    "adjtimex": (159, 171),
    "sethostname": (170, 161),
    "setdomainname": (171, 162),
    "syslog": (103, 116),
    "acct": (163, 89),
    "quotactl": (179, 60),
    "quotactl_fd": (443, 443),
    "vhangup": (153, 58),
    # used by the containment itself
    "ioctl": (16, 29),
    "seccomp": (317, 277),
    "capset": (126, 91),
    "landlock_create_ruleset": (444, 444),
    "landlock_add_rule": (445, 445),
    "landlock_restrict_self": (446, 446),
}

_EM_X86_64 = 62
_EM_AARCH64 = 183
_AUDIT_ARCH_64BIT = 0x80000000
_AUDIT_ARCH_LE = 0x40000000


@dataclass(frozen=True)
class Architecture:
    name: str
    audit_arch: int  # seccomp_data.arch for this architecture's native calls
    column: int  # index into the number table
    x32_bit: int | None  # x86_64: calls with this bit set are the x32 ABI, refused wholesale

    def number(self, name: str) -> int | None:
        return _NUMBERS[name][self.column]

    def numbers(self, names: tuple[str, ...]) -> list[int]:
        found = (self.number(n) for n in names)
        return [n for n in found if n is not None]


X86_64 = Architecture("x86_64", _EM_X86_64 | _AUDIT_ARCH_64BIT | _AUDIT_ARCH_LE, 0, 0x40000000)
AARCH64 = Architecture("aarch64", _EM_AARCH64 | _AUDIT_ARCH_64BIT | _AUDIT_ARCH_LE, 1, None)


def current_architecture() -> Architecture | None:
    """The interpreter's own architecture (a 32-bit Python on a 64-bit kernel is not supported)."""
    if not sys.platform.startswith("linux") or struct.calcsize("P") != 8 or sys.byteorder != "little":
        return None
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        return X86_64
    if machine in ("aarch64", "arm64"):
        return AARCH64
    return None
