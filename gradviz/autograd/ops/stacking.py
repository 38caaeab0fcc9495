"""Stacking, moving dims and diagonals, built the way PyTorch composes them so the graph shows
the same nodes: ``hstack`` / ``vstack`` / ``dstack`` / ``column_stack`` (atleast_Nd reshapes or
unsqueezes, then one CatBackward0), ``movedim`` (PermuteBackward0), ``swapaxes`` / ``swapdims``
(TransposeBackward0), ``unflatten`` (ViewBackward0); ``diag`` (DiagEmbedBackward0 for a vector,
DiagonalBackward0_copy for a matrix, as torch 2.13 names it), ``trace`` (TraceBackward0), and the
index factories ``tril_indices`` / ``triu_indices``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import Grad
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "column_stack",
    "diag",
    "dstack",
    "hstack",
    "movedim",
    "swapaxes",
    "trace",
    "tril_indices",
    "triu_indices",
    "unflatten",
    "vstack",
]


def _written(dim: int) -> int:
    return dim + 2**64 if dim < 0 else dim


def _wrap(dim: int, ndim: int) -> int:
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def _listed(values: Sequence[int]) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


# -- hstack, vstack, dstack, column_stack ------------------------------------------------------------


def _tensors(name: str, tensors: object) -> list[Tensor]:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(tensors)


def _at_least(t: Tensor, ndim: int) -> Tensor:
    """torch.atleast_1d/2d/3d: a 0-d tensor is reshaped, a 1-d one gets a leading dim, a 2-d one
    (for 3d) a trailing dim; a tensor with enough dims is returned as it is."""
    from gradviz.autograd.ops import functional as F

    if t.dim() >= ndim:
        return t
    if t.dim() == 0:
        return F.reshape(t, (1,) * ndim)
    if t.dim() == 1 and ndim >= 2:
        t = F.unsqueeze(t, 0)
        return F.unsqueeze(t, -1) if ndim == 3 else t
    return F.unsqueeze(t, -1)


def _at_least_all(name: str, ndim: int, tensors: tuple[object, ...]) -> Tensor | tuple[Tensor, ...]:
    """torch.atleast_Nd: one tensor in, one out; several (or a list or tuple of them), a tuple."""
    items: tuple[object, ...] = tensors
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        items = tuple(tensors[0])
    for item in items:
        if not isinstance(item, _registry.Tensor):
            kind = type(item).__name__
            raise TypeError(
                f"{name}() received an invalid combination of arguments - got ({kind}), but expected one of:\n"
                " * (Tensor input)\n"
                f"      didn't match because some of the arguments have invalid types: (!{kind}!)\n"
                " * (tuple of Tensors tensors)\n"
                f"      didn't match because some of the arguments have invalid types: (!{kind}!)\n"
            )
    grown = tuple(_at_least(cast("Tensor", t), ndim) for t in items)
    return grown[0] if len(tensors) == 1 and items is tensors else grown


def atleast_1d(*tensors: object) -> Tensor | tuple[Tensor, ...]:
    """torch.atleast_1d: a 0-d tensor as a 1-element vector, others as they are."""
    return _at_least_all("atleast_1d", 1, tensors)


def atleast_2d(*tensors: object) -> Tensor | tuple[Tensor, ...]:
    """torch.atleast_2d: numbers as 1 x 1, vectors as one row, others as they are."""
    return _at_least_all("atleast_2d", 2, tensors)


def atleast_3d(*tensors: object) -> Tensor | tuple[Tensor, ...]:
    """torch.atleast_3d: a vector as 1 x n x 1, a matrix as m x n x 1, others as they are."""
    return _at_least_all("atleast_3d", 3, tensors)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """torch.hstack: concatenate along dim 1 (dim 0 for vectors)."""
    from gradviz.autograd.ops.functional_more import cat

    items = [_at_least(t, 1) for t in _tensors("hstack", tensors)]
    return cat(items, 0 if items[0].dim() == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """torch.vstack (torch.row_stack): vectors become rows, then concatenate along dim 0."""
    from gradviz.autograd.ops.functional_more import cat

    return cat([_at_least(t, 2) for t in _tensors("vstack", tensors)], 0)


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """torch.dstack: concatenate along dim 2 (depth), after torch.atleast_3d."""
    from gradviz.autograd.ops.functional_more import cat

    return cat([_at_least(t, 3) for t in _tensors("dstack", tensors)], 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """torch.column_stack: vectors (and numbers) become columns, then concatenate along dim 1."""
    from gradviz.autograd.ops import functional as F
    from gradviz.autograd.ops.functional_more import cat

    items = [F.reshape(t, (t.numel(), 1)) if t.dim() <= 1 else t for t in _tensors("column_stack", tensors)]
    return cat(items, 1)


# -- movedim, swapaxes, unflatten --------------------------------------------------------------------


def _dim_list(value: int | Sequence[int]) -> list[int]:
    return [int(value)] if isinstance(value, int) else [int(d) for d in value]


def movedim(input: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """torch.movedim / torch.moveaxis / Tensor.movedim: move the dims in source to the positions
    in destination, the others keeping their order (one PermuteBackward0)."""
    from gradviz.autograd.ops.functional_more import permute

    src, dst = _dim_list(source), _dim_list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({_listed(src)} dims) should contain the same "
            f"number of dims as destination ({_listed(dst)} dims)"
        )
    n = input.dim()
    norm_src = [_wrap(d, n) for d in src]
    norm_dst = [_wrap(d, n) for d in dst]
    if len(set(norm_src)) != len(norm_src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({_listed(src)})")
    if len(set(norm_dst)) != len(norm_dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({_listed(dst)})")
    if n == 0:
        return input
    order = [-1] * n
    for s, d in zip(norm_src, norm_dst):
        order[d] = s
    rest_src = [d for d in range(n) if d not in norm_src]
    rest_dst = [d for d in range(n) if d not in norm_dst]
    for s, d in zip(rest_src, rest_dst):
        order[d] = s
    return permute(input, order)


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """torch.swapaxes / torch.swapdims / Tensor.swapaxes: the same as transpose."""
    from gradviz.autograd.ops import functional as F

    return F.transpose(input, axis0, axis1)


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """torch.unflatten / Tensor.unflatten: split dim into the given sizes (one may be -1), a view."""
    from gradviz.autograd.ops import functional as F

    axis = _wrap(dim, input.dim())
    wanted = [int(s) for s in sizes]
    if not wanted:
        raise RuntimeError("unflatten: sizes must be non-empty")
    length = input.shape[axis] if input.dim() else 1
    known = 1
    for s in wanted:
        if s != -1:
            known *= s
    if wanted.count(-1) == 1 and known and length % known == 0:
        wanted = [length // known if s == -1 else s for s in wanted]
    elif wanted.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    elif known != length:
        raise RuntimeError(
            f"unflatten: Provided sizes {_listed(wanted)} don't multiply up to the size of dim {dim} ({length}) "
            "in the input tensor"
        )
    shape = (*tuple(input.shape[:axis]), *wanted, *tuple(input.shape[axis + 1 :]))
    return F.view(input, shape)


# -- diag and trace ------------------------------------------------------------------------------------


def _diag_embed_vjp(g: Grad, s: SavedView) -> Grad:
    offset: int = s.node.attrs["offset"]
    if s.graph_mode:
        return diag(cast("Tensor", g), offset)
    return np.ascontiguousarray(np.diagonal(cast("np.ndarray", g), offset))


defop(
    "diag_embed_1d",
    "DiagEmbedBackward0",
    ("self",),
    lambda a, offset: np.diag(a, offset),
    {"self": VJP(("dim1", "dim2", "offset"), _diag_embed_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim1": _written(-2), "dim2": _written(-1), "offset": _written(attrs["offset"])},
    cases=(GradCase(((3,),), {"offset": 0}), GradCase(((2,),), {"offset": -1})),
)


def _diagonal_vjp(g: Grad, s: SavedView) -> Grad:
    offset: int = s.node.attrs["offset"]
    if s.graph_mode:  # under create_graph: an index_put of the grad into zeros, recorded
        from gradviz.autograd.ops.einsum import diagonal_key

        return s.B.index_backward(g, s.self_sym_sizes, diagonal_key(tuple(g.shape), offset, 0, 1))
    array = cast("np.ndarray", g)
    out = np.zeros(s.self_sym_sizes, dtype=array.dtype)
    steps = np.arange(array.shape[0])
    out[steps + max(-offset, 0), steps + max(offset, 0)] = array
    return out


defop(
    "diagonal_copy_2d",
    "DiagonalBackward0_copy",
    ("self",),
    lambda a, offset: np.ascontiguousarray(np.diagonal(a, offset)),
    {"self": VJP(("dim1", "dim2", "offset", "self_sym_sizes"), _diagonal_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {
        "dim1": 0,
        "dim2": 1,
        "offset": _written(attrs["offset"]),
        "self_sym_sizes": tuple(arrays[0].shape),
    },
    cases=(GradCase(((3, 3),), {"offset": 0}), GradCase(((2, 4),), {"offset": 1}), GradCase(((4, 2),), {"offset": -1})),
)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """torch.diag / Tensor.diag: a vector's square diagonal matrix, or a matrix's diagonal (a copy)."""
    k = int(diagonal)
    if input.dim() == 1:
        return call(OPS["diag_embed_1d"], (input,), {"offset": k})
    if input.dim() == 2:
        return call(OPS["diagonal_copy_2d"], (input,), {"offset": k})
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")


def _trace_vjp(g: Grad, s: SavedView) -> Grad:
    rows, cols = s.self_sym_sizes
    eye = np.eye(rows, cols)
    if s.graph_mode:
        t = cast("Tensor", g)
        return t * _registry.Tensor._make(eye.astype(t.dtype.np), t.dtype)
    array = cast("np.ndarray", g)
    return array * eye.astype(array.dtype)


defop(
    "trace",
    "TraceBackward0",
    ("self",),
    lambda a: np.trace(a),
    {"self": VJP(("self_sym_sizes",), _trace_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((3, 3),)), GradCase(((2, 4),))),
)


def trace(input: Tensor) -> Tensor:
    """torch.trace / Tensor.trace: the sum of a matrix's main diagonal (integers sum as int64)."""
    if input.dtype is dtypes.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    source = input if input.dtype.is_floating_point else input.to(dtypes.int64)
    return call(OPS["trace"], (source,))


