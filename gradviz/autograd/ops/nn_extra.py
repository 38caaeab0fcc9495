"""The nodes of the less common activations and distances, as torch 2.13 records them:
PreluKernelBackward0 (PReLU, its weight viewed to broadcast along the channel dim),
HardswishBackward0, HardsigmoidBackward0, GluBackward0, ThresholdBackward0 / ThresholdBackward1
(in place: saves the result), and NormBackward1 (``at::norm(x, p, dim, keepdim)``, which
``pairwise_distance`` calls)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import VJP, GradCase, SavedView, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

# -- prelu -------------------------------------------------------------------------------------------

defop(
    "prelu_kernel",
    "PreluKernelBackward0",
    ("self", "weight"),
    lambda a, w: np.where(a > 0, a, w * a),
    {
        "self": VJP(("self", "weight"), lambda g, s: s.B.where(s.self > 0, g, g * s.weight)),
        "weight": VJP(("self", "weight"), lambda g, s: s.B.where(s.self > 0, 0.0, g * s.self)),
    },
    cases=(GradCase(((2, 3), (1, 1)), away_from_zero=True), GradCase(((2, 3, 2), (1, 3, 1)), away_from_zero=True)),
)


# -- hardswish, hardsigmoid --------------------------------------------------------------------------


def _hardswish(a: np.ndarray) -> np.ndarray:
    return a * np.clip(a + 3, 0, 6) / 6


def _hardswish_vjp(g: Grad, s: SavedView) -> Grad:
    x = s.self
    B = s.B
    return B.where(x <= -3, 0.0, B.where(x < 3, g * (x / 3 + 0.5), g))


def _hardsigmoid_vjp(g: Grad, s: SavedView) -> Grad:
    x = s.self
    return s.B.where((x > -3) & (x < 3), g / 6, 0.0)


_KINKED = (GradCase(((7,),), bounds=(-5.0, 5.0)), GradCase(((2, 3),), bounds=(-2.5, 2.5)))

defop(
    "hardswish",
    "HardswishBackward0",
    ("self",),
    _hardswish,
    {"self": VJP(("self",), _hardswish_vjp)},
    dtype_rule="same",
    cases=_KINKED,
)
defop(
    "hardsigmoid",
    "HardsigmoidBackward0",
    ("self",),
    lambda a: np.clip(a + 3, 0, 6) / 6,
    {"self": VJP(("self",), _hardsigmoid_vjp)},
    dtype_rule="same",
    cases=_KINKED,
)


# -- glu ---------------------------------------------------------------------------------------------


def _halves(a: Grad, axis: int) -> tuple[Grad, Grad]:
    size = a.shape[axis] // 2
    if isinstance(a, np.ndarray):
        first, second = np.split(a, 2, axis=axis)
        return first, second
    from gradviz.autograd.ops.split_ops import narrow

    return narrow(a, axis, 0, size), narrow(a, axis, size, size)


def _sigmoid(x: Grad, s: SavedView) -> Grad:
    return 1 / (s.B.exp(-x) + 1)


def _glu_forward(a: np.ndarray, axis: int, dim: int) -> np.ndarray:
    del dim
    first, second = np.split(a, 2, axis=axis)
    return first / (1 + np.exp(-second))


def _glu_vjp(g: Grad, s: SavedView) -> Grad:
    axis: int = s.node.attrs["axis"]
    first, second = _halves(s.self, axis)
    gate = _sigmoid(second, s)
    grad_first = g * gate
    grad_second = g * first * gate * (1 - gate)
    if s.graph_mode:
        from gradviz.autograd.ops.functional_more import cat

        return cat([cast("Tensor", grad_first), cast("Tensor", grad_second)], axis)
    return np.concatenate([cast("np.ndarray", grad_first), cast("np.ndarray", grad_second)], axis=axis)


defop(
    "glu",
    "GluBackward0",
    ("self",),
    _glu_forward,
    {"self": VJP(("dim", "self"), _glu_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim": attrs["dim"]},
    cases=(GradCase(((2, 4),), {"axis": 1, "dim": 2**64 - 1}), GradCase(((4, 3),), {"axis": 0, "dim": 0})),
)


# -- threshold ---------------------------------------------------------------------------------------


def _threshold_forward(a: np.ndarray, threshold: float, value: float) -> np.ndarray:
    return np.where(a > threshold, a, np.asarray(value).astype(a.dtype))


defop(
    "threshold",
    "ThresholdBackward0",
    ("self",),
    _threshold_forward,
    {"self": VJP(("self", "threshold"), lambda g, s: s.B.where(s.self > s.threshold, g, 0.0))},
    dtype_rule="same",
    save=lambda arrays, attrs: {"threshold": attrs["threshold"]},
    cases=(GradCase(((2, 3),), {"threshold": 0.3, "value": -2.0}, away_from_zero=True),),
)
defop(
    "threshold_",
    "ThresholdBackward1",
    ("self",),
    _threshold_forward,
    {"self": VJP(("result", "threshold"), lambda g, s: s.B.where(s.result > s.threshold, g, 0.0))},
    dtype_rule="same",
    save=lambda arrays, attrs: {"threshold": attrs["threshold"]},
    cases=(GradCase(((2, 3),), {"threshold": 0.3, "value": 0.0}, away_from_zero=True),),
)


# -- norm(x, p, dim, keepdim) ------------------------------------------------------------------------


def _pnorm_forward(a: np.ndarray, p: float, axes: tuple[int, ...], dim: tuple[int, ...], keepdim: bool) -> np.ndarray:
    del dim
    magnitude = np.abs(a)
    if p == float("inf"):
        return np.amax(magnitude, axis=axes, keepdims=keepdim)
    if p == 0:
        return np.sum(magnitude != 0, axis=axes, keepdims=keepdim).astype(a.dtype)
    if p == 1:
        return np.sum(magnitude, axis=axes, keepdims=keepdim)
    if p == 2:
        return np.sqrt(np.sum(a * a, axis=axes, keepdims=keepdim))
    return np.sum(magnitude**p, axis=axes, keepdims=keepdim) ** (1 / p)


def _pnorm_vjp(g: Grad, s: SavedView) -> Grad:
    """PyTorch's norm_backward: sgn for p=1, x/norm for p=2 (0 where the norm is 0), the share of
    the largest magnitudes for p=inf, x|x|^(p-2)/norm^(p-1) otherwise."""
    B = s.B
    p: float = s.p
    axes: tuple[int, ...] = s.node.attrs["axes"]
    if not s.keepdim:
        g = B.unsqueeze_dims(g, axes)
        norm = B.unsqueeze_dims(s.result, axes)
    else:
        norm = s.result
    x = s.self
    if p == 0:
        return x * 0
    if p == 1:
        return B.sgn(x) * g
    if p == 2:
        return B.where(norm == 0, 0.0, x * (g / norm))
    if p == float("inf"):
        magnitude = x * B.sgn(x)
        hits = B.where(magnitude == norm, 1.0, 0.0)
        counts = B.unsqueeze_dims(B.sum_dims(hits, axes), axes)
        return B.sgn(x) * (g / counts * hits)
    magnitude = x * B.sgn(x)
    scaled = x * magnitude ** (p - 2) * g / norm ** (p - 1)
    return B.where(norm == 0, 0.0, scaled)


defop(
    "norm_p",
    "NormBackward1",
    ("self",),
    _pnorm_forward,
    {"self": VJP(("dim", "keepdim", "p", "result", "self"), _pnorm_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim": attrs["dim"], "keepdim": attrs["keepdim"], "p": attrs["p"]},
    cases=(
        GradCase(((2, 4),), {"p": 2.0, "axes": (1,), "dim": (1,), "keepdim": False}),
        GradCase(((2, 4),), {"p": 1.0, "axes": (1,), "dim": (1,), "keepdim": True}, away_from_zero=True),
        GradCase(((3, 2),), {"p": 3.0, "axes": (0,), "dim": (0,), "keepdim": False}, away_from_zero=True),
        GradCase(((2, 3),), {"p": float("inf"), "axes": (1,), "dim": (1,), "keepdim": False}, away_from_zero=True),
    ),
)
