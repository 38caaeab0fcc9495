"""Op-table entries for the losses PyTorch computes in one kernel: ``smooth_l1_loss``
(SmoothL1LossBackward0), ``huber_loss`` (HuberLossBackward0), ``binary_cross_entropy``
(BinaryCrossEntropyBackward0) and ``binary_cross_entropy_with_logits``
(BinaryCrossEntropyWithLogitsBackward0). L1, KL divergence and label-smoothed cross entropy are
compositions of ordinary ops in PyTorch and are built that way in ``gradviz.torch.nn.functional``.

``reduction`` is PyTorch's enum (0 none, 1 mean, 2 sum). The elementwise losses follow ATen's CPU
formulas (binary cross entropy clamps each log at -100 and uses ``log1p(-x)``); the target, the
class weight and pos_weight are attributes here and become saved Tensors in the functional wrapper.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.activations import array_of
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop
from gradviz.autograd.random.float_math import libm_log, libm_log1p

__all__ = ["reduce_loss"]


def _plain(value: Any) -> Any:
    return value._data if hasattr(value, "_data") else value


def reduce_loss(losses: np.ndarray, reduction: int) -> np.ndarray:
    if reduction == 0:
        return losses
    if reduction == 2:
        return np.asarray(np.sum(losses), dtype=losses.dtype)
    return np.asarray(np.mean(losses), dtype=losses.dtype)


def _norm(s: SavedView, dtype: np.dtype) -> Any:
    if s.reduction == 1:
        numel = int(np.prod(s.input_shape(0), dtype=np.int64))
        return dtype.type(1.0 / numel) if numel else dtype.type(np.nan)
    return dtype.type(1)


def _expand_grad(g: Grad, s: SavedView) -> np.ndarray:
    return np.asarray(g) if s.reduction == 0 else np.broadcast_to(np.asarray(g), s.input_shape(0))


# -- smooth_l1_loss and huber_loss --------------------------------------------------------------------


def _smooth_l1(a: np.ndarray, b: np.ndarray, reduction: int, beta: float) -> np.ndarray:
    z = np.abs(a - b)
    if beta == 0:
        losses = z
    else:
        beta_t = a.dtype.type(beta)
        losses = np.where(z < beta_t, a.dtype.type(0.5) * z * z / beta_t, z - a.dtype.type(0.5) * beta_t)
    return reduce_loss(losses.astype(a.dtype), reduction)


def _smooth_l1_vjp(sign: int) -> Any:
    def vjp(g: Grad, s: SavedView) -> Grad:
        g = array_of(g)
        x = s.self - s.target
        dtype = x.dtype
        norm = _norm(s, dtype)
        beta = dtype.type(s.beta)
        if s.beta == 0:
            slope = np.sign(x) * norm
        else:
            slope = np.where(x <= -beta, -1 * norm, np.where(x >= beta, norm, norm * x / beta))
        return (sign * slope * _expand_grad(g, s)).astype(dtype)

    return vjp


_SMOOTH_NEEDS = ("self", "target", "reduction", "beta")
defop(
    "smooth_l1_loss",
    "SmoothL1LossBackward0",
    ("self", "target"),
    _smooth_l1,
    {"self": VJP(_SMOOTH_NEEDS, _smooth_l1_vjp(1)), "target": VJP(_SMOOTH_NEEDS, _smooth_l1_vjp(-1))},
    save=lambda arrays, attrs: {"reduction": attrs["reduction"], "beta": float(attrs["beta"])},
    cases=(
        GradCase(((3, 2), (3, 2)), {"reduction": 1, "beta": 1.0}),
        GradCase(((4,), (4,)), {"reduction": 2, "beta": 0.5}),
        GradCase(((2, 2), (2, 2)), {"reduction": 0, "beta": 2.0}),
    ),
    double_backward=False,
)


def _huber(a: np.ndarray, b: np.ndarray, reduction: int, delta: float) -> np.ndarray:
    z = np.abs(a - b)
    d = a.dtype.type(delta)
    half = a.dtype.type(0.5)
    losses = np.where(z < d, half * z * z, d * (z - half * d))
    return reduce_loss(losses.astype(a.dtype), reduction)


def _huber_vjp(sign: int) -> Any:
    def vjp(g: Grad, s: SavedView) -> Grad:
        g = array_of(g)
        x = s.self - s.target
        dtype = x.dtype
        norm = _norm(s, dtype)
        delta = dtype.type(s.delta)
        slope = np.where(x <= -delta, -1 * norm * delta, np.where(x >= delta, norm * delta, norm * x))
        return (sign * slope * _expand_grad(g, s)).astype(dtype)

    return vjp


_HUBER_NEEDS = ("self", "target", "reduction", "delta")
defop(
    "huber_loss",
    "HuberLossBackward0",
    ("self", "target"),
    _huber,
    {"self": VJP(_HUBER_NEEDS, _huber_vjp(1)), "target": VJP(_HUBER_NEEDS, _huber_vjp(-1))},
    save=lambda arrays, attrs: {"reduction": attrs["reduction"], "delta": float(attrs["delta"])},
    cases=(
        GradCase(((3, 2), (3, 2)), {"reduction": 1, "delta": 1.0}),
        GradCase(((4,), (4,)), {"reduction": 0, "delta": 0.5}),
    ),
    double_backward=False,
)


# -- binary cross entropy --------------------------------------------------------------------------


def _log_or_floor(log: Any, values: np.ndarray, at_pole: np.ndarray, dtype: np.dtype) -> np.ndarray:
    safe = np.where(at_pole, dtype.type(0.5), values)
    return np.where(at_pole, dtype.type(-np.inf), log(safe).astype(dtype))


def bce_elementwise(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """ATen's CPU formula: (t - 1) * max(log1p(-x), -100) - t * max(log(x), -100)."""
    dtype = x.dtype
    floor = dtype.type(-100)
    # log(0) is -inf, clamped to -100 (the libm helpers raise on 0, so those entries are set apart)
    log1m = np.maximum(_log_or_floor(libm_log1p, -x, x == 1, dtype), floor)
    logx = np.maximum(_log_or_floor(libm_log, x, x == 0, dtype), floor)
    return ((t - dtype.type(1)) * log1m - t * logx).astype(dtype)


