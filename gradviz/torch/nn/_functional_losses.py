"""``torch.nn.functional`` losses beyond mse/nll/cross_entropy: l1, smooth_l1, huber, binary cross
entropy (with and without logits), kl_div, and the legacy ``size_average=`` / ``reduce=`` mapping.

The graphs are PyTorch 2.13's: ``l1_loss`` is ``(input - target).abs()`` then ``mean()``/``sum()``
(MeanBackward0 over AbsBackward0 over SubBackward0); ``kl_div`` is ``xlogy(t, t) - t * input`` (or
``exp(t) * (t - input)`` for log targets) reduced, with 'batchmean' dividing by the batch size held in
a 0-dim tensor (DivBackward0); the others are one kernel node each (gradviz.autograd.ops.loss_ops).
"""

from __future__ import annotations

import warnings

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import SavedTensor
from gradviz.autograd.ops import functional as _F
from gradviz.autograd.ops.nn_ops import REDUCTIONS
from gradviz.autograd.ops.registry import OPS, call
from gradviz.autograd.tensor import Tensor

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "legacy_reduction",
    "smooth_l1_loss",
]

LEGACY_WARNING = "size_average and reduce args will be deprecated, please use reduction='{}' instead."
TARGET_SIZE_WARNING = (
    "Using a target size ({target}) that is different to the input size ({input}). "
    "This will likely lead to incorrect results due to broadcasting. Please ensure "
    "they have the same size."
)
BATCHMEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


def legacy_reduction(size_average: bool | None, reduce: bool | None, stacklevel: int = 3) -> str:
    """PyTorch's _Reduction.legacy_get_string: the reduction the old arguments meant, with its warning."""
    average = True if size_average is None else size_average
    reducing = True if reduce is None else reduce
    if average and reducing:
        reduction = "mean"
    elif reducing:
        reduction = "sum"
    else:
        reduction = "none"
    warnings.warn(LEGACY_WARNING.format(reduction), UserWarning, stacklevel=stacklevel)
    return reduction


def resolve_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce, stacklevel=4)
    return reduction


def reduction_code(reduction: str) -> int:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return REDUCTIONS[reduction]


def _check_tensor(value: object, fn: str, arg: str, position: int) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


def _broadcast_pair(input: Tensor, target: Tensor, stacklevel: int = 4) -> tuple[Tensor, Tensor]:
    """Different shapes: PyTorch warns and broadcasts both to a common shape."""
    if tuple(input.shape) == tuple(target.shape):
        return input, target
    warnings.warn(TARGET_SIZE_WARNING.format(target=target.shape, input=input.shape), UserWarning, stacklevel)
    shape = np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    return (
        input if tuple(input.shape) == shape else _F.expand(input, shape),
        target if tuple(target.shape) == shape else _F.expand(target, shape),
    )


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return _F.mean(losses)
    if reduction == "sum":
        return _F.sum(losses)
    return losses


def _save(node: object, **tensors: Tensor | None) -> None:
    if node is None:
        return
    saved = node.saved  # type: ignore[attr-defined]
    for name, value in tensors.items():
        saved[name] = None if value is None else SavedTensor(value, is_output=False)


# -- l1, smooth l1, huber -----------------------------------------------------------------------------


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    _check_tensor(input, "l1_loss", "input", 1)
    _check_tensor(target, "l1_loss", "target", 2)
    reduction = resolve_reduction(size_average, reduce, reduction)
    reduction_code(reduction)
    left, right = _broadcast_pair(input, target)
    return _reduce(_F.abs(_F.sub(left, right)), reduction)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    _check_tensor(input, "smooth_l1_loss", "input", 1)
    _check_tensor(target, "smooth_l1_loss", "target", 2)
    reduction = resolve_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    left, right = _broadcast_pair(input, target)
    return call(OPS["smooth_l1_loss"], (left, right), {"reduction": reduction_code(reduction), "beta": float(beta)})


def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    _check_tensor(input, "huber_loss", "input", 1)
    _check_tensor(target, "huber_loss", "target", 2)
    if weight is not None:
        raise NotImplementedError("gradviz: huber_loss with weight= is not supported yet")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    left, right = _broadcast_pair(input, target)
    return call(OPS["huber_loss"], (left, right), {"reduction": reduction_code(reduction), "delta": float(delta)})


# -- binary cross entropy -------------------------------------------------------------------------------


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    _check_tensor(input, "binary_cross_entropy", "input", 1)
    _check_tensor(target, "binary_cross_entropy", "target", 2)
    reduction = resolve_reduction(size_average, reduce, reduction)
    code = reduction_code(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size."
        )
    data = input._data
    if data.size and not bool(((data >= 0) & (data <= 1)).all()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    t = target._data
    if t.size and not bool(((t >= 0) & (t <= 1)).all()):
        raise RuntimeError("all elements of target should be between 0 and 1")
    expanded = None
    if weight is not None:
        shape = np.broadcast_shapes(tuple(weight.shape), tuple(input.shape))
        expanded = weight if tuple(weight.shape) == shape else _F.expand(weight, shape)
    attrs = {
        "target": target._data,
        "weight": None if expanded is None else expanded._data,
        "reduction": code,
    }
    out = call(OPS["binary_cross_entropy"], (input,), attrs, out_dtype=input.dtype)
    _save(out.grad_fn, target=target, weight=expanded)
    return out


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    _check_tensor(input, "binary_cross_entropy_with_logits", "input", 1)
    _check_tensor(target, "binary_cross_entropy_with_logits", "target", 2)
    reduction = resolve_reduction(size_average, reduce, reduction)
    code = reduction_code(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    attrs = {
        "target": target._data,
        "weight": None if weight is None else weight._data,
        "pos_weight": None if pos_weight is None else pos_weight._data,
        "reduction": code,
    }
    out = call(OPS["binary_cross_entropy_with_logits"], (input,), attrs, out_dtype=input.dtype)
    _save(out.grad_fn, target=target, weight=weight, pos_weight=pos_weight)
    return out


# -- kl_div --------------------------------------------------------------------------------------------


def _xlogy_self(t: Tensor) -> Tensor:
    values = t._data
    with np.errstate(all="ignore"):
        result = np.where(values == 0, values.dtype.type(0), values * np.log(values))
    return Tensor._make(result.astype(values.dtype), t.dtype)


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    _check_tensor(input, "kl_div", "input", 1)
    _check_tensor(target, "kl_div", "target", 2)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn(BATCHMEAN_WARNING, UserWarning, stacklevel=2)
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        losses = _F.mul(_F.exp(target), _F.sub(target, input))
    else:
        losses = _F.sub(_xlogy_self(target), _F.mul(target, input))
    if reduction == "batchmean":
        total = _F.sum(losses)
        if input.dim() == 0:
            return total
        return _F.div(total, Tensor._make(np.array(input.shape[0], dtype=np.int64), dtypes.int64))
    return _reduce(losses, reduction)
