"""Op-table entries for normalisation and lookup layers: ``native_batch_norm``
(NativeBatchNormBackward0), ``native_layer_norm`` (NativeLayerNormBackward0) and ``embedding``
(EmbeddingBackward0).

Statistics are computed in float64 and rounded once to the input's dtype, then the output is
formed as PyTorch's CPU kernels form it (``x * alpha + beta`` with ``alpha = weight * invstd`` and
``beta = bias - mean * alpha`` for batch norm): float32 results agree with PyTorch to float32
rounding, usually to the last bit. Saved tensors that are not inputs (``result1``/``result2``: the
batch mean and inverse std, the running statistics, the embedding's indices) are saved here as
arrays; ``gradviz.torch.nn.functional`` turns them into saved Tensors, which is what PyTorch shows.
A missing weight or bias is an empty placeholder that does not require grad (a ``(None, 0)`` edge).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.activations import array_of
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop

__all__ = ["batch_norm_stats"]


def _plain(value: Any) -> Any:
    return value._data if hasattr(value, "_data") else value


def _channel_shape(ndim: int, channels: int) -> tuple[int, ...]:
    return (1, channels) + (1,) * (ndim - 2)


def _reduce_axes(ndim: int) -> tuple[int, ...]:
    return (0, *range(2, ndim))


def batch_norm_stats(x: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-channel (mean, invstd, unbiased var) of a batch, in the input's dtype (var in float64)."""
    wide = x.astype(np.float64)
    axes = _reduce_axes(x.ndim)
    count = x.size // x.shape[1]
    mean = wide.mean(axis=axes)
    var_sum = ((wide - mean.reshape(_channel_shape(x.ndim, x.shape[1]))) ** 2).sum(axis=axes)
    biased = (var_sum / count).astype(x.dtype)
    invstd = (x.dtype.type(1) / np.sqrt(biased + x.dtype.type(eps))).astype(x.dtype)
    unbiased = var_sum / (count - 1) if count > 1 else np.full_like(var_sum, np.nan)
    return mean.astype(x.dtype), invstd, unbiased


def _bn_mean_invstd(x: np.ndarray, attrs: Attrs) -> tuple[np.ndarray, np.ndarray]:
    if attrs["training"]:
        mean, invstd, _ = batch_norm_stats(x, attrs["eps"])
        return mean, invstd
    running_mean = _plain(attrs["running_mean"]).astype(x.dtype)
    running_var = _plain(attrs["running_var"]).astype(x.dtype)
    return running_mean, (x.dtype.type(1) / np.sqrt(running_var + x.dtype.type(attrs["eps"]))).astype(x.dtype)


def _batch_norm_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray,
    running_mean: Any,
    running_var: Any,
    training: bool,
    eps: float,
    has_weight: bool,
    has_bias: bool,
) -> np.ndarray:
    attrs = {"running_mean": running_mean, "running_var": running_var, "training": training, "eps": eps}
    mean, invstd = _bn_mean_invstd(x, attrs)
    alpha = invstd * weight.astype(x.dtype) if has_weight else invstd
    beta = (bias.astype(x.dtype) if has_bias else x.dtype.type(0)) - mean * alpha
    shape = _channel_shape(x.ndim, x.shape[1])
    return (x * alpha.reshape(shape) + beta.reshape(shape)).astype(x.dtype)


def _batch_norm_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    x = arrays[0]
    if attrs["training"]:
        mean, invstd = _bn_mean_invstd(x, attrs)
    else:
        mean = invstd = np.zeros((0,), dtype=x.dtype)
    return {
        "running_mean": attrs["running_mean"],
        "running_var": attrs["running_var"],
        "training": attrs["training"],
        "eps": attrs["eps"],
        "result1": mean,
        "result2": invstd,
        "weight": arrays[1] if attrs["has_weight"] else None,
    }


def _bn_parts(s: SavedView) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...], tuple[int, ...]]:
    x = s.input.astype(np.float64)
    shape = _channel_shape(x.ndim, x.shape[1])
    if s.training:
        mean, invstd = _plain(s.result1), _plain(s.result2)
    else:
        mean = _plain(s.running_mean)
        invstd = 1.0 / np.sqrt(_plain(s.running_var).astype(np.float64) + s.eps)
    return x, np.asarray(mean, np.float64), np.asarray(invstd, np.float64), shape, _reduce_axes(x.ndim)


