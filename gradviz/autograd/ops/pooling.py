"""Op-table entries for pooling over two spatial dims, as PyTorch's CPU kernels compute them:
``max_pool2d_with_indices`` (MaxPool2DWithIndicesBackward0), ``avg_pool2d`` (AvgPool2DBackward0)
and ``adaptive_avg_pool2d`` (AdaptiveAvgPool2DBackward0). The 1-d forms are these on an
unsqueezed input, which is what PyTorch records too.

Max pooling picks the first maximum in the window's row-major order (NaN wins), and its indices are
flat positions in the unpadded input plane (``result1``, int64). Average pooling sums each window
tap by tap in the input's dtype and divides once, the kernels' own order, so float32 results match
PyTorch's bit for bit; the adaptive kernel divides the sum by the window's height, then its width.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.activations import array_of
from gradviz.autograd.ops.conv import windows
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop

__all__ = ["adaptive_bins", "pool_output_size"]


def pool_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """ATen's pooling_output_shape."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _plane(a: np.ndarray) -> np.ndarray:
    """(N, C, H, W) or (C, H, W) as (B, H, W)."""
    return a.reshape((-1, *a.shape[-2:]))


def _effective_stride(kernel: Sequence[int], stride: Sequence[int]) -> tuple[int, ...]:
    return tuple(stride) if len(stride) else tuple(kernel)


def _padded_windows(
    a: np.ndarray,
    kernel: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    out: Sequence[int],
    fill: float,
) -> np.ndarray:
    """(B, *out, *kernel) windows over ``a`` (B, H, W) padded with ``fill`` (more on the right when
    ceil_mode makes the last window overhang)."""
    widths = [(0, 0)]
    for size, k, s, p, dl, o in zip(a.shape[1:], kernel, stride, padding, dilation, out):
        needed = (o - 1) * s + dl * (k - 1) + 1
        widths.append((p, max(0, needed - size - p)))
    padded = np.pad(a, widths, mode="constant", constant_values=a.dtype.type(fill))
    return windows(padded, kernel, stride, dilation, out)


def _pool_geometry(a: np.ndarray, attrs: Attrs) -> tuple[tuple[int, ...], tuple[int, ...]]:
    kernel = tuple(attrs["kernel_size"])
    stride = _effective_stride(kernel, attrs["stride"])
    dilation = tuple(attrs.get("dilation", (1, 1)))
    out = tuple(
        pool_output_size(size, k, s, p, dl, attrs["ceil_mode"])
        for size, k, s, p, dl in zip(a.shape[-2:], kernel, stride, attrs["padding"], dilation)
    )
    return stride, out


# -- max_pool2d_with_indices --------------------------------------------------------------------------


def max_pool2d_indices(
    a: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> tuple[np.ndarray, np.ndarray]:
    attrs = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "dilation": dilation}
    step, out = _pool_geometry(a, {**attrs, "ceil_mode": ceil_mode})
    plane = _plane(a)
    fill = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
    cols = _padded_windows(plane, kernel_size, step, padding, dilation, out, fill)
    flat = cols.reshape((*cols.shape[:3], -1))
    values = np.max(flat, axis=-1)
    nan = np.isnan(flat) if a.dtype.kind == "f" else np.zeros(flat.shape, dtype=bool)
    tap = np.where(nan.any(axis=-1), np.argmax(nan, axis=-1), np.argmax(flat, axis=-1))
    values = np.where(nan.any(axis=-1), np.nan, values).astype(a.dtype)
    kh, kw = np.divmod(tap, kernel_size[1])
    rows = np.arange(out[0]).reshape(-1, 1) * step[0] - padding[0] + kh * dilation[0]
    cols_index = np.arange(out[1]).reshape(1, -1) * step[1] - padding[1] + kw * dilation[1]
    indices = (rows * a.shape[-1] + cols_index).astype(np.int64)
    shape = (*a.shape[:-2], *out)
    return values.reshape(shape), indices.reshape(shape)


