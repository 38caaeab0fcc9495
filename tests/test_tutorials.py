"""The tutorial corpus runs as under PyTorch 2.13: issue 14's measuring stick.

tests/tutorials/cases/ holds gradviz's own learner-style scripts written in the manner of the
public teaching material (the PyTorch tutorials, pytorch/examples, Dive into Deep Learning in
English and Chinese, micrograd); tests/tutorials/README.md lists what each one exercises. Their
goldens (tests/tutorials/goldens/) were recorded from real torch 2.13 by
tools/record_tutorial_goldens.py. Each case runs the way ``gradviz run FILE`` runs it (the
sandboxed worker process with the default limits) and must print, cell for cell, what PyTorch
printed: stdout, the echo of a trailing expression, warnings and the exception line.

A case that does not match yet is listed in KNOWN_GAPS below with the first thing it stops on,
and is a strict xfail: whoever implements the missing piece sees the case XPASS (a failure) and
removes its entry, so the table only ever shrinks to what is still missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gradviz.cli.run import run_file
from gradviz.runner.capture import code_summary, normalize_addresses
from gradviz.runner.cells import CODE, load_cells
from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = REPO / "tests" / "tutorials" / "cases"
GOLDENS_DIR = REPO / "tests" / "tutorials" / "goldens"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.suffix in (".py", ".ipynb"))
FIELDS = ("stdout", "echo", "warnings", "exception")

# What each case stops on today: (kind, the first missing API or mismatch). Kinds: "missing API",
# "signature", "semantics", "numerics", "sandbox refusal", "time/memory". Remove an entry when its
# case passes (the strict xfail turns an unexpected pass into a failure that says so).
KNOWN_GAPS: dict[str, tuple[str, str]] = {
    "cnn_layers": ("numerics", "epoch-3 loss prints 1.114693, torch 1.114692 (float32 convolution sums)"),
    "examples_optim_dynamic_net": (
        "numerics",
        "RMSprop loss at step 29 prints 448.0945739746094, torch 448.094482421875",
    ),
    "examples_polynomial_custom_function": (
        "numerics",
        "torch.sin's SLEEF values (1 ulp from numpy's) show at step 39: 3.751929521560669, torch 3.75192928314209",
    ),
    "nlp_word_embeddings": (
        "numerics",
        "summed epoch losses differ in the 8th digit (52.73014974594116, torch 52.73014998435974)",
    ),
    "optimizers_schedulers": (
        "numerics",
        "amsgrad's loss prints 7.3043107986450195, torch 7.304310321807861 (MKL's float32 sqrt)",
    ),
}


def _golden_cells(path: Path) -> list[dict[str, Any]]:
    document = json.loads((GOLDENS_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
    return document["cells"]


def _as_record(result: CellResult) -> dict[str, Any]:
    return {
        "cell": result.index,
        "stdout": normalize_addresses(result.stdout),
        "echo": None if result.echo is None else normalize_addresses(result.echo),
        "warnings": [normalize_addresses(w) for w in result.warnings],
        "exception": None if result.error is None else normalize_addresses(result.error.headline),
    }


class RunnerBrokenError(RuntimeError):
    """The worker could not run the case at all: not a gap of the case, so never an xfail."""


# The default limits but for time: a tutorial's longest cell needs about 6 s of CPU, which the
# default 10 s of wall time does not cover on a busy 2-core machine; what is compared here is
# output, never speed (the time limit has its own tests).
TUTORIAL_LIMITS = Limits().with_changes(wall_time_s=300.0)


def run_case(path: Path) -> list[dict[str, Any]]:
    """The case run as ``gradviz run`` runs it: worker process, default limits but for time."""
    results = run_file(load_cells(path), TUTORIAL_LIMITS)
    for result in results:
        if result.error is not None and "worker process could not start" in result.error.message:
            raise RunnerBrokenError(result.error.headline)
    return [_as_record(r) for r in results]


def differences(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[str]:
    """Cell-by-cell differences, first one first (what a helper reads to find the gap)."""
    problems = [] if len(expected) == len(got) else [f"{len(got)} cells ran, {len(expected)} expected"]
    for want, have in zip(expected, got):
        for key in FIELDS:
            if want[key] != have[key]:
                problems.append(
                    f"cell {want['cell']} ({want['code'][:80]}) {key}:\n"
                    f"  expected {want[key]!r}\n  got      {have[key]!r}"
                )
    return problems


def _param(path: Path) -> Any:
    gap = KNOWN_GAPS.get(path.stem)
    # Only a mismatch (AssertionError) is the expected failure: a broken runner fails the test.
    marks = [] if gap is None else [pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"{gap[0]}: {gap[1]}")]
    return pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", [_param(p) for p in CASES])
def test_case_prints_what_pytorch_printed(path: Path) -> None:
    problems = differences(_golden_cells(path), run_case(path))
    assert not problems, "\n".join(problems[:6])


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_was_recorded_from_this_version_of_the_case(path: Path) -> None:
    """A case edited after its golden was recorded must be re-recorded (the cells' code is in the
    golden): /path/to/torchvenv/bin/python tools/record_tutorial_goldens.py NAME"""
    golden = GOLDENS_DIR / f"{path.stem}.json"
    assert golden.exists(), f"no golden for {path.name}: record it with tools/record_tutorial_goldens.py"
    recorded = [cell["code"] for cell in _golden_cells(path)]
    current = [code_summary(cell.source) for cell in load_cells(path) if cell.kind == CODE]
    assert recorded == current


def test_every_golden_and_every_known_gap_names_a_case() -> None:
    names = {p.stem for p in CASES}
    assert {g.stem for g in GOLDENS_DIR.glob("*.json")} == names
    assert set(KNOWN_GAPS) <= names
    kinds = {"missing API", "signature", "semantics", "numerics", "sandbox refusal", "time/memory"}
    assert {kind for kind, _ in KNOWN_GAPS.values()} <= kinds


def test_corpus_covers_full_length_loops_and_a_notebook() -> None:
    """Issue 14 holds gradviz to full-length tutorial loops and to notebooks as learners have
    them; the corpus must keep cases of both (a trimmed corpus would stop measuring them)."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in CASES}
    assert any("FULL-LENGTH" in text and "range(2000)" in text for text in texts.values())
    notebooks = [name for name in texts if name.endswith(".ipynb")]
    assert notebooks
    assert any("%matplotlib" in texts[n] and "!pip" in texts[n] and "display(" in texts[n] for n in notebooks)
