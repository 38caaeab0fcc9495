"""Op-table entries for convolution: ``convolution`` (ConvolutionBackward0, what conv1d/conv2d/conv3d
record) and ``constant_pad_nd`` (ConstantPadNdBackward0, ``F.pad`` and conv's asymmetric 'same').

The convolution works on any number of spatial dims: the zero-padded input is viewed as windows
(a strided view, dilation folded into the strides) and contracted with the weight per group. Its
backward gives the input's grad by adding each kernel tap's contribution back into the padded
input, the weight's grad by contracting the windows with the output grad, and the bias's grad by a
sum. Like PyTorch, the node saves ``input`` and ``weight`` whichever inputs need grad (one
convolution_backward formula serves all three). A missing bias is passed as an empty placeholder
that does not require grad, so ``next_functions`` keeps PyTorch's three slots with ``(None, 0)``.

float32 sums run in numpy's (BLAS's) order, not oneDNN's: results agree with PyTorch to float32
rounding, not bit for bit.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.activations import array_of
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["conv_output_size", "pad_spatial", "windows"]


def conv_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def pad_spatial(a: np.ndarray, padding: Sequence[int], value: float = 0.0) -> np.ndarray:
    """Pad the trailing len(padding) dims symmetrically."""
    if not any(padding):
        return a
    lead = a.ndim - len(padding)
    widths = [(0, 0)] * lead + [(p, p) for p in padding]
    return np.pad(a, widths, mode="constant", constant_values=value)


def windows(
    padded: np.ndarray, kernel: Sequence[int], stride: Sequence[int], dilation: Sequence[int], out: Sequence[int]
) -> np.ndarray:
    """A read-only view (..., *out, *kernel) of the sliding windows over the trailing dims."""
    d = len(kernel)
    lead_shape = padded.shape[: padded.ndim - d]
    lead_strides = padded.strides[: padded.ndim - d]
    spatial_strides = padded.strides[padded.ndim - d :]
    shape = (*lead_shape, *out, *kernel)
    strides = (
        *lead_strides,
        *(s * st for s, st in zip(spatial_strides, stride)),
        *(s * dl for s, dl in zip(spatial_strides, dilation)),
    )
    return np.lib.stride_tricks.as_strided(padded, shape=shape, strides=strides, writeable=False)


def _geometry(x_shape: tuple[int, ...], w_shape: tuple[int, ...], attrs: Attrs) -> tuple[int, ...]:
    spatial = x_shape[2:]
    return tuple(
        conv_output_size(size, k, s, p, dl)
        for size, k, s, p, dl in zip(spatial, w_shape[2:], attrs["stride"], attrs["padding"], attrs["dilation"])
    )


def _convolution(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
    has_bias: bool,
) -> np.ndarray:
    d = w.ndim - 2
    out = _geometry(x.shape, w.shape, {"stride": stride, "padding": padding, "dilation": dilation})
    cols = windows(pad_spatial(x, padding), w.shape[2:], stride, dilation, out)  # (N, C, *out, *K)
    n = x.shape[0]
    c_per = x.shape[1] // groups
    o_per = w.shape[0] // groups
    spatial_axes = list(range(2 + d, 2 + 2 * d))
    parts = []
    for g in range(groups):
        block = cols[:, g * c_per : (g + 1) * c_per]
        kernel = w[g * o_per : (g + 1) * o_per]
        # (N, *out, O_g): contract channels and kernel taps
        parts.append(np.tensordot(block, kernel, axes=([1, *spatial_axes], [1, *range(2, 2 + d)])))
    result = parts[0] if groups == 1 else np.concatenate(parts, axis=-1)
    result = np.moveaxis(result, -1, 1)
    if has_bias:
        result = result + bias.reshape((1, -1) + (1,) * d)
    return np.ascontiguousarray(result.reshape((n, w.shape[0], *out)), dtype=x.dtype)


def _conv_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    d = arrays[1].ndim - 2
    return {
        "stride": tuple(attrs["stride"]),
        "padding": tuple(attrs["padding"]),
        "dilation": tuple(attrs["dilation"]),
        "transposed": False,
        "output_padding": (0,) * d,
        "groups": attrs["groups"],
        # PyTorch shows the (undefined) bias's sizes as (0,) when there is none
        "bias_sym_sizes_opt": (arrays[1].shape[0],) if attrs["has_bias"] else (0,),
    }


def _input_grad(
    g: np.ndarray,
    w: np.ndarray,
    x_shape: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    groups: int,
) -> np.ndarray:
    """The grad of a convolution's input of shape ``x_shape`` from its output grad ``g``: each
    kernel tap's contribution added back into the padded input (also a transposed convolution)."""
    c_per, o_per = x_shape[1] // groups, w.shape[0] // groups
    padded_shape = (x_shape[0], x_shape[1], *(size + 2 * p for size, p in zip(x_shape[2:], padding)))
    grad_padded = np.zeros(padded_shape, dtype=np.result_type(g.dtype, w.dtype))
    out = g.shape[2:]
    for g_index in range(groups):
        g_block = g[:, g_index * o_per : (g_index + 1) * o_per]  # (N, O_g, *out)
        kernel = w[g_index * o_per : (g_index + 1) * o_per]  # (O_g, C_g, *K)
        for tap in itertools.product(*(range(k) for k in w.shape[2:])):
            tap_key: tuple[Any, ...] = (slice(None), slice(None), *tap)
            taps = kernel[tap_key]  # (O_g, C_g)
            contribution = np.tensordot(g_block, taps, axes=([1], [0]))  # (N, *out, C_g)
            contribution = np.moveaxis(contribution, -1, 1)
            region = tuple(
                slice(t * dl, t * dl + (o - 1) * st + 1, st) for t, dl, st, o in zip(tap, dilation, stride, out)
            )
            grad_padded[(slice(None), slice(g_index * c_per, (g_index + 1) * c_per), *region)] += contribution
    inner = tuple(slice(p, p + size) for p, size in zip(padding, x_shape[2:]))
    return grad_padded[(slice(None), slice(None), *inner)]


