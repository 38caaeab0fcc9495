"""The operating system's wall around the worker process (layer 1 of "Safety in two layers").

Applied inside the worker before it reads any learner code, and reported to the app as a
:class:`Containment`:

- everywhere: inherited descriptors closed except the channel (:mod:`.descriptors`), an
  environment with nothing of the user's (:mod:`.environment`, set by the parent), resource
  limits (:mod:`.rlimits`);
- Linux: capabilities dropped, Landlock (:mod:`.landlock`) and a seccomp filter (:mod:`.seccomp`);
- macOS: the parent starts the worker under sandbox-exec (:mod:`.macos`);
- Windows: the parent puts the worker in a job object (:mod:`.windows`), which stops new processes
  but not file access, so the worker still reports itself as not contained;
- elsewhere, or when a wall cannot be applied, the worker still runs and says it is not
  contained and why, so the app can ask before running a file opened from disk.

The learner's code is contained, not the app: nothing here runs in the parent except building
the command line, the environment and (Windows) the job.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence

from gradviz.runner.containment.descriptors import close_inherited_descriptors
from gradviz.runner.containment.environment import ALLOWED_NAMES, worker_environment
from gradviz.runner.containment.roots import python_read_roots
from gradviz.runner.containment.status import Containment

__all__ = ["Containment", "contain_worker", "worker_command", "worker_environment"]


def worker_command(argv: Sequence[str], private_dir: str) -> tuple[list[str], list[str]]:
    """The command that starts a worker, and the walls the parent applies by starting it so."""
    if sys.platform == "darwin":
        from gradviz.runner.containment.macos import SANDBOX_EXEC, wrap_command

        if os.path.exists(SANDBOX_EXEC):
            return wrap_command(argv, python_read_roots(), private_dir), ["sandbox-exec"]
    return list(argv), []


def _environment_problem() -> str | None:
    extra = sorted(set(os.environ) - ALLOWED_NAMES)
    if extra:
        return "the environment holds " + ", ".join(extra[:5]) + (" ..." if len(extra) > 5 else "")
    return None


def contain_worker(
    private_dir: str, keep_fds: Iterable[int], largest_file_bytes: int, from_parent: Sequence[str] = ()
) -> Containment:
    """Contain the calling process (the worker, still single-threaded) and say how it went."""
    mechanisms: list[str] = []
    problems: list[str] = []
    close_inherited_descriptors(keep_fds)
    mechanisms.append("closed-descriptors")
    problem = _environment_problem()
    if problem is None:
        mechanisms.append("clean-environment")
    else:
        problems.append(problem)
    if os.name == "posix":
        from gradviz.runner.containment.rlimits import apply_file_limits

        apply_file_limits(largest_file_bytes)
        mechanisms.append("rlimits")
    if sys.platform.startswith("linux"):
        from gradviz.runner.containment.linux import contain_linux

        try:
            applied, failed = contain_linux(private_dir)
        except Exception as exc:  # noqa: BLE001 - an unforeseen libc or kernel answer: run, but say so
            applied, failed = [], [f"containment failed: {type(exc).__name__}: {exc}"]
        mechanisms += applied
        problems += failed
    elif sys.platform == "darwin":
        from gradviz.runner.containment.macos import is_sandboxed

        if "sandbox-exec" in from_parent and is_sandboxed():
            mechanisms.append("sandbox-exec")
        else:
            problems.append("sandbox-exec is not available or did not apply")
    elif sys.platform == "win32":
        if "job-object" in from_parent:
            mechanisms.append("job-object")
        # A job stops new processes and caps memory; files and the network stay reachable
        # without an AppContainer, which gradviz does not set up, so this is not a wall.
        problems.append("on Windows only a job object applies (no new processes, memory cap): files stay reachable")
    else:
        problems.append(f"gradviz has no operating-system containment for {sys.platform}")
    return Containment(active=not problems, mechanisms=mechanisms, reason="; ".join(problems))
