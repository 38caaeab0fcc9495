"""Ordering, scanning and selecting ops: cumsum, flip, logsumexp, amax / amin, sort, argsort,
topk, prod, masked_select.

Nodes save what PyTorch's save (dims as written: a negative one shows as its uint64 bit pattern).
sort and topk return ``torch.return_types`` pairs; their backward writes each grad back at the
index it came from (ScatterBackward0 under create_graph). Ties are ordered by position (a stable
sort), which is what PyTorch's CPU kernels give for the common cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd import dtypes, numerics
from gradviz.autograd.node import Grad
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, Attrs, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.ops.functional_more import ValuesIndices
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike

__all__ = ["amax", "amin", "argsort", "cumsum", "flip", "logsumexp", "masked_select", "prod", "sort", "topk"]


def _written(dim: int) -> int:
    return dim + 2**64 if dim < 0 else dim


def _wrap(dim: int, ndim: int) -> int:
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def _dims(dim: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(ndim))
    listed = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(_wrap(d, ndim) for d in listed)) if listed else tuple(range(ndim))


# -- cumsum and flip -----------------------------------------------------------------------------


def _cumsum_vjp(g: Grad, s: SavedView) -> Grad:
    axis = s.node.attrs["axis"]
    if s.graph_mode:
        t = cast("Tensor", g)
        return flip(cumsum(flip(t, [axis]), axis), [axis])
    array = cast("np.ndarray", g)
    if array.ndim == 0:
        return array
    return np.flip(np.cumsum(np.flip(array, axis), axis=axis, dtype=array.dtype), axis)


defop(
    "cumsum",
    "CumsumBackward0",
    ("self",),
    lambda a, axis, dim: np.cumsum(a, axis=axis, dtype=a.dtype) if a.ndim else a.copy(),
    {"self": VJP(("dim",), _cumsum_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim": attrs["dim"]},
    cases=(GradCase(((4,),), {"axis": 0, "dim": 0}), GradCase(((2, 3),), {"axis": 1, "dim": 2**64 - 1})),
)


def _flip_vjp(g: Grad, s: SavedView) -> Grad:
    axes = s.node.attrs["axes"]
    if s.graph_mode:
        return flip(cast("Tensor", g), list(axes))
    return np.flip(cast("np.ndarray", g), axes) if axes else g


defop(
    "flip",
    "FlipBackward0",
    ("self",),
    lambda a, axes, dims: np.ascontiguousarray(np.flip(a, axes)) if axes else a.copy(),
    {"self": VJP(("dims",), _flip_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dims": attrs["dims"]},
    cases=(GradCase(((4,),), {"axes": (0,), "dims": (0,)}), GradCase(((2, 3),), {"axes": (0, 1), "dims": (0, 1)})),
)


def cumsum(input: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
    """torch.cumsum / Tensor.cumsum: running sums along dim (integers and bools sum as int64)."""
    axis = _wrap(dim, input.dim())
    source = input
    if dtype is not None:
        source = input.to(dtypes.as_dtype(dtype))
    elif not input.dtype.is_floating_point:
        source = input.to(dtypes.int64)
    return call(OPS["cumsum"], (source,), {"axis": axis, "dim": _written(dim)})


def flip(input: Tensor, dims: int | Sequence[int]) -> Tensor:
    """torch.flip / Tensor.flip: the elements in reverse order along each of dims."""
    listed = [dims] if isinstance(dims, int) else list(dims)
    axes = tuple(_wrap(d, input.dim()) for d in listed)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return call(OPS["flip"], (input,), {"axes": axes, "dims": tuple(_written(d) for d in listed)})


# -- logsumexp, amax, amin -----------------------------------------------------------------------


def _keep(a: Grad, s: SavedView) -> Grad:
    """A reduced result or grad with its reduced dims put back (size 1), to broadcast."""
    if s.keepdim:
        return a
    return s.B.unsqueeze_dims(a, s.node.attrs["axes"])


def _logsumexp_forward(a: np.ndarray, axes: tuple[int, ...], dim: tuple[int, ...], keepdim: bool) -> np.ndarray:
    del dim
    if a.size == 0:
        return np.log(np.sum(np.exp(a), axis=axes, keepdims=keepdim))
    maxes = np.amax(a, axis=axes, keepdims=True)
    maxes = np.where(np.isinf(maxes), np.zeros((), a.dtype), maxes)
    shifted = (a - maxes).astype(np.float64)
    exps = np.exp(shifted).astype(a.dtype)
    total = numerics.sum(exps, axes, keepdims=keepdim)
    logs = np.log(total.astype(np.float64)).astype(a.dtype)
    return logs + (maxes if keepdim else np.squeeze(maxes, axis=axes))


def _logsumexp_vjp(g: Grad, s: SavedView) -> Grad:
    return _keep(g, s) * s.B.exp(s.self - _keep(s.result, s))


defop(
    "logsumexp",
    "LogsumexpBackward0",
    ("self",),
    _logsumexp_forward,
    {"self": VJP(("dim", "keepdim", "result", "self"), _logsumexp_vjp)},
    dtype_rule="float",
    save=lambda arrays, attrs: {"dim": attrs["dim"], "keepdim": attrs["keepdim"]},
    cases=(
        GradCase(((3, 4),), {"axes": (1,), "dim": (1,), "keepdim": False}),
        GradCase(((2, 3),), {"axes": (0, 1), "dim": (0, 1), "keepdim": True}),
    ),
)


def _extreme_vjp(g: Grad, s: SavedView) -> Grad:
    mask = s.self == _keep(s.result, s)
    if s.graph_mode:
        from gradviz.autograd.ops.functional import sum as tensor_sum

        counts = tensor_sum(cast("Tensor", mask).to(s.result.dtype), s.node.attrs["axes"], True)
        return _keep(g, s) * cast("Tensor", mask).to(s.result.dtype) / counts
    weights = cast("np.ndarray", mask).astype(s.result.dtype)
    counts = weights.sum(axis=s.node.attrs["axes"], keepdims=True)
    return _keep(g, s) * weights / counts


def _amax_forward(a: np.ndarray, axes: tuple[int, ...], dim: tuple[int, ...], keepdim: bool) -> np.ndarray:
    del dim
    return np.amax(a, axis=axes, keepdims=keepdim) if a.ndim else a.copy()


def _amin_forward(a: np.ndarray, axes: tuple[int, ...], dim: tuple[int, ...], keepdim: bool) -> np.ndarray:
    del dim
    return np.amin(a, axis=axes, keepdims=keepdim) if a.ndim else a.copy()


for _name, _node, _forward in (("amax", "AmaxBackward0", _amax_forward), ("amin", "AminBackward0", _amin_forward)):
    defop(
        _name,
        _node,
        ("self",),
        _forward,
        {"self": VJP(("dim", "keepdim", "result", "self"), _extreme_vjp)},
        dtype_rule="same",
        save=lambda arrays, attrs: {"dim": attrs["dim"], "keepdim": attrs["keepdim"]},
        cases=(
            GradCase(((3, 4),), {"axes": (1,), "dim": (1,), "keepdim": False}),
            GradCase(((2, 3),), {"axes": (0, 1), "dim": (), "keepdim": True}),
        ),
    )


def _reduction_attrs(input: Tensor, dim: int | Sequence[int] | None, keepdim: bool) -> Attrs:
    written: tuple[int, ...] = () if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    return {
        "axes": _dims(dim, input.dim()) if input.dim() else (),
        "dim": tuple(_written(d) for d in written),
        "keepdim": bool(keepdim),
    }


def logsumexp(input: Tensor, dim: int | Sequence[int], keepdim: bool = False) -> Tensor:
    """torch.logsumexp / Tensor.logsumexp: log(sum(exp(x))) along dim, computed stably."""
    return call(OPS["logsumexp"], (input,), _reduction_attrs(input, dim, keepdim))


def amax(input: Tensor, dim: int | Sequence[int] = (), keepdim: bool = False) -> Tensor:
    """torch.amax / Tensor.amax: the maximum over dim (every dim by default); ties share the grad."""
    return call(OPS["amax"], (input,), _reduction_attrs(input, dim, keepdim))


def amin(input: Tensor, dim: int | Sequence[int] = (), keepdim: bool = False) -> Tensor:
    """torch.amin / Tensor.amin: the minimum over dim (every dim by default); ties share the grad."""
    return call(OPS["amin"], (input,), _reduction_attrs(input, dim, keepdim))


# -- sort, argsort, topk -----------------------------------------------------------------------------


def _order(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    if a.ndim == 0:
        return np.zeros((), dtype=np.int64)
    if descending:
        # Stable on the negated values, so equal values keep their order; NaN sorts first.
        if a.dtype.kind == "f":
            keys = np.where(np.isnan(a), -np.inf, -a)
        else:
            keys = -a.astype(np.int64)
        return np.argsort(keys, axis=axis, kind="stable").astype(np.int64)
    return np.argsort(a, axis=axis, kind="stable").astype(np.int64)


def _select_vjp(g: Grad, s: SavedView) -> Grad:
    indices = s.node.attrs["indices"]
    axis = s.node.attrs["axis"]
    sizes = s.self_sym_sizes
    if s.graph_mode:
        from gradviz.autograd.ops.gather_scatter import scatter

        grad = cast("Tensor", g)
        zeros = _registry.Tensor._make(np.zeros(sizes, dtype=grad.dtype.np), grad.dtype)
        return scatter(zeros, axis, _registry.Tensor._make(indices, dtypes.int64), grad)
    array = cast("np.ndarray", g)
    out = np.zeros(sizes, dtype=array.dtype)
    if out.ndim == 0:
        return array.copy()
    np.put_along_axis(out, indices, array, axis=axis)
    return out


def _select_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {
        "dim": attrs["dim"],
        "indices": _registry.Tensor._make(attrs["indices"], dtypes.int64),
        "self_sym_sizes": tuple(arrays[0].shape),
    }


def _select_forward(a: np.ndarray, axis: int, indices: np.ndarray, dim: int) -> np.ndarray:
    del dim
    return np.take_along_axis(a, indices, axis=axis) if a.ndim else a.copy()


for _name, _node in (("sort", "SortBackward0"), ("topk", "TopkBackward0")):
    defop(
        _name,
        _node,
        ("self",),
        _select_forward,
        {"self": VJP(("dim", "indices", "self_sym_sizes"), _select_vjp)},
        dtype_rule="same",
        save=_select_save,
        cases=(GradCase(((3, 4),), {"axis": 1, "indices": np.array([[3, 0], [1, 2], [0, 3]]), "dim": 1}),),
    )


def _pair(kind: str, values: Tensor, indices: np.ndarray) -> ValuesIndices:
    from gradviz.autograd.ops.functional_more import _return_type

    return _return_type(kind)(kind, values, _registry.Tensor._make(indices, dtypes.int64))


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = None) -> ValuesIndices:
    """torch.sort / Tensor.sort: (values, indices) along dim; equal values keep their order."""
    del stable
    axis = _wrap(dim, input.dim())
    order = _order(input._data, axis, descending)
    values = call(OPS["sort"], (input,), {"axis": axis, "indices": order, "dim": _written(dim)})
    return _pair("sort", values, order)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """torch.argsort / Tensor.argsort: the indices that sort input along dim."""
    del stable
    axis = _wrap(dim, input.dim())
    return _registry.Tensor._make(_order(input._data, axis, descending), dtypes.int64)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
    """torch.topk / Tensor.topk: the k largest (or smallest) values along dim, largest first."""
    del sorted
    axis = _wrap(dim, input.dim())
    size = input.shape[axis] if input.dim() else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    order = _order(input._data, axis, largest)
    picked = np.take(order, np.arange(k), axis=axis) if input.dim() else order
    values = call(OPS["topk"], (input,), {"axis": axis, "indices": picked, "dim": _written(dim)})
    return _pair("topk", values, picked)


# -- prod and masked_select -------------------------------------------------------------------------


def _products_of_others(a: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of the others along ``axis`` (exact where there are zeros)."""
    ones = np.ones_like(np.take(a, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, a], axis=axis), axis=axis, dtype=a.dtype)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(a, axis)], axis=axis), axis=axis, dtype=a.dtype), axis)
    count = a.shape[axis]
    return np.take(left, np.arange(count), axis=axis) * np.take(right, np.arange(1, count + 1), axis=axis)


