"""Full-length training loops (issue 14, item 5): time and peak memory, printed, not asserted.

    .venv/bin/python benchmarks/long_loops.py [--steps 2000 20000] [--torch-python PATH]

For each loop length the "Learning PyTorch with Examples" cubic fit (2,000 samples, autograd,
hand-written SGD under no_grad; the corpus case examples_polynomial_autograd_full with its step
count changed) runs, each in a fresh process:

* ``gradviz run``            the CLI as a learner uses it (worker process, default limits except
                             --timeout, raised for the long loops); peak RSS of the worker;
* ``session, recording off`` the same Session with no trace listener (what recording costs is
                             the difference to the row above);
* ``session, default``       the same Session recording as ``gradviz run`` does (the first and last
                             calls in full as their size allows, summaries between), without the
                             worker process;
* ``session, summaries``     Limits.max_detailed_calls=0, detail_budget=0: every call a light summary;
* ``gradviz.torch bare``     the script on gradviz.torch without the runner (no sandbox);
* ``torch``                  the real torch, when --torch-python names a Python that has it.

Wall time is the whole process (imports included); CPU time is user + system time of the
process and the processes it waited for (the worker), which a machine loaded by other work
inflates far less than wall time; peak RSS from getrusage. Compare rows by their ratio to
``session, recording off`` measured in the same run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "tests" / "tutorials" / "cases" / "examples_polynomial_autograd_full.py"

_SESSION_DRIVER = """
import sys
from gradviz.runner.cells import load_cells
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
mode, path = sys.argv[1], sys.argv[2]
limits = Limits(wall_time_s=3600)
if mode == "summaries":
    limits = limits.with_changes(max_detailed_calls=0, detail_budget=0)
session = Session(limits)
if mode == "off":
    session._subscribe_traces = lambda recorder: None  # no listener: the engine records nothing
results = session.run_cells(load_cells(path))
errors = [r.error.type for r in results if r.error is not None and r.error.type == "ResourceLimit"]
calls = sum(len(r.backward_calls) for r in results)
print("calls", calls, "limit-errors", errors)
"""

_BARE_DRIVER = """
import sys
import gradviz.torch as gt
sys.modules["torch"] = gt
from gradviz.runner.cells import load_cells
namespace = {"__name__": "__main__"}
for cell in load_cells(sys.argv[1]):
    if cell.kind == "code":
        try:
            exec(compile(cell.source, "cell", "exec"), namespace)
        except Exception as exc:
            print("error:", type(exc).__name__, exc)
"""


def _script(steps: int, directory: Path) -> Path:
    text = CASE.read_text(encoding="utf-8").replace("range(2000)", f"range({steps})")
    path = directory / f"poly_{steps}.py"
    path.write_text(text, encoding="utf-8")
    return path


def _measure(argv: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS in MB of the largest process of the run, last output line."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "cpu = usage.ru_utime + usage.ru_stime\n"
        "tail = (p.stdout.strip().splitlines() or [''])[-1]\n"
        "print(f'{dt:.3f} {cpu:.3f} {usage.ru_maxrss} rc={p.returncode} {tail}')\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True).stdout
    seconds, cpu, rss_kb, rest = out.strip().split(" ", 3)
    return float(seconds), float(cpu), int(rss_kb) / 1024, rest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--torch-python", help="a Python with torch installed (the oracle venv)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        driver = directory / "session_driver.py"
        driver.write_text(_SESSION_DRIVER, encoding="utf-8")
        bare = directory / "bare_driver.py"
        bare.write_text(_BARE_DRIVER, encoding="utf-8")
        print(f"{'steps':>6}  {'run':<26} {'seconds':>8} {'cpu s':>8} {'peak MB':>8}  last line")
        for steps in args.steps:
            script = _script(steps, directory)
            timeout = str(max(10, steps // 100))
            runs = {
                "gradviz run": [sys.executable, "-m", "gradviz.cli.main", "run", str(script), "--timeout", timeout],
                "session, recording off": [sys.executable, str(driver), "off", str(script)],
                "session, default": [sys.executable, str(driver), "default", str(script)],
                "session, summaries only": [sys.executable, str(driver), "summaries", str(script)],
                "gradviz.torch bare": [sys.executable, str(bare), str(script)],
            }
            if args.torch_python:
                runs["torch"] = [args.torch_python, str(script)]
            for name, command in runs.items():
                seconds, cpu, peak_mb, tail = _measure(command)
                tail = re.sub(r"\s+", " ", tail)[:60]
                print(f"{steps:>6}  {name:<26} {seconds:>8.2f} {cpu:>8.2f} {peak_mb:>8.0f}  {tail}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
