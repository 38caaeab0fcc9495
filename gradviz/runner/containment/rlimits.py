"""Resource limits of the worker process (POSIX ``setrlimit``), set by the worker on itself.

- RLIMIT_AS: the learner's memory (``Limits.memory_mb``), set last, after the imports.
- RLIMIT_CPU: re-armed before each cell to the cell's wall time plus slack, a backstop for the
  parent's watchdog (the hard limit stays, so the next cell can be armed).
- RLIMIT_FSIZE: no file larger than the worker's own largest (the mirror of a cell's printed text);
  SIGXFSZ is ignored so an oversized write fails with an error instead of killing the worker.
- RLIMIT_NOFILE: a modest number of open files.
- RLIMIT_CORE: 0, no core dumps of the learner's data.
- RLIMIT_NPROC: only where it helps, see :func:`limit_new_processes`.
"""

from __future__ import annotations

import math
import os
import signal
import sys

__all__ = ["OPEN_FILES", "apply_file_limits", "arm_cpu_time", "cap_address_space", "limit_new_processes"]

OPEN_FILES = 256
_MIN_FILE_BYTES = 1024 * 1024
_SPARE_NEW_TASKS = 64


def _lower(resource_id: int, value: int) -> None:
    import resource

    _soft, hard = resource.getrlimit(resource_id)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(resource_id, (value, value))


def apply_file_limits(largest_file_bytes: int) -> list[str]:
    """FSIZE (at least 1 MB), NOFILE and CORE; returns the names of the limits that were set."""
    import resource

    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _lower(resource.RLIMIT_FSIZE, max(largest_file_bytes, _MIN_FILE_BYTES))
    _lower(resource.RLIMIT_NOFILE, OPEN_FILES)
    _lower(resource.RLIMIT_CORE, 0)
    return ["RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE"]


def cap_address_space(memory_mb: int) -> None:
    import resource

    _lower(resource.RLIMIT_AS, memory_mb * 1024 * 1024)


def arm_cpu_time(wall_time_s: float) -> None:
    """RLIMIT_CPU counts the whole life of the process: allow this cell its wall time plus slack."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(spent + 2 * wall_time_s + 5)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _tasks_of_user(uid: int) -> int | None:
    """Processes and threads the user runs now (Linux /proc), the count RLIMIT_NPROC compares."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    total = 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        if fields.get("Uid", "").split()[:1] == [str(uid)]:
            total += int(fields.get("Threads", "1").strip() or 1)
    return total


def limit_new_processes() -> str | None:
    """Cap new processes when seccomp cannot forbid them; returns the mechanism's name or None.
    Call it before Landlock: it counts the user's tasks in /proc.

    RLIMIT_NPROC counts every process and thread of the *user*, not of this process, so a fixed
    small number would also stop the worker's own threads whenever the user runs many programs;
    the cap is therefore the user's current count plus a margin for threads. Root ignores the
    limit, and with seccomp in place (no fork, no vfork, no clone without CLONE_THREAD) it adds
    nothing, so it is only used as a fallback.
    """
    if sys.platform.startswith("win") or os.geteuid() == 0:
        return None
    import resource

    count = _tasks_of_user(os.getuid())
    if count is None:
        return None
    _lower(resource.RLIMIT_NPROC, count + _SPARE_NEW_TASKS)
    return "RLIMIT_NPROC"