def _weight_grad(
    x: np.ndarray,
    g: np.ndarray,
    w_shape: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    groups: int,
) -> np.ndarray:
    """The grad of a convolution's weight: the input's windows contracted with the output grad."""
    d = len(w_shape) - 2
    c_per, o_per = x.shape[1] // groups, w_shape[0] // groups
    cols = windows(pad_spatial(x, padding), w_shape[2:], stride, dilation, g.shape[2:])
    out_axes = list(range(2, 2 + d))
    parts = []
    for g_index in range(groups):
        block = cols[:, g_index * c_per : (g_index + 1) * c_per]  # (N, C_g, *out, *K)
        g_block = g[:, g_index * o_per : (g_index + 1) * o_per]  # (N, O_g, *out)
        parts.append(np.tensordot(g_block, block, axes=([0, *out_axes], [0, *out_axes])))  # (O_g, C_g, *K)
    return parts[0] if groups == 1 else np.concatenate(parts, axis=0)


def _conv_input_vjp(g: Grad, s: SavedView) -> Grad:
    return _input_grad(array_of(g), s.weight, s.input.shape, s.stride, s.padding, s.dilation, s.groups)


def _conv_weight_vjp(g: Grad, s: SavedView) -> Grad:
    return _weight_grad(s.input, array_of(g), s.weight.shape, s.stride, s.padding, s.dilation, s.groups)


def _conv_bias_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    return np.sum(g, axis=(0, *range(2, g.ndim)))


_CONV_NEEDS = ("input", "weight", "stride", "padding", "dilation", "groups")


def _conv_case(
    x: tuple[int, ...], w: tuple[int, ...], stride: int = 1, padding: int = 0, dilation: int = 1, groups: int = 1
) -> GradCase:
    d = len(w) - 2
    return GradCase(
        (x, w, (w[0],)),
        {
            "stride": (stride,) * d,
            "padding": (padding,) * d,
            "dilation": (dilation,) * d,
            "groups": groups,
            "has_bias": True,
        },
    )


defop(
    "convolution",
    "ConvolutionBackward0",
    ("input", "weight", "bias"),
    _convolution,
    {
        "input": VJP(_CONV_NEEDS, _conv_input_vjp),
        "weight": VJP(_CONV_NEEDS, _conv_weight_vjp),
        "bias": VJP(_CONV_NEEDS, _conv_bias_vjp),
    },
    dtype_rule="same",
    save=_conv_save,
    cases=(
        _conv_case((2, 2, 5), (3, 2, 3)),
        _conv_case((1, 2, 7), (2, 1, 2), stride=2, padding=1, groups=2),
        _conv_case((1, 1, 4, 4), (2, 1, 3, 3), padding=1),
        _conv_case((1, 2, 6, 5), (2, 2, 2, 2), stride=2, dilation=2),
    ),
    double_backward=False,
)


# -- transposed convolution (conv_transpose1d/2d: ConvolutionBackward0 with transposed=True) ---------


def transposed_output_size(
    size: int, kernel: int, stride: int, padding: int, output_padding: int, dilation: int
) -> int:
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def _transposed_shape(x_shape: Sequence[int], w_shape: Sequence[int], attrs: Attrs) -> tuple[int, ...]:
    spatial = tuple(
        transposed_output_size(size, k, st, p, op, dl)
        for size, k, st, p, op, dl in zip(
            x_shape[2:], w_shape[2:], attrs["stride"], attrs["padding"], attrs["output_padding"], attrs["dilation"]
        )
    )
    return (x_shape[0], w_shape[1] * attrs["groups"], *spatial)


