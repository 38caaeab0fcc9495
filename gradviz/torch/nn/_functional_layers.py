"""``torch.nn.functional`` for layers: convolution, padding, pooling, dropout, batch and layer norm,
embedding and one_hot, recording what PyTorch 2.13 records on CPU.

What the graphs look like there (and here): conv1d/2d/3d is one ConvolutionBackward0 (an unbatched
input is unsqueezed first and squeezed after; padding='same' with an odd total pads the right with
ConstantPadNdBackward0 first); max_pool1d/avg_pool1d are the 2-d kernels between an unsqueeze and
a squeeze; adaptive_avg_pool2d to 1x1 is a mean over the last two dims; dropout on CPU is
``input * (bernoulli_(1 - p) / (1 - p))`` (MulBackward0) with the mask drawn from torch's generator
exactly as its CPU bernoulli_ does; batch norm is NativeBatchNormBackward0 in both modes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.grad_mode import no_grad
from gradviz.autograd.node import SavedTensor
from gradviz.autograd.ops import functional as _F
from gradviz.autograd.ops.conv import same_padding
from gradviz.autograd.ops.registry import OPS, call
from gradviz.autograd.random import generator as rng
from gradviz.autograd.tensor import Tensor
from gradviz.autograd.warn_once import warn_once

if TYPE_CHECKING:
    from gradviz.autograd.node import Node

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "conv1d",
    "conv2d",
    "conv3d",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "embedding",
    "layer_norm",
    "max_pool1d",
    "max_pool2d",
    "one_hot",
    "pad",
]

IntOrTuple = int | Sequence[int]
SAME_EVEN_KERNEL_WARNING = (
    "Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy of the input "
    "be created (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/Convolution.cpp:1101.)"
)


def _tuple(value: IntOrTuple, n: int, name: str = "") -> tuple[int, ...]:
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return (int(value[0]),) * n
        if len(value) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match")
        return tuple(int(v) for v in value)
    return (int(cast("int", value)),) * n


def _empty_placeholder(like: Tensor) -> Tensor:
    """Stands for an absent optional input (bias=None): requires no grad, so its edge is (None, 0)."""
    return Tensor._make(np.zeros((0,), dtype=like.dtype.np), like.dtype)


def _affine_flags(weight: Tensor | None, bias: Tensor | None) -> dict[str, bool]:
    return {"has_weight": weight is not None, "has_bias": bias is not None}


def _affine_operands(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    """A norm op's operands: the input and its optional weight and bias, placeholders where absent."""
    return (
        input,
        _empty_placeholder(input) if weight is None else weight,
        _empty_placeholder(input) if bias is None else bias,
    )


def _save_tensor(node: Node | None, name: str, value: Tensor | None) -> None:
    if node is not None:
        node.saved[name] = None if value is None else SavedTensor(value, is_output=False)


def _save_array(node: Node | None, name: str, dtype: dtypes.DType) -> None:
    """The table saved a plain array under ``name``: show (and free) it as a Tensor, as PyTorch does."""
    if node is not None and isinstance(node.saved.get(name), np.ndarray):
        array = node.saved[name]
        kind = dtypes.int64 if array.dtype == np.int64 else dtype
        node.saved[name] = SavedTensor(Tensor._make(array, kind), is_output=False)


def _scalar_name(dtype: dtypes.DType) -> str:
    return dtype.legacy_name.replace("torch.", "").replace("Tensor", "")


def _squeeze_raw(t: Tensor, dim: int) -> Tensor:
    """``squeeze(dim)`` saving ``dim`` as written (-2 shows as 2**64 - 2), as ATen's 1-d pooling does."""
    from gradviz.autograd.ops.nn_ops import as_saved_int

    out = _F.squeeze(t, dim)
    if out.grad_fn is not None:
        out.grad_fn.saved["dim"] = as_saved_int(dim)
    return out


# -- convolution -----------------------------------------------------------------------------------


