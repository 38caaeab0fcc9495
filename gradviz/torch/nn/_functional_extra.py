"""``torch.nn.functional`` activations and distances beyond the everyday ones: ``prelu``,
``hardswish``, ``hardsigmoid``, ``softsign``, ``softmin``, ``glu``, ``threshold`` (and
``threshold_``) and ``pairwise_distance``, composed as torch 2.13 composes them so the graph shows
its nodes (softsign: AbsBackward0, AddBackward0, DivBackward0; softmin: NegBackward0 then
SoftmaxBackward0; pairwise_distance: SubBackward0, AddBackward1, NormBackward1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradviz.autograd.ops import functional as _F
from gradviz.autograd.ops.inplace import inplace as _inplace
from gradviz.autograd.ops.registry import OPS, call

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike

__all__ = [
    "glu",
    "hardsigmoid",
    "hardswish",
    "pairwise_distance",
    "prelu",
    "softmin",
    "softsign",
    "threshold",
    "threshold_",
]


def _require_floating(kernel: str, input: Tensor) -> None:
    if not input.dtype.is_floating_point:
        from gradviz.autograd.ops.comparison import scalar_type_name

        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(input.dtype)}'")


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + weight * min(0, x), one weight per channel (dim 1) or one for all; the weight
    is reshaped to broadcast along dim 1 (a ViewBackward0 under PreluKernelBackward0)."""
    from gradviz.autograd.ops.comparison import scalar_type_name

    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {scalar_type_name(input.dtype)} and "
            f"{scalar_type_name(weight.dtype)}"
        )
    ndim = input.dim()
    if weight.numel() != 1:
        if ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if ndim > 1 else 1
        if channels != weight.numel():
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                f"{weight.numel()} and channel size = {channels}."
            )
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    if ndim >= 2:
        shape = [1] * ndim
        shape[1] = weight.numel()
        weight = _F.reshape(weight, tuple(shape))
    return call(OPS["prelu_kernel"], (input, weight))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    _require_floating("hardswish_cpu", input)
    if inplace:
        return _inplace(input, lambda x: call(OPS["hardswish"], (x,)))
    return call(OPS["hardswish"], (input,))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    _require_floating("hardsigmoid_cpu", input)
    if inplace:
        return _inplace(input, lambda x: call(OPS["hardsigmoid"], (x,)))
    return call(OPS["hardsigmoid"], (input,))


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return _F.div(input, _F.add(_F.abs(input), 1))


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: DTypeLike | None = None) -> Tensor:
    """softmax(-x, dim): small values get the large weights."""
    from gradviz.torch.nn.functional import _softmax_dim, softmax

    if dim is None:
        dim = _softmax_dim("softmin", input.dim(), stacklevel=_stacklevel - 1)
    return softmax(_F.neg(input), dim, dtype=dtype)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """The gated linear unit: the first half of ``dim`` times the sigmoid of the second half."""
    from gradviz.autograd.ops.stacking import _wrap

    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    axis = _wrap(dim, input.dim())
    if input.shape[axis] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size {input.shape[axis]}")
    return call(OPS["glu"], (input,), {"axis": axis, "dim": dim + 2**64 if dim < 0 else dim})


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    if inplace:
        return threshold_(input, threshold, value)
    return call(OPS["threshold"], (input,), {"threshold": threshold, "value": value})


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """threshold in place (ThresholdBackward1, which reads the written result)."""
    return _inplace(input, lambda x: call(OPS["threshold_"], (x,), {"threshold": threshold, "value": value}))


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """The p-norm of x1 - x2 + eps over the last dim (of the broadcast shape)."""
    last = max(x1.dim(), x2.dim()) - 1
    difference = call(OPS["add_scalar"], (_F.sub(x1, x2),), {"other": eps})
    if last < 0:
        axes: tuple[int, ...] = ()
        dims: tuple[int, ...] = (2**64 - 1,)
    else:
        axes = dims = (last,)
    attrs = {"p": float(p), "axes": axes, "dim": dims, "keepdim": bool(keepdim)}
    return call(OPS["norm_p"], (difference,), attrs)
