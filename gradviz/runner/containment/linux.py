"""Contain the worker on Linux: capabilities dropped, Landlock, then seccomp, in that order.

What needs /proc (the capability sets, whether the kernel has seccomp) is read first, while it is
still readable; Landlock comes before seccomp because the filter would refuse nothing Landlock
needs, but is the step after which the process changes nothing about itself. Each step that fails
is reported with its reason; the worker runs anyway and says it is not contained.
"""

from __future__ import annotations

import os

from gradviz.runner.containment.capabilities import drop_capabilities, holds_capabilities
from gradviz.runner.containment.landlock import LandlockError, restrict_process
from gradviz.runner.containment.linux_syscalls import current_architecture
from gradviz.runner.containment.rlimits import limit_new_processes
from gradviz.runner.containment.roots import python_read_roots
from gradviz.runner.containment.seccomp import SeccompError, install_filter

__all__ = ["contain_linux"]


def _proc_status() -> dict[str, str]:
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in status if ":" in line)}
    except OSError:
        return {}


def contain_linux(private_dir: str) -> tuple[list[str], list[str]]:
    """Returns (mechanisms applied, problems); the process is contained when there are no problems."""
    mechanisms: list[str] = []
    problems: list[str] = []
    arch = current_architecture()
    status = _proc_status()
    seccomp_possible = arch is not None and "Seccomp" in status
    if not seccomp_possible:
        fallback = limit_new_processes()
        if fallback is not None:
            mechanisms.append(fallback)
    if arch is not None and holds_capabilities(status):
        try:
            drop_capabilities(arch)
            mechanisms.append("capabilities-dropped")
        except OSError as exc:
            problems.append(f"could not drop capabilities ({exc.strerror})")
    try:
        abi = restrict_process(python_read_roots(), [private_dir])
        mechanisms.append(f"landlock-abi-{abi}")
    except LandlockError as exc:
        problems.append(f"Landlock: {exc.strerror}")
    except OSError as exc:
        problems.append(f"Landlock: {exc}")
    if arch is None:
        problems.append(f"seccomp: no filter for this architecture ({os.uname().machine})")
    elif "Seccomp" not in status:
        problems.append("seccomp: not available in this kernel")
    else:
        try:
            install_filter(arch, os.getpid())
            mechanisms.append("seccomp")
        except SeccompError as exc:
            problems.append(f"seccomp: {exc.strerror}")
    return mechanisms, problems