def _conv(
    dims: int,
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: IntOrTuple,
    padding: IntOrTuple | str,
    dilation: IntOrTuple,
    groups: int,
) -> Tensor:
    name = f"conv{dims}d"
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(input).__name__}, ...)")
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got input of size: "
            f"[{', '.join(map(str, input.shape))}]"
        )
    if input.dim() == dims + 1:
        batched = _F.unsqueeze(input, 0)
        return _F.squeeze(_conv(dims, batched, weight, bias, stride, padding, dilation, groups), 0)
    stride_t = _tuple(stride, dims, "stride")
    dilation_t = _tuple(dilation, dims, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            padding_t = (0,) * dims
        elif padding == "same":
            if any(s != 1 for s in stride_t):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            padding_t, extra = same_padding(kernel, dilation_t)
            if any(extra):
                # TORCH_WARN_ONCE: once per process, in the registry a fresh-process test resets
                warn_once(SAME_EVEN_KERNEL_WARNING, UserWarning, stacklevel=5)
                widths: list[int] = []
                for e in reversed(extra):
                    widths += [0, e]
                padded = call(OPS["constant_pad_nd"], (input,), {"pad": tuple(widths), "value": 0.0})
                return _conv(dims, padded, weight, bias, stride, padding_t, dilation, groups)
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
    else:
        padding_t = _tuple(padding, dims, "padding")
    channels = input.shape[1]
    if weight.dim() != dims + 2:
        raise RuntimeError(
            f"Expected {dims + 2}-dimensional input for {dims + 2}-dimensional weight "
            f"[{', '.join(map(str, weight.shape))}], but got {input.dim()}-dimensional input of size "
            f"[{', '.join(map(str, input.shape))}] instead"
        )
    if channels != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size [{', '.join(map(str, weight.shape))}], expected "
            f"input[{', '.join(map(str, input.shape))}] to have {weight.shape[1] * groups} channels, "
            f"but got {channels} channels instead"
        )
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"Input type ({_scalar_name(input.dtype)}) and weight type ({_scalar_name(weight.dtype)}) "
            "should be the same"
        )
    for size, k, p, dl in zip(input.shape[2:], kernel, padding_t, dilation_t):
        if size + 2 * p < dl * (k - 1) + 1:
            raise RuntimeError(
                "Calculated padded input size per channel: "
                f"({' x '.join(str(s + 2 * q) for s, q in zip(input.shape[2:], padding_t))}). "
                f"Kernel size: ({' x '.join(str(dl * (kk - 1) + 1) for kk in kernel)}). "
                "Kernel size can't be greater than actual input size"
            )
    attrs = {"stride": stride_t, "padding": padding_t, "dilation": dilation_t, "groups": int(groups)}
    bias_operand = _empty_placeholder(input) if bias is None else bias
    return call(OPS["convolution"], (input, weight, bias_operand), {**attrs, "has_bias": bias is not None})


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    return _conv(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(
    dims: int,
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: IntOrTuple,
    padding: IntOrTuple,
    output_padding: IntOrTuple,
    groups: int,
    dilation: IntOrTuple,
) -> Tensor:
    name = f"conv_transpose{dims}d"
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got input of size: "
            f"[{', '.join(map(str, input.shape))}]"
        )
    if input.dim() == dims + 1:
        batched = _F.unsqueeze(input, 0)
        out = _conv_transpose(dims, batched, weight, bias, stride, padding, output_padding, groups, dilation)
        return _F.squeeze(out, 0)
    stride_t = _tuple(stride, dims, "stride")
    padding_t = _tuple(padding, dims, "padding")
    output_padding_t = _tuple(output_padding, dims, "output_padding")
    dilation_t = _tuple(dilation, dims, "dilation")
    if any(op >= st and op >= dl for op, st, dl in zip(output_padding_t, stride_t, dilation_t)):
        axes = ("height", "width") if dims == 2 else ("depth", "height", "width")[3 - dims :]
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            + " ".join(f"output_padding_{a}: {v}" for a, v in zip(axes, output_padding_t))
            + " "
            + " ".join(f"stride_{a}: {v}" for a, v in zip(axes, stride_t))
            + " "
            + " ".join(f"dilation_{a}: {v}" for a, v in zip(axes, dilation_t))
        )
    if input.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size [{', '.join(map(str, weight.shape))}], expected "
            f"input[{', '.join(map(str, input.shape))}] to have {weight.shape[0]} channels, "
            f"but got {input.shape[1]} channels instead"
        )
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"Input type ({_scalar_name(input.dtype)}) and weight type ({_scalar_name(weight.dtype)}) "
            "should be the same"
        )
    attrs = {
        "stride": stride_t,
        "padding": padding_t,
        "output_padding": output_padding_t,
        "dilation": dilation_t,
        "groups": int(groups),
    }
    bias_operand = _empty_placeholder(input) if bias is None else bias
    return call(OPS["convolution_transposed"], (input, weight, bias_operand), {**attrs, "has_bias": bias is not None})


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Tensor:
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Tensor:
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    if mode != "constant":
        raise NotImplementedError(f"gradviz: F.pad(mode={mode!r}) is not supported yet (mode='constant' is)")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension")
    return call(OPS["constant_pad_nd"], (input,), {"pad": tuple(int(p) for p in pad), "value": value or 0.0})


