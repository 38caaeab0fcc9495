"""Shape ops and basic indexing. Most are views: the output shares the input's storage and
version counter, exactly as PyTorch's views do."""

from __future__ import annotations

from collections.abc import Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.backend import NUMPY
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

VIEW_ERROR = (
    "view size is not compatible with input tensor's size and stride (at least one "
    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
)


def _view_forward(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    try:
        return np.reshape(a, shape, copy=False)
    except ValueError:
        raise RuntimeError(VIEW_ERROR) from None


def _sizes(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {"self_sym_sizes": tuple(arrays[0].shape)}


defop(
    "view",
    "ViewBackward0",
    ("self",),
    _view_forward,
    {"self": VJP(("self_sym_sizes",), lambda g, s: s.B.reshape(g, s.self_sym_sizes))},
    dtype_rule="same",
    view=True,
    save=_sizes,
    cases=(GradCase(((2, 3),), {"shape": (3, 2)}), GradCase(((6,),), {"shape": (2, 3)})),
)
defop(
    "unsafe_view",
    "UnsafeViewBackward0",
    ("self",),
    lambda a, shape: np.reshape(a, shape),
    {"self": VJP(("self_sym_sizes",), lambda g, s: s.B.reshape(g, s.self_sym_sizes))},
    dtype_rule="same",
    save=_sizes,
    cases=(GradCase(((2, 3),), {"shape": (6,)}),),
)
defop(
    "clone",
    "CloneBackward0",
    ("self",),
    lambda a: np.array(a, copy=True),
    {"self": VJP((), lambda g, s: g)},
    dtype_rule="same",
    cases=(GradCase(((2, 3),)),),
)
defop(
    "expand",
    "ExpandBackward0",
    ("self",),
    lambda a, shape: np.broadcast_to(a, shape),
    {"self": VJP(("self_sym_sizes",), lambda g, s: s.B.sum_to(g, s.self_sym_sizes))},
    dtype_rule="same",
    view=True,
    save=_sizes,
    cases=(GradCase(((3,),), {"shape": (2, 3)}), GradCase(((2, 1),), {"shape": (2, 4)})),
)
defop(
    "sum_to_size",
    "SumToSizeBackward",
    ("self",),
    lambda a, shape: _sum_to(a, shape),
    {"self": VJP(("self_sym_sizes",), lambda g, s: s.B.expand(g, s.self_sym_sizes))},
    dtype_rule="same",
    save=_sizes,
    cases=(GradCase(((2, 3),), {"shape": (1, 3)}),),
)


def _sum_to(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    from gradviz.autograd.ops.backend import sum_to_array

    return np.ascontiguousarray(sum_to_array(a, shape))


defop(
    "t",
    "TBackward0",
    ("self",),
    lambda a: a.T if a.ndim == 2 else a,
    {"self": VJP((), lambda g, s: s.B.t(g))},
    dtype_rule="same",
    view=True,
    cases=(GradCase(((2, 3),)), GradCase(((3,),))),
)
defop(
    "transpose",
    "TransposeBackward0",
    ("self",),
    lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1) if a.ndim else a,
    {"self": VJP(("dim0", "dim1"), lambda g, s: _swap(g, s))},
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {"dim0": attrs["dim0"], "dim1": attrs["dim1"]},
    cases=(GradCase(((2, 3, 4),), {"dim0": 0, "dim1": 2}),),
)


def _swap(g: Grad, s: SavedView) -> Grad:
    if s.graph_mode:
        from gradviz.autograd.ops import functional

        return functional.transpose(cast("Tensor", g), s.dim0, s.dim1)
    return np.swapaxes(cast("np.ndarray", g), s.dim0, s.dim1)


defop(
    "unsqueeze",
    "UnsqueezeBackward0",
    ("self",),
    lambda a, dim: np.expand_dims(a, dim),
    {"self": VJP(("dim",), lambda g, s: s.B.reshape(g, s.input_shape(0)))},
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {"dim": attrs["dim"]},
    cases=(GradCase(((3,),), {"dim": 0}), GradCase(((2, 3),), {"dim": -1})),
)
defop(
    "squeeze",
    "SqueezeBackward0",
    ("self",),
    lambda a: np.squeeze(a),
    {"self": VJP(("self_sym_sizes",), lambda g, s: s.B.reshape(g, s.self_sym_sizes))},
    dtype_rule="same",
    view=True,
    save=_sizes,
    cases=(GradCase(((1, 3, 1),)),),
)
defop(
    "squeeze_dim",
    "SqueezeBackward1",
    ("self",),
    lambda a, dim: np.squeeze(a, axis=dim) if a.ndim and a.shape[dim] == 1 else a,
    {"self": VJP(("self_sym_sizes", "dim"), lambda g, s: s.B.reshape(g, s.self_sym_sizes))},
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {"dim": attrs["dim"], "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((1, 3),), {"dim": 0}),),
)


def _select_forward(a: np.ndarray, dim: int, index: int) -> np.ndarray:
    key: list[slice | int | EllipsisType] = [slice(None)] * a.ndim
    key[dim] = index
    # The trailing Ellipsis keeps a 0-d result a view (plain a[0] on 1-d data is a copied scalar).
    key.append(Ellipsis)
    return a[tuple(key)]


defop(
    "select",
    "SelectBackward0",
    ("self",),
    _select_forward,
    {
        "self": VJP(
            ("dim", "index", "self_sym_sizes"), lambda g, s: s.B.select_backward(g, s.self_sym_sizes, s.dim, s.index)
        )
    },
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {"dim": attrs["dim"], "index": attrs["index"], "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((3, 2),), {"dim": 0, "index": 1}), GradCase(((3, 2),), {"dim": 1, "index": -1})),
)


def _slice_forward(a: np.ndarray, dim: int, start: int, end: int, step: int) -> np.ndarray:
    key = [slice(None)] * a.ndim
    key[dim] = slice(start, end, step)
    return a[tuple(key)]


defop(
    "slice",
    "SliceBackward0",
    ("self",),
    _slice_forward,
    {
        "self": VJP(
            ("dim", "start", "end", "step", "self_sym_sizes"),
            lambda g, s: s.B.slice_backward(g, s.self_sym_sizes, s.dim, s.start, s.end, s.step),
        )
    },
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {
        "dim": attrs["dim"],
        "start": attrs["start"],
        "end": attrs["end"],
        "step": attrs["step"],
        "self_sym_sizes": tuple(arrays[0].shape),
    },
    cases=(
        GradCase(((5,),), {"dim": 0, "start": 1, "end": 4, "step": 1}),
        GradCase(((4, 3),), {"dim": 1, "start": 0, "end": 3, "step": 2}),
    ),
)
defop(
    "select_backward",
    "SelectBackwardBackward0",
    ("grad_output",),
    lambda g, input_sizes, dim, index: _select_bw_np(g, input_sizes, dim, index),
    {"grad_output": VJP(("dim", "index"), lambda g, s: _select_again(g, s))},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim": attrs["dim"], "index": attrs["index"]},
    cases=(GradCase(((2,),), {"input_sizes": (3, 2), "dim": 0, "index": 1}),),
)
defop(
    "slice_backward",
    "SliceBackwardBackward0",
    ("grad_output",),
    lambda g, input_sizes, dim, start, end, step: _slice_bw_np(g, input_sizes, dim, start, end, step),
    {"grad_output": VJP(("dim", "start", "end", "step"), lambda g, s: _slice_again(g, s))},
    dtype_rule="same",
    save=lambda arrays, attrs: {k: attrs[k] for k in ("dim", "start", "end", "step")},
    cases=(GradCase(((2,),), {"input_sizes": (5,), "dim": 0, "start": 1, "end": 3, "step": 1}),),
)


def _select_bw_np(g: np.ndarray, input_sizes: tuple[int, ...], dim: int, index: int) -> np.ndarray:
    return NUMPY.select_backward(g, input_sizes, dim, index)


def _slice_bw_np(g: np.ndarray, input_sizes: tuple[int, ...], dim: int, start: int, end: int, step: int) -> np.ndarray:
    return NUMPY.slice_backward(g, input_sizes, dim, start, end, step)


def _select_again(g: Grad, s: SavedView) -> Grad:
    if s.graph_mode:
        from gradviz.autograd.ops import functional

        return functional.select(cast("Tensor", g), s.dim, s.index)
    return _select_forward(cast("np.ndarray", g), s.dim, s.index)


def _slice_again(g: Grad, s: SavedView) -> Grad:
    if s.graph_mode:
        from gradviz.autograd.ops import functional

        return functional.slice_(cast("Tensor", g), s.dim, s.start, s.end, s.step)
    return _slice_forward(cast("np.ndarray", g), s.dim, s.start, s.end, s.step)
