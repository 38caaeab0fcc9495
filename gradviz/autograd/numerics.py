"""PyTorch's CPU arithmetic where numpy's differs in the last bits: linspace, sum and mean.

A float32 training loop prints its loss with 8 or more digits (``loss.item()``), so a sum that adds
the same numbers in another order shows. These functions compute what torch 2.13's CPU kernels
compute (AVX2 build, one thread, as the goldens are recorded), checked bit for bit against values
recorded from torch (tests/test_numerics.py). docs/numerics.md says what still differs and by how
much.

- ``linspace``: ATen fills the first half from ``start`` and the second half from ``end``, each
  value one fused multiply-add: ``fma(step, i, start)`` and ``fma(-step, steps - 1 - i, end)``.
- ``sum`` of float32/float64 (ATen's ``cascade_sum``): the reduced elements are added in lanes of
  the AVX2 vector (8 floats, 4 doubles), four vectors side by side, each lane with a cascade of
  four levels of running sums (blocks of 16 or more); the lanes are combined in a fixed order at
  the end. Reductions that keep a contiguous dim sum whole columns in that cascade instead.
- ``mean`` is the sum divided by the count (what ATen does on the CPU).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["fma", "linspace", "mean", "sum"]

# Lanes of an AVX2 register: torch's CPU build dispatches to its AVX2 kernels on such machines.
_REGISTER_BYTES = 32
_ILP = 4  # vectors (or scalars) summed side by side by ATen's row_sum
_LEVELS = 4  # levels of the cascade in ATen's multi_row_sum


# -- fused multiply-add ---------------------------------------------------------------------------


def fma(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``a * b + c`` rounded once, elementwise, in float32 (exact) or float64 (to the last bit in
    all but vanishingly rare cases; see _fma64)."""
    if a.dtype == np.float32:
        return _fma32(a, b, c)
    return _fma64(a, b, c)