def _bn_input_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    x, mean, invstd, shape, axes = _bn_parts(s)
    weight = _plain(s.weight)
    w = np.ones_like(mean) if weight is None else weight.astype(np.float64)
    g64 = g.astype(np.float64)
    if not s.training:
        return (g64 * (invstd * w).reshape(shape)).astype(g.dtype)
    count = x.size // x.shape[1]
    centred = x - mean.reshape(shape)
    dotp = (g64 * centred).sum(axis=axes)
    grad_mean = g64.sum(axis=axes) / count
    k = dotp * invstd * invstd / count
    dx = (g64 - grad_mean.reshape(shape) - centred * k.reshape(shape)) * (invstd * w).reshape(shape)
    return dx.astype(g.dtype)


def _bn_weight_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    x, mean, invstd, shape, axes = _bn_parts(s)
    dotp = (g.astype(np.float64) * (x - mean.reshape(shape))).sum(axis=axes)
    return (dotp * invstd).astype(g.dtype)


def _bn_bias_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    return g.sum(axis=_reduce_axes(g.ndim))


_BN_NEEDS = ("input", "weight", "running_mean", "running_var", "result1", "result2", "training", "eps")


def _bn_case(shape: tuple[int, ...], training: bool) -> GradCase:
    channels = shape[1]
    return GradCase(
        (shape, (channels,), (channels,)),
        {
            "running_mean": np.linspace(-0.5, 0.5, channels),
            "running_var": np.linspace(0.5, 1.5, channels),
            "training": training,
            "eps": 1e-5,
            "has_weight": True,
            "has_bias": True,
        },
    )


defop(
    "native_batch_norm",
    "NativeBatchNormBackward0",
    ("input", "weight", "bias"),
    _batch_norm_forward,
    {
        "input": VJP(_BN_NEEDS, _bn_input_vjp),
        "weight": VJP(_BN_NEEDS, _bn_weight_vjp),
        "bias": VJP(_BN_NEEDS, _bn_bias_vjp),
    },
    dtype_rule="same",
    save=_batch_norm_save,
    cases=(_bn_case((4, 3), True), _bn_case((2, 2, 3, 2), True), _bn_case((3, 2, 2), False)),
    double_backward=False,
)


# -- layer_norm --------------------------------------------------------------------------------------


