"""``torch.nn.functional``: activations, ``linear``, the softmax family and the losses.

Each function records the nodes PyTorch records for the same call (checked against torch 2.13):
``linear`` on a 2-d input is ``addmm(bias, input, weight.t())`` (AddmmBackward0 over TBackward0),
other ranks flatten with a view first; ``cross_entropy`` is ``nll_loss(log_softmax(input))``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import SavedTensor
from gradviz.autograd.ops import functional as _F
from gradviz.autograd.ops.inplace import inplace as _inplace
from gradviz.autograd.ops.nn_ops import REDUCTIONS
from gradviz.autograd.ops.registry import OPS, call
from gradviz.autograd.tensor import Tensor
from gradviz.torch.nn._functional_extra import (
    glu,
    hardsigmoid,
    hardswish,
    pairwise_distance,
    prelu,
    softmin,
    softsign,
    threshold,
    threshold_,
)
from gradviz.torch.nn._functional_layers import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    batch_norm,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    cosine_similarity,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    embedding,
    group_norm,
    instance_norm,
    interpolate,
    layer_norm,
    max_pool1d,
    max_pool2d,
    normalize,
    one_hot,
    pad,
)
from gradviz.torch.nn._functional_losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    kl_div,
    l1_loss,
    resolve_reduction,
    smooth_l1_loss,
)

if TYPE_CHECKING:
    from gradviz.autograd.types import DTypeLike

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "elu",
    "embedding",
    "flatten",
    "gelu",
    "glu",
    "group_norm",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "instance_norm",
    "interpolate",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool1d",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
    "prelu",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softsign",
    "tanh",
    "threshold",
    "threshold_",
]

IMPLICIT_DIM_WARNING = (
    "Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument."
)
TARGET_SIZE_WARNING = (
    "Using a target size ({target}) that is different to the input size ({input}). "
    "This will likely lead to incorrect results due to broadcasting. Please ensure "
    "they have the same size."
)


def _scalar_type_name(dtype: dtypes.DType) -> str:
    """``Float``, ``Double``, ``Long``...: PyTorch's ScalarType names, used in its messages."""
    return dtype.legacy_name.replace("torch.", "").replace("Tensor", "")


def _check_tensor(value: object, fn: str, arg: str, position: int) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


# -- activations ----------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _F.relu)
    return _F.relu(input)


def sigmoid(input: Tensor) -> Tensor:
    return _F.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return _F.tanh(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    # In place, PyTorch records LeakyReluBackward1, which saves the result instead of the input.
    op = OPS["leaky_relu_" if inplace else "leaky_relu"]
    return _maybe_inplace(input, inplace, lambda x: call(op, (x,), {"negative_slope": negative_slope}))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return call(OPS["gelu"], (input,), {"approximate": approximate})


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    attrs = {"alpha": alpha, "scale": 1, "input_scale": 1}
    return _maybe_inplace(input, inplace, lambda x: call(OPS["elu"], (x,), attrs))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    from gradviz.autograd.ops.activations import SELU_ALPHA, SELU_SCALE

    attrs = {"alpha": SELU_ALPHA, "scale": SELU_SCALE, "input_scale": 1}
    return _maybe_inplace(input, inplace, lambda x: call(OPS["elu"], (x,), attrs))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _maybe_inplace(input, inplace, lambda x: call(OPS["celu"], (x,), {"alpha": alpha}))


def softplus(input: Tensor, beta: float = 1, threshold: float = 20) -> Tensor:
    return call(OPS["softplus"], (input,), {"beta": beta, "threshold": threshold})


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: call(OPS["silu"], (x,)))


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: call(OPS["mish"], (x,)))


def logsigmoid(input: Tensor) -> Tensor:
    return call(OPS["log_sigmoid"], (input,))


logsigmoid.__name__ = logsigmoid.__qualname__ = "log_sigmoid"  # PyTorch's F.logsigmoid is its builtin log_sigmoid


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    attrs = {"min_val": min_val, "max_val": max_val}
    return _maybe_inplace(input, inplace, lambda x: call(OPS["hardtanh"], (x,), attrs))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0, 6, inplace)


def _maybe_inplace(input: Tensor, inplace: bool, fn: Callable[[Tensor], Tensor]) -> Tensor:
    return _inplace(input, fn) if inplace else fn(input)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return _F.flatten(input, start_dim, end_dim)


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(IMPLICIT_DIM_WARNING.format(name=name), UserWarning, stacklevel=stacklevel + 1)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_like(op_name: str, input: Tensor, dim: int | None, dtype: DTypeLike | None) -> Tensor:
    _check_tensor(input, op_name, "input", 1)
    if dim is None:
        dim = _softmax_dim(op_name, input.dim(), stacklevel=3)
    dim = int(dim)
    axis = _F._norm_dim(dim, input.dim())
    source = input if dtype is None else input.to(dtypes.as_dtype(dtype))
    if not source.dtype.is_floating_point:
        raise RuntimeError(f"\"{op_name}_lastdim_kernel_impl\" not implemented for '{_scalar_type_name(source.dtype)}'")
    return call(OPS[op_name], (source,), {"axis": axis, "dim": dim})


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike | None = None) -> Tensor:
    return _softmax_like("softmax", input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike | None = None) -> Tensor:
    return _softmax_like("log_softmax", input, dim, dtype)


