"""Worker start-up with and without its operating-system containment, in the same run.

Each sample starts one worker process (gradviz.runner.worker._Child: ``python -I``, clean
environment, private folder) and times it from just before the spawn until its "ready" message.
The baseline starts the same command with ``contain_worker`` replaced by a function that applies
nothing, so the difference is what containment costs (closing descriptors, rlimits, capabilities,
Landlock, seccomp). Samples alternate between the two so machine load affects both alike.

    .venv/bin/python benchmarks/worker_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gradviz.runner import worker
from gradviz.runner.limits import Limits

_NO_CONTAINMENT = (
    "import gradviz.runner.containment as _c; "
    "_c.contain_worker = lambda *a, **k: _c.Containment(False, [], 'benchmark baseline'); "
)
_real_command = worker.worker_command


def _uncontained_command(argv: Sequence[str], private_dir: str) -> tuple[list[str], list[str]]:
    command, applied = _real_command(argv, private_dir)
    code_at = command.index("-c") + 1
    command[code_at] = command[code_at].replace(
        "from gradviz.runner.worker", _NO_CONTAINMENT + "from gradviz.runner.worker"
    )
    return command, applied


def start_once(contained: bool) -> tuple[float, bool]:
    worker.worker_command = _real_command if contained else _uncontained_command
    started = time.perf_counter()
    child = worker._Child(Limits(), False)
    try:
        if not child.replies.poll(60):
            raise RuntimeError("the worker did not start")
        message = worker._loads(child.replies.recv_bytes())
        elapsed = time.perf_counter() - started
        return elapsed, bool(message[2]["active"])
    finally:
        child.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.runs):
        for contained in (False, True):
            elapsed, active = start_once(contained)
            if active != contained:
                raise RuntimeError(f"expected active={contained}, the worker said {active}")
            times[contained].append(elapsed)
    plain, walled = statistics.median(times[False]), statistics.median(times[True])
    print(
        f"worker start-up, median of {args.runs}: without containment {plain * 1000:.0f} ms, "
        f"with containment {walled * 1000:.0f} ms ({(walled - plain) * 1000:+.0f} ms)"
    )


if __name__ == "__main__":
    main()
