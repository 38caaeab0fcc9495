"""Golden comparisons: every case script, run on gradviz.torch, prints what PyTorch 2.13 printed.

The JSON files were recorded by tools/record_goldens.py under real torch; this file never imports
torch. Each case runs in a fresh namespace through gradviz.runner.trusted_run.run_cells_trusted, with the same
capture semantics the recorder used, and every cell's stdout, exception line, warnings and echo
must match after memory addresses are normalised.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gradviz.runner.capture import code_summary, normalize_addresses
from gradviz.runner.cells import Cell, load_cells
from gradviz.runner.trusted_run import module_map, run_cells_trusted
from tests.paths import SEED_NOTEBOOK

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = REPO / "tests" / "goldens" / "cases"
SEED_EXPECTED = REPO / "tests" / "goldens" / "seed_expected.json"

CASES: list[tuple[str, Path, Path]] = [("seed", SEED_NOTEBOOK, SEED_EXPECTED)] + [
    (script.stem, script, script.with_suffix(".json")) for script in sorted(CASES_DIR.glob("*.py"))
]
COMPARED = ("stdout", "exception", "warnings", "echo")


def engine_modules() -> dict[str, ModuleType]:
    """What ``import torch`` (and friends) means in a golden script: gradviz's twin, real numpy,
    math. The one place the mapping is made; the recorder makes the same with real torch."""
    import numpy

    import gradviz.torch

    return module_map(gradviz.torch, numpy)


def reset_engine_state(torch_twin: ModuleType) -> None:
    """Start every case like the recorder does: grad mode on, random seed 0."""
    torch_twin.set_grad_enabled(True)
    torch_twin.manual_seed(0)


def _as_text(value: Any) -> list[str]:
    if value is None:
        return ["<None>"]
    if isinstance(value, list):
        return [f"[{n}] {item}" for n, item in enumerate(value)] or ["<no warnings>"]
    return str(value).splitlines() or ["<empty>"]


def describe_mismatch(cell: Cell, field: str, expected: Any, got: Any) -> str:
    """A readable report: the cell's code, then a unified diff PyTorch -> gradviz."""
    diff = difflib.unified_diff(
        _as_text(expected), _as_text(got), fromfile=f"{field} (PyTorch)", tofile=f"{field} (gradviz)", lineterm=""
    )
    code = "\n".join(f"    {line}" for line in cell.source.splitlines())
    return f"cell {cell.index} [{cell.title}] {field} differs\n  code:\n{code}\n" + "\n".join(diff)


def compare_run(cells: list[Cell], expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[str]:
    by_index = {cell.index: cell for cell in cells}
    problems: list[str] = []
    if len(expected) != len(got):
        problems.append(f"{len(got)} code cells ran, the golden has {len(expected)}")
    for want, have in zip(expected, got):
        cell = by_index[have["cell"]]
        for field in COMPARED:
            if field not in want:  # seed_expected.json predates the echo field
                continue
            value = have[field]
            if isinstance(value, str):
                value = normalize_addresses(value)
            elif isinstance(value, list):
                value = [normalize_addresses(item) for item in value]
            if value != want[field]:
                problems.append(describe_mismatch(cell, field, want[field], value))
    return problems


@pytest.mark.parametrize("name,script,golden", CASES, ids=[case[0] for case in CASES])
def test_golden_matches_its_script(name: str, script: Path, golden: Path) -> None:
    """The recording belongs to the current script (else re-run tools/record_goldens.py)."""
    assert golden.exists(), f"{golden.name} missing: run tools/record_goldens.py with the torch venv"
    expected = json.loads(golden.read_text(encoding="utf-8"))["cells"]
    code_cells = [cell for cell in load_cells(script) if cell.kind == "code"]
    assert [c["code"] for c in expected] == [code_summary(cell.source) for cell in code_cells], (
        f"{golden.name} is stale: re-record it"
    )


def test_every_golden_has_a_script() -> None:
    orphans = [path.name for path in CASES_DIR.glob("*.json") if not path.with_suffix(".py").exists()]
    assert not orphans


def test_there_are_many_cases() -> None:
    assert len(CASES) >= 26


@pytest.mark.parametrize("name,script,golden", CASES, ids=[case[0] for case in CASES])
def test_gradviz_prints_what_pytorch_printed(name: str, script: Path, golden: Path) -> None:
    modules = engine_modules()
    reset_engine_state(modules["torch"])
    cells = load_cells(script)
    expected = json.loads(golden.read_text(encoding="utf-8"))["cells"]
    got = run_cells_trusted(cells, modules)
    problems = compare_run(cells, expected, got)
    assert not problems, f"{name}: {len(problems)} difference(s) from PyTorch\n\n" + "\n\n".join(problems)