# -- pooling -----------------------------------------------------------------------------------------


def _check_pool_input(input: Tensor, dims: int, name: str) -> None:
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"{name}: Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with optional 0 dim batch size for "
            f"input, but got: [{', '.join(map(str, input.shape))}]"
        )


def _max_pool2d_call(
    input: Tensor,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> tuple[Tensor, Tensor]:
    from gradviz.autograd.ops.pooling import max_pool2d_indices

    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} and dilation=1"
            )
    attrs = {"kernel_size": kernel, "stride": stride, "padding": padding, "dilation": dilation, "ceil_mode": ceil_mode}
    out = call(OPS["max_pool2d_with_indices"], (input,), attrs)
    node = out.grad_fn
    if node is not None:
        _save_array(node, "result1", input.dtype)
        indices = node.saved["result1"].unpack(node)
    else:
        indices = Tensor._make(
            max_pool2d_indices(input._data, kernel, stride, padding, dilation, ceil_mode)[1], dtypes.int64
        )
    return out, indices


def max_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    _check_pool_input(input, 2, "max_pool2d")
    stride_t = () if stride is None or stride == [] else _tuple(stride, 2)
    out, indices = _max_pool2d_call(
        input, _tuple(kernel_size, 2), stride_t, _tuple(padding, 2), _tuple(dilation, 2), bool(ceil_mode)
    )
    return (out, indices) if return_indices else out


def max_pool1d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    _check_pool_input(input, 1, "max_pool1d")
    k = _tuple(kernel_size, 1)[0]
    s = k if stride is None or stride == [] else _tuple(stride, 1)[0]
    p, d = _tuple(padding, 1)[0], _tuple(dilation, 1)[0]
    lifted = _F.unsqueeze(input, -2)
    out, indices = _max_pool2d_call(lifted, (1, k), (1, s), (0, p), (1, d), bool(ceil_mode))
    out = _squeeze_raw(out, -2)
    return (out, _F.squeeze(indices, -2)) if return_indices else out


def avg_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    _check_pool_input(input, 2, "avg_pool2d")
    kernel = _tuple(kernel_size, 2)
    padding_t = _tuple(padding, 2)
    for k, p in zip(kernel, padding_t):
        if p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k}")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    attrs = {
        "kernel_size": kernel,
        "stride": () if stride is None or stride == [] else _tuple(stride, 2),
        "padding": padding_t,
        "ceil_mode": bool(ceil_mode),
        "count_include_pad": bool(count_include_pad),
        "divisor_override": divisor_override,
    }
    return call(OPS["avg_pool2d"], (input,), attrs)


def avg_pool1d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    _check_pool_input(input, 1, "avg_pool1d")
    k = _tuple(kernel_size, 1)[0]
    s = k if stride is None or stride == [] else _tuple(stride, 1)[0]
    p = _tuple(padding, 1)[0]
    lifted = _F.unsqueeze(input, -2)
    out = avg_pool2d(lifted, (1, k), (1, s), (0, p), ceil_mode, count_include_pad)
    return _squeeze_raw(out, -2)


def adaptive_avg_pool2d(input: Tensor, output_size: IntOrTuple | Sequence[int | None]) -> Tensor:
    _check_pool_input(input, 2, "adaptive_avg_pool2d")
    if isinstance(output_size, (list, tuple)):
        sizes = tuple(input.shape[-2 + i] if v is None else int(v) for i, v in enumerate(output_size))
    else:
        size = int(cast("int", output_size))
        sizes = (size, size)
    if sizes == (1, 1):
        return _F.mean(input, (-1, -2), True)
    return call(OPS["adaptive_avg_pool2d"], (input,), {"output_size": sizes})