# -- linear ---------------------------------------------------------------------------------


def _check_mm(rows: int, inner: int, weight: Tensor) -> None:
    if weight.dim() == 2 and weight.shape[1] != inner:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{inner} and {weight.shape[1]}x{weight.shape[0]})"
        )


def addmm(bias: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """``torch.addmm``: beta * bias + alpha * mat1 @ mat2, one AddmmBackward0 node."""
    if mat1.dim() != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1.dim()}-D tensor")
    if mat2.dim() != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2.dim()}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} "
            f"and {mat2.shape[0]}x{mat2.shape[1]})"
        )
    if mat1.dtype is not mat2.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got "
            f"{_scalar_type_name(mat1.dtype)} and {_scalar_type_name(mat2.dtype)}"
        )
    if bias.dtype is not mat1.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got "
            f"{_scalar_type_name(bias.dtype)} and {_scalar_type_name(mat2.dtype)}"
        )
    attrs = {}
    if beta != 1:
        attrs["beta"] = beta
    if alpha != 1:
        attrs["alpha"] = alpha
    out = call(OPS["addmm"], (bias, mat1, mat2), attrs, out_dtype=mat1.dtype)
    node = out.grad_fn
    if node is not None:
        # PyTorch keeps the strides only for the operand whose grad needs them.
        for index, name in ((1, "mat1"), (2, "mat2")):
            if not node.needs_input_grad[index]:
                node.saved[f"{name}_sym_strides"] = ()
    return out


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    _check_tensor(input, "linear", "input", 1)
    _check_tensor(weight, "linear", "weight", 2)
    if weight.dim() != 2 or input.dim() == 0:
        out = _F.matmul(input, _F.t(weight))
        return out if bias is None else out + bias
    in_features = weight.shape[1]
    _check_mm(input.numel() // max(input.shape[-1], 1), input.shape[-1], weight)
    weight_t = _F.t(weight)
    if input.dim() == 2:
        if bias is None:
            return _F.mm(input, weight_t)
        return addmm(bias, input, weight_t)
    out_shape = (*tuple(input.shape[:-1]), weight.shape[0])
    if input.dim() > 2 and not input.is_contiguous():
        # Not viewable as 2-d: the batched matmul path, then the bias added.
        out = _F.matmul(input, weight_t)
        return out if bias is None else out + bias
    if bias is not None:
        # PyTorch flattens to 2-d, runs addmm and views back (ViewBackward0 both sides).
        flat = _F.view(input, (-1, in_features))
        return _F.view(addmm(bias, flat, weight_t), out_shape)
    if input.dim() == 1:
        # matmul of a vector: unsqueeze, mm, then squeeze_(0) (SqueezeBackward4).
        product = _F.mm(_F.unsqueeze(input, 0), weight_t)
        return call(OPS["squeeze_dims"], (product,), {"dim": 0})
    flat = _F.reshape(input, (-1, in_features))
    return call(OPS["unsafe_view"], (_F.mm(flat, weight_t),), {"shape": out_shape})


# -- losses ---------------------------------------------------------------------------------


def _reduction_code(reduction: str) -> int:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return REDUCTIONS[reduction]


def _check_target_indices(input: Tensor, target: Tensor, ignore_index: int) -> np.ndarray:
    if input.dim() not in (1, 2):
        raise NotImplementedError(
            f"gradviz: nll_loss/cross_entropy on a {input.dim()}-d input (spatial losses) is not supported yet"
        )
    if input.dim() == 2 and target.dim() != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() == 1 and target.dim() != 0:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.dtype.is_floating_point or target.dtype is dtypes.bool_:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_scalar_type_name(target.dtype)}")
    if input.dim() == 2 and input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0]})."
        )
    indices = target._data.astype(np.int64)
    flat = np.atleast_1d(indices)
    bad = (flat != ignore_index) & ((flat < 0) | (flat >= input.shape[-1]))
    if bad.any():
        raise IndexError(f"Target {int(flat[np.argmax(bad)])} is out of bounds.")
    return indices


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    _check_tensor(input, "nll_loss_nd", "input", 1)
    _check_tensor(target, "nll_loss_nd", "target", 2)
    reduction = resolve_reduction(size_average, reduce, reduction)
    code = _reduction_code(reduction)
    indices = _check_target_indices(input, target, ignore_index)
    weight_data = None
    if weight is not None:
        if weight.dim() != 1 or weight.shape[0] != input.shape[-1]:
            raise RuntimeError(
                f"weight tensor should be defined either for all {input.shape[-1]} classes "
                f"or no classes but got weight tensor of shape: [{', '.join(map(str, weight.shape))}]"
            )
        weight_data = weight._data.astype(input.dtype.np)
    attrs = {"target": indices, "weight": weight_data, "reduction": code, "ignore_index": int(ignore_index)}
    out = call(OPS["nll_loss"], (input,), attrs, out_dtype=input.dtype)
    node = out.grad_fn
    if node is not None:
        # The table saved plain arrays; PyTorch shows (and frees) these three as tensors.
        total = Tensor._make(np.asarray(node.saved["total_weight"]), input.dtype)
        node.saved["target"] = SavedTensor(target, is_output=False)
        node.saved["weight"] = None if weight is None else SavedTensor(weight, is_output=False)
        node.saved["total_weight"] = SavedTensor(total, is_output=False)
    return out


