"""Numerical gradient checks for the op table, random op chains, and a very deep chain.

Every op in ``gradviz.autograd.ops.OPS`` with GradCases is checked in float64 with central differences:
for a random cotangent v, the engine's grads must equal d<v, f(x)>/dx estimated numerically.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradviz.torch as torch
from gradviz.autograd.ops import OPS
from gradviz.autograd.ops.registry import GradCase, OpDef, call

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-7


def _sample(shape: tuple[int, ...], case: GradCase, rng: np.random.Generator) -> np.ndarray:
    return np.array(_draw(shape, case, rng), dtype=np.float64)


def _draw(shape: tuple[int, ...], case: GradCase, rng: np.random.Generator) -> Any:
    if case.bounds is not None:
        return rng.uniform(*case.bounds, size=shape)
    if case.positive:
        return rng.uniform(0.5, 2.0, size=shape)
    if case.away_from_zero:
        # Magnitudes in [0.4, 1.5] with random signs keep clear of kinks at 0 and at +-0.3.
        return rng.uniform(0.4, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return rng.uniform(-1.5, 1.5, size=shape)


def _forward(op: OpDef, arrays: list[np.ndarray], attrs: dict[str, Any], grad: bool) -> Any:
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=grad) for a in arrays]
    return tensors, call(op, tensors, dict(attrs))


def _numeric_vjp(op: OpDef, arrays: list[np.ndarray], attrs: dict[str, Any], v: np.ndarray) -> list[np.ndarray]:
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[i][idx] += EPS
            minus[i][idx] -= EPS
            f_plus = _forward(op, plus, attrs, False)[1]._data
            f_minus = _forward(op, minus, attrs, False)[1]._data
            g[idx] = np.sum(v * (f_plus - f_minus)) / (2 * EPS)
        grads.append(g)
    return grads


CASES = [(name, i) for name, op in sorted(OPS.items()) for i in range(len(op.cases)) if op.vjps]


def test_table_has_cases() -> None:
    # Differentiable ops without cases must be the deliberate few (kinks or constant grads).
    assert len(CASES) > 60


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_op_gradcheck(name: str, index: int) -> None:
    op = OPS[name]
    case = op.cases[index]
    rng = np.random.default_rng(zlib.crc32(f"{name}/{index}".encode()))
    arrays = [_sample(shape, case, rng) for shape in case.shapes]
    tensors, out = _forward(op, arrays, case.attrs, True)
    v = rng.standard_normal(out.shape)
    analytic = torch.autograd.grad(out, tensors, torch.tensor(v, dtype=torch.float64), allow_unused=True)
    numeric = _numeric_vjp(op, arrays, case.attrs, v)
    for input_name, a_grad, n_grad, tensor in zip(op.inputs, analytic, numeric, tensors):
        assert input_name in op.vjps
        assert a_grad is not None, f"{name}: no grad for {input_name}"
        assert a_grad.shape == tensor.shape
        np.testing.assert_allclose(a_grad._data, n_grad, rtol=RTOL, atol=ATOL, err_msg=f"{name} {input_name}")


def test_gradcheck_catches_a_wrong_vjp() -> None:
    """The check itself can fail: a deliberately wrong formula is caught."""
    from gradviz.autograd.ops.registry import VJP, prepare

    sin = OPS["sin"]
    wrong = prepare(
        OpDef(
            "sin_wrong",
            "SinBackward0",
            sin.inputs,
            sin.forward,
            {"self": VJP(("self",), lambda g, s: g * s.B.sin(s.self))},
            dtype_rule="float",
        )
    )
    arrays = [np.array([0.3, 1.1])]
    tensors, out = _forward(wrong, arrays, {}, True)
    v = np.ones(2)
    (analytic,) = torch.autograd.grad(out, tensors, torch.tensor(v, dtype=torch.float64))
    (numeric,) = _numeric_vjp(wrong, arrays, {}, v)
    assert not np.allclose(analytic._data, numeric, rtol=RTOL, atol=ATOL)


# -- random chains ----------------------------------------------------------------------------

UNARY = {
    "exp": lambda x: (x * 0.3).exp(),
    "sin": lambda x: x.sin(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "square": lambda x: x * x,
    "neg": lambda x: -x,
    "softplus_ish": lambda x: (x.exp() + 1).log(),
    "cube": lambda x: x**3 * 0.1,
    "sum_keep": lambda x: x.sum(-1, keepdim=True) if x.dim() else x,
    "mean_keep": lambda x: x.mean(0, keepdim=True) if x.dim() else x,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "maximum": lambda a, b: torch.maximum(a, b + 0.01),
}
SHAPES = [(), (3,), (2, 3), (2, 1), (1, 3)]


@st.composite
def chains(draw: Any) -> tuple[list[tuple[int, ...]], list[tuple[str, str, int]]]:
    n_leaves = draw(st.integers(1, 3))
    shapes = [draw(st.sampled_from(SHAPES)) for _ in range(n_leaves)]
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            steps.append(("unary", draw(st.sampled_from(sorted(UNARY))), 0))
        else:
            steps.append(("binary", draw(st.sampled_from(sorted(BINARY))), draw(st.integers(0, n_leaves - 1))))
    return shapes, steps


def _run_chain(leaves: list[Any], steps: list[tuple[str, str, int]]) -> Any:
    y = leaves[0]
    for kind, name, other in steps:
        y = UNARY[name](y) if kind == "unary" else BINARY[name](y, leaves[other])
    return (y * y).sum()


@settings(max_examples=40, deadline=None)
@given(chains(), st.integers(0, 2**31 - 1))
def test_random_chains_match_finite_differences(chain: Any, seed: int) -> None:
    shapes, steps = chain
    rng = np.random.default_rng(seed)
    arrays = [np.array(rng.uniform(-1.0, 1.0, size=s), dtype=np.float64) for s in shapes]
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = _run_chain(leaves, steps)
    analytic = torch.autograd.grad(out, leaves, allow_unused=True)
    for i, a in enumerate(arrays):
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            shifted = []
            for sign in (1.0, -1.0):
                moved = [x.copy() for x in arrays]
                moved[i][idx] += sign * EPS
                with torch.no_grad():
                    shifted.append(_run_chain([torch.tensor(x, dtype=torch.float64) for x in moved], steps).item())
            numeric[idx] = (shifted[0] - shifted[1]) / (2 * EPS)
        got = np.zeros_like(a) if analytic[i] is None else analytic[i]._data
        np.testing.assert_allclose(got, numeric, rtol=1e-4, atol=1e-6)


def test_zero_dim_float64_plus_python_float() -> None:
    t = torch.tensor(0.5, dtype=torch.float64)
    assert (t + 1.0).dtype is torch.float64


def test_ten_thousand_op_chain() -> None:
    x = torch.tensor([0.5, -0.25], dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001 + 0.0
    y.sum().backward()
    # d/dx of x * 1.0001**10000, applied one multiply at a time.
    expected = np.full(2, 1.0)
    for _ in range(10_000):
        expected = expected * 1.0001
    np.testing.assert_allclose(x.grad._data, expected, rtol=1e-12)
    assert y.grad_fn.name() == "AddBackward0"


# -- second derivatives -----------------------------------------------------------------------

SECOND = {
    "pow": (lambda x: (x**3).sum(), lambda a: 6 * a),
    "mul": (lambda x: (x * x * x).sum(), lambda a: 6 * a),
    "exp": (lambda x: x.exp().sum(), np.exp),
    "sin": (lambda x: x.sin().sum(), lambda a: -np.sin(a)),
    "tanh": (lambda x: x.tanh().sum(), lambda a: -2 * np.tanh(a) * (1 - np.tanh(a) ** 2)),
    "sigmoid": (
        lambda x: x.sigmoid().sum(),
        lambda a: (1 / (1 + np.exp(-a))) * (1 - 1 / (1 + np.exp(-a))) * (1 - 2 / (1 + np.exp(-a))),
    ),
    "mean_sq": (lambda x: (x * x).mean(), lambda a: np.full_like(a, 2 / a.size)),
    "norm": (lambda x: x.norm() ** 2, lambda a: np.full_like(a, 2.0)),
}


@pytest.mark.parametrize("name", sorted(SECOND))
def test_second_derivative_diagonal(name: str) -> None:
    f, expected = SECOND[name]
    a = np.array([0.3, -0.7, 1.2])
    x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h._data, expected(a), rtol=1e-10, atol=1e-12)


def test_second_derivative_through_mm() -> None:
    a = np.array([[0.5, -1.0], [2.0, 0.25]])
    w = np.array([[1.5, 0.5], [-0.5, 2.0]])
    x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64)
    (g,) = torch.autograd.grad(((x @ wt) ** 2).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    # g = 2 (x w) w^T, so d(sum g)/dx = 2 * ones @ (w w^T)
    np.testing.assert_allclose(h._data, 2 * np.ones((2, 2)) @ (w @ w.T), rtol=1e-12)


# -- second order over the table --------------------------------------------------------------


def _grad_total(op: OpDef, arrays: list[np.ndarray], attrs: dict[str, Any], create_graph: bool) -> Any:
    tensors, out = _forward(op, arrays, attrs, True)
    grads = torch.autograd.grad((out * out).sum(), tensors, create_graph=create_graph)
    return tensors, grads


SECOND_ORDER_CASES = [(name, i) for name, i in CASES if OPS[name].double_backward]
FIRST_ORDER_ONLY = sorted(name for name, op in OPS.items() if op.vjps and op.cases and not op.double_backward)


@pytest.mark.parametrize("name", FIRST_ORDER_ONLY)
def test_first_order_only_ops_refuse_double_backward_by_name(name: str) -> None:
    op = OPS[name]
    case = op.cases[0]
    arrays = [_sample(shape, case, np.random.default_rng(0)) for shape in case.shapes]
    with pytest.raises(NotImplementedError, match=f"double backward through {op.node_name}"):
        _grad_total(op, arrays, case.attrs, True)


@pytest.mark.parametrize("name,index", SECOND_ORDER_CASES, ids=[f"{n}-{i}" for n, i in SECOND_ORDER_CASES])
def test_op_second_order(name: str, index: int) -> None:
    """Differentiate the backward itself (create_graph=True): d/dx sum(grad of sum(f^2))."""
    op = OPS[name]
    case = op.cases[index]
    rng = np.random.default_rng(zlib.crc32(f"2/{name}/{index}".encode()))
    arrays = [_sample(shape, case, rng) for shape in case.shapes]
    tensors, grads = _grad_total(op, arrays, case.attrs, True)
    total = grads[0].sum()
    for g in grads[1:]:
        total = total + g.sum()
    analytic = torch.autograd.grad(total, tensors, allow_unused=True)

    def first_order_total(moved: list[np.ndarray]) -> float:
        return float(np.sum([g._data.sum() for g in _grad_total(op, moved, case.attrs, False)[1]]))

    for i, a in enumerate(arrays):
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[i][idx] += EPS
            minus[i][idx] -= EPS
            numeric[idx] = (first_order_total(plus) - first_order_total(minus)) / (2 * EPS)
        got = np.zeros_like(a) if analytic[i] is None else analytic[i]._data
        np.testing.assert_allclose(got, numeric, rtol=1e-4, atol=1e-5, err_msg=f"{name} input {i}")
