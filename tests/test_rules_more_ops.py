"""Local rules with numbers for softmax, log_softmax, max/min, cat/stack, the losses and the common
activations (gradviz.backward.rules): each line's numbers, worked out, give the engine's grad."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gradviz.backward.numbers import format_number
from gradviz.backward.replay import vjp_view
from gradviz.backward.rules import node_rule
from gradviz.runner.session import Session

SCRIPT = """import torch
import torch.nn.functional as F
a = torch.tensor([[1., -2., 3.], [0.5, 2., -1.]], requires_grad=True)
t = torch.tensor([[0., 1., 2.], [1., 1., 1.]])
p = torch.tensor([0.2, 0.7, 0.9], requires_grad=True)
q = torch.tensor([0., 1., 1.])
cls = torch.tensor([2, 0])
total = (
    (F.softmax(a, dim=1) * t).sum()
    + a.max(dim=1)[0].sum() * 2
    + a.min()
    + (torch.cat([a, a * 2], dim=0) * torch.arange(12.).reshape(4, 3)).sum()
    + (torch.stack([p, p * 3], dim=0) * torch.tensor([[1.], [2.]])).sum()
    + F.mse_loss(a, t)
    + F.mse_loss(p, q, reduction="sum")
    + F.cross_entropy(a, cls)
    + F.binary_cross_entropy(p, q)
    + F.binary_cross_entropy_with_logits(p, q)
    + (a.clamp(min=0.5) * 2).sum()
    + a.clamp(-1, 1).sum()
    + F.leaky_relu(a, 0.1).sum()
    + F.softplus(a).sum()
    + F.silu(a).sum()
    + F.gelu(a).sum()
)
total.backward()
"""


@pytest.fixture(scope="module")
def run() -> tuple[dict, dict]:
    result = Session().run_cell(0, SCRIPT)
    assert result.error is None, result.error
    return result.graph, result.backward_calls[0]


def _views(run: tuple[dict, dict], name: str) -> list[dict]:
    _graph, call = run
    finished = [e["node_id"] for e in call["events"] if e["type"] == "node_finished"]
    return [v for v in (vjp_view(call, n) for n in finished) if v["name"].rsplit("::", 1)[-1] == name]


def _lines(run: tuple[dict, dict], name: str, lang: str = "en") -> list[tuple[dict, list[str]]]:
    graph, _call = run
    return [(view, node_rule(view, graph, lang).lines) for view in _views(run, name)]


def _sent(view: dict, slot: int = 0) -> np.ndarray:
    out = next(o for o in view["outputs"] if o["index"] == slot)
    return np.asarray(out["value"]["values"], dtype=float)


_SIGMOID = "(lambda v: 1 / (1 + math.exp(-v)))"
_CDF = "(lambda v: 0.5 * (1 + math.erf(v / math.sqrt(2))))"
_PDF = "(lambda v: math.exp(-v * v / 2) / math.sqrt(2 * math.pi))"


def _evaluate(numbers: str) -> float:
    """The substituted middle of a rule line, worked out (× ≤ ≥ σ Φ φ exp as Python)."""
    text = numbers.replace("×", "*").replace("≤", "<=").replace("≥", ">=")
    text = text.replace("exp(", "math.exp(")
    text = text.replace("σ(", _SIGMOID + "(").replace("Φ(", _CDF + "(").replace("φ(", _PDF + "(")
    return float(eval(text, {"math": math}))  # our own line: numbers and operators only


def _check(line: str, engine: float) -> bool:
    """``grad_x[i] = formula = numbers = result``: the result is the engine's grad, and the numbers
    work out to it (to the 4 significant digits they are written with). True when they were worked
    out (no symbol left among them)."""
    parts = line.split("   (")[0].split(" = ")
    assert parts[-1] == format_number(engine), (line, engine)
    if len(parts) < 4 or re.search(r"[A-Za-z]", re.sub(r"exp\(|\bif\b|\belse\b", "", parts[-2])):
        return False
    assert _evaluate(parts[-2]) == pytest.approx(engine, rel=2e-3, abs=2e-4), line
    return True


def _index(line: str) -> tuple[int, ...]:
    found = re.match(r"grad_\w+\[([\d, ]+)\]", line) or re.search(r"element \[([\d, ]+)\]", line)
    return tuple(int(i) for i in found.group(1).split(",")) if found else ()


@pytest.mark.parametrize(
    "name",
    [
        "SoftmaxBackward0",
        "LogSoftmaxBackward0",
        "MaxBackward0",
        "MinBackward1",
        "NllLossBackward0",
        "MseLossBackward0",
        "BinaryCrossEntropyBackward0",
        "BinaryCrossEntropyWithLogitsBackward0",
        "ClampBackward1",
        "LeakyReluBackward0",
        "SoftplusBackward0",
        "SiluBackward0",
        "GeluBackward0",
    ],
)
def test_numbers_work_out_to_the_engines_grad(run, name: str) -> None:
    found = _lines(run, name)
    assert found, name
    for view, lines in found:
        sent = _sent(view)
        numbered = [line for line in lines if line.startswith("grad_self") and " = " in line]
        assert numbered, lines
        worked = [_check(line, float(sent[_index(line)] if sent.ndim else sent)) for line in numbered]
        # max/nll read a grad rather than multiply; the BCE target is saved, not drawn (a symbol)
        if name not in ("MaxBackward0", "NllLossBackward0") and "BinaryCrossEntropy" not in name:
            assert any(worked), lines


def test_softmax_line_reads_as_the_rule(run) -> None:
    ((_view, lines),) = _lines(run, "SoftmaxBackward0")
    assert lines[0].startswith("grad_self[0, 0] = result × (grad - Σ(grad × result)) = ")
    assert lines[0].endswith("(element [0, 0] of [2, 3]; Σ along dim 1)")


def test_max_along_a_dim_names_the_winner(run) -> None:
    ((_view, lines),) = _lines(run, "MaxBackward0")
    assert lines == [
        "grad_self[0, 2] = grad[0] = 2   (self[0, 2] = 3 is the max along dim 1; the other elements get 0)"
    ]


def test_min_over_all_elements_names_the_ties(run) -> None:
    ((_view, lines),) = _lines(run, "MinBackward1")
    assert lines[0].startswith("grad_self[0, 1] = grad / k = 1 / 1 = 1   (self[0, 1] = -2 is the min, held by k = 1")


def test_nll_loss_gives_minus_grad_over_n_at_the_target(run) -> None:
    ((_view, lines),) = _lines(run, "NllLossBackward0")
    assert lines == [
        "grad_self[0, 2] = -grad / N = -1 / 2 = -0.5   (row 0's target class; N = 2 rows; the other classes get 0)"
    ]


def test_mse_mean_and_sum(run) -> None:
    graph, _ = run
    texts = [node_rule(view, graph).rule for view in _views(run, "MseLossBackward0")]
    assert "grad_self = grad × 2 × (self - target) / n;  grad_target = -grad × 2 × (self - target) / n" in texts
    assert "grad_self = grad × 2 × (self - target);  grad_target = -grad × 2 × (self - target)" in texts  # sum
    mean = next(lines for view, lines in _lines(run, "MseLossBackward0") if "/ 6" in lines[0])
    assert (
        mean[0]
        == "grad_self = grad × 2 × (self - target) / n = 1 × 2 × (1 - 0) / 6 = 0.3333   (element [0, 0] of [2, 3])"
    )


def test_cat_and_stack_say_which_part_of_the_grad(run) -> None:
    ((cat_view, cat),) = _lines(run, "CatBackward0")
    assert cat[0].startswith("grad_tensors0 = grad.narrow(0, 0, 2):  shape [4, 3] → [2, 3];  grad_tensors0[0, 0] = ")
    assert cat[1].startswith("grad_tensors1 = grad.narrow(0, 2, 2):  shape [4, 3] → [2, 3];  grad_tensors1[0, 0] = 6")
    assert float(cat[1].rsplit("= ", 1)[1]) == _sent(cat_view, 1)[0, 0] == 6.0  # row 2 of arange(12).reshape(4, 3)
    ((stack_view, stack),) = _lines(run, "StackBackward0")
    assert stack[1] == "grad_tensors1 = grad.select(0, 1):  shape [2, 3] → [3];  grad_tensors1[0] = 2"
    assert _sent(stack_view, 1)[0] == 2.0


def test_clamp_keeps_only_the_bounds_it_was_given(run) -> None:
    graph, _ = run
    rules = {node_rule(view, graph).rule for view in _views(run, "ClampBackward1")}
    assert rules == {"grad_self = grad × (self ≥ min)", "grad_self = grad × (min ≤ self ≤ max)"}


def test_new_rules_in_chinese(run) -> None:
    ((_view, lines),) = _lines(run, "NllLossBackward0", "zh")
    assert lines[0].endswith("(第 0 行的目标类别；N = 2 行；其余类别得到 0)")
    ((_view, soft),) = _lines(run, "SoftmaxBackward0", "zh")
    assert soft[0].endswith("([2, 3] 中的元素 [0, 0]; 沿维度 1 求和)")
    ((_view, low),) = _lines(run, "MinBackward1", "zh")
    assert "是最小值" in low[0]


MORE = """import torch
import torch.nn.functional as F
a = torch.tensor([[1., -2., 3.], [0.5, 2., -0.5]], requires_grad=True)
w = torch.tensor([[1., 2.], [3., 4.], [5., 6.]], requires_grad=True)
y = (
    (F.hardtanh(a) * 2).sum()
    + (F.logsigmoid(a) * 2).sum()
    + (F.celu(a, 2.0) * 3).sum()
    + a.masked_fill(a > 1, 0).sum()
    + a.index_select(1, torch.tensor([0, 0])).sum()
    + (a.gather(1, torch.tensor([[1], [2]])) * 5).sum()
    + F.embedding(torch.tensor([0, 2, 2]), w).sum()
    + a.transpose(0, 1).sum()
)
y.backward()
"""


@pytest.fixture(scope="module")
def more() -> tuple[dict, dict]:
    result = Session().run_cell(0, MORE)
    assert result.error is None, result.error
    return result.graph, result.backward_calls[0]


@pytest.mark.parametrize("name", ["HardtanhBackward0", "LogSigmoidBackward0", "CeluBackward0"])
def test_more_activations_work_out(more, name: str) -> None:
    ((view, lines),) = _lines(more, name)
    sent = _sent(view)
    assert any(_check(line, float(sent[_index(line)])) for line in lines), lines


def test_gathers_and_embeddings_write_their_dims_in(more) -> None:
    ((view, gather),) = _lines(more, "GatherBackward0")
    assert gather[0].startswith("grad_self = zeros_like(self).scatter_add(1, index, grad):  shape [2, 1] → [2, 3]")
    assert _sent(view)[0, 1] == 5.0  # row 0 gathered column 1
    ((_view, select),) = _lines(more, "IndexSelectBackward0")
    assert select[0].endswith("grad_self[0, 0] = 2")  # column 0 picked twice: its grads add up
    ((_view, transpose),) = _lines(more, "TransposeBackward0")
    assert transpose[0].startswith("grad_self = grad.transpose(0, 1)")
    ((_view, embedding),) = _lines(more, "EmbeddingBackward0")
    expected = "grad_weight = zeros_like(weight).index_add(0, indices, grad):  shape [3, 2] → [3, 2]"
    assert embedding[0].startswith(expected)