def _soft_target_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None, code: int, label_smoothing: float
) -> Tensor:
    """ATen's cross_entropy_loss_prob_target: -(log_softmax * target [* weight]) summed, / batch."""
    class_dim = 0 if input.dim() == 1 else 1
    classes = input.shape[class_dim]
    log_probs = log_softmax(input, class_dim)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    products = log_probs * target
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = classes
        products = products * _F.view(weight, tuple(shape))
    if code == 0:
        return -_F.sum(products, class_dim)
    total = -_F.sum(products)
    if code == 2:
        return total
    batch = input.shape[0] if input.dim() > 1 else 1
    return call(OPS["div_scalar"], (total,), {"other": batch})


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    _check_tensor(input, "cross_entropy_loss", "input", 1)
    _check_tensor(target, "cross_entropy_loss", "target", 2)
    reduction = resolve_reduction(size_average, reduce, reduction)
    code = _reduction_code(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    if target.dtype.is_floating_point and tuple(target.shape) == tuple(input.shape):
        return _soft_target_cross_entropy(input, target, weight, code, label_smoothing)
    class_dim = 0 if input.dim() == 1 else 1
    log_probs = log_softmax(input, class_dim)
    loss = nll_loss(log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    return _label_smoothing(log_probs, target, weight, ignore_index, reduction, label_smoothing, loss)


def _label_smoothing(
    log_probs: Tensor,
    target: Tensor,
    weight: Tensor | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    nll: Tensor,
) -> Tensor:
    """ATen's cross_entropy_loss_label_smoothing, node for node."""
    class_dim = 0 if log_probs.dim() == 1 else 1
    classes = log_probs.shape[class_dim]
    ignore_mask = _F.eq(target, ignore_index)
    if weight is not None:
        shape = [1] * log_probs.dim()
        shape[class_dim] = classes
        smooth = -_F.sum(log_probs * _F.view(weight, tuple(shape)), class_dim)
    else:
        smooth = -_F.sum(log_probs, class_dim)
    smooth = _F.masked_fill(smooth, ignore_mask, 0.0)
    if reduction == "mean":
        kept = np.atleast_1d(target._data)[~np.atleast_1d(ignore_mask._data)]
        if weight is not None:
            denominator = Tensor._make(np.sum(weight._data[kept], dtype=weight._data.dtype), weight.dtype)
        else:
            denominator = Tensor._make(np.array(kept.size, dtype=np.int64), dtypes.int64)
        smoothed = _F.div(_F.sum(smooth), denominator)
    elif reduction == "sum":
        smoothed = _F.sum(smooth)
    else:
        smoothed = smooth
    scaled_nll = call(OPS["mul_scalar"], (nll,), {"other": 1 - label_smoothing})
    scaled_smooth = call(OPS["mul_scalar"], (smoothed,), {"other": label_smoothing / classes})
    return scaled_nll + scaled_smooth


def _broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    ndim = max(len(a), len(b))
    a_full, b_full = (1,) * (ndim - len(a)) + a, (1,) * (ndim - len(b)) + b
    shape = []
    for dim, (x, y) in enumerate(zip(a_full, b_full)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {dim}"
            )
        shape.append(y if x == 1 else x)
    return tuple(shape)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    _check_tensor(input, "mse_loss", "input", 1)
    _check_tensor(target, "mse_loss", "target", 2)
    if weight is not None:
        raise NotImplementedError("gradviz: mse_loss with weight= is not supported yet")
    reduction = resolve_reduction(size_average, reduce, reduction)
    code = _reduction_code(reduction)
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(TARGET_SIZE_WARNING.format(target=target.shape, input=input.shape), UserWarning, stacklevel=2)
        shape = _broadcast_shape(tuple(input.shape), tuple(target.shape))
        return call(OPS["mse_loss"], (_expand_to(input, shape), _expand_to(target, shape)), {"reduction": code})
    return call(OPS["mse_loss"], (input, target), {"reduction": code})


def _expand_to(t: Tensor, shape: tuple[int, ...]) -> Tensor:
    return _F.expand(t, shape) if tuple(t.shape) != shape else t