# -- tril_indices, triu_indices -----------------------------------------------------------------------


def _index_dtype(name: str, dtype: DTypeLike | None) -> dtypes.DType:
    kind = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    if kind.category != 1:
        from gradviz.autograd.ops.comparison import scalar_type_name

        raise NotImplementedError(f"\"{name}\" not implemented for '{scalar_type_name(kind)}'")
    return kind


def tril_indices(
    row: int, col: int, offset: int = 0, *, dtype: DTypeLike | None = None, device: object = None
) -> Tensor:
    """torch.tril_indices: the (row, col) coordinates of a row x col matrix's lower triangle, in
    row-major order, as a 2 x N tensor."""
    del device
    kind = _index_dtype("tril_indices", dtype)
    found = np.tril_indices(int(row), int(offset), int(col))
    return _registry.Tensor._make(np.stack(found).astype(kind.np).reshape(2, -1), kind)


def triu_indices(
    row: int, col: int, offset: int = 0, *, dtype: DTypeLike | None = None, device: object = None
) -> Tensor:
    """torch.triu_indices: the coordinates of the upper triangle, like tril_indices."""
    del device
    kind = _index_dtype("triu_indices", dtype)
    found = np.triu_indices(int(row), int(offset), int(col))
    return _registry.Tensor._make(np.stack(found).astype(kind.np).reshape(2, -1), kind)
