"""Shape ops and basic indexing. Most are views: the output shares the input's storage and
version counter, exactly as PyTorch's views do."""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd.grad_mode import is_grad_enabled
from gradviz.autograd.node import BackwardRun, Grad, Node, NodeOutput
from gradviz.autograd.ops import registry as _registry
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


def sum_to(input: Tensor, shape: Sequence[int]) -> Tensor:
    """PyTorch's ``at::sum_to`` (``sum_to_size``, and how a broadcast grad is summed back under
    create_graph): a sum over the leading and the broadcast size-1 dims with keepdim (SumBackward1),
    then a view dropping the leading dims (ViewBackward0); a sum of everything for shape ()."""
    from gradviz.autograd.ops import functional

    shape = tuple(shape)
    sizes = tuple(input.shape)
    if not _expandable(shape, sizes):
        raise RuntimeError(
            f"size {{[{', '.join(map(str, shape))}]}} is not expandable to size {{[{', '.join(map(str, sizes))}]}}."
        )
    if not shape:
        return functional.sum(input)
    leading = len(sizes) - len(shape)
    dims = list(range(leading))
    dims += [i for i in range(leading, len(sizes)) if shape[i - leading] == 1 and sizes[i] != 1]
    out = functional.sum(input, tuple(dims), keepdim=True) if dims else input
    return functional.view(out, shape) if leading > 0 else out


def _expandable(shape: tuple[int, ...], sizes: tuple[int, ...]) -> bool:
    if len(shape) > len(sizes):
        return False
    return all(s == d or s == 1 for s, d in zip(reversed(shape), reversed(sizes)))


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


def _transpose_forward(a: np.ndarray, dim0: int, dim1: int, written: tuple[int, int] | None = None) -> np.ndarray:
    return np.swapaxes(a, dim0, dim1) if a.ndim else a


def as_written(dim: int) -> int:
    """A dim as PyTorch's ``_saved_*`` shows it: as the learner wrote it, a negative one as its
    uint64 bit pattern (``x.mT`` saves -2 and -1)."""
    return dim + 2**64 if dim < 0 else dim


