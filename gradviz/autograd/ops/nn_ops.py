"""Op-table entries for torch.nn: addmm (what ``nn.Linear`` records), softmax, log_softmax, the
losses nll_loss and mse_loss, and the two small shape/arith nodes their PyTorch graphs contain
(SqueezeBackward4 after a 1-d ``matmul``, DivBackward1 in soft-target cross entropy).

Some saved attributes are tensors that are not op inputs (nll_loss's ``target``, ``weight`` and
``total_weight``) or depend on which inputs need grad (addmm's ``*_sym_strides`` show ``()`` when
not needed): the public wrappers in ``gradviz.torch.nn.functional`` fill those in after ``call``.
VJPs run over arrays and, under ``create_graph``, over Tensors: the few helpers the backend lacks
(a keepdim sum over one dim) dispatch on ``s.graph_mode`` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradviz.autograd import numerics
from gradviz.autograd.dtypes import element_strides
from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, VJPFn, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}
INT64_WRAP = 1 << 64


def as_saved_int(value: int) -> int:
    """PyTorch shows a saved int64 attribute through an unsigned read: -1 prints 2**64 - 1."""
    return value % INT64_WRAP


def as_signed_int(value: int) -> int:
    return value - INT64_WRAP if value >= INT64_WRAP // 2 else value


def _sum_keep(x: Grad, axis: int, s: SavedView) -> Grad:
    if s.graph_mode:
        from gradviz.autograd.ops import functional

        return functional.sum(cast("Tensor", x), axis, True)
    return np.sum(x, axis=axis, keepdims=True)


# -- addmm: beta * self + alpha * (mat1 @ mat2) --------------------------------------------------


def _addmm_forward(
    bias: np.ndarray, mat1: np.ndarray, mat2: np.ndarray, beta: float = 1, alpha: float = 1
) -> np.ndarray:
    product = mat1 @ mat2
    if alpha != 1:
        product = product * alpha
    return product + (bias if beta == 1 else bias * beta)


def _addmm_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    _, mat1, mat2 = arrays
    return {
        "alpha": attrs.get("alpha", 1),
        "beta": attrs.get("beta", 1),
        "mat1_sym_sizes": tuple(mat1.shape),
        "mat1_sym_strides": element_strides(mat1),
        "mat2_sym_sizes": tuple(mat2.shape),
        "mat2_sym_strides": element_strides(mat2),
    }


def _scale(g: Grad, factor: float) -> Grad:
    return g if factor == 1 else g * factor


def _column_major(sizes: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    return len(strides) == 2 and strides[0] == 1 and strides[1] == sizes[0]


def _addmm_mat1_vjp(g: Grad, s: SavedView) -> Grad:
    B = s.B
    if _column_major(s.mat1_sym_sizes, s.mat1_sym_strides):
        # Produce the grad in mat1's own (transposed) layout, as PyTorch's mm_mat1_backward does.
        return _scale(B.t(B.matmul(s.mat2, B.t(g))), s.alpha)
    return _scale(B.matmul(g, B.t(s.mat2)), s.alpha)


def _addmm_mat2_vjp(g: Grad, s: SavedView) -> Grad:
    B = s.B
    if _column_major(s.mat2_sym_sizes, s.mat2_sym_strides):
        # mat2 is usually weight.t(): computing (g^T mat1)^T hands TBackward0 a grad whose
        # transpose is contiguous, so AccumulateGrad stores weight.grad without a strided copy.
        return _scale(B.t(B.matmul(B.t(g), s.mat1)), s.alpha)
    return _scale(B.matmul(B.t(s.mat1), g), s.alpha)


defop(
    "addmm",
    "AddmmBackward0",
    ("self", "mat1", "mat2"),
    _addmm_forward,
    {
        "self": VJP(("beta",), lambda g, s: _scale(g, s.beta)),
        "mat1": VJP(("mat2", "alpha", "mat1_sym_sizes", "mat1_sym_strides"), _addmm_mat1_vjp),
        "mat2": VJP(("mat1", "alpha", "mat2_sym_sizes", "mat2_sym_strides"), _addmm_mat2_vjp),
    },
    save=_addmm_save,
    cases=(
        GradCase(((3,), (2, 4), (4, 3))),
        GradCase(((2, 3), (2, 4), (4, 3))),
        GradCase(((1,), (1, 2), (2, 1)), {"beta": 0.5, "alpha": 2.0}),
    ),
)
# (column-major operands are checked through nn.Linear in tests/test_nn.py)


# -- softmax family ------------------------------------------------------------------------------


def _softmax_forward(a: np.ndarray, axis: int, dim: int) -> np.ndarray:
    if a.ndim == 0:
        return np.ones_like(a)
    shifted = np.exp(a - np.max(a, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def _log_softmax_forward(a: np.ndarray, axis: int, dim: int) -> np.ndarray:
    if a.ndim == 0:
        return np.zeros_like(a)
    shifted = a - np.max(a, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _saved_dim(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {"dim": as_saved_int(attrs["dim"])}


def _softmax_vjp(g: Grad, s: SavedView) -> Grad:
    # PyTorch's _softmax_backward_data: y * (g - sum(g * y))
    y = s.result
    if s.input_shape(0) == ():
        return g * 0
    return y * (g - _sum_keep(g * y, s.axis, s))


def _log_softmax_vjp(g: Grad, s: SavedView) -> Grad:
    # PyTorch's _log_softmax_backward_data: g - exp(y) * sum(g)
    y = s.result
    if s.input_shape(0) == ():
        return g * 0
    return g - s.B.exp(y) * _sum_keep(g, s.axis, s)


_SOFTMAX_CASES = (
    GradCase(((4,),), {"axis": 0, "dim": 0}),
    GradCase(((2, 3),), {"axis": 1, "dim": 1}),
    GradCase(((3, 2),), {"axis": 0, "dim": -2}),
)
defop(
    "softmax",
    "SoftmaxBackward0",
    ("self",),
    _softmax_forward,
    {"self": VJP(("result",), _softmax_vjp)},
    dtype_rule="float",
    save=_saved_dim,
    cases=_SOFTMAX_CASES,
)
defop(
    "log_softmax",
    "LogSoftmaxBackward0",
    ("self",),
    _log_softmax_forward,
    {"self": VJP(("result",), _log_softmax_vjp)},
    dtype_rule="float",
    save=_saved_dim,
    cases=_SOFTMAX_CASES,
)


# -- nll_loss --------------------------------------------------------------------------------------


def nll_pick(
    shape: tuple[int, ...], target: np.ndarray, weight: np.ndarray | None, ignore_index: int, dtype: np.dtype
) -> np.ndarray:
    """An array shaped like the input holding w[t] at each (row, target) position, 0 elsewhere.

    Both the forward (a weighted pick) and the backward (a scatter) are products with it.
    """
    pick = np.zeros(shape, dtype=dtype)
    if len(shape) == 1:
        t = int(target)
        if t != ignore_index:
            pick[t] = 1 if weight is None else weight[t]
        return pick
    rows = np.nonzero(target != ignore_index)[0]
    cols = target[rows]
    pick[rows, cols] = 1 if weight is None else weight[cols]
    return pick


def nll_total_weight(target: np.ndarray, weight: np.ndarray | None, ignore_index: int, dtype: np.dtype) -> np.ndarray:
    kept = np.atleast_1d(target)
    kept = kept[kept != ignore_index]
    if weight is None:
        return np.array(kept.size, dtype=dtype)
    return np.sum(weight[kept], dtype=dtype)


def _nll_forward(
    a: np.ndarray, target: np.ndarray, weight: np.ndarray | None, reduction: int, ignore_index: int
) -> np.ndarray:
    pick = nll_pick(a.shape, target, weight, ignore_index, a.dtype)
    losses = -np.sum(a * pick, axis=-1)
    if reduction == 0:
        return losses
    total = np.sum(losses, dtype=a.dtype)
    if reduction == 2:
        return total
    return total / nll_total_weight(target, weight, ignore_index, a.dtype)


def _nll_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    # Plain arrays here keep the entry self-contained (the table's gradchecks call it directly);
    # nn.functional.nll_loss replaces target, weight and total_weight by saved Tensors, which is
    # what PyTorch shows and frees.
    target, weight = attrs["target"], attrs["weight"]
    reduction, ignore_index = attrs["reduction"], attrs["ignore_index"]
    dtype = arrays[0].dtype
    total = nll_total_weight(target, weight, ignore_index, dtype) if reduction else np.zeros((), dtype=dtype)
    return {
        "ignore_index": as_saved_int(ignore_index),
        "reduction": reduction,
        "target": target,
        "weight": weight,
        "total_weight": total,
    }


def _plain(value: Any) -> Any:  # a saved Tensor as its array; anything else as it is
    return value._data if hasattr(value, "_data") else value


def _nll_vjp(g: Grad, s: SavedView) -> Grad:
    target = _plain(s.target)
    weight = _plain(s.weight)
    shape = s.input_shape(0)
    dtype = s.node.input_meta[0][1]
    pick = nll_pick(shape, target, weight, as_signed_int(s.ignore_index), dtype.np)
    total = np.asarray(_plain(s.total_weight), dtype=dtype.np)
    picked: Grad = pick
    total_weight: Grad = total
    if s.graph_mode:
        from gradviz.autograd.tensor import Tensor

        picked = Tensor._make(pick, dtype)
        total_weight = Tensor._make(total, dtype)
    if s.reduction == 0:
        scale = -g if len(shape) == 1 else -s.B.unsqueeze_dims(g, [1])
    elif s.reduction == 2:
        scale = -g
    else:
        scale = -(g / total_weight)
    if s.graph_mode:
        return picked * scale
    # + 0 turns the -0.0 of unpicked entries into the +0.0 PyTorch's scatter leaves there
    return pick * scale + pick.dtype.type(0)


def _nll_attrs(target: int | list[int], weight: list[float] | None, reduction: int) -> Attrs:
    return {
        "target": np.array(target, dtype=np.int64),
        "weight": None if weight is None else np.array(weight, dtype=np.float64),
        "reduction": reduction,
        "ignore_index": -100,
    }


defop(
    "nll_loss",
    "NllLossBackward0",
    ("self",),
    _nll_forward,
    {"self": VJP(("self", "target", "weight", "total_weight", "reduction", "ignore_index"), _nll_vjp)},
    dtype_rule="same",
    save=_nll_save,
    cases=(
        GradCase(((4, 3),), _nll_attrs([0, 2, 1, 2], None, 1)),
        GradCase(((4, 3),), _nll_attrs([1, -100, 0, 2], [0.5, 2.0, 1.5], 1)),
        GradCase(((3, 2),), _nll_attrs([1, 0, 1], [2.0, 3.0], 2)),
        GradCase(((3, 2),), _nll_attrs([1, 0, 0], None, 0)),
        GradCase(((5,),), _nll_attrs(3, None, 1)),
    ),
)


# -- mse_loss --------------------------------------------------------------------------------------


def _mse_forward(a: np.ndarray, b: np.ndarray, reduction: int) -> np.ndarray:
    diff = a - b
    squared = diff * diff
    if reduction == 0:
        return squared
    if reduction == 2:
        return numerics.sum(squared)
    return numerics.mean(squared)


def _mse_norm(s: SavedView) -> float:
    if s.reduction != 1:
        return 2.0
    numel = 1
    for size in s.input_shape(0):
        numel *= size
    return 2.0 / numel


def _mse_vjp(sign: int) -> VJPFn:
    def vjp(g: Grad, s: SavedView) -> Grad:
        diff = s.self - s.target if sign > 0 else s.target - s.self
        return diff * _mse_norm(s) * g

    return vjp


defop(
    "mse_loss",
    "MseLossBackward0",
    ("self", "target"),
    _mse_forward,
    {
        "self": VJP(("self", "target", "reduction"), _mse_vjp(+1)),
        "target": VJP(("self", "target", "reduction"), _mse_vjp(-1)),
    },
    save=lambda arrays, attrs: {"reduction": attrs["reduction"]},
    cases=(
        GradCase(((3,), (3,)), {"reduction": 1}),
        GradCase(((2, 3), (2, 3)), {"reduction": 2}),
        GradCase(((2, 2), (2, 2)), {"reduction": 0}),
    ),
)


# -- small nodes of PyTorch's own decompositions -------------------------------------------------

defop(
    "squeeze_dims",
    "SqueezeBackward4",
    ("self",),
    lambda a, dim: np.squeeze(a, axis=dim) if a.shape[dim] == 1 else a,
    {"self": VJP(("self_sym_sizes", "dim"), lambda g, s: s.B.reshape(g, s.self_sym_sizes))},
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {"dim": attrs["dim"], "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((1, 3),), {"dim": 0}), GradCase(((2, 1),), {"dim": 1})),
)
defop(
    "div_scalar",
    "DivBackward1",
    ("self",),
    lambda a, other: a / other,
    {"self": VJP(("other",), lambda g, s: g / s.other)},
    dtype_rule="div",
    save=lambda arrays, attrs: {"other": attrs["other"]},
    cases=(GradCase(((3,),), {"other": 4}),),
)