def _prod_vjp(g: Grad, s: SavedView) -> Grad:
    # PyTorch's prod_backward: (grad * result) / self without zeros, products of the others with.
    x = cast("np.ndarray", s.self)
    axis = s.node.attrs["axis"]
    grad = _keep(g, s) if axis is not None else g
    result = _keep(s.result, s) if axis is not None else s.result
    if not (x == 0).any():
        return grad * result / x
    if axis is None:
        flat = x.reshape(-1)
        return (grad * _products_of_others(flat, 0)).reshape(x.shape)
    return grad * _products_of_others(x, axis)


def _prod_forward(
    a: np.ndarray, axis: int | None, dim: int | None, keepdim: bool, axes: tuple[int, ...] = ()
) -> np.ndarray:
    del dim, axes
    if a.ndim == 0:
        return a.copy()
    return np.prod(a, axis=axis, keepdims=keepdim and axis is not None, dtype=a.dtype)


defop(
    "prod",
    "ProdBackward0",
    ("self",),
    _prod_forward,
    {"self": VJP(("result", "self"), _prod_vjp)},
    dtype_rule="same",
    cases=(GradCase(((2, 3),), {"axis": None, "dim": None, "keepdim": False}),),
    double_backward=False,
)
defop(
    "prod_dim",
    "ProdBackward1",
    ("self",),
    _prod_forward,
    {"self": VJP(("dim", "keepdim", "result", "self"), _prod_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim": attrs["dim"], "keepdim": attrs["keepdim"]},
    cases=(
        GradCase(((3, 4),), {"axis": 1, "dim": 1, "keepdim": False, "axes": (1,)}),
        GradCase(((2, 3),), {"axis": 0, "dim": 0, "keepdim": True, "axes": (0,)}),
    ),
    double_backward=False,
)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: DTypeLike | None = None) -> Tensor:
    """torch.prod / Tensor.prod: the product of all elements, or along dim (integers as int64)."""
    source = input
    if dtype is not None:
        source = input.to(dtypes.as_dtype(dtype))
    elif not input.dtype.is_floating_point:
        source = input.to(dtypes.int64)
    if dim is None:
        return call(OPS["prod"], (source,), {"axis": None, "dim": None, "keepdim": False})
    axis = _wrap(dim, input.dim())
    attrs = {"axis": axis, "dim": _written(dim), "keepdim": bool(keepdim), "axes": (axis,)}
    return call(OPS["prod_dim"], (source,), attrs)


def _masked_select_vjp(g: Grad, s: SavedView) -> Grad:
    mask = s.node.attrs["mask"]
    out = np.zeros(mask.shape, dtype=cast("np.ndarray", g).dtype)
    out[mask] = g
    return out


defop(
    "masked_select",
    "MaskedSelectBackward0",
    ("self",),
    lambda a, mask: np.broadcast_to(a, mask.shape)[mask],
    {"self": VJP(("mask", "self"), _masked_select_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"mask": _registry.Tensor._make(attrs["mask"], dtypes.bool_)},
    cases=(GradCase(((2, 3),), {"mask": np.array([[True, False, True], [False, True, True]])}),),
    double_backward=False,
)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """torch.masked_select / Tensor.masked_select: the elements where mask (broadcast) is True, 1-d."""
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    full_mask = np.ascontiguousarray(np.broadcast_to(mask._data, shape))
    return call(OPS["masked_select"], (input,), {"mask": full_mask})