def adaptive_max_pool2d(
    input: Tensor, output_size: IntOrTuple | Sequence[int | None], return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    from gradviz.autograd.ops.pooling import adaptive_max_indices

    if input.dim() not in (3, 4):
        raise RuntimeError(
            f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [{', '.join(map(str, input.shape))}]"
        )
    sizes: tuple[int, int]
    if isinstance(output_size, (list, tuple)):
        height, width = (input.shape[-2 + i] if v is None else int(v) for i, v in enumerate(output_size))
        sizes = (height, width)
    else:
        size = int(cast("int", output_size))
        sizes = (size, size)
    out = call(OPS["adaptive_max_pool2d"], (input,), {"output_size": sizes})
    if not return_indices:
        return out
    node = out.grad_fn
    if node is not None:
        _save_array(node, "result1", input.dtype)
        indices = node.saved["result1"].unpack(node)
    else:
        indices = Tensor._make(adaptive_max_indices(input._data, sizes)[1], dtypes.int64)
    return out, indices


def adaptive_max_pool1d(
    input: Tensor, output_size: IntOrTuple, return_indices: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 'self' "
            "(while checking arguments for adaptive_max_pool1d)"
        )
    size = _tuple(output_size, 1)[0]
    pooled = adaptive_max_pool2d(_F.unsqueeze(input, -2), (1, size), return_indices=True)
    out, indices = cast("tuple[Tensor, Tensor]", pooled)
    out = _squeeze_raw(out, -2)
    if not return_indices:
        return out
    with no_grad():
        return out, _F.squeeze(indices, -2)


def adaptive_avg_pool1d(input: Tensor, output_size: IntOrTuple) -> Tensor:
    size = _tuple(output_size, 1)[0]
    lifted = _F.unsqueeze(input, -2)
    return _squeeze_raw(adaptive_avg_pool2d(lifted, (1, size)), -2)


# -- dropout -------------------------------------------------------------------------------------------


def _dropout_impl(input: Tensor, p: float, training: bool, inplace: bool, feature: bool) -> Tensor:
    """ATen's CPU _dropout_impl: a bernoulli_(1 - p) mask (one draw per element, or per channel for the
    feature forms), divided by 1 - p, then ``input * mask`` (MulBackward0)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        # PyTorch multiplies by a 0-dim zero of the input's dtype
        nothing = Tensor._make(np.zeros((), dtype=input.dtype.np), input.dtype)
        return input.mul_(nothing) if inplace else _F.mul(input, nothing)
    keep = 1.0 - p
    shape = tuple(input.shape)
    if feature:
        shape = shape[:2] + (1,) * (len(shape) - 2)
    noise = np.empty(shape, dtype=input.dtype.np)
    rng.bernoulli_(noise, keep)
    noise = noise / noise.dtype.type(keep)
    mask = Tensor._make(noise, input.dtype)
    return input.mul_(mask) if inplace else _F.mul(input, mask)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    return _dropout_impl(input, p, training, inplace, feature=False)


def _feature_dropout(name: str, spatial: int, input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    ndim = input.dim()
    batched_dim = spatial + 2
    if name == "dropout1d" and ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an "
            "optional batch dimension (i.e. 2D or 3D inputs)."
        )
    if name != "dropout1d" and ndim not in (batched_dim - 1, batched_dim):
        words = {2: "2 spatial dimensions", 3: "3 spatial dimensions"}[spatial]
        warnings.warn(
            f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in an error in a "
            f"future release. To retain the behavior and silence this warning, please use dropout instead. Note "
            f"that {name} exists to provide channel-wise dropout on inputs with {words}, a channel dimension, "
            f"and an optional batch dimension (i.e. {batched_dim - 1}D or {batched_dim}D inputs).",
            UserWarning,
            stacklevel=3,
        )
    if name == "dropout2d" and ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
            "instead.",
            UserWarning,
            stacklevel=3,
        )
        return _dropout_impl(input, p, training, inplace, feature=True)
    if ndim == batched_dim - 1 and name != "dropout2d":
        # (in place, the mask is applied through the unsqueezed view, so it lands in the input)
        result = _dropout_impl(_F.unsqueeze(input, 0), p, training, inplace, feature=True)
        return _F.squeeze(result, 0)
    return _dropout_impl(input, p, training, inplace, feature=True)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    return _feature_dropout("dropout1d", 1, input, p, training, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    return _feature_dropout("dropout2d", 2, input, p, training, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    return _feature_dropout("dropout3d", 3, input, p, training, inplace)


# -- normalisation ---------------------------------------------------------------------------------


def _update_running(running: Tensor, batch_value: np.ndarray, momentum: float) -> None:
    updated = momentum * batch_value.astype(np.float64) + (1 - momentum) * running._data.astype(np.float64)
    running._data[...] = updated.astype(running._data.dtype)
    running._version_counter[0] += 1


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float | None = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    from gradviz.autograd.ops.normalization import batch_norm_stats

    if input.dim() < 2:
        raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")
    channels = input.shape[1]
    if training:
        count = input.numel() // channels
        if count == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size "
                f"torch.Size([{', '.join(map(str, input.shape))}])"
            )
    elif running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    for name, tensor in (
        ("weight", weight),
        ("bias", bias),
        ("running_mean", running_mean),
        ("running_var", running_var),
    ):
        if tensor is not None and tensor.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {tensor.numel()}")
    attrs = {
        "running_mean": None if running_mean is None else running_mean._data,
        "running_var": None if running_var is None else running_var._data,
        "training": bool(training),
        "eps": float(eps),
        **_affine_flags(weight, bias),
    }
    operands = _affine_operands(input, weight, bias)
    if training and running_mean is not None and running_var is not None:
        # PyTorch's kernel updates the running statistics in place before the node saves them.
        with no_grad():
            mean, _, unbiased = batch_norm_stats(input._data, eps)
            factor = 0.0 if momentum is None else float(momentum)
            _update_running(running_mean, mean, factor)
            _update_running(running_var, unbiased, factor)
    out = call(OPS["native_batch_norm"], operands, attrs)
    node = out.grad_fn
    if node is not None:
        _save_tensor(node, "running_mean", running_mean)
        _save_tensor(node, "running_var", running_var)
        _save_tensor(node, "weight", weight)
        _save_array(node, "result1", input.dtype)
        _save_array(node, "result2", input.dtype)
    return out


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch norm over a (1, N * C, *) view of the input, as ATen's instance_norm computes it:
    weight, bias and running statistics repeated per sample, the running statistics' update
    averaged back over the samples."""
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(
            "Expected more than 1 spatial element when training, got input size "
            f"torch.Size([{', '.join(map(str, input.shape))}])"
        )
    batch, channels = input.shape[0], input.shape[1]
    folded = _F.view(input.contiguous(), (1, batch * channels, *input.shape[2:]))

    def repeated(t: Tensor | None) -> Tensor | None:
        return None if t is None else _F.repeat(t, batch)

    mean_rep, var_rep = repeated(running_mean), repeated(running_var)
    out = batch_norm(folded, mean_rep, var_rep, repeated(weight), repeated(bias), use_input_stats, momentum, eps)
    with no_grad():
        for running, rep in ((running_mean, mean_rep), (running_var, var_rep)):
            if running is not None and rep is not None:
                running._data[...] = rep._data.reshape(batch, channels).mean(axis=0)
                running._version_counter[0] += 1
    return _F.view(out, tuple(input.shape))


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """Each slice along ``dim`` divided by its p-norm (at least ``eps``), as PyTorch computes it:
    input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)."""
    if out is not None:
        raise NotImplementedError("gradviz: F.normalize(out=...) is not supported")
    denom = _F.expand_as(_F.clamp_min(_F.norm(input, p, dim, True), eps), input)
    return _F.div(input, denom)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between x1 and x2 along ``dim``, as ATen computes it: each divided
    by a clone of its norm clamped (without recording) to at least ``eps``, multiplied, summed."""
    shape = tuple(np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape)))
    a = x1 if tuple(x1.shape) == shape else _F.expand(x1, shape)
    b = x2 if tuple(x2.shape) == shape else _F.expand(x2, shape)
    norms = []
    for t in (a, b):
        norm = _F.clone(_F.norm(t, 2, dim, True))
        with no_grad():
            norm._data[...] = np.maximum(norm._data, norm.dtype.np.type(eps))
            norm._version_counter[0] += 1
        norms.append(norm)
    return _F.sum(_F.mul(_F.div(a, norms[0]), _F.div(b, norms[1])), dim)


def interpolate(
    input: Tensor,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """F.interpolate in mode 'nearest' for 3-d and 4-d inputs (UpsampleNearest1D/2DBackward0):
    the output size from ``size`` or floor(input size * scale_factor), each output element a copy
    of the input element ATen's nearest index names."""
    if mode != "nearest":
        raise NotImplementedError(f"gradviz: F.interpolate(mode={mode!r}) is not supported yet (mode='nearest' is)")
    del align_corners, antialias
    dims = input.dim() - 2
    if dims not in (1, 2):
        raise NotImplementedError(f"gradviz: F.interpolate of a {input.dim()}-D input is not supported yet")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined")
    spatial = tuple(input.shape[2:])
    scales: tuple[float | None, ...]
    if size is not None:
        sizes = (int(size),) * dims if isinstance(size, int) else tuple(int(n) for n in size)
        if len(sizes) != dims:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got input with spatial "
                f"dimensions of {list(spatial)} and output size of {list(sizes)}. Please provide input tensor in "
                "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format."
            )
        scales = (None,) * dims
    else:
        assert scale_factor is not None
        factors = (
            (float(scale_factor),) * dims
            if isinstance(scale_factor, (int, float))
            else tuple(float(f) for f in scale_factor)
        )
        sizes = tuple(math.floor(n * f) for n, f in zip(spatial, factors))
        scales = (None,) * dims if recompute_scale_factor else factors
    return call(OPS[f"upsample_nearest{dims}d"], (input,), {"output_size": sizes, "scales": scales})


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    if input.shape[1] % num_groups != 0:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"[{', '.join(map(str, input.shape))}] and num_groups={num_groups}"
        )
    attrs = {
        "group": int(num_groups),
        "eps": float(eps),
        **_affine_flags(weight, bias),
    }
    operands = _affine_operands(input, weight, bias)
    out = call(OPS["native_group_norm"], operands, attrs)
    node = out.grad_fn
    if node is not None:
        _save_statistic(node, "result1", 1, input.dtype)
        _save_statistic(node, "result2", 2, input.dtype)
    return out


