"""Record what PyTorch prints for the tutorial corpus: tests/tutorials/cases/*.py and *.ipynb.

The corpus is gradviz's own learner-style scripts written in the manner of the public teaching
material (the PyTorch tutorials, pytorch/examples, Dive into Deep Learning, micrograd); see
tests/tutorials/README.md. Run from the repository root with the torch virtualenv:

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tools/record_tutorial_goldens.py             # record every case
    /tmp/torchvenv/bin/python tools/record_tutorial_goldens.py d2l_ hooks  # names containing these
    /tmp/torchvenv/bin/python tools/record_tutorial_goldens.py --check     # report stale, write nothing

Writes tests/tutorials/goldens/<case>.json in the format of tests/goldens/cases/*.json. The
capture is tools/record_goldens.py's (gradviz.runner's pure-standard-library cell modules alone, so
nothing else of gradviz is imported next to torch), first proven against the seed notebook's reference output:
stdout, the exception line, warnings, the echo of a trailing expression, notebook-only lines.

Each case runs in a child process of its own: a case that changes torch's process state (default
dtype or device, hooks, grad mode, the random generators) cannot leak into the next one. The
child starts like a fresh kernel: seed 0, default print options, grad mode on, one thread.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record_goldens

REPO = record_goldens.REPO
CASES = REPO / "tests" / "tutorials" / "cases"
GOLDENS = REPO / "tests" / "tutorials" / "goldens"
CASE_SUFFIXES = (".py", ".ipynb")

# Everyday standard-library modules the corpus imports next to torch (the learner's own Python).
EVERYDAY_MODULES = ("random", "itertools", "collections", "functools", "operator", "string", "copy")


def case_paths() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.suffix in CASE_SUFFIXES)


def child_main(case: Path, seed_check: bool) -> int:
    """Print the golden document of one case (or the seed check's verdict) as JSON on stdout.

    The cells' own output is captured by the cells module, so stdout carries only the JSON."""
    import torch

    torch.set_num_threads(1)
    cells_mod = record_goldens.load_cells_module()
    if seed_check:
        print(json.dumps(record_goldens.check_seed(cells_mod)))
        return 0
    outputs = record_goldens.run_script(cells_mod, case, EVERYDAY_MODULES)
    print(record_goldens.dump(record_goldens.golden_document(case, outputs)), end="")
    return 0


def in_child(*args: str) -> str:
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"child {' '.join(args)} failed:\n{completed.stderr}")
    return completed.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="record only cases whose file name contains one of these")
    parser.add_argument("--check", action="store_true", help="report stale or missing goldens, write nothing")
    parser.add_argument("--child", metavar="CASE", help=argparse.SUPPRESS)
    parser.add_argument("--seed-check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child or args.seed_check:
        return child_main(Path(args.child or record_goldens.SEED_SCRIPT), args.seed_check)

    problems = json.loads(in_child("--seed-check"))
    if problems:
        print("capture does not reproduce seed_expected.json:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("seed reproduced exactly")

    GOLDENS.mkdir(parents=True, exist_ok=True)
    stale = 0
    for path in case_paths():
        if args.names and not any(name in path.stem for name in args.names):
            continue
        text = in_child("--child", str(path))
        stale += record_goldens.write_golden(GOLDENS / f"{path.stem}.json", text, args.check)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
