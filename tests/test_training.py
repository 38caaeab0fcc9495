"""Training loops from recorded backward calls: iterations, losses, grads that carry over."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from gradviz.backward.training import (
    GROWTH_CODE,
    detect_iterations,
    detect_loops,
    finite_losses,
    grad_growth,
    render_training,
)
from gradviz.runner.cells import load_cells
from gradviz.runner.session import Session
from tests.paths import EXAMPLES_DIR


def _run(path: Path) -> tuple[list[Any], list[dict[str, Any]], dict[str, str]]:
    results = Session().run_cells(load_cells(path))
    assert all(r.error is None for r in results), [r.error for r in results if r.error]
    calls = [c for r in results for c in r.backward_calls]
    names: dict[str, str] = {}
    for r in results:
        for node in (r.graph or {}).get("nodes", []):
            if node.get("kind") == "tensor" and node.get("name"):
                names.setdefault(node["id"], node["name"])
    return results, calls, names


def _lines_with(path: Path, text: str) -> list[int]:
    return [i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line]


def _printed_losses(stdout: str) -> list[float]:
    return [float(m) for m in re.findall(r"loss (-?\d+\.\d+)", stdout)]


@pytest.fixture(scope="module")
def forgot() -> tuple[list[Any], list[dict[str, Any]], dict[str, str]]:
    return _run(EXAMPLES_DIR / "forgot_zero_grad.py")


def test_forgot_zero_grad_has_two_loops_of_eight(forgot) -> None:
    results, calls, _ = forgot
    path = EXAMPLES_DIR / "forgot_zero_grad.py"
    loops = detect_loops(calls)
    assert [len(loop.iterations) for loop in loops] == [8, 8]
    assert [loop.line for loop in loops] == _lines_with(path, "loss.backward()")
    assert [it.call_index for it in detect_iterations(calls)] == list(range(16))
    printed = [_printed_losses(r.stdout) for r in results if "step 0" in r.stdout]
    assert len(printed) == 2
    for loop, losses in zip(loops, printed):
        assert [round(v, 4) for v in loop.losses] == losses  # the loss the learner printed (and torch)
        assert [i for i, _ in finite_losses(loop.iterations)] == list(range(8))
    assert loops[0].losses[0] == loops[1].losses[0]  # both loops start from the same model


def test_forgot_zero_grad_growth_only_in_the_buggy_loop(forgot) -> None:
    results, calls, names = forgot
    growth = grad_growth(detect_iterations(calls), names)
    assert [(g.name, g.loop, g.first, g.last) for g in growth] == [("model.bias", 0, 0, 7), ("model.weight", 0, 0, 7)]
    weight = growth[1]
    printed = [float(m) for m in re.findall(r"weight\.grad (-?\d+\.\d+)", results[2].stdout)]
    afters = [a["values"][0][0] for a in weight.afters]
    assert [round(v, 4) for v in afters] == printed
    # Each iteration starts from where the previous one ended: the ledger chains.
    assert weight.befores[0] is None
    assert [b["values"] for b in weight.befores[1:]] == [a["values"] for a in weight.afters[:-1]]
    assert weight.ledger_texts()[0] == "None -> +(-1.27) -> -1.27"


def test_growth_reason_renders_in_english_and_chinese(forgot) -> None:
    _, calls, names = forgot
    weight = next(g for g in grad_growth(detect_iterations(calls), names) if g.name == "model.weight")
    reason = weight.reason()
    assert reason.code == GROWTH_CODE
    assert reason.params["iterations"] == list(range(1, 9))
    en = render_training(reason, "en")
    zh = render_training(reason.to_dict(), "zh_CN")
    assert en.startswith("model.weight.grad kept adding up: iterations 1–8")
    assert "optimizer.zero_grad()" in en and "-1.27 -> +(-1.052) -> -2.322" in en
    assert "model.weight.grad 一直在累加" in zh and "第 1–8 次迭代" in zh
    unnamed = render_training({"code": GROWTH_CODE, "params": {"first": 1, "last": 2}}, "en")
    assert unnamed.startswith("a parameter.grad kept adding up: iterations 1–2")


def test_mlp_training_loop_is_found_and_zeroes_its_grads() -> None:
    path = EXAMPLES_DIR / "mlp_training.py"
    results, calls, names = _run(path)
    loops = detect_loops(calls)
    assert len(loops) == 1
    loop = loops[0]
    assert len(loop.iterations) == 60
    assert loop.line == _lines_with(path, "    loss.backward()")[0]
    printed = _printed_losses(next(r.stdout for r in results if "epoch  0" in r.stdout))
    assert [round(loop.losses[e], 4) for e in range(0, 60, 10)] == printed
    assert grad_growth(loop.iterations, names) == []


def test_a_reset_in_the_middle_splits_the_growth() -> None:
    code = (
        "import torch\n"
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "for i in range(5):\n"
        "    loss = (w * w).sum()\n"
        "    loss.backward()\n"
        "    if i == 2:\n"
        "        w.grad.zero_()\n"
    )
    result = Session().run_cell(0, code)
    assert result.error is None
    iterations = detect_iterations(result.backward_calls)
    assert [it.loss for it in iterations] == [5.0] * 5
    growth = grad_growth(iterations, {})
    assert [(g.first, g.last) for g in growth] == [(0, 2), (3, 4)]
    assert [a["values"] for a in growth[0].afters] == [[2.0, 4.0], [4.0, 8.0], [6.0, 8.0 + 4.0]]
    assert growth[1].befores[0]["values"] == [0.0, 0.0]  # zero_() keeps a tensor of zeros
    assert growth[0].name is None and "a parameter.grad" in render_training(growth[0].reason())


def test_zero_grad_every_iteration_means_no_growth() -> None:
    code = (
        "import torch\n"
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "for i in range(3):\n"
        "    (w * w).sum().backward()\n"
        "    w.grad.zero_()\n"
    )
    result = Session().run_cell(0, code)
    assert len(detect_iterations(result.backward_calls)) == 3
    assert grad_growth(detect_iterations(result.backward_calls)) == []


def _call(
    cell: int,
    line: int,
    roots: list[str] | None = None,
    values: list[Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    start: dict[str, Any] = {
        "type": "call_started",
        "kind": "backward",
        "roots": roots or ["t1"],
        "root_grads": [None],
        "nodes": [],
    }
    if values is not None:
        start["root_values"] = values
    return {"call_id": 0, "cell": cell, "line": line, "events": [start, *(events or [])]}


def test_loops_are_split_by_other_cells_but_not_other_lines() -> None:
    calls = [
        _call(1, 5, values=[1.0]),
        _call(1, 7, values=[9.0]),
        _call(1, 5, values=[2.0]),
        _call(2, 9),
        _call(1, 5, values=[3.0]),
        _call(1, 5, values=[4.0]),
        _call(3, 2),
    ]
    loops = detect_loops(calls)
    assert [(loop.cell, loop.line, loop.call_indices) for loop in loops] == [(1, 5, [0, 2]), (1, 5, [4, 5])]
    assert [loop.losses for loop in loops] == [[1.0, 2.0], [3.0, 4.0]]
    assert [it.loop for it in detect_iterations(calls)] == [0, 0, 1, 1]
    assert detect_loops(calls, min_iterations=3) == []


def test_missing_or_non_scalar_root_values_give_no_loss() -> None:
    calls = [
        _call(0, 1),
        _call(0, 1, values=[None]),
        _call(0, 1, roots=["a", "b"], values=[1.0, 2.0]),
        _call(0, 1, values=["nan"]),
    ]
    iterations = detect_iterations(calls)
    assert [it.loss for it in iterations][:3] == [None, None, None]
    assert iterations[3].loss != iterations[3].loss  # nan kept as nan...
    assert finite_losses(iterations) == []  # ...but not plotted
