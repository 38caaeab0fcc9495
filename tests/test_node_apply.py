"""The engine runs every kind of node through one entry point, ``Node.apply``.

Each node class's ``apply`` is wrapped to record the nodes it ran; a backward that goes through a
table op, a leaf, several roots, an in-place write into a view and a custom Function must reach
each of them through ``apply`` (an engine path that bypassed it would leave a kind unrecorded).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import gradviz.torch as torch
from gradviz.autograd import engine, function
from gradviz.autograd.node import AccumulateGrad, BackwardRun, Node, NodeOutput
from gradviz.autograd.ops import copy_slices
from gradviz.autograd.ops.backend import NUMPY


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return 2 * x * g


KINDS = {
    "table op": Node,
    "AccumulateGrad": AccumulateGrad,
    "GraphRoot": engine.GraphRoot,
    "CopySlices": copy_slices.CopySlices,
    "AsStridedBackward0": copy_slices.AsStridedBackward,
    "custom Function": function._FunctionNode,
}


@pytest.fixture
def applied(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Node names each class's ``apply`` ran, keyed like KINDS."""
    seen: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for kind, cls in KINDS.items():
        original = cls.__dict__["apply"]

        def spy(self: Node, grads: Any, run: BackwardRun, _original: Any = original, _kind: str = kind) -> Any:
            seen[_kind].append(self.name())
            return _original(self, grads, run)

        monkeypatch.setattr(cls, "apply", spy)
    yield seen


def test_every_node_kind_runs_through_apply(applied: dict[str, list[str]]) -> None:
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    base = x * 2  # MulBackward0
    view = base[1:]
    view.mul_(3)  # base's grad_fn becomes CopySlices, view's AsStridedBackward0
    squared = Square.apply(view)  # SquareBackward
    loss_a = squared.sum()
    loss_b = base.sum()
    torch.autograd.backward([loss_a, loss_b])  # two roots: a GraphRoot feeds both

    assert "MulBackward0" in applied["table op"] and "SumBackward0" in applied["table op"]
    assert applied["AccumulateGrad"] == ["torch::autograd::AccumulateGrad"]
    assert applied["GraphRoot"] == ["torch::autograd::GraphRoot"]
    assert applied["CopySlices"] == ["torch::autograd::CopySlices"]
    assert applied["AsStridedBackward0"] == ["AsStridedBackward0"]
    assert applied["custom Function"] == ["SquareBackward"]
    # base is [2x0, 6x1, 6x2] after the write: d/dx of sum((6x[1:])^2) + sum(base)
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 6.0 + 72 * 2.0, 6.0 + 72 * 3.0])


def test_apply_returns_one_grad_per_edge_and_the_broadcast_reduction() -> None:
    a = torch.ones(2, 3, requires_grad=True, dtype=torch.float64)
    b = torch.ones(3, requires_grad=True, dtype=torch.float64)
    node = (a * b).grad_fn
    out = node.apply({0: np.full((2, 3), 2.0)}, BackwardRun(graph_mode=False, backend=NUMPY, events=None))
    assert isinstance(out, NodeOutput)
    assert [g.tolist() for g in out.grads] == [[[2.0] * 3] * 2, [4.0] * 3]
    assert out.reduced == {1: [2, 3]}  # b's grad was summed down from the broadcast shape


def test_a_node_without_grads_arriving_sends_none_on_every_edge() -> None:
    a = torch.ones(2, requires_grad=True)
    node = (a * a).grad_fn
    out = node.apply({}, BackwardRun(graph_mode=False, backend=NUMPY, events=None))
    assert out.grads == [None, None]


def test_accumulate_grad_records_a_zero_dim_grad_in_the_trace() -> None:
    from gradviz.autograd import trace

    traces: list[trace.BackwardTrace] = []
    unsubscribe = trace.subscribe(traces.append)
    try:
        x = torch.tensor(2.0, requires_grad=True)
        (x * x).backward()  # MulBackward0 over 0-d arrays sends a numpy scalar to AccumulateGrad
    finally:
        unsubscribe()
    (call,) = traces
    assert call.error is None
    (accumulated,) = [e for e in call.events if isinstance(e, trace.GradAccumulated)]
    assert float(accumulated.contribution.array) == 4.0
    assert accumulated.contribution.dtype == "float32"