def _max_pool_forward(
    a: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> np.ndarray:
    return max_pool2d_indices(a, kernel_size, stride, padding, dilation, ceil_mode)[0]


def _max_pool_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    _, indices = max_pool2d_indices(
        arrays[0], attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["dilation"], attrs["ceil_mode"]
    )
    saved = {name: tuple(attrs[name]) for name in ("kernel_size", "stride", "padding", "dilation")}
    return {**saved, "ceil_mode": attrs["ceil_mode"], "result1": indices}


def scatter_to_plane(g: np.ndarray, indices: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Add each grad into the input position its index names (max pooling's backward)."""
    planes = int(np.prod(shape[:-2], dtype=np.int64))
    area = shape[-2] * shape[-1]
    out = np.zeros((planes, area), dtype=g.dtype)
    flat_g = g.reshape(planes, -1)
    flat_i = indices.reshape(planes, -1)
    rows = np.repeat(np.arange(planes), flat_i.shape[1])
    np.add.at(out, (rows, flat_i.reshape(-1)), flat_g.reshape(-1))
    return out.reshape(shape)


def _max_pool_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    indices = s.result1
    return scatter_to_plane(g, np.asarray(getattr(indices, "_data", indices)), s.input_shape(0))


def _pool_attrs(kernel: int, stride: int | None, padding: int = 0, ceil_mode: bool = False) -> Attrs:
    return {
        "kernel_size": (kernel, kernel),
        "stride": () if stride is None else (stride, stride),
        "padding": (padding, padding),
        "dilation": (1, 1),
        "ceil_mode": ceil_mode,
    }


defop(
    "max_pool2d_with_indices",
    "MaxPool2DWithIndicesBackward0",
    ("self",),
    _max_pool_forward,
    {"self": VJP(("self", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "result1"), _max_pool_vjp)},
    dtype_rule="same",
    save=_max_pool_save,
    cases=(
        GradCase(((1, 2, 4, 4),), _pool_attrs(2, None)),
        GradCase(((2, 5, 5),), _pool_attrs(3, 2, padding=1, ceil_mode=True)),
    ),
    double_backward=False,
)


# -- avg_pool2d ----------------------------------------------------------------------------------------


def _avg_divisors(
    size: tuple[int, ...],
    out: tuple[int, ...],
    kernel: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    count_include_pad: bool,
    divisor_override: int | None,
) -> np.ndarray:
    """Each output position's divisor, as ATen's avg_pool2d kernel computes it."""
    spans = []
    for length, o, k, s, p in zip(size, out, kernel, stride, padding):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, length + p)
        pool = end - start
        valid = np.minimum(end, length) - np.maximum(start, 0)
        spans.append((pool, valid))
    if divisor_override:
        return np.full(out, divisor_override, dtype=np.int64)
    (ph, vh), (pw, vw) = spans
    if count_include_pad:
        return np.outer(ph, pw)
    return np.outer(vh, vw)


def _avg_pool_forward(
    a: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> np.ndarray:
    attrs = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "ceil_mode": ceil_mode}
    step, out = _pool_geometry(a, attrs)
    plane = _plane(a)
    cols = _padded_windows(plane, kernel_size, step, padding, (1, 1), out, 0.0)
    total = np.zeros(cols.shape[:3], dtype=a.dtype)
    for kh, kw in itertools.product(range(kernel_size[0]), range(kernel_size[1])):
        total = total + cols[..., kh, kw]
    divisor = _avg_divisors(a.shape[-2:], out, kernel_size, step, padding, count_include_pad, divisor_override)
    result = total / divisor.astype(a.dtype)
    return result.astype(a.dtype).reshape((*a.shape[:-2], *out))


def _avg_pool_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    shape = s.input_shape(0)
    kernel = s.kernel_size
    step = _effective_stride(kernel, s.stride)
    out = g.shape[-2:]
    divisor = _avg_divisors(shape[-2:], out, kernel, step, s.padding, s.count_include_pad, s.divisor_override)
    share = _plane(g) / divisor.astype(g.dtype)
    height, width = shape[-2:]
    pad_h, pad_w = s.padding
    extra_h = max(0, (out[0] - 1) * step[0] + kernel[0] - height - pad_h)
    extra_w = max(0, (out[1] - 1) * step[1] + kernel[1] - width - pad_w)
    grad = np.zeros((share.shape[0], height + pad_h + extra_h + pad_h, width + pad_w + extra_w + pad_w), g.dtype)
    for kh, kw in itertools.product(range(kernel[0]), range(kernel[1])):
        region = (
            slice(None),
            slice(kh, kh + (out[0] - 1) * step[0] + 1, step[0]),
            slice(kw, kw + (out[1] - 1) * step[1] + 1, step[1]),
        )
        grad[region] += share
    return grad[:, pad_h : pad_h + height, pad_w : pad_w + width].reshape(shape)


def _avg_attrs(kernel: int, stride: int | None, padding: int = 0, **options: object) -> Attrs:
    base = _pool_attrs(kernel, stride, padding, bool(options.get("ceil_mode", False)))
    del base["dilation"]
    return {
        **base,
        "count_include_pad": options.get("count_include_pad", True),
        "divisor_override": options.get("divisor_override"),
    }


_AVG_NAMES = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")
defop(
    "avg_pool2d",
    "AvgPool2DBackward0",
    ("self",),
    _avg_pool_forward,
    {"self": VJP(("self", *_AVG_NAMES), _avg_pool_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {name: attrs[name] for name in _AVG_NAMES},
    cases=(
        GradCase(((1, 2, 4, 4),), _avg_attrs(2, None)),
        GradCase(((2, 5, 5),), _avg_attrs(3, 2, padding=1, ceil_mode=True, count_include_pad=False)),
        GradCase(((1, 1, 3, 4),), _avg_attrs(2, 1, padding=1, divisor_override=3)),
    ),
    double_backward=False,
)


# -- adaptive_avg_pool2d ---------------------------------------------------------------------------


def adaptive_bins(size: int, out: int) -> list[tuple[int, int]]:
    """[start, end) of each output cell: floor(i * size / out) to ceil((i + 1) * size / out)."""
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]


def _adaptive_forward(a: np.ndarray, output_size: tuple[int, int]) -> np.ndarray:
    plane = _plane(a)
    result = np.empty((plane.shape[0], *output_size), dtype=a.dtype)
    for i, (h0, h1) in enumerate(adaptive_bins(a.shape[-2], output_size[0])):
        for j, (w0, w1) in enumerate(adaptive_bins(a.shape[-1], output_size[1])):
            total = np.zeros(plane.shape[0], dtype=a.dtype)
            for h in range(h0, h1):
                for w in range(w0, w1):
                    total = total + plane[:, h, w]
            result[:, i, j] = total / a.dtype.type(h1 - h0) / a.dtype.type(w1 - w0)
    return result.reshape((*a.shape[:-2], *output_size))


def _adaptive_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    shape = s.input_shape(0)
    flat_g = _plane(g)
    grad = np.zeros((flat_g.shape[0], *shape[-2:]), dtype=g.dtype)
    for i, (h0, h1) in enumerate(adaptive_bins(shape[-2], g.shape[-2])):
        for j, (w0, w1) in enumerate(adaptive_bins(shape[-1], g.shape[-1])):
            share = flat_g[:, i, j] / g.dtype.type(h1 - h0) / g.dtype.type(w1 - w0)
            grad[:, h0:h1, w0:w1] += share[:, None, None]
    return grad.reshape(shape)


defop(
    "adaptive_avg_pool2d",
    "AdaptiveAvgPool2DBackward0",
    ("self",),
    _adaptive_forward,
    {"self": VJP(("self",), _adaptive_vjp)},
    dtype_rule="same",
    cases=(
        GradCase(((1, 2, 5, 4),), {"output_size": (2, 3)}),
        GradCase(((3, 4, 4),), {"output_size": (3, 2)}),
    ),
    double_backward=False,
)


# -- adaptive_max_pool2d ---------------------------------------------------------------------------


def adaptive_max_indices(a: np.ndarray, output_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each adaptive bin's maximum and its flat index in the plane (h * W + w); the first maximum in
    row-major order wins and a NaN is taken as the maximum, as PyTorch's CPU kernel does."""
    plane = _plane(a)
    width = a.shape[-1]
    values = np.empty((plane.shape[0], *output_size), dtype=a.dtype)
    indices = np.empty((plane.shape[0], *output_size), dtype=np.int64)
    for i, (h0, h1) in enumerate(adaptive_bins(a.shape[-2], output_size[0])):
        for j, (w0, w1) in enumerate(adaptive_bins(width, output_size[1])):
            window = plane[:, h0:h1, w0:w1].reshape(plane.shape[0], -1)
            nan = np.isnan(window)
            pick = np.where(nan.any(axis=1), nan.argmax(axis=1), window.argmax(axis=1))
            rows, cols = np.divmod(pick, w1 - w0)
            values[:, i, j] = window[np.arange(window.shape[0]), pick]
            indices[:, i, j] = (h0 + rows) * width + (w0 + cols)
    shape = (*a.shape[:-2], *output_size)
    return values.reshape(shape), indices.reshape(shape)


defop(
    "adaptive_max_pool2d",
    "AdaptiveMaxPool2DBackward0",
    ("self",),
    lambda a, output_size: adaptive_max_indices(a, output_size)[0],
    {"self": VJP(("self", "result1"), _max_pool_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"result1": adaptive_max_indices(arrays[0], attrs["output_size"])[1]},
    cases=(
        GradCase(((1, 2, 5, 4),), {"output_size": (2, 3)}),
        GradCase(((3, 4, 4),), {"output_size": (3, 2)}),
    ),
    double_backward=False,
)


# -- upsample_nearest1d / 2d (F.interpolate, nn.Upsample with mode='nearest') ----------------------


def nearest_sources(in_size: int, out_size: int, scale: float | None) -> np.ndarray:
    """The input index each output index copies, as ATen's nearest_idx computes it in float32:
    identity for the same size, a halving for exactly double, else floor(dst * scale) clipped, with
    scale = 1 / scale_factor when one was given and in / out otherwise."""
    dst = np.arange(out_size)
    if out_size == in_size:
        return dst
    if out_size == 2 * in_size:
        return dst >> 1
    ratio = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(in_size) / np.float32(out_size)
    return np.minimum(np.floor(dst.astype(np.float32) * ratio).astype(np.int64), in_size - 1)


def _upsample_key(shape: tuple[int, ...], output_size: tuple[int, ...], scales: tuple[float | None, ...]) -> tuple:
    spatial = len(output_size)
    lead = len(shape) - spatial
    key: list[object] = [slice(None)] * lead
    for d, (n_in, n_out, scale) in enumerate(zip(shape[lead:], output_size, scales)):
        index = nearest_sources(n_in, n_out, scale)
        key.append(index.reshape((-1,) + (1,) * (spatial - 1 - d)))
    return tuple(key)


def _upsample_forward(a: np.ndarray, output_size: tuple[int, ...], scales: tuple[float | None, ...]) -> np.ndarray:
    return np.ascontiguousarray(a[_upsample_key(a.shape, output_size, scales)])


def _upsample_vjp(g: Grad, s: SavedView) -> Grad:
    g = array_of(g)
    shape = s.input_shape(0)
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, _upsample_key(shape, s.node.attrs["output_size"], s.node.attrs["scales"]), g)
    return out


def _upsample_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    scales = attrs["scales"]
    named = {"scales": scales[0]} if len(scales) == 1 else {"scales_h": scales[0], "scales_w": scales[1]}
    return {"output_size": tuple(attrs["output_size"]), **named, "self_sym_sizes": tuple(arrays[0].shape)}


for _dims, _node in ((1, "UpsampleNearest1DBackward0"), (2, "UpsampleNearest2DBackward0")):
    _names = (
        ("output_size", "scales", "self_sym_sizes")
        if _dims == 1
        else ("output_size", "scales_h", "scales_w", "self_sym_sizes")
    )
    defop(
        f"upsample_nearest{_dims}d",
        _node,
        ("self",),
        _upsample_forward,
        {"self": VJP(_names, _upsample_vjp)},
        dtype_rule="same",
        save=_upsample_save,
        cases=(
            GradCase(((1, 2) + (3,) * _dims,), {"output_size": (5,) * _dims, "scales": (None,) * _dims}),
            GradCase(((1, 1) + (2,) * _dims,), {"output_size": (4,) * _dims, "scales": (2.0,) * _dims}),
        ),
        double_backward=False,
    )