def _convolution_transposed(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    output_padding: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
    has_bias: bool,
) -> np.ndarray:
    # The transpose of a convolution is the grad of its input: the same kernel taps added back.
    attrs = {"stride": stride, "padding": padding, "output_padding": output_padding, "dilation": dilation}
    shape = _transposed_shape(x.shape, w.shape, {**attrs, "groups": groups})
    result = _input_grad(x, w, shape, stride, padding, dilation, groups)
    if has_bias:
        result = result + bias.reshape((1, -1) + (1,) * (w.ndim - 2))
    return np.ascontiguousarray(result, dtype=x.dtype)


def _conv_transposed_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {
        "stride": tuple(attrs["stride"]),
        "padding": tuple(attrs["padding"]),
        "dilation": tuple(attrs["dilation"]),
        "transposed": True,
        "output_padding": tuple(attrs["output_padding"]),
        "groups": attrs["groups"],
        "bias_sym_sizes_opt": (arrays[1].shape[1] * attrs["groups"],) if attrs["has_bias"] else (0,),
    }


def _conv_transposed_input_vjp(g: Grad, s: SavedView) -> Grad:
    w = s.weight
    empty = np.zeros((0,), dtype=w.dtype)
    return _convolution(array_of(g), w, empty, s.stride, s.padding, s.dilation, s.groups, False)


def _conv_transposed_weight_vjp(g: Grad, s: SavedView) -> Grad:
    return _weight_grad(array_of(g), s.input, s.weight.shape, s.stride, s.padding, s.dilation, s.groups)


_CONV_T_NEEDS = ("input", "weight", "stride", "padding", "dilation", "groups")


def _conv_transposed_case(
    x: tuple[int, ...], w: tuple[int, ...], stride: int = 1, padding: int = 0, output_padding: int = 0, groups: int = 1
) -> GradCase:
    d = len(w) - 2
    return GradCase(
        (x, w, (w[1] * groups,)),
        {
            "stride": (stride,) * d,
            "padding": (padding,) * d,
            "output_padding": (output_padding,) * d,
            "dilation": (1,) * d,
            "groups": groups,
            "has_bias": True,
        },
    )


defop(
    "convolution_transposed",
    "ConvolutionBackward0",
    ("input", "weight", "bias"),
    _convolution_transposed,
    {
        "input": VJP(_CONV_T_NEEDS, _conv_transposed_input_vjp),
        "weight": VJP(_CONV_T_NEEDS, _conv_transposed_weight_vjp),
        "bias": VJP(_CONV_T_NEEDS, _conv_bias_vjp),
    },
    dtype_rule="same",
    save=_conv_transposed_save,
    cases=(
        _conv_transposed_case((2, 2, 4), (2, 3, 3)),
        _conv_transposed_case((1, 2, 3), (2, 2, 2), stride=2, padding=1, output_padding=1, groups=2),
        _conv_transposed_case((1, 2, 3, 3), (2, 1, 3, 3), stride=2, padding=1, output_padding=1),
    ),
    double_backward=False,
)


# -- constant_pad_nd -------------------------------------------------------------------------------


def _pad_widths(ndim: int, pad: Sequence[int]) -> list[tuple[int, int]]:
    """F.pad's list (last dim first, (left, right) pairs) as numpy's per-dim widths."""
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return widths


def _constant_pad(a: np.ndarray, pad: tuple[int, ...], value: float) -> np.ndarray:
    widths = _pad_widths(a.ndim, pad)
    # Negative widths crop, as in PyTorch.
    cropped = a[tuple(slice(max(-lo, 0), a.shape[i] - max(-hi, 0)) for i, (lo, hi) in enumerate(widths))]
    grown = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    return np.pad(cropped, grown, mode="constant", constant_values=a.dtype.type(value))


def _constant_pad_vjp(g: Grad, s: SavedView) -> Grad:
    shape = s.input_shape(0)
    negated = tuple(-p for p in s.pad)
    if s.graph_mode:
        from gradviz.autograd.ops.registry import OPS, call

        return call(OPS["constant_pad_nd"], (cast("Tensor", g),), {"pad": negated, "value": 0.0})
    result = _constant_pad(array_of(g), negated, 0.0)
    assert result.shape == tuple(shape)
    return result


defop(
    "constant_pad_nd",
    "ConstantPadNdBackward0",
    ("self",),
    _constant_pad,
    {"self": VJP(("pad",), _constant_pad_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"pad": tuple(attrs["pad"])},
    cases=(
        GradCase(((2, 3),), {"pad": (1, 2), "value": 0.0}),
        GradCase(((2, 3, 4),), {"pad": (0, 1, 2, 0), "value": 1.5}),
        GradCase(((3, 4),), {"pad": (-1, 1), "value": 0.0}),
    ),
)


def same_padding(kernel: Sequence[int], dilation: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """padding='same': the symmetric part (left) and the extra right padding PyTorch adds with a pad."""
    left, extra = [], []
    for k, dl in zip(kernel, dilation):
        total = dl * (k - 1)
        left.append(total // 2)
        extra.append(total - 2 * (total // 2))
    return tuple(left), tuple(extra)
