"""More reductions: max/min (whole tensor and along a dim), var, std, vector norm.

``max()`` of a whole tensor splits the grad evenly between tied maxima (MaxBackward1); ``max(dim)``
sends it to the one index it returned (MaxBackward0), exactly PyTorch's two rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor


def _even_split(g: Grad, s: SavedView) -> Grad:
    hit = s.self == s.result
    return s.B.where(hit, g / hit.sum(), 0 * g)


for _name, _node, _fn in (("max_all", "MaxBackward1", np.max), ("min_all", "MinBackward1", np.min)):
    defop(
        _name,
        _node,
        ("self",),
        _fn,
        {"self": VJP(("result", "self"), _even_split)},
        dtype_rule="same",
        cases=(GradCase(((4,),)), GradCase(((2, 3),))),
    )


def _restore(g: Grad, s: SavedView) -> Grad:
    return g if s.keepdim or not s.self_sym_sizes else s.B.unsqueeze_dims(g, (s.dim,))


def _one_hot(s: SavedView) -> np.ndarray:
    """Constant mask: True at the index each reduced slice picked."""
    indices = s.indices
    idx = np.asarray(indices._data if hasattr(indices, "_data") else indices)
    shape = s.self_sym_sizes
    if not shape:
        return np.ones((), dtype=bool)
    if not s.keepdim:
        idx = np.expand_dims(idx, s.dim)
    positions = np.arange(shape[s.dim]).reshape([-1 if d == s.dim else 1 for d in range(len(shape))])
    return positions == idx


def _picked_vjp(g: Grad, s: SavedView) -> Grad:
    B = s.B
    full = B.expand(_restore(g, s), s.self_sym_sizes)
    return B.where(_one_hot(s), full, 0 * full)


def _dim_reduce_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    from gradviz.autograd.dtypes import int64
    from gradviz.autograd.tensor import Tensor

    a = arrays[0]
    arg = np.argmax if attrs["largest"] else np.argmin
    idx = arg(a, axis=attrs["dim"], keepdims=attrs["keepdim"]) if a.ndim else np.zeros((), np.int64)
    return {
        "dim": attrs["dim"],
        "indices": Tensor._make(np.asarray(idx, dtype=np.int64), int64),
        "keepdim": attrs["keepdim"],
        "self_sym_sizes": tuple(a.shape),
    }


def _dim_forward(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def forward(a: np.ndarray, dim: int, keepdim: bool, largest: bool) -> np.ndarray:
        return fn(a, axis=dim, keepdims=keepdim) if a.ndim else a.copy()

    return forward


_DIM_NEEDS = ("dim", "indices", "keepdim", "self_sym_sizes")
defop(
    "max_dim",
    "MaxBackward0",
    ("self",),
    _dim_forward(np.max),
    {"self": VJP(_DIM_NEEDS, _picked_vjp)},
    dtype_rule="same",
    save=_dim_reduce_save,
    cases=(
        GradCase(((2, 3),), {"dim": 1, "keepdim": False, "largest": True}),
        GradCase(((3, 2),), {"dim": 0, "keepdim": True, "largest": True}),
    ),
)
defop(
    "min_dim",
    "MinBackward0",
    ("self",),
    _dim_forward(np.min),
    {"self": VJP(_DIM_NEEDS, _picked_vjp)},
    dtype_rule="same",
    save=_dim_reduce_save,
    cases=(GradCase(((2, 3),), {"dim": 1, "keepdim": False, "largest": False}),),
)


def _dims_of(s: SavedView) -> tuple[int, ...]:
    """The reduced dims, normalised; every dim when the op reduced the whole tensor."""
    ndim = len(s.input_shape(0))
    if s.dim is None:
        return tuple(range(ndim))
    return tuple(sorted(d % ndim for d in s.dim)) if ndim else ()


def _restore_many(g: Grad, s: SavedView) -> Grad:
    if s.keepdim or s.dim is None:
        return g
    dims = _dims_of(s)
    return s.B.unsqueeze_dims(g, dims) if dims else g


def _count(s: SavedView) -> int:
    n = 1
    for d in _dims_of(s):
        n *= s.input_shape(0)[d]
    return n


def _correction(s: SavedView) -> int:
    return 1 if s.correction is None else s.correction


def _mean_all(x: Grad, s: SavedView) -> Grad:
    """``self.mean()`` of a whole tensor: MeanBackward0 under create_graph, as PyTorch records it."""
    if s.graph_mode:
        from gradviz.autograd.ops.functional import mean

        return mean(cast("Tensor", x))
    array = cast("np.ndarray", x)
    return array.mean(dtype=array.dtype)


def _zero_where(x: Grad, mask: Grad, s: SavedView) -> Grad:
    """``x.masked_fill_(mask, 0)`` (MaskedFillBackward0 under create_graph)."""
    if s.graph_mode:
        from gradviz.autograd.ops.functional_more import masked_fill

        return masked_fill(cast("Tensor", x), cast("Tensor", mask), 0.0)
    array = cast("np.ndarray", x)
    return np.where(cast("np.ndarray", mask), 0, array).astype(array.dtype)


def _var_grad(g: Grad, s: SavedView) -> Grad:
    """PyTorch's var_backward: (2 / (n - correction)) * grad * (self - self.mean(dims))."""
    B = s.B
    dims = _dims_of(s)
    whole = s.dim is None or not s.input_shape(0)
    mean = _mean_all(s.self, s) if whole else B.mean_keep(s.self, dims)
    grad = g if whole else _restore_many(g, s)
    return (2.0 / (_count(s) - _correction(s))) * grad * (s.self - mean)