def _fma32(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    # The product of two float32 is exact in float64; the float64 sum of it and c is then rounded
    # once more to float32. That double rounding is wrong only when the float64 sum lands exactly
    # halfway between two float32 while the exact sum does not: the error term of the float64 sum
    # (two-sum) says which way the exact value lies.
    product = a.astype(np.float64) * b.astype(np.float64)
    wide_c = c.astype(np.float64)
    total = product + wide_c
    virtual_c = total - product
    error = (product - (total - virtual_c)) + (wide_c - virtual_c)
    rounded = total.astype(np.float32)
    toward = np.where(total > rounded.astype(np.float64), np.float32(np.inf), np.float32(-np.inf))
    neighbour = np.nextafter(rounded, toward)
    halfway = (rounded.astype(np.float64) + neighbour.astype(np.float64)) / 2 == total
    tie = halfway & (error != 0)
    if np.any(tie):
        # The exact value lies past the halfway point, on the side the error term points to.
        beyond = np.where(error > 0, np.maximum(rounded, neighbour), np.minimum(rounded, neighbour))
        rounded = np.where(tie, beyond, rounded)
    return rounded


def _fma64(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    # Dekker's exact product a*b = hi + lo, then hi + (lo + c) summed without loss where it
    # matters: exact unless the final sum itself needs more than double precision's rounding.
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    c = c.astype(np.float64)
    hi = a * b
    split = 134217729.0  # 2**27 + 1
    a_big = a * split
    a_hi = a_big - (a_big - a)
    a_lo = a - a_hi
    b_big = b * split
    b_hi = b_big - (b_big - b)
    b_lo = b - b_hi
    lo = ((a_hi * b_hi - hi) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    total = hi + c
    virtual = total - hi
    error = (hi - (total - virtual)) + (c - virtual)
    return total + (error + lo)


# -- linspace ---------------------------------------------------------------------------------------


def linspace(start: float, end: float, steps: int, dtype: np.dtype) -> np.ndarray:
    """torch.linspace's values. An integer dtype makes integers of start and end, computes in float64
    and truncates, as ATen does."""
    work = np.dtype(dtype) if np.dtype(dtype).kind == "f" else np.dtype(np.float64)
    scalar = work.type
    if steps == 0:
        return np.empty(0, dtype)
    if steps == 1:
        return np.array([start], dtype=work).astype(dtype)
    if work != np.dtype(dtype):  # an integer dtype: start and end become integers first
        start, end = int(start), int(end)
    first, last = scalar(start), scalar(end)
    step = scalar(scalar(last - first) / scalar(steps - 1))
    index = np.arange(steps, dtype=np.int64)
    half = steps // 2
    front = index < half
    count = np.where(front, index, steps - 1 - index).astype(work)
    signed_step = np.where(front, step, -step).astype(work)
    origin = np.where(front, first, last).astype(work)
    values = fma(signed_step, count, origin)
    return values if values.dtype == np.dtype(dtype) else values.astype(dtype)


# -- sum and mean -----------------------------------------------------------------------------------


def _ceil_log2(x: int) -> int:
    return 1 if x <= 2 else int(x - 1).bit_length()


def _running(rows: np.ndarray) -> np.ndarray:
    """Add the rows (axis -2) one after another, from zero: ((r0 + r1) + r2) + ..."""
    if rows.shape[-2] == 0:
        return np.zeros(rows.shape[:-2] + rows.shape[-1:], rows.dtype)
    return np.add.accumulate(rows, axis=-2)[..., -1, :]


def _cascade(rows: np.ndarray) -> np.ndarray:
    """ATen's multi_row_sum over axis -2 of ``rows`` (..., size, width): every column (lane) is
    summed with the same four-level cascade of running sums."""
    size = rows.shape[-2]
    power = max(4, _ceil_log2(size) // _LEVELS)
    step = 1 << power
    blocks = size // step
    if not blocks:  # no full block: the rows are one running sum at level 0
        return _running(rows)
    lead = rows.shape[:-2]
    width = rows.shape[-1]
    # Level 0: each full block of `step` rows summed from zero; the rows after the last full block
    # stay at level 0 until the end. Level j sums what level j-1 flushed and flushes itself after
    # `step` of those; the top level keeps everything. At the end: level 0 + 1 + 2 + 3, in order.
    total = _running(rows[..., blocks * step :, :])
    carried = _running(rows[..., : blocks * step, :].reshape(*lead, blocks, step, width))
    for _ in range(1, _LEVELS - 1):
        count = carried.shape[-2]
        full = count // step
        if full < count:
            total = total + _running(carried[..., full * step :, :])
        if not full:
            return total
        carried = _running(carried[..., : full * step, :].reshape(*lead, full, step, width))
    return total + _running(carried)


def _row_sum(rows: np.ndarray) -> np.ndarray:
    """ATen's row_sum over axis -2 of ``rows`` (..., n, width): four side by side (rows i, i+1,
    i+2, i+3 in four accumulators), the rows past a multiple of four into the first, then the
    four added in order."""
    n = rows.shape[-2]
    lead = rows.shape[:-2]
    width = rows.shape[-1]
    groups = n // _ILP
    partial = _cascade(rows[..., : groups * _ILP, :].reshape(*lead, groups, _ILP * width))
    partial = partial.reshape(*lead, _ILP, width)
    # The first accumulator, then the leftover rows, then the other three accumulators, in order.
    order = np.concatenate((partial[..., :1, :], rows[..., groups * _ILP :, :], partial[..., 1:, :]), axis=-2)
    return np.add.accumulate(order, axis=-2)[..., -1, :]


def _lanes(dtype: np.dtype) -> int:
    return _REGISTER_BYTES // dtype.itemsize


def _inner_sum(x: np.ndarray) -> np.ndarray:
    """Sum over the last (contiguous) axis: ATen's vectorized_inner_sum, or its scalar path for
    rows shorter than a vector."""
    n = x.shape[-1]
    lanes = _lanes(x.dtype)
    if n < lanes:
        return _row_sum(x[..., :, None])[..., 0]
    vectors = n // lanes
    lead = x.shape[:-1]
    acc = _row_sum(x[..., : vectors * lanes].reshape(*lead, vectors, lanes))
    # From zero: the elements after the last full vector, then the vector's lanes in order.
    order = np.concatenate((x[..., vectors * lanes :], acc), axis=-1)
    return np.add.accumulate(order, axis=-1)[..., -1]


def _outer_sum(x: np.ndarray) -> np.ndarray:
    """Sum over axis -2 keeping the contiguous last axis: ATen's vectorized_outer_sum (columns
    in groups of four vectors through the cascade, the rest through row_sum) or scalar_outer_sum
    (groups of four columns) for fewer columns than a vector."""
    columns = x.shape[-1]
    lanes = _lanes(x.dtype)
    grouped = (columns // (_ILP * lanes)) * (_ILP * lanes) if columns >= lanes else (columns // _ILP) * _ILP
    parts = []
    if grouped:
        parts.append(_cascade(x[..., :, :grouped]))
    if grouped < columns:
        parts.append(_row_sum(x[..., :, grouped:]))
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)


def _blocks(shape: tuple[int, ...], reduced: set[int]) -> list[tuple[bool, int]]:
    """(reduced?, size) for runs of adjacent dims alike, size-1 dims dropped (they change nothing)."""
    runs: list[tuple[bool, int]] = []
    for axis, size in enumerate(shape):
        if size == 1:
            continue
        kind = axis in reduced
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] * size)
        else:
            runs.append((kind, size))
    return runs


def sum(a: np.ndarray, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> np.ndarray:  # noqa: A001
    """``torch.sum`` of an array (over ``axis``), in the order torch's CPU kernel adds.

    Integer and bool arrays sum exactly whatever the order (numpy's sum). Float arrays in memory
    orders the kernel treats alike (contiguous runs of reduced and kept dims) follow ATen; other
    strided layouts are summed as their contiguous copy."""
    a = np.asarray(a)
    ndim = a.ndim
    axes = tuple(range(ndim)) if axis is None else tuple(d % ndim for d in ((axis,) if isinstance(axis, int) else axis))
    if a.dtype.kind != "f" or a.size == 0 or ndim == 0:
        return np.asarray(np.sum(a, axis=axes if ndim else None, keepdims=keepdims), dtype=a.dtype)
    if a.dtype.itemsize < 4:  # half precision: ATen accumulates in float32
        return sum(a.astype(np.float32), axes, keepdims).astype(a.dtype)
    reduced = set(axes)
    data = np.ascontiguousarray(a)
    runs = _blocks(data.shape, reduced)
    kinds = [kind for kind, _ in runs]
    sizes = [size for _, size in runs]
    if not any(kinds):  # every reduced dim has size 1
        result = data.copy()
    elif kinds == [True]:
        result = _inner_sum(data.reshape(-1))
    elif kinds == [False, True]:
        result = _inner_sum(data.reshape(sizes))
    elif kinds == [True, False] or kinds == [False, True, False]:
        result = _outer_sum(data.reshape(sizes))
    elif kinds == [True, False, True]:
        # The outer reduced dim is a loop around the kernel: its row sums accumulate into the
        # output one after another.
        result = _running(_inner_sum(data.reshape(sizes)))
    else:
        result = np.sum(data, axis=axes)
    result = np.asarray(result, dtype=a.dtype) + a.dtype.type(0)  # the kernel adds into zeros: -0.0 -> 0.0
    kept_shape = tuple(1 if d in reduced else s for d, s in enumerate(a.shape))
    return result.reshape(kept_shape if keepdims else tuple(s for d, s in enumerate(a.shape) if d not in reduced))


def mean(a: np.ndarray, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> np.ndarray:
    """``torch.mean`` on the CPU: the sum divided by the number of elements reduced."""
    a = np.asarray(a)
    ndim = a.ndim
    axes = tuple(range(ndim)) if axis is None else tuple(d % ndim for d in ((axis,) if isinstance(axis, int) else axis))
    count = 1
    for d in set(axes):
        count *= a.shape[d]
    total = sum(a, axes if ndim else None, keepdims)
    return np.asarray(total / a.dtype.type(count), dtype=a.dtype)


# -- pow with a number exponent ----------------------------------------------------------------------


def power(a: np.ndarray, exponent: float) -> np.ndarray:
    """``a ** exponent`` as ATen's pow kernel computes it for floats: its special exponents are
    products (``x * x * x`` for 3), not a call to pow, and so round differently from numpy's."""
    if a.dtype.kind != "f":
        return np.asarray(a**exponent)
    one = a.dtype.type(1)
    if exponent == 2:
        return a * a
    if exponent == 3:
        return a * a * a
    if exponent == 0.5:
        return np.sqrt(a)
    if exponent == -0.5:
        return one / np.sqrt(a)
    if exponent == -1:
        return one / a
    if exponent == -2:
        return one / (a * a)
    return np.asarray(a**exponent)