def _bce(a: np.ndarray, target: Any, weight: Any, reduction: int) -> np.ndarray:
    t = np.asarray(_plain(target)).astype(a.dtype)
    losses = bce_elementwise(a, t)
    w = _plain(weight)
    if w is not None:
        losses = (losses * np.asarray(w).astype(a.dtype)).astype(a.dtype)
    return reduce_loss(losses, reduction)


def _bce_save(arrays: list[np.ndarray], attrs: Attrs) -> Attrs:
    return {"target": attrs["target"], "weight": attrs["weight"], "reduction": attrs["reduction"]}


def _bce_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    x = s.self
    dtype = x.dtype
    t = np.asarray(_plain(s.target)).astype(dtype)
    eps = dtype.type(1e-12)
    grad = (x - t) / np.maximum((dtype.type(1) - x) * x, eps) * _expand_grad(g, s)
    w = _plain(s.weight)
    if w is not None:
        grad = grad * np.asarray(w).astype(dtype)
    return (grad * _norm(s, dtype)).astype(dtype)


def _bce_attrs(target: list[Any], weight: list[Any] | None, reduction: int) -> Attrs:
    return {
        "target": np.array(target),
        "weight": None if weight is None else np.array(weight),
        "reduction": reduction,
    }


defop(
    "binary_cross_entropy",
    "BinaryCrossEntropyBackward0",
    ("self",),
    _bce,
    {"self": VJP(("self", "target", "weight", "reduction"), _bce_vjp)},
    dtype_rule="same",
    save=_bce_save,
    cases=(
        GradCase(((3,),), _bce_attrs([0.0, 1.0, 0.3], None, 1), bounds=(0.05, 0.95)),
        GradCase(((2, 2),), _bce_attrs([[1.0, 0.0], [0.5, 1.0]], [[0.5, 2.0], [1.0, 1.5]], 2), bounds=(0.05, 0.95)),
    ),
    double_backward=False,
)


def log_sigmoid_array(x: np.ndarray) -> np.ndarray:
    """PyTorch's log_sigmoid: min(x, 0) - log1p(exp(-|x|))."""
    dtype = x.dtype
    return (np.minimum(x, dtype.type(0)) - np.log1p(np.exp(-np.abs(x)))).astype(dtype)


def _bce_logits(a: np.ndarray, target: Any, weight: Any, pos_weight: Any, reduction: int) -> np.ndarray:
    dtype = a.dtype
    t = np.asarray(_plain(target)).astype(dtype)
    log_sig = log_sigmoid_array(a)
    pw = _plain(pos_weight)
    if pw is not None:
        log_weight = (np.asarray(pw).astype(dtype) - dtype.type(1)) * t + dtype.type(1)
        log_sig = (log_sig * log_weight).astype(dtype)
    losses = ((dtype.type(1) - t) * a - log_sig).astype(dtype)
    w = _plain(weight)
    if w is not None:
        losses = (losses * np.asarray(w).astype(dtype)).astype(dtype)
    return reduce_loss(losses, reduction)


def _bce_logits_save(arrays: list[np.ndarray], attrs: Attrs) -> Attrs:
    return {
        "target": attrs["target"],
        "weight": attrs["weight"],
        "pos_weight": attrs["pos_weight"],
        "reduction": attrs["reduction"],
    }


def _bce_logits_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    x = s.self
    dtype = x.dtype
    t = np.asarray(_plain(s.target)).astype(dtype)
    sig = (dtype.type(1) / (dtype.type(1) + np.exp(-x))).astype(dtype)
    pw = _plain(s.pos_weight)
    if pw is not None:
        scaled = np.asarray(pw).astype(dtype) * t
        grad = (scaled + dtype.type(1) - t) * sig - scaled
    else:
        grad = sig - t
    grad = grad * _expand_grad(g, s)
    w = _plain(s.weight)
    if w is not None:
        grad = grad * np.asarray(w).astype(dtype)
    return (grad * _norm(s, dtype)).astype(dtype)


defop(
    "binary_cross_entropy_with_logits",
    "BinaryCrossEntropyWithLogitsBackward0",
    ("self",),
    _bce_logits,
    {"self": VJP(("self", "target", "weight", "pos_weight", "reduction"), _bce_logits_vjp)},
    dtype_rule="same",
    save=_bce_logits_save,
    cases=(
        GradCase(((3,),), {**_bce_attrs([0.0, 1.0, 0.3], None, 1), "pos_weight": None}),
        GradCase(
            ((2, 2),),
            {**_bce_attrs([[1.0, 0.0], [0.5, 1.0]], [0.5, 2.0], 2), "pos_weight": np.array([3.0, 0.5])},
        ),
        GradCase(((2, 3),), {**_bce_attrs([[1.0, 0.0, 0.5]] * 2, None, 0), "pos_weight": None}),
    ),
    double_backward=False,
)


# -- a multiply by a number inside ATen's own decompositions (label-smoothed cross entropy) ---------

defop(
    "mul_scalar",
    "MulBackward1",
    ("self",),
    lambda a, other: a * a.dtype.type(other),
    {"self": VJP(("other",), lambda g, s: g * s.other)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"other": attrs["other"]},
    cases=(GradCase(((3,),), {"other": 0.25}),),
)
