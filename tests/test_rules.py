"""The player's local rules with the step's numbers written in (gradviz.backward.rules), headless."""

from __future__ import annotations

import pytest

from gradviz.autograd.ops.registry import OPS
from gradviz.backward.numbers import format_number
from gradviz.backward.replay import vjp_view
from gradviz.backward.rules import node_rule, rule_names
from gradviz.runner.session import Session

CLASSIC = """import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
"""

MIXED = """import torch
a = torch.tensor([[1., -2., 3.], [0.5, 2., -1.]], requires_grad=True)
b = torch.tensor([1., 2., 3.], requires_grad=True)
w = torch.ones(3, 2, requires_grad=True)
c = (a * b).tanh() - a.exp() / b + a.sigmoid() ** 2
d = (c @ w).t().reshape(4)
d.sum().backward()
"""


def _run(source: str) -> tuple[dict, dict]:
    result = Session().run_cell(0, source)
    assert result.error is None, result.error
    assert result.graph is not None and len(result.backward_calls) == 1
    return result.graph, result.backward_calls[0]


def _rules(source: str, lang: str = "en") -> dict[str, list[tuple[str | None, list[str]]]]:
    """Node name -> the rules of its nodes, in the order backward ran them."""
    graph, call = _run(source)
    out: dict[str, list[tuple[str | None, list[str]]]] = {}
    order = [e["node_id"] for e in call["events"] if e["type"] == "node_started"]
    for node_id in order:
        view = vjp_view(call, node_id)
        rule = node_rule(view, graph, lang)
        out.setdefault(view["name"], []).append((rule.rule, rule.lines))
    return out


def test_classic_example_numbers():
    rules = _rules(CLASSIC)
    (mean,) = rules["MeanBackward0"]
    assert mean[1] == ["grad_self = grad / numel = 1 / 4 = 0.25   (every element)"]
    times_three, y_times_y = rules["MulBackward0"]
    assert times_three[1][0] == "grad_self = grad × other = 0.25 × 3 = 0.75   (every element)"
    assert "not needed" in times_three[1][1]  # the 3 needs no grad
    assert y_times_y[1] == [
        "grad_self = grad × other = 0.75 × 3 = 2.25   (every element)",
        "grad_other = grad × self = 0.75 × 3 = 2.25   (every element)",
    ]
    (add,) = rules["AddBackward0"]
    assert add[1][0] == "grad_self = grad = 4.5   (every element)"
    assert add[0] == "grad_self = grad;  grad_other = grad × alpha"


def test_classic_example_in_chinese():
    rules = _rules(CLASSIC, "zh")
    (mean,) = rules["MeanBackward0"]
    assert mean[1] == ["grad_self = grad / numel = 1 / 4 = 0.25   (每个元素)"]
    times_three = rules["MulBackward0"][0]
    assert times_three[1][1] == "grad_other：不需要（不求梯度）"


def test_elementwise_small_tensor_per_element_and_broadcast_sum():
    rules = _rules(MIXED)
    (mul,) = rules["MulBackward0"]
    # a * b: a is 2x3 (six elements > SMALL_NUMEL): one representative element and the shape
    assert mul[1][0].startswith("grad_self = grad × other = ")
    assert mul[1][0].endswith("(element [0, 0] of [2, 3])")
    # b was broadcast from [3]: its grad is summed down, and the line says so
    assert any("summed from shape [2, 3] down to [3]" in line for line in mul[1])
    (tanh,) = rules["TanhBackward0"]
    assert tanh[1][0].startswith("grad_self = grad × (1 - result²) = 2 × (1 - 0.7616²) = 0.8399")  # tanh(1 * 1)
    (sigmoid,) = rules["SigmoidBackward0"]
    assert "× 0.7311 × (1 - 0.7311)" in sigmoid[1][0]
    (pow_,) = rules["PowBackward0"]
    assert "× 2 × 0.7311^(2-1)" in pow_[1][0]  # the saved exponent is a number, not a symbol
    (mm,) = rules["MmBackward0"]
    assert mm[0] == "grad_self = grad @ mat2ᵀ;  grad_mat2 = selfᵀ @ grad"
    assert mm[1][0].startswith("grad_self = grad @ mat2ᵀ:  shape [2, 2] → [2, 3];  grad_self[0, 0] = ")
    (t,) = rules["TBackward0"]
    assert "shape [2, 2] → [2, 2]" in t[1][0]
    (sums,) = rules["SumBackward0"]
    assert "grad copied to every element of [4]" in sums[1][0]


def test_every_line_ends_with_the_engines_number_and_never_minus_zero():
    graph, call = _run(MIXED)
    for event in call["events"]:
        if event["type"] != "node_finished":
            continue
        view = vjp_view(call, event["node_id"])
        for line in node_rule(view, graph).lines:
            assert "-0 " not in line + " " and "(-0)" not in line, line
        for out in view["outputs"]:
            value = out["value"]
            if value is None or out.get("reduced_from") or view["name"] not in ("ExpBackward0", "MulBackward0"):
                continue
            first = value["values"][0][0]
            assert any(
                line.split("   (")[0].endswith("= " + format_number(first)) for line in node_rule(view, graph).lines
            )


def test_rules_name_real_nodes_of_the_op_table():
    table = {op.node_name for op in OPS.values()}
    assert set(rule_names()) <= table | {"ReluBackward0"}


def test_unknown_node_says_so():
    rule = node_rule({"node_id": "n1", "name": "FooBackward0", "outputs": []}, None, "en")
    assert rule.rule is None and rule.lines == ["(no rule in the table for FooBackward0)"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.25, "0.25"), (4.5, "4.5"), (3, "3"), (3.0, "3"), (-0.0, "0"), (-0.00001, "-1e-05"), (2 / 3, "0.6667")],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_number_rounding_to_zero_drops_the_sign():
    assert format_number(-0.00001, digits=1) == "-1e-05"
    assert format_number(-1e-300 * 1e-300) == "0"
