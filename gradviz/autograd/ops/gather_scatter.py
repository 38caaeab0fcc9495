"""Index ops along one dimension: gather, scatter, scatter_add, index_select, index_add,
take_along_dim.

The index tensor is an attribute of the node (it is never differentiated), kept as an int64 array
and shown as ``_saved_index``. Every VJP is another op of this module, so ``create_graph=True``
records the nodes PyTorch's formulas record (gather's backward is a ScatterAddBackward0, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import Grad
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, Attrs, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import Scalar

__all__ = ["gather", "index_add", "index_select", "scatter", "scatter_add", "take_along_dim"]

_TYPE_NAMES = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


# -- numpy kernels ------------------------------------------------------------------------------


def _along(index: np.ndarray, dim: int) -> tuple[Any, ...]:
    """The numpy key that reads, at each position of ``index``, the element it names along ``dim``."""
    key: list[Any] = list(np.indices(index.shape, sparse=True))
    key[dim] = index
    return tuple(key)


def _as_1d(a: np.ndarray) -> np.ndarray:
    return a.reshape(1) if a.ndim == 0 else a


def _gather_np(a: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    out = _as_1d(a)[_along(_as_1d(index), dim)]
    return out.reshape(index.shape)


def _scatter_np(a: np.ndarray, src: np.ndarray | Scalar, dim: int, index: np.ndarray, add: bool) -> np.ndarray:
    out = _as_1d(a.copy())
    idx = _as_1d(index)
    key = _along(idx, dim)
    if isinstance(src, np.ndarray):
        values = _as_1d(src)[tuple(slice(0, n) for n in idx.shape)]
    else:
        values = np.asarray(src).astype(a.dtype)
    if add:
        np.add.at(out, key, values)
    else:
        out[key] = values
    return out.reshape(a.shape)


def _index_select_np(a: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    if a.ndim == 0:  # a scalar stays a scalar, whatever the (one-element) index's shape
        return a.copy()
    return np.take(a, index.reshape(-1), axis=dim)


def _index_add_np(a: np.ndarray, source: np.ndarray, dim: int, index: np.ndarray, alpha: Scalar) -> np.ndarray:
    out = _as_1d(a.copy())
    src = _as_1d(source)
    if alpha != 1:
        src = src * np.asarray(alpha).astype(a.dtype)
    key: list[Any] = [slice(None)] * out.ndim
    key[dim] = index.reshape(-1)
    np.add.at(out, tuple(key), src.reshape(out[tuple(key)].shape))
    return out.reshape(a.shape)


def _index_tensor(index: np.ndarray) -> Tensor:
    return _registry.Tensor._make(index, dtypes.int64)


def _save_index(arrays: list[np.ndarray], attrs: Attrs) -> Attrs:
    return {"dim": attrs["dim"], "index": _index_tensor(attrs["index"])}


# -- the table entries ----------------------------------------------------------------------------


def _gather_vjp(g: Grad, s: SavedView) -> Grad:
    if s.graph_mode:
        grad = cast("Tensor", g)
        zeros = _registry.Tensor._make(np.zeros(s.input_shape(0), dtype=grad.dtype.np), grad.dtype)
        return scatter_add(zeros, s.dim, _index_tensor(s.node.attrs["index"]), grad)
    array = cast("np.ndarray", g)
    return _scatter_np(np.zeros(s.input_shape(0), dtype=array.dtype), array, s.dim, s.node.attrs["index"], add=True)


def _gather_index(g: Grad, s: SavedView) -> Grad:
    """grad.gather(dim, index): the src grad of scatter and scatter_add."""
    index = s.node.attrs["index"]
    if s.graph_mode:
        return gather(cast("Tensor", g), s.dim, _index_tensor(index))
    return _gather_np(cast("np.ndarray", g), s.dim, index)


def _scatter_zero(g: Grad, s: SavedView) -> Grad:
    """grad.scatter(dim, index, 0): the self grad of scatter (overwritten places get none)."""
    index = s.node.attrs["index"]
    if s.graph_mode:
        return scatter(cast("Tensor", g), s.dim, _index_tensor(index), 0)
    array = cast("np.ndarray", g)
    return _scatter_np(array, 0, s.dim, index, add=False)


_IDX_2x3 = np.array([[0, 2, 1], [1, 1, 0]])

defop(
    "gather",
    "GatherBackward0",
    ("self",),
    lambda a, dim, index, sparse_grad=False: _gather_np(a, dim, index),
    {"self": VJP(("dim", "index", "self", "sparse_grad"), _gather_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {**_save_index(arrays, attrs), "sparse_grad": attrs["sparse_grad"]},
    cases=(
        GradCase(((3, 4),), {"dim": 1, "index": _IDX_2x3, "sparse_grad": False}),
        GradCase(((3, 3),), {"dim": 0, "index": _IDX_2x3, "sparse_grad": False}),
    ),
)
defop(
    "scatter_src",
    "ScatterBackward0",
    ("self", "src"),
    lambda a, src, dim, index: _scatter_np(a, src, dim, index, add=False),
    {"self": VJP(("dim", "index"), _scatter_zero), "src": VJP(("dim", "index"), _gather_index)},
    dtype_rule="same",
    save=_save_index,
    cases=(GradCase(((3, 4), (2, 3)), {"dim": 1, "index": np.array([[0, 2, 1], [3, 1, 0]])}),),
)
defop(
    "scatter_value",
    "ScatterBackward1",
    ("self",),
    lambda a, dim, index, value: _scatter_np(a, value, dim, index, add=False),
    {"self": VJP(("dim", "index"), _scatter_zero)},
    dtype_rule="same",
    save=_save_index,
    cases=(GradCase(((3, 4),), {"dim": 1, "index": np.array([[0, 2], [3, 1]]), "value": 0.5}),),
)
defop(
    "scatter_add",
    "ScatterAddBackward0",
    ("self", "src"),
    lambda a, src, dim, index: _scatter_np(a, src, dim, index, add=True),
    {"self": VJP((), lambda g, s: g), "src": VJP(("dim", "index"), _gather_index)},
    dtype_rule="same",
    save=_save_index,
    cases=(GradCase(((3, 4), (2, 3)), {"dim": 1, "index": np.array([[0, 2, 2], [3, 3, 0]])}),),
)


def _index_select_vjp(g: Grad, s: SavedView) -> Grad:
    index = s.node.attrs["index"]
    sizes = s.self_sym_sizes
    if s.graph_mode:
        grad = cast("Tensor", g)
        zeros = _registry.Tensor._make(np.zeros(sizes, dtype=grad.dtype.np), grad.dtype)
        return index_add(zeros, s.dim, _index_tensor(index), grad)
    array = cast("np.ndarray", g)
    return _index_add_np(np.zeros(sizes, dtype=array.dtype), array, s.dim, index, 1)


defop(
    "index_select",
    "IndexSelectBackward0",
    ("self",),
    lambda a, dim, index: _index_select_np(a, dim, index),
    {"self": VJP(("dim", "index", "self_sym_sizes"), _index_select_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {**_save_index(arrays, attrs), "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(
        GradCase(((3, 4),), {"dim": 0, "index": np.array([2, 0, 2])}),
        GradCase(((3, 4),), {"dim": 1, "index": np.array([3, 1])}),
    ),
)


def _index_add_source_vjp(g: Grad, s: SavedView) -> Grad:
    index = s.node.attrs["index"]
    alpha = s.alpha
    if s.graph_mode:
        picked = index_select(cast("Tensor", g), s.dim, _index_tensor(index))
        return picked if alpha == 1 else picked * alpha
    picked_array = _index_select_np(cast("np.ndarray", g), s.dim, index)
    return picked_array if alpha == 1 else picked_array * alpha


defop(
    "index_add",
    "IndexAddBackward0",
    ("self", "source"),
    lambda a, source, dim, index, alpha: _index_add_np(a, source, dim, index, alpha),
    {
        "self": VJP((), lambda g, s: g),
        "source": VJP(("alpha", "dim", "index", "source", "source_dim"), _index_add_source_vjp),
    },
    dtype_rule="same",
    save=lambda arrays, attrs: {
        **_save_index(arrays, attrs),
        "alpha": attrs["alpha"],
        "source_dim": arrays[1].ndim,
    },
    cases=(
        GradCase(((3, 4), (2, 4)), {"dim": 0, "index": np.array([2, 2]), "alpha": 1}),
        GradCase(((3, 4), (3, 2)), {"dim": 1, "index": np.array([0, 3]), "alpha": 2.5}),
    ),
)


# -- argument checks, as PyTorch words them ---------------------------------------------------


def _wrap_dim(dim: int, ndim: int) -> int:
    from gradviz.autograd.ops.functional import _norm_dim

    return _norm_dim(int(dim), ndim)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _index_array(index: object, what: str, dtype_text: str = "Expected dtype int32/int64 for index") -> np.ndarray:
    if not isinstance(index, _registry.Tensor):
        raise TypeError(f"{what}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        suffix = f" but got: {_TYPE_NAMES[index.dtype.name]}" if what == "index_add_" else ""
        raise RuntimeError(f"{what}(): {dtype_text}{suffix}")
    return index._data.astype(np.int64)


def _check_bounds(index: np.ndarray, dim: int, size: int) -> None:
    bad = index[(index < 0) | (index >= size)]
    if bad.size:
        raise RuntimeError(f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {dim} with size {size}")


def _check_along(
    name: str, self_shape: tuple[int, ...], index: np.ndarray, dim: int, src_shape: tuple[int, ...] | None
) -> None:
    if index.ndim != len(self_shape) and not (index.ndim <= 1 and len(self_shape) <= 1):
        tensor = "input" if name == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {tensor} tensor")
    if src_shape is not None and index.ndim != len(src_shape) and not (index.ndim <= 1 and len(src_shape) <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    idx_shape = tuple(index.shape) or (1,)
    self_sizes = tuple(self_shape) or (1,)
    for d, n in enumerate(idx_shape):
        too_big = d != dim and n > self_sizes[d]
        if src_shape is not None:
            too_big = too_big or n > (tuple(src_shape) or (1,))[d]
        if too_big:
            if name == "gather":
                raise RuntimeError(
                    f"Size does not match at dimension {d} expected index {_shape_text(tuple(index.shape))} to be no "
                    f"larger than self {_shape_text(tuple(self_shape))} apart from dimension {dim}"
                )
            message = (
                f"Expected index {_shape_text(tuple(index.shape))} to be no larger than self "
                f"{_shape_text(tuple(self_shape))} apart from dimension {dim}"
            )
            if src_shape is not None:
                message += f" and to be no larger size than src {_shape_text(tuple(src_shape))}"
            raise RuntimeError(message)
    _check_bounds(index, dim, self_sizes[dim])


# -- the public functions -------------------------------------------------------------------------


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """torch.gather / Tensor.gather: out[i][j] = input[index[i][j]][j] for dim 0, and so on."""
    idx = _index_array(index, "gather")
    d = _wrap_dim(dim, input.dim())
    _check_along("gather", tuple(input.shape), idx, d, None)
    return call(OPS["gather"], (input,), {"dim": d, "index": idx, "sparse_grad": sparse_grad})


def scatter(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Tensor | Scalar | None = None,
    *,
    value: Scalar | None = None,
    reduce: str | None = None,
) -> Tensor:
    """torch.scatter / Tensor.scatter: a copy of input with src (or a number) written at index."""
    if reduce is not None:
        raise NotImplementedError("gradviz: scatter with reduce= is not supported yet (PyTorch deprecates it)")
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    idx = _index_array(index, "scatter")
    d = _wrap_dim(dim, input.dim())
    if isinstance(src, _registry.Tensor):
        if src.dtype != input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        _check_along("scatter", tuple(input.shape), idx, d, tuple(src.shape))
        return call(OPS["scatter_src"], (input, src), {"dim": d, "index": idx})
    _check_along("scatter", tuple(input.shape), idx, d, None)
    number = src.item() if isinstance(src, np.generic) else src
    return call(OPS["scatter_value"], (input,), {"dim": d, "index": idx, "value": number})


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """torch.scatter_add / Tensor.scatter_add: input with src added at index (repeats add up)."""
    if not isinstance(src, _registry.Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    idx = _index_array(index, "scatter")
    d = _wrap_dim(dim, input.dim())
    if src.dtype != input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_along("scatter_add", tuple(input.shape), idx, d, tuple(src.shape))
    return call(OPS["scatter_add"], (input, src), {"dim": d, "index": idx})


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """torch.index_select / Tensor.index_select: the slices of input along dim named by index."""
    if not isinstance(index, _registry.Tensor):
        raise TypeError(f"index_select(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}")
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    idx = _index_array(index, "index_select", "Expected dtype int32 or int64 for index")
    d = _wrap_dim(dim, input.dim())
    if input.dim() == 0:
        if idx.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
        size = 1
    else:
        size = input.shape[d]
    if ((idx < 0) | (idx >= size)).any():
        raise IndexError("index out of range in self")
    return call(OPS["index_select"], (input,), {"dim": d, "index": idx})


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Scalar = 1) -> Tensor:
    """torch.index_add / Tensor.index_add: input with alpha * source added at the indexed slices."""
    if not isinstance(index, _registry.Tensor):
        raise TypeError(f"index_add(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}")
    if index.dim() > 1:
        raise IndexError(
            f"index_add_(): Index is supposed to be a vector, but got dim: {index.dim()} with type: "
            f"{_TYPE_NAMES[index.dtype.name]} and size: {_shape_text(tuple(index.shape))}"
        )
    idx = _index_array(index, "index_add_")
    d = _wrap_dim(dim, input.dim())
    if source.dtype != input.dtype:
        raise RuntimeError(
            f"index_add_(): self ({_TYPE_NAMES[input.dtype.name]}) and source ({_TYPE_NAMES[source.dtype.name]}) "
            "must have the same scalar type"
        )
    source_count = source.shape[d] if source.dim() else 1
    if idx.size != source_count:
        raise RuntimeError(
            f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): ({source_count}), "
            f"for dim: {d}"
        )
    _check_bounds(idx, d, input.shape[d] if input.dim() else 1)
    return call(OPS["index_add"], (input, source), {"dim": d, "index": idx, "alpha": alpha})


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """torch.take_along_dim: gather after broadcasting input and indices (flattened when dim is None)."""
    from gradviz.autograd.ops import functional

    if indices.dtype != dtypes.int64:
        raise RuntimeError(
            f"torch.take_along_dim(): dtype of indices should be Long but got {_TYPE_NAMES[indices.dtype.name]}"
        )
    if dim is None:
        return gather(functional.view(input, -1), 0, functional.view(indices, -1))
    if input.dim() != indices.dim():
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{input.dim()} dimensions for input, and {indices.dim()} dimensions for indices"
        )
    d = _wrap_dim(dim, input.dim())
    index_sizes = list(indices.shape)
    index_sizes[d] = input.shape[d]
    self_target = tuple(np.broadcast_shapes(tuple(index_sizes), tuple(input.shape)))
    input_sizes = list(input.shape)
    input_sizes[d] = indices.shape[d]
    index_target = tuple(np.broadcast_shapes(tuple(input_sizes), tuple(indices.shape)))
    return gather(functional.expand(input, self_target), d, functional.expand(indices, index_target))
