"""Order statistics and distinct values: ``median`` (of everything, MedianBackward0; along a dim,
MedianBackward1 with indices), ``kthvalue`` (KthvalueBackward0) and ``unique``.

Which index a tie reports is PyTorch's CPU kernels' choice, reproduced here: ``median`` along a dim
takes the element at position (n - 1) // 2 of the order by (value, index) (the first NaN if there
is one); ``kthvalue`` runs the same median-of-three quickselect PyTorch's CPU kernel runs (NaN
counts as the largest), so its tie-breaking follows that partitioning. ``unique`` on the CPU
returns sorted values either way; NaNs are never merged. Its result is differentiable in name
only: a backward through Unique2Backward0 / UniqueDimBackward0 raises, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import Grad
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, Attrs, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.ops.functional_more import ValuesIndices
    from gradviz.autograd.tensor import Tensor

__all__ = ["kthvalue", "median", "unique"]


def _constant(array: np.ndarray) -> Tensor:
    return _registry.Tensor._make(np.asarray(array, dtype=np.int64), dtypes.int64)


def _wrap(dim: int, ndim: int) -> int:
    from gradviz.autograd.ops.stacking import _wrap as wrap

    return wrap(dim, ndim)


# -- median of everything -----------------------------------------------------------------------------


def _median_all(a: np.ndarray) -> np.ndarray:
    flat = a.reshape(-1)
    if flat.size == 0:
        return np.asarray(np.nan, dtype=a.dtype)
    if a.dtype.kind == "f" and np.isnan(flat).any():
        return np.asarray(np.nan, dtype=a.dtype)
    return np.asarray(np.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2], dtype=a.dtype)


def _evenly_distribute(g: Grad, s: SavedView) -> Grad:
    """The grad shared equally by every element equal to the median (every NaN if it is NaN)."""
    x, result = s.self, s.result
    values = np.asarray(x._data if s.graph_mode else x)
    target = np.asarray(result._data if s.graph_mode else result)
    mask = np.isnan(values) if np.isnan(target) else values == target
    share = 1.0 / max(int(mask.sum()), 1)
    if s.graph_mode:
        return s.B.where(_registry.Tensor._make(mask, dtypes.bool_), g * share, 0.0)
    return np.where(mask, cast("np.ndarray", g) * share, 0.0)


defop(
    "median_all",
    "MedianBackward0",
    ("self",),
    _median_all,
    {"self": VJP(("result", "self"), _evenly_distribute)},
    dtype_rule="same",
    cases=(GradCase(((5,),)), GradCase(((2, 3),))),
)


# -- values and indices along a dim ------------------------------------------------------------------


def _select_forward(a: np.ndarray, axis: int, dim: int, keepdim: bool, indices: np.ndarray) -> np.ndarray:
    del dim
    if a.ndim == 0:
        return a.copy()
    picked = np.take_along_axis(a, np.expand_dims(indices, axis) if not keepdim else indices, axis)
    return picked if keepdim else np.squeeze(picked, axis)


def _select_vjp(g: Grad, s: SavedView) -> Grad:
    """Each grad back at the index its value came from (PyTorch's value_selecting_reduction_backward)."""
    attrs = s.node.attrs
    axis: int = attrs["axis"]
    shape: tuple[int, ...] = s.self_sym_sizes
    if not shape:
        return g
    indices = attrs["indices"] if attrs["keepdim"] else np.expand_dims(attrs["indices"], axis)
    if s.graph_mode:
        from gradviz.autograd.ops.gather_scatter import scatter

        t = cast("Tensor", g)
        grad = t if attrs["keepdim"] else t.unsqueeze(axis)
        zeros = _registry.Tensor._make(np.zeros(shape, dtype=t.dtype.np), t.dtype)
        return scatter(zeros, axis, _constant(indices), grad)
    array = cast("np.ndarray", g)
    out = np.zeros(shape, dtype=array.dtype)
    np.put_along_axis(out, indices, array if attrs["keepdim"] else np.expand_dims(array, axis), axis)
    return out


def _select_save(arrays: list[np.ndarray], attrs: Attrs) -> Attrs:
    return {
        "dim": attrs["dim"],
        "indices": _constant(attrs["indices"]),
        "keepdim": attrs["keepdim"],
        "self_sym_sizes": tuple(arrays[0].shape),
    }


_SELECT_CASES = (
    GradCase(((3, 4),), {"axis": 1, "dim": 1, "keepdim": False, "indices": np.array([0, 3, 2])}),
    GradCase(((3, 2),), {"axis": 0, "dim": 0, "keepdim": True, "indices": np.array([[2, 1]])}),
)

for _name, _node in (("median_dim", "MedianBackward1"), ("kthvalue", "KthvalueBackward0")):
    defop(
        _name,
        _node,
        ("self",),
        _select_forward,
        {"self": VJP(("dim", "indices", "keepdim", "self_sym_sizes"), _select_vjp)},
        dtype_rule="same",
        save=_select_save,
        cases=_SELECT_CASES,
    )


def _rows(a: np.ndarray, axis: int) -> np.ndarray:
    """``a`` with ``axis`` last, as a 2-d array of rows."""
    return np.moveaxis(a, axis, -1).reshape(-1, a.shape[axis])


def _per_row(a: np.ndarray, axis: int, pick: Callable[[np.ndarray], int]) -> np.ndarray:
    """The index ``pick`` chooses in every row along ``axis`` (shape of ``a`` without ``axis``)."""
    rows = _rows(a, axis)
    found = np.array([pick(row) for row in rows], dtype=np.int64)
    rest = tuple(np.delete(np.array(a.shape), axis))
    return found.reshape(rest)


def _median_index(row: np.ndarray) -> int:
    if row.dtype.kind == "f":
        nans = np.flatnonzero(np.isnan(row))
        if nans.size:
            return int(nans[0])
    order = np.argsort(row, kind="stable")  # ties by position: the order (value, index)
    return int(order[(row.size - 1) // 2])


def _greater_or_nan(x: float, y: float) -> bool:
    return bool((x != x and y == y) or x > y)


def _quickselect_index(row: np.ndarray, k: int) -> int:
    """The original index of the value that PyTorch's CPU quickselect leaves at position k."""
    values = [v.item() for v in row]
    index = list(range(len(values)))

    def swap(i: int, j: int) -> None:
        values[i], values[j] = values[j], values[i]
        index[i], index[j] = index[j], index[i]

    gt = _greater_or_nan
    left, right = 0, len(values) - 1
    while True:
        if right <= left:
            return index[k]
        if right == left + 1:
            if gt(values[left], values[right]):
                swap(left, right)
            return index[k]
        middle = (left + right) >> 1
        swap(middle, left + 1)
        if gt(values[left + 1], values[right]):
            swap(left + 1, right)
        if gt(values[left], values[right]):
            swap(left, right)
        if gt(values[left + 1], values[left]):
            swap(left + 1, left)
        i, j = left + 1, right
        pivot = values[left]
        while True:
            i += 1
            while gt(pivot, values[i]):
                i += 1
            j -= 1
            while gt(values[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(left, j)
        if j <= k:
            left = i
        if j >= k:
            right = j - 1


def _return(kind: str, values: Tensor, indices: np.ndarray) -> ValuesIndices:
    from gradviz.autograd.ops.functional_more import _return_type

    return _return_type(kind)(kind, values, _constant(indices))


def _require_sortable(kernel: str, input: Tensor) -> None:
    if input.dtype is dtypes.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """torch.median / Tensor.median: the lower median of everything, or (values, indices) along dim."""
    if dim is None:
        _require_sortable("median_cpu", input)
        return call(OPS["median_all"], (input,))
    _require_sortable("median_out", input)
    axis = _wrap(dim, input.dim())
    a = input._data
    if a.ndim and a.shape[axis] == 0:
        raise IndexError(f"median(): Expected reduction dim {axis} to have non-zero size.")
    indices = _per_row(a, axis, _median_index) if a.ndim else np.zeros((), np.int64)
    if keepdim and a.ndim:
        indices = np.expand_dims(indices, axis)
    attrs = {"axis": axis, "dim": dim + 2**64 if dim < 0 else dim, "keepdim": bool(keepdim), "indices": indices}
    return _return("median", call(OPS["median_dim"], (input,), attrs), indices)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """torch.kthvalue / Tensor.kthvalue: the k-th smallest value along dim (k from 1) and its index."""
    if input.dim():  # a 0-d tensor is its own k-th value, whatever its dtype
        _require_sortable("kthvalue_cpu", input)
    axis = _wrap(dim, input.dim())
    a = input._data
    size = a.shape[axis] if a.ndim else 1
    if not 0 < k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    indices = _per_row(a, axis, lambda row: _quickselect_index(row, k - 1)) if a.ndim else np.zeros((), np.int64)
    if keepdim and a.ndim:
        indices = np.expand_dims(indices, axis)
    attrs = {"axis": axis, "dim": dim + 2**64 if dim < 0 else dim, "keepdim": bool(keepdim), "indices": indices}
    return _return("kthvalue", call(OPS["kthvalue"], (input,), attrs), indices)


# -- unique ------------------------------------------------------------------------------------------------


def _not_differentiable(name: str) -> VJP:
    def vjp(g: Grad, s: SavedView) -> Grad:
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")

    return VJP((), vjp)


defop(
    "unique",
    "Unique2Backward0",
    ("self",),
    lambda a, values: values,
    {"self": _not_differentiable("_unique2")},
    dtype_rule="same",
)
defop(
    "unique_dim",
    "UniqueDimBackward0",
    ("self",),
    lambda a, values: values,
    {"self": _not_differentiable("unique_dim")},
    dtype_rule="same",
)


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Tensor | tuple[Tensor, ...]:
    """torch.unique / Tensor.unique: the distinct values (sorted), optionally with each element's
    position among them (return_inverse) and how often each occurs (return_counts); with ``dim``,
    the distinct slices along it."""
    del sorted  # the CPU kernels sort either way
    a = input._data
    if dim is None:
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
        inverse = inverse.reshape(a.shape)
        result = call(OPS["unique"], (input,), {"values": values})
    else:
        axis = _wrap(dim, input.dim())
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis, equal_nan=False)
        inverse = inverse.reshape(-1)
        result = call(OPS["unique_dim"], (input,), {"values": values})
    if not (return_inverse or return_counts):
        return result
    extras = [_constant(inverse)] if return_inverse else []
    if return_counts:
        extras.append(_constant(counts))
    return (result, *extras)
