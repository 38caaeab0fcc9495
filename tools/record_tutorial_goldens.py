"""Record what PyTorch prints for the tutorial corpus: tests/tutorials/cases/*.py and *.ipynb.

The corpus is gradviz's own learner-style scripts written in the manner of the public teaching
material (the PyTorch tutorials, pytorch/examples, Dive into Deep Learning, micrograd); see
tests/tutorials/README.md. Run from the repository root with the torch virtualenv:

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/python tools/record_tutorial_goldens.py             # record every case
    /tmp/torchvenv/bin/python tools/record_tutorial_goldens.py d2l_ hooks  # names containing these
    /tmp/torchvenv/bin/python tools/record_tutorial_goldens.py --check     # report stale, write nothing

Writes tests/tutorials/goldens/<case>.json in the format of tests/goldens/cases/*.json. The
capture is gradviz/runner/cells.py's, loaded by path (so nothing else of gradviz is imported next
to torch) and first proven against the seed notebook's reference output, as tools/record_goldens.py
does: stdout, the exception line, warnings, the echo of a trailing expression, notebook-only lines.

Each case runs in a child process of its own: a case that changes torch's process state (default
dtype or device, hooks, grad mode, the random generators) cannot leak into the next one. The
child starts like a fresh kernel: seed 0, default print options, grad mode on, one thread.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "tutorials" / "cases"
GOLDENS = REPO / "tests" / "tutorials" / "goldens"
CELLS_MODULE = REPO / "gradviz" / "runner" / "cells.py"
SEED_SCRIPT = REPO / "gradviz" / "resources" / "examples" / "seed_notebook.py"
SEED_EXPECTED = REPO / "tests" / "goldens" / "seed_expected.json"
CASE_SUFFIXES = (".py", ".ipynb")

# Everyday standard-library modules the corpus imports next to torch (the learner's own Python).
EVERYDAY_MODULES = ("random", "itertools", "collections", "functools", "operator", "string")


def case_paths() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.suffix in CASE_SUFFIXES)


def load_cells_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gradviz_cells_standalone", CELLS_MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the defining module up in sys.modules while the class is being built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def import_table(cells_mod: ModuleType) -> dict[str, ModuleType]:
    import importlib

    import numpy
    import torch

    table: dict[str, ModuleType] = cells_mod.module_map(torch, numpy)
    for name in EVERYDAY_MODULES:
        table[name] = importlib.import_module(name)
    return table


def normalized(cells_mod: ModuleType, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    norm = cells_mod.normalize_addresses
    return [
        {
            "cell": out["cell"],
            "code": out["code"],
            "stdout": norm(out["stdout"]),
            "exception": None if out["exception"] is None else norm(out["exception"]),
            "warnings": [norm(w) for w in out["warnings"]],
            "echo": None if out["echo"] is None else norm(out["echo"]),
        }
        for out in outputs
    ]


def run_case(cells_mod: ModuleType, path: Path) -> list[dict[str, Any]]:
    """Run one script or notebook the way a fresh kernel would (call once per process)."""
    import torch

    torch.set_num_threads(1)
    torch.set_printoptions(profile="default")
    torch.manual_seed(0)
    torch.set_grad_enabled(True)
    cells = cells_mod.load_cells(path)
    return normalized(cells_mod, cells_mod.run_cells_trusted(cells, import_table(cells_mod)))


def seed_problems(cells_mod: ModuleType) -> list[str]:
    """Differences between the seed notebook run here and its reference (empty when the capture
    semantics are the ones the reference was made with)."""
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["cells"]
    got = run_case(cells_mod, SEED_SCRIPT)
    problems = [] if len(got) == len(expected) else [f"seed: {len(got)} cells ran, {len(expected)} expected"]
    for want, have in zip(expected, got):
        for key in ("cell", "code", "stdout", "exception", "warnings"):
            if want[key] != have[key]:
                problems.append(f"seed cell {want['cell']} {key}: expected {want[key]!r}, got {have[key]!r}")
    return problems


def golden_document(path: Path, cells: list[dict[str, Any]]) -> dict[str, Any]:
    import torch

    return {
        "reference": f"torch {torch.__version__}, Python {platform.python_version()}, one namespace for all cells",
        "torch": torch.__version__,
        "source": path.relative_to(REPO).as_posix(),
        "cells": cells,
    }


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def child_main(case: Path, seed_check: bool) -> int:
    """Print the golden document of one case (or the seed check's verdict) as JSON on stdout.

    The cells' own output is captured by the cells module, so stdout carries only the JSON."""
    cells_mod = load_cells_module()
    if seed_check:
        print(json.dumps(seed_problems(cells_mod)))
        return 0
    print(dump(golden_document(case, run_case(cells_mod, case))), end="")
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
        return child_main(Path(args.child or SEED_SCRIPT), args.seed_check)

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
        target = GOLDENS / f"{path.stem}.json"
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old == text:
            print(f"  unchanged {target.name}")
            continue
        stale += 1
        if not args.check:
            target.write_text(text, encoding="utf-8")
        print(f"  {'STALE' if args.check else 'wrote'}     {target.name}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