def _save_statistic(node: Node, name: str, output_nr: int, dtype: dtypes.DType) -> None:
    """A statistic the table saved as an array, shown as PyTorch shows it: an output of the node
    (``grad_fn._saved_result1`` prints with ``grad_fn=<NativeGroupNormBackward0>``)."""
    array = node.saved.get(name)
    if isinstance(array, np.ndarray):
        statistic = Tensor._make(array, dtype)
        statistic._requires_grad = True
        statistic.grad_fn = node
        statistic._output_nr = output_nr
        node.saved[name] = SavedTensor(statistic, is_output=True)


def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int] | int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    shape = (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(int(s) for s in normalized_shape)
    if tuple(input.shape[input.dim() - len(shape) :]) != shape or input.dim() < len(shape):
        raise RuntimeError(
            f"Given normalized_shape=[{', '.join(map(str, shape))}], expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size[{', '.join(map(str, input.shape))}]"
        )
    attrs = {
        "normalized_shape": shape,
        "eps": float(eps),
        **_affine_flags(weight, bias),
    }
    operands = _affine_operands(input, weight, bias)
    out = call(OPS["native_layer_norm"], operands, attrs)
    node = out.grad_fn
    if node is not None:
        _save_tensor(node, "weight", weight)
        _save_tensor(node, "bias", bias)
        _save_array(node, "result1", input.dtype)
        _save_array(node, "result2", input.dtype)
    return out


# -- embedding and one_hot -------------------------------------------------------------------------


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    if not isinstance(input, Tensor) or input.dtype not in (dtypes.int64, dtypes.int32):
        kind = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got {getattr(kind, 'legacy_name', kind)} instead (while checking arguments for embedding)"
        )
    if max_norm is not None:
        raise NotImplementedError("gradviz: embedding(max_norm=...) is not supported yet")
    if sparse:
        raise NotImplementedError("gradviz: sparse embedding gradients are not supported")
    rows = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= rows:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -rows:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = rows + padding_idx
    indices = input._data.astype(np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        raise IndexError("index out of range in self")
    attrs = {
        "indices": indices,
        "padding_idx": -1 if padding_idx is None else int(padding_idx),
        "scale_grad_by_freq": bool(scale_grad_by_freq),
        "sparse": bool(sparse),
    }
    out = call(OPS["embedding"], (weight,), attrs)
    _save_tensor(out.grad_fn, "indices", input)
    return out


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = tensor._data
    if num_classes == -1:
        num_classes = int(values.max()) + 1 if values.size else 0
    if values.size and values.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if values.size and values.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros((*values.shape, num_classes), dtype=np.int64)
    np.put_along_axis(out, values[..., None], 1, axis=-1)
    return Tensor._make(out, dtypes.int64)
