"""Elementwise ops: arithmetic, unary math, comparisons.

VJP formulas follow PyTorch's derivatives (same operation order where it affects rounding).
Broadcast reduction is not done here: the engine sums each grad down to its input's shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradviz.autograd import numerics
from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

_BIN = (GradCase(((3,), (3,))), GradCase(((2, 3), (3,))), GradCase(((), (2, 2))), GradCase(((2, 1), (1, 3))))
_UN = (GradCase(((),)), GradCase(((4,),)), GradCase(((2, 3),)))
_UN_POS = tuple(GradCase(c.shapes, positive=True) for c in _UN)


def _rounded(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """float32 transcendental functions evaluated in float64 and rounded once: numpy's float32
    kernels can be an ulp off where PyTorch's are correctly rounded, and learners print .item()."""

    def forward(a: np.ndarray) -> np.ndarray:
        if a.dtype == np.float32:
            return fn(a.astype(np.float64)).astype(np.float32)
        return fn(a)

    forward.__name__ = fn.__name__
    return forward


def _alpha(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {"alpha": attrs.get("alpha", 1)}


def _add_fwd(a: np.ndarray, b: np.ndarray, alpha: float = 1) -> np.ndarray:
    return a + b if alpha == 1 else a + alpha * b


def _sub_fwd(a: np.ndarray, b: np.ndarray, alpha: float = 1) -> np.ndarray:
    return a - b if alpha == 1 else a - alpha * b


def _scaled(g: Grad, s: SavedView) -> Grad:
    return g if s.alpha == 1 else g * s.alpha


defop(
    "add",
    "AddBackward0",
    ("self", "other"),
    _add_fwd,
    {"self": VJP((), lambda g, s: g), "other": VJP(("alpha",), _scaled)},
    save=_alpha,
    cases=_BIN,
)
defop(
    "sub",
    "SubBackward0",
    ("self", "other"),
    _sub_fwd,
    {"self": VJP((), lambda g, s: g), "other": VJP(("alpha",), lambda g, s: -_scaled(g, s))},
    save=_alpha,
    cases=_BIN,
)
defop(
    "rsub",
    "RsubBackward1",
    ("self",),
    lambda a, other, alpha=1: other - (a if alpha == 1 else alpha * a),
    {"self": VJP(("alpha",), lambda g, s: -_scaled(g, s))},
    save=_alpha,
    cases=(GradCase(((3,),), {"other": 2.0}),),
)
defop(
    "mul",
    "MulBackward0",
    ("self", "other"),
    lambda a, b: a * b,
    {"self": VJP(("other",), lambda g, s: g * s.other), "other": VJP(("self",), lambda g, s: g * s.self)},
    cases=_BIN,
)
defop(
    "div",
    "DivBackward0",
    ("self", "other"),
    lambda a, b: a / b,
    {
        "self": VJP(("other",), lambda g, s: g / s.other),
        "other": VJP(("self", "other"), lambda g, s: -g * ((s.self / s.other) / s.other)),
    },
    dtype_rule="div",
    cases=tuple(GradCase(c.shapes, positive=True) for c in _BIN),
)
defop("neg", "NegBackward0", ("self",), lambda a: -a, {"self": VJP((), lambda g, s: -g)}, cases=_UN)
defop(
    "reciprocal",
    "ReciprocalBackward0",
    ("self",),
    lambda a: 1 / a,
    {"self": VJP(("result",), lambda g, s: -g * (s.result * s.result))},
    dtype_rule="float",
    cases=_UN_POS,
)


def _pow_scalar_vjp(g: Grad, s: SavedView) -> Grad:
    if s.exponent == 0:
        return s.B.zeros_like(s.self)
    return g * (s.exponent * s.self ** (s.exponent - 1))


defop(
    "pow",
    "PowBackward0",
    ("self",),
    lambda a, exponent: numerics.power(a, exponent),
    {"self": VJP(("self",), _pow_scalar_vjp)},
    save=lambda arrays, attrs: {"exponent": attrs["exponent"]},
    cases=(
        GradCase(((3,),), {"exponent": 2}),
        GradCase(((2, 2),), {"exponent": 3}),
        GradCase(((3,),), {"exponent": 0.5}, positive=True),
        GradCase(((),), {"exponent": -1.5}, positive=True),
    ),
)


def _pow_tensor_self(g: Grad, s: SavedView) -> Grad:
    B = s.B
    grad = g * (s.exponent * s.self ** (s.exponent - 1))
    return B.where(s.exponent == 0, 0.0, grad)


def _pow_tensor_exponent(g: Grad, s: SavedView) -> Grad:
    B = s.B
    grad = g * (s.result * B.log(s.self))
    return B.where((s.self == 0) & (s.exponent >= 0), 0.0, grad)


defop(
    "pow_tensor",
    "PowBackward1",
    ("self", "exponent"),
    lambda a, b: a**b,
    {
        "self": VJP(("self", "exponent"), _pow_tensor_self),
        "exponent": VJP(("self", "result", "exponent"), _pow_tensor_exponent),
    },
    cases=(GradCase(((3,), (3,)), positive=True), GradCase(((2, 3), (3,)), positive=True)),
)


def _pow_base_vjp(g: Grad, s: SavedView) -> Grad:
    grad = g * (s.result * float(np.log(s.self))) if s.self != 0 else 0.0 * g
    return grad


defop(
    "pow_scalar_base",
    "PowBackward2",
    ("exponent",),
    lambda e, base: base**e,
    {"exponent": VJP(("exponent", "result"), _pow_base_vjp)},
    save=lambda arrays, attrs: {"self": attrs["base"]},
    dtype_rule="float",
    cases=(GradCase(((3,),), {"base": 2.0}),),
)

defop(
    "exp",
    "ExpBackward0",
    ("self",),
    _rounded(np.exp),
    {"self": VJP(("result",), lambda g, s: g * s.result)},
    dtype_rule="float",
    cases=_UN,
)
defop(
    "log",
    "LogBackward0",
    ("self",),
    _rounded(np.log),
    {"self": VJP(("self",), lambda g, s: g / s.self)},
    dtype_rule="float",
    cases=_UN_POS,
)
defop(
    "sin",
    "SinBackward0",
    ("self",),
    _rounded(np.sin),
    {"self": VJP(("self",), lambda g, s: g * s.B.cos(s.self))},
    dtype_rule="float",
    cases=_UN,
)
defop(
    "cos",
    "CosBackward0",
    ("self",),
    _rounded(np.cos),
    {"self": VJP(("self",), lambda g, s: g * -s.B.sin(s.self))},
    dtype_rule="float",
    cases=_UN,
)


def _as_op(name: str, numpy_rule: Callable[..., Grad], *saved: str) -> Callable[[Grad, SavedView], Grad]:
    """A VJP that is itself a named op when the backward is recorded (create_graph=True), as
    PyTorch's tanh_backward/sigmoid_backward/threshold_backward are, so a second derivative shows
    TanhBackwardBackward0 and friends; over numpy it is the plain formula."""

    def vjp(g: Grad, s: SavedView) -> Grad:
        if s.graph_mode:
            from gradviz.autograd.ops.registry import OPS, call

            return call(OPS[name], (cast("Tensor", g), *(getattr(s, k) for k in saved)), _BACKWARD_ATTRS.get(name, {}))
        return numpy_rule(g, *(getattr(s, k) for k in saved))

    return vjp


_BACKWARD_ATTRS = {"threshold_backward": {"threshold": 0}}


def _tanh_bw(g: Any, y: Any) -> Any:
    return g * (1 - y * y)


def _sigmoid_bw(g: Any, y: Any) -> Any:
    return g * (1 - y) * y


def _threshold_bw(g: Any, y: Any, threshold: float = 0) -> Any:
    return g * (y > threshold)


defop(
    "tanh",
    "TanhBackward0",
    ("self",),
    _rounded(np.tanh),
    {"self": VJP(("result",), _as_op("tanh_backward", _tanh_bw, "result"))},
    dtype_rule="float",
    cases=_UN,
)
defop(
    "tanh_backward",
    "TanhBackwardBackward0",
    ("grad_output", "output"),
    _tanh_bw,
    {
        "grad_output": VJP(("output",), lambda g, s: _tanh_bw(g, s.output)),
        "output": VJP(("grad_output", "output"), lambda g, s: -2 * s.output * g * s.grad_output),
    },
    cases=(GradCase(((3,), (3,))),),
)


def _sigmoid(a: np.ndarray) -> np.ndarray:
    # Split by sign so large |a| neither overflows exp nor loses the tiny tail.
    out = np.empty_like(a)
    positive = a >= 0
    out[positive] = 1 / (1 + np.exp(-a[positive]))
    e = np.exp(a[~positive])
    out[~positive] = e / (1 + e)
    return out


defop(
    "sigmoid",
    "SigmoidBackward0",
    ("self",),
    _rounded(_sigmoid),
    {"self": VJP(("result",), _as_op("sigmoid_backward", _sigmoid_bw, "result"))},
    dtype_rule="float",
    cases=_UN,
)
defop(
    "sigmoid_backward",
    "SigmoidBackwardBackward0",
    ("grad_output", "output"),
    _sigmoid_bw,
    {
        "grad_output": VJP(("output",), lambda g, s: _sigmoid_bw(g, s.output)),
        "output": VJP(("grad_output", "output"), lambda g, s: g * s.grad_output * (1 - 2 * s.output)),
    },
    cases=(GradCase(((3,), (3,))),),
)
defop(
    "relu",
    "ReluBackward0",
    ("self",),
    lambda a: np.maximum(a, 0),
    {"self": VJP(("result",), _as_op("threshold_backward", _threshold_bw, "result"))},
    cases=tuple(GradCase(c.shapes, away_from_zero=True) for c in _UN),
)
defop(
    "threshold_backward",
    "ThresholdBackwardBackward0",
    ("grad_output", "self"),
    lambda g, y, threshold=0: _threshold_bw(g, y, threshold),
    {
        "grad_output": VJP(("self", "threshold"), lambda g, s: _threshold_bw(g, s.self, s.threshold)),
        "self": VJP((), lambda g, s: 0 * g),
    },
    save=lambda arrays, attrs: {"threshold": attrs.get("threshold", 0)},
    cases=(GradCase(((3,), (3,)), {"threshold": 0}, away_from_zero=True),),
)
defop(
    "sqrt",
    "SqrtBackward0",
    ("self",),
    np.sqrt,
    {"self": VJP(("result",), lambda g, s: g / (2 * s.result))},
    dtype_rule="float",
    cases=_UN_POS,
)
defop(
    "abs",
    "AbsBackward0",
    ("self",),
    np.abs,
    {"self": VJP(("self",), lambda g, s: g * s.B.sgn(s.self))},
    cases=tuple(GradCase(c.shapes, away_from_zero=True) for c in _UN),
)
defop("sign", "SignBackward0", ("self",), np.sign, {"self": VJP((), lambda g, s: 0 * g)}, cases=())
# torch.sgn: sign for real tensors; abs's backward records it (grad * self.sgn()).
defop("sgn", "SgnBackward0", ("self",), np.sign, {"self": VJP((), lambda g, s: 0 * g)}, cases=())


# Comparisons and logical ops produce bool tensors and never record a node.
for _name, _fn in (
    ("eq", np.equal),
    ("ne", np.not_equal),
    ("lt", np.less),
    ("le", np.less_equal),
    ("gt", np.greater),
    ("ge", np.greater_equal),
    ("logical_and", np.logical_and),
    ("logical_or", np.logical_or),
):
    defop(_name, f"{_name}", ("self", "other"), _fn, {}, dtype_rule="bool")
defop("logical_not", "logical_not", ("self",), np.logical_not, {}, dtype_rule="bool")

defop(
    "zero_fill",
    "ZeroBackward0",
    ("self",),
    lambda a, value=0: np.zeros_like(a),
    {"self": VJP((), lambda g, s: 0 * g)},
    dtype_rule="same",
    cases=(),
)
defop(
    "fill",
    "FillBackward2",
    ("self",),
    lambda a, value=0: np.full_like(a, value),
    {"self": VJP((), lambda g, s: 0 * g)},
    dtype_rule="same",
    cases=(),
)
defop(
    "copy",
    "CopyBackwards",
    ("self", "src"),
    lambda a, b: np.broadcast_to(b, a.shape).astype(a.dtype),
    {"self": VJP((), lambda g, s: 0 * g), "src": VJP((), lambda g, s: g)},
    dtype_rule="same",
    cases=(),
)
defop(
    "to_copy", "ToCopyBackward0", ("self",), lambda a: a, {"self": VJP((), lambda g, s: g)}, dtype_rule="same", cases=()
)


def _torch_remainder(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    mod = np.fmod(a, b)
    if mod.dtype.kind in "iu":
        return np.remainder(a, b)
    shift = (mod != 0) & ((np.asarray(b) < 0) != (mod < 0))
    return np.where(shift, mod + b, mod)


defop(
    "remainder",
    "RemainderBackward0",
    ("self",),
    lambda a, other: _torch_remainder(a, other),
    {"self": VJP((), lambda g, s: g)},
    cases=(GradCase(((4,),), {"other": 3.0}),),
)
defop(
    "remainder_tensor",
    "RemainderBackward1",
    ("self", "other"),
    _torch_remainder,
    {"self": VJP((), lambda g, s: g)},
    cases=(),
)