def _var_vjp(g: Grad, s: SavedView) -> Grad:
    return _var_grad(g, s)


def _std_vjp(g: Grad, s: SavedView) -> Grad:
    """PyTorch's std_backward: var_backward of (grad / (result * 2)).masked_fill_(result == 0, 0)."""
    result = s.result
    return _var_grad(_zero_where(g / (result * 2), result == 0, s), s)


def _moment_forward(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def forward(a: np.ndarray, dim: tuple[int, ...] | None, correction: int | None, keepdim: bool) -> np.ndarray:
        axis = None if dim is None else tuple(dim)
        ddof = 1 if correction is None else correction
        return fn(a, axis=axis, ddof=ddof, keepdims=keepdim)

    return forward


def _moment_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {"correction": attrs["correction"], "dim": attrs["dim"], "keepdim": attrs["keepdim"]}


_MOMENT_CASES = (
    GradCase(((5,),), {"dim": None, "correction": None, "keepdim": False}),
    GradCase(((2, 4),), {"dim": (1,), "correction": 1, "keepdim": False}),
    GradCase(((3, 2),), {"dim": (0,), "correction": 0, "keepdim": True}),
)
defop(
    "var",
    "VarBackward0",
    ("self",),
    _moment_forward(np.var),
    {"self": VJP(("correction", "dim", "keepdim", "self"), _var_vjp)},
    dtype_rule="same",
    save=_moment_save,
    cases=_MOMENT_CASES,
)
defop(
    "std",
    "StdBackward0",
    ("self",),
    _moment_forward(np.std),
    {"self": VJP(("correction", "dim", "keepdim", "result", "self"), _std_vjp)},
    dtype_rule="same",
    save=_moment_save,
    cases=_MOMENT_CASES,
)


def _norm_forward(a: np.ndarray, ord: int, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    axis = None if dim is None else tuple(dim)
    magnitude = np.abs(a)
    if ord == 1:
        return np.sum(magnitude, axis=axis, keepdims=keepdim)
    # Scale by the largest entry so squaring neither overflows nor underflows.
    top = np.max(magnitude, axis=axis, keepdims=True) if a.size else np.zeros((), a.dtype)
    safe = np.where(top == 0, 1, top)
    out = safe * np.sqrt(np.sum((magnitude / safe) ** 2, axis=axis, keepdims=True))
    out = np.where(top == 0, 0, out)
    return out if keepdim else (np.squeeze(out, axis=axis) if axis is not None else out.reshape(()))


def _norm_vjp(g: Grad, s: SavedView) -> Grad:
    """PyTorch's norm_backward: self.sgn() * grad for p=1, grad * (self / norm).masked_fill_(norm == 0, 0)
    for p=2 (grad and norm unsqueezed back over the reduced dims first)."""
    B = s.B
    if s.ord == 1:
        return B.sgn(s.self) * _restore_many(g, s)
    norm = _restore_many(s.result, s)
    return _restore_many(g, s) * _zero_where(s.self / norm, norm == 0, s)


defop(
    "norm",
    "LinalgVectorNormBackward0",
    ("self",),
    _norm_forward,
    {"self": VJP(("dim", "keepdim", "ord", "result", "self"), _norm_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim": attrs["dim"], "keepdim": attrs["keepdim"], "ord": attrs["ord"]},
    cases=(
        GradCase(((4,),), {"ord": 2, "dim": None, "keepdim": False}),
        GradCase(((2, 3),), {"ord": 2, "dim": (1,), "keepdim": True}),
        GradCase(((2, 3),), {"ord": 1, "dim": (0,), "keepdim": False}, away_from_zero=True),
    ),
)