def _transpose_saved(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    dim0, dim1 = attrs.get("written") or (attrs["dim0"], attrs["dim1"])
    return {"dim0": as_written(dim0), "dim1": as_written(dim1)}


defop(
    "transpose",
    "TransposeBackward0",
    ("self",),
    _transpose_forward,
    {"self": VJP(("dim0", "dim1"), lambda g, s: _swap(g, s))},
    dtype_rule="same",
    view=True,
    save=_transpose_saved,
    cases=(GradCase(((2, 3, 4),), {"dim0": 0, "dim1": 2}), GradCase(((2, 3, 4),), {"dim0": -1, "dim1": 0})),
)


def _swap(g: Grad, s: SavedView) -> Grad:
    # The normalised dims (the saved ones are as written, negative ones as uint64).
    dim0, dim1 = s.node.attrs["dim0"], s.node.attrs["dim1"]
    if s.graph_mode:
        from gradviz.autograd.ops import functional

        return functional.transpose(cast("Tensor", g), dim0, dim1)
    return np.swapaxes(cast("np.ndarray", g), dim0, dim1)


defop(
    "unsqueeze",
    "UnsqueezeBackward0",
    ("self",),
    lambda a, dim: np.expand_dims(a, dim),
    {"self": VJP(("dim",), lambda g, s: _unsqueeze_vjp(g, s))},
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
    {"self": VJP(("self_sym_sizes",), lambda g, s: _unsqueeze_to(g, s, None))},
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
    {"self": VJP(("self_sym_sizes", "dim"), lambda g, s: _unsqueeze_to(g, s, s.dim))},
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {"dim": attrs["dim"], "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((1, 3),), {"dim": 0}),),
)


def _unsqueeze_vjp(g: Grad, s: SavedView) -> Grad:
    """``grad.squeeze(dim)`` (SqueezeBackward1 under create_graph)."""
    if s.graph_mode:
        from gradviz.autograd.ops import functional

        return functional.squeeze(cast("Tensor", g), s.node.attrs["dim"])
    return np.reshape(cast("np.ndarray", g), s.input_shape(0))


def _unsqueeze_to(g: Grad, s: SavedView, dim: int | None) -> Grad:
    """PyTorch's unsqueeze_to: put back the size-1 dims squeeze removed (one UnsqueezeBackward0
    each under create_graph), ``dim`` only or every one."""
    sizes = s.self_sym_sizes
    if not s.graph_mode:
        return np.reshape(cast("np.ndarray", g), sizes)
    from gradviz.autograd.ops import functional

    grad = cast("Tensor", g)
    dims = range(len(sizes)) if dim is None else (dim,)
    for d in dims:
        if d < len(sizes) and sizes[d] == 1 and (dim is not None or grad.dim() < len(sizes)):
            grad = functional.unsqueeze(grad, d)
    return grad


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


# -- unbind: one node, one output per row ---------------------------------------------------------

MULTI_OUTPUT_INPLACE = (
    "Output {nr} of {name} is a view and is being modified inplace. This view is the output of a function "
    "that returns multiple views. Such functions do not allow the output views to be modified inplace. You "
    "should replace the inplace operation by an out-of-place one."
)


class UnbindBackward0(Node):
    """The grad_fn all rows of ``unbind`` share (iterating a tensor unbinds it, as in PyTorch): one
    node with an output per row. Backward stacks the rows' grads, zeros for rows that got none;
    under create_graph the stack is itself recorded (StackBackward0), as PyTorch records it."""

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        dim: int = self.attrs["dim"]
        shape, dtype = self.input_meta[0]
        row_shape = tuple(shape[:dim]) + tuple(shape[dim + 1 :])
        if run.graph_mode:
            from gradviz.autograd.ops.functional_more import stack

            make = _registry.Tensor._make
            rows = [
                cast("Tensor", grads[i]) if grads.get(i) is not None else make(np.zeros(row_shape, dtype.np), dtype)
                for i in range(self.num_outputs)
            ]
            return NodeOutput([stack(rows, dim)], {})
        arrays = [
            np.asarray(grads[i]) if grads.get(i) is not None else np.zeros(row_shape, dtype.np)
            for i in range(self.num_outputs)
        ]
        return NodeOutput([np.stack(arrays, axis=dim)], {})


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """``torch.unbind``: every row along ``dim`` as a view of ``input``, all outputs of one node."""
    ndim = input.dim()
    if ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    axis = dim % ndim
    base = input._base if input._base is not None else input
    rows: list[Tensor] = []
    for index in range(input._data.shape[axis]):
        attrs = {"dim": axis, "index": index}
        row = _registry.Tensor._make(_select_forward(input._data, axis, index), input.dtype)
        row._version_counter = input._version_counter
        row._base = base
        row._view_fn = _registry._compose_view(input._view_fn, _select_forward, attrs)
        rows.append(row)
    if not is_grad_enabled():
        if input._requires_grad:
            for row in rows:
                row._origin = "no_grad"
        return tuple(rows)
    if not input._requires_grad or not input.dtype.is_floating_point:
        return tuple(rows)
    node = UnbindBackward0(None, "UnbindBackward0", (input._gradient_edge(),))
    node.num_outputs = len(rows)
    node.needs_input_grad = (True,)
    node.inputs = (input,)
    node.input_meta = [(input._data.shape, input.dtype)]
    node.attrs = {"dim": axis}
    # PyTorch keeps the dim as written and shows a negative one as its uint64 bit pattern.
    node.saved = {"dim": dim + 2**64 if dim < 0 else dim}
    node.outputs = list(rows)
    for nr, row in enumerate(rows):
        row.grad_fn = node
        row._output_nr = nr
        row._requires_grad = True
        row._multi_output_view = True
    return tuple(rows)


def check_multi_output_view(t: Tensor) -> None:
    """PyTorch forbids writing in place into a view made by an op with several view outputs
    (unbind, and so iterating a tensor), or into a view of one."""
    node = t.grad_fn
    if t._multi_output_view and node is not None:
        name = re.sub(r"Backward\d*$", "", node.name())
        raise RuntimeError(MULTI_OUTPUT_INPLACE.format(nr=t._output_nr, name=name))


# -- the transposing properties: T, mT, H, mH and adjoint() -------------------------------------

_TRIGGERED = " (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:{line}.)"
T_NOT_2D = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will "
    "throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
    "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor."
    + _TRIGGERED.format(line=4314)
)
_ZERO_D = {
    "T": "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
    + _TRIGGERED.format(line=4321),
    "mT": "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases."
    + _TRIGGERED.format(line=4373),
    "mH": "Tensor.mH is deprecated on 0-D tensors. Consider using x.conj()." + _TRIGGERED.format(line=4382),
    "H": "Tensor.H is deprecated on 0-D tensors. Consider using x.conj()." + _TRIGGERED.format(line=4335),
    "adjoint()": "adjoint() is deprecated on 0-D tensors. Consider using x.conj()." + _TRIGGERED.format(line=4390),
}


def reverse_dims(input: Tensor) -> Tensor:
    """``x.T``: a permute reversing every dim (PermuteBackward0, even for a matrix), with PyTorch's
    one-time warning for anything but a matrix."""
    from gradviz.autograd.ops.registry import OPS, call
    from gradviz.autograd.warn_once import warn_once

    ndim = input.dim()
    if ndim == 0:
        warn_once(_ZERO_D["T"], stacklevel=4)
    elif ndim != 2:
        warn_once(T_NOT_2D, stacklevel=4)
    dims = tuple(range(ndim - 1, -1, -1))
    return call(OPS["permute"], (input,), {"dims": dims, "written": dims})


def matrix_transpose(input: Tensor, name: str) -> Tensor:
    """``x.mT``, ``x.mH``, ``x.adjoint()`` (real tensors: mH is mT) and ``x.H``: the last two dims
    swapped, as TransposeBackward0; a 0-d tensor is returned as it is, with a one-time warning."""
    from gradviz.autograd.ops.functional import transpose
    from gradviz.autograd.warn_once import warn_once

    ndim = input.dim()
    if ndim == 0:
        warn_once(_ZERO_D[name], stacklevel=4)
        return input
    if name == "H" and ndim != 2:
        hint = " For batches of matrices, consider using tensor.mH" if ndim > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {ndim}-D tensor.{hint}")
    if ndim < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got {ndim}-D tensor.")
    return transpose(input, -2, -1)


def adjoint(input: Tensor) -> Tensor:
    return matrix_transpose(input, "adjoint()")