def _ln_stats(x: np.ndarray, dims: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    axes = tuple(range(x.ndim - dims, x.ndim))
    wide = x.astype(np.float64)
    mean = wide.mean(axis=axes, keepdims=True)
    var = ((wide - mean) ** 2).mean(axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt(var.astype(x.dtype) + x.dtype.type(eps))
    return mean.astype(x.dtype), rstd.astype(x.dtype)


def _layer_norm_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray,
    normalized_shape: tuple[int, ...],
    eps: float,
    has_weight: bool,
    has_bias: bool,
) -> np.ndarray:
    mean, rstd = _ln_stats(x, len(normalized_shape), eps)
    out = (x - mean) * rstd
    if has_weight:
        out = out * weight.astype(x.dtype)
    if has_bias:
        out = out + bias.astype(x.dtype)
    return out.astype(x.dtype)


def _layer_norm_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    mean, rstd = _ln_stats(arrays[0], len(attrs["normalized_shape"]), attrs["eps"])
    return {
        "normalized_shape": tuple(attrs["normalized_shape"]),
        "result1": mean,
        "result2": rstd,
        "weight": arrays[1] if attrs["has_weight"] else None,
        "bias": arrays[2] if attrs["has_bias"] else None,
    }


def _ln_parts(s: SavedView) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    x = s.input.astype(np.float64)
    mean = np.asarray(_plain(s.result1), np.float64)
    rstd = np.asarray(_plain(s.result2), np.float64)
    axes = tuple(range(x.ndim - len(s.normalized_shape), x.ndim))
    return (x - mean) * rstd, rstd, axes


def _ln_input_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    xhat, rstd, axes = _ln_parts(s)
    weight = _plain(s.weight)
    gw = g.astype(np.float64) * (1.0 if weight is None else weight.astype(np.float64))
    count = int(np.prod([xhat.shape[a] for a in axes]))
    mean_gw = gw.sum(axis=axes, keepdims=True) / count
    mean_gw_xhat = (gw * xhat).sum(axis=axes, keepdims=True) / count
    return ((gw - mean_gw - xhat * mean_gw_xhat) * rstd).astype(g.dtype)


def _rows_in_order(values: np.ndarray, lead: int, dtype: np.dtype) -> np.ndarray:
    """Sum over the leading ``lead`` dims one row after another in ``dtype``, the order and precision
    of PyTorch's CPU layer-norm backward for gamma and beta."""
    rows = values.reshape((-1, *values.shape[lead:])).astype(dtype)
    total = np.zeros(rows.shape[1:], dtype=dtype)
    for row in rows:
        total = total + row
    return total


def _ln_weight_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    x = s.input
    lead = x.ndim - len(s.normalized_shape)
    mean = np.asarray(_plain(s.result1), x.dtype)
    rstd = np.asarray(_plain(s.result2), x.dtype)
    return _rows_in_order(g * ((x - mean) * rstd), lead, g.dtype)


def _ln_bias_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    return _rows_in_order(g, g.ndim - len(s.normalized_shape), g.dtype)


_LN_NEEDS = ("input", "normalized_shape", "weight", "bias", "result1", "result2")


def _ln_case(shape: tuple[int, ...], normalized: tuple[int, ...]) -> GradCase:
    return GradCase(
        (shape, normalized, normalized),
        {"normalized_shape": normalized, "eps": 1e-5, "has_weight": True, "has_bias": True},
    )


defop(
    "native_layer_norm",
    "NativeLayerNormBackward0",
    ("input", "weight", "bias"),
    _layer_norm_forward,
    {
        "input": VJP(_LN_NEEDS, _ln_input_vjp),
        "weight": VJP(_LN_NEEDS, _ln_weight_vjp),
        "bias": VJP(_LN_NEEDS, _ln_bias_vjp),
    },
    dtype_rule="same",
    save=_layer_norm_save,
    cases=(_ln_case((3, 4), (4,)), _ln_case((2, 2, 3), (2, 3))),
    double_backward=False,
)


# -- group_norm ----------------------------------------------------------------------------------


def _gn_stats(x: np.ndarray, group: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Per (sample, group) mean and 1/sqrt(var + eps), shape (N, group), in the input's dtype."""
    rows = x.reshape(x.shape[0], group, -1).astype(np.float64)
    mean = rows.mean(axis=2)
    var = ((rows - mean[..., None]) ** 2).mean(axis=2)
    rstd = 1.0 / np.sqrt(var.astype(x.dtype) + x.dtype.type(eps))
    return mean.astype(x.dtype), rstd.astype(x.dtype)


def _group_norm_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray,
    group: int,
    eps: float,
    has_weight: bool,
    has_bias: bool,
) -> np.ndarray:
    n, c = x.shape[0], x.shape[1]
    mean, rstd = _gn_stats(x, group, eps)
    per_channel = (n, c) + (1,) * (x.ndim - 2)
    # As PyTorch's CPU kernel: per channel, y = x * scale + shift with scale = rstd * gamma and
    # shift = beta - scale * mean (without weight and bias, y = (x - mean) * rstd).
    mean_c = np.repeat(mean, c // group, axis=1).reshape(per_channel)
    rstd_c = np.repeat(rstd, c // group, axis=1).reshape(per_channel)
    if not has_weight and not has_bias:
        return ((x - mean_c) * rstd_c).astype(x.dtype)
    gamma = weight.reshape((1, c) + (1,) * (x.ndim - 2)) if has_weight else x.dtype.type(1)
    beta = bias.reshape((1, c) + (1,) * (x.ndim - 2)) if has_bias else x.dtype.type(0)
    scale = rstd_c * gamma
    shift = beta - scale * mean_c
    return (x * scale + shift).astype(x.dtype)


def _group_norm_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    x = arrays[0]
    mean, rstd = _gn_stats(x, attrs["group"], attrs["eps"])
    saved: Attrs = {
        "N": x.shape[0],
        "C": x.shape[1],
        "HxW": int(np.prod(x.shape[2:], dtype=np.int64)),
        "group": attrs["group"],
        "eps": attrs["eps"],
        "result1": mean,
        "result2": rstd,
    }
    if not attrs["has_weight"]:  # the placeholder is not shown: PyTorch saved an undefined weight
        saved["weight"] = None
    return saved


def _gn_parts(s: SavedView) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The input as (N, group, channels per group, HxW) in float64, its normalised form, and rstd."""
    x = s.input.astype(np.float64)
    n, c, group = x.shape[0], x.shape[1], s.group
    rows = x.reshape(n, group, c // group, -1)
    mean = np.asarray(_plain(s.result1), np.float64).reshape(n, group, 1, 1)
    rstd = np.asarray(_plain(s.result2), np.float64).reshape(n, group, 1, 1)
    return rows, (rows - mean) * rstd, rstd


def _gn_input_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    rows, xhat, rstd = _gn_parts(s)
    n, group, per, hw = rows.shape
    weight = _plain(s.weight)
    gw = g.astype(np.float64).reshape(n, group, per, hw)
    if weight is not None:
        gw = gw * weight.astype(np.float64).reshape(1, group, per, 1)
    count = per * hw
    mean_gw = gw.sum(axis=(2, 3), keepdims=True) / count
    mean_gw_xhat = (gw * xhat).sum(axis=(2, 3), keepdims=True) / count
    return ((gw - mean_gw - xhat * mean_gw_xhat) * rstd).reshape(g.shape).astype(g.dtype)


def _gn_weight_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    _, xhat, _ = _gn_parts(s)
    per_channel = (g.astype(np.float64).reshape(xhat.shape) * xhat).sum(axis=(0, 3))
    return per_channel.reshape(-1).astype(g.dtype)


def _gn_bias_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    return g.astype(np.float64).sum(axis=(0, *range(2, g.ndim))).astype(g.dtype)


_GN_NEEDS = ("input", "weight", "N", "C", "HxW", "group", "eps", "result1", "result2")


def _gn_case(shape: tuple[int, ...], group: int) -> GradCase:
    return GradCase(
        (shape, (shape[1],), (shape[1],)), {"group": group, "eps": 1e-5, "has_weight": True, "has_bias": True}
    )


defop(
    "native_group_norm",
    "NativeGroupNormBackward0",
    ("input", "weight", "bias"),
    _group_norm_forward,
    {
        "input": VJP(_GN_NEEDS, _gn_input_vjp),
        "weight": VJP(_GN_NEEDS, _gn_weight_vjp),
        "bias": VJP(_GN_NEEDS, _gn_bias_vjp),
    },
    dtype_rule="same",
    save=_group_norm_save,
    cases=(_gn_case((2, 4, 3), 2), _gn_case((1, 6, 2, 2), 3), _gn_case((3, 2), 1)),
    double_backward=False,
)


# -- embedding -----------------------------------------------------------------------------------


def _embedding_forward(
    weight: np.ndarray, indices: np.ndarray, padding_idx: int, scale_grad_by_freq: bool, sparse: bool
) -> np.ndarray:
    return weight[_plain(indices)]


def _embedding_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    from gradviz.autograd.ops.nn_ops import as_saved_int

    return {
        "weight_sym_argsize_0": arrays[0].shape[0],
        "indices": attrs["indices"],
        "padding_idx": as_saved_int(attrs["padding_idx"]),
        "scale_grad_by_freq": attrs["scale_grad_by_freq"],
        "sparse": attrs["sparse"],
    }


def _embedding_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    from gradviz.autograd.ops.nn_ops import as_signed_int

    indices = np.asarray(_plain(s.indices)).reshape(-1)
    shape = s.input_shape(0)
    rows = g.reshape(-1, shape[-1])
    if s.scale_grad_by_freq:
        counts = np.bincount(indices, minlength=shape[0])
        rows = rows / counts[indices].astype(g.dtype)[:, None]
    keep = indices != as_signed_int(s.padding_idx)
    grad = np.zeros(shape, dtype=g.dtype)
    np.add.at(grad, indices[keep], rows[keep])
    return grad


defop(
    "embedding",
    "EmbeddingBackward0",
    ("weight",),
    _embedding_forward,
    {"weight": VJP(("weight_sym_argsize_0", "indices", "padding_idx", "scale_grad_by_freq", "sparse"), _embedding_vjp)},
    dtype_rule="same",
    save=_embedding_save,
    cases=(
        GradCase(
            ((5, 3),),
            {"indices": np.array([[0, 2], [4, 2]]), "padding_idx": -1, "scale_grad_by_freq": False, "sparse": False},
        ),
        GradCase(
            ((4, 2),),
            {"indices": np.array([1, 0, 1, 3]), "padding_idx": -1, "scale_grad_by_freq": False, "sparse": False},
        ),
    ),
    double_backward=False,
)
