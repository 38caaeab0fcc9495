"""The sandbox is faithful: sandboxed runs print exactly what plain Python prints.

* The seed notebook and the autograd chapter, run through Session, match what PyTorch 2.13
  printed (goldens recorded by tools/), cell for cell.
* Every golden case script prints the same through Session as through a plain ``exec`` of the
  same engine (gradviz.runner.trusted_run.run_cells_trusted): whatever the engine does, the runner adds and
  loses nothing (output, echo, warnings, exception lines).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import gradviz.torch as torch_twin
from gradviz.autograd import warn_once
from gradviz.runner.capture import normalize_addresses
from gradviz.runner.cells import load_cells
from gradviz.runner.results import CellResult
from gradviz.runner.session import Session
from gradviz.runner.trusted_run import module_map, run_cells_trusted
from tests.paths import EXAMPLES_DIR, SEED_NOTEBOOK

REPO = Path(__file__).resolve().parent.parent
SEED_EXPECTED = REPO / "tests" / "goldens" / "seed_expected.json"
CASES = sorted((REPO / "tests" / "goldens" / "cases").glob("*.py"))


def _reset_engine() -> None:
    """The engine as a fresh process has it: each run here stands for one ``python script.py``."""
    torch_twin.set_grad_enabled(True)
    torch_twin.manual_seed(0)
    warn_once.reset()  # PyTorch's once-per-process warnings (Conv1d padding='same', x.T on 3-d) warn again


def _as_record(result: CellResult) -> dict[str, Any]:
    return {
        "cell": result.index,
        "stdout": normalize_addresses(result.stdout),
        "exception": None if result.error is None else normalize_addresses(result.error.headline),
        "warnings": [normalize_addresses(w) for w in result.warnings],
        "echo": None if result.echo is None else normalize_addresses(result.echo),
    }


def _sandboxed(path: Path) -> list[dict[str, Any]]:
    _reset_engine()
    return [_as_record(r) for r in Session(snapshots=False).run_cells(load_cells(path))]


def _compare(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[str]:
    problems = [] if len(expected) == len(got) else [f"{len(got)} cells ran, {len(expected)} expected"]
    for want, have in zip(expected, got):
        for key in ("stdout", "exception", "warnings", "echo"):
            if key in want and want[key] != have[key]:
                problems.append(f"cell {want['cell']} {key}:\n  expected {want[key]!r}\n  got      {have[key]!r}")
    return problems


def test_seed_notebook_matches_pytorch() -> None:
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["cells"]
    problems = _compare(expected, _sandboxed(SEED_NOTEBOOK))
    assert not problems, "\n".join(problems)


EXAMPLES = sorted(p for p in EXAMPLES_DIR.glob("*.py") if p != SEED_NOTEBOOK)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_shipped_example_matches_pytorch(path: Path) -> None:
    """The Examples menu's scripts, run sandboxed, print what PyTorch printed for them
    (tests/goldens/examples/, recorded by tools/record_chapter_goldens.py)."""
    golden = REPO / "tests" / "goldens" / "examples" / f"{path.stem}.json"
    assert golden.exists(), "record it: /path/to/torchvenv/bin/python tools/record_chapter_goldens.py"
    expected = json.loads(golden.read_text(encoding="utf-8"))["cells"]
    problems = _compare(expected, _sandboxed(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_sandbox_prints_what_plain_exec_prints(path: Path) -> None:
    import numpy

    _reset_engine()
    plain = run_cells_trusted(load_cells(path), module_map(torch_twin, numpy))
    trusted = [
        {
            k: (
                normalize_addresses(v)
                if isinstance(v, str)
                else [normalize_addresses(w) for w in v]
                if isinstance(v, list)
                else v
            )
            for k, v in record.items()
        }
        for record in plain
    ]
    problems = _compare(trusted, _sandboxed(path))
    assert not problems, "\n".join(problems)
