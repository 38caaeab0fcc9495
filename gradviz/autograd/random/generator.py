"""Random numbers bit-identical to PyTorch 2.13 on CPU (x86-64), with numpy only.

What PyTorch does, as established by experiment against torch 2.13.0 (see
``tools/record_rng_goldens.py`` and ``tests/test_rng.py``):

* One MT19937 stream per generator (``rng_mt``). ``random()`` is one 32-bit output,
  ``random64()`` joins two outputs as ``(first << 32) | second``.
* uniform: float32 takes the low 24 bits of one output, float64 the low 53 bits of a
  ``random64()``; ``x * 2**-digits`` then ``x * (high - low) + low`` fused into one FMA,
  with ``high - low`` rounded to the dtype first.
* normal, float32, contiguous, 16+ elements: fill the whole tensor with float32 uniforms,
  then turn each run of 16 into normals (first 8 lanes use 1-u as the log argument, last 8
  the angle; cos goes to the first half, sin to the second) with the AVX Cephes kernel.
  If the size is not a multiple of 16, 16 fresh uniforms overwrite the last 16 slots and
  are transformed again (so the tail overlaps the previous block).
* normal, float64, contiguous, 16+ elements: the same block scheme with float64 uniforms
  and glibc's double log/cos/sin.
* normal otherwise (fewer than 16 elements, or not contiguous, any float dtype): per
  element a double Box-Muller from two float64 uniforms, ``r = sqrt(-2 log1p(-u2))``,
  ``theta = 2 pi u1``; cos is returned and sin is cached in the generator for the next
  scalar-path sample (the cache survives across calls until reseeded).
* randint: ``random() % range + low``, or ``random64() % range + low`` when the range is
  2**28 or more (whatever the dtype).
* randperm (n < 2**32 / 20): Fisher-Yates from the front, ``j = i + random() % (n - i)``.
* bernoulli_ with a scalar p: one float64 uniform per element, ``u < p``.
* elementwise kernels on non-contiguous outputs visit elements in memory order (the
  iterator sorts dimensions by stride), which ``_memory_order_view`` reproduces.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from gradviz.autograd.random.float_math import (
    avx_log,
    avx_sincos,
    fma32,
    fma64,
    libm_cos,
    libm_log,
    libm_log1p,
    libm_sin,
)
from gradviz.autograd.random.mt19937 import MTState, draw_u32, pack_state, seeded_state, unpack_state

__all__ = [
    "Generator",
    "bernoulli_",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "normal_",
    "rand",
    "randint",
    "randn",
    "randperm",
    "seed",
    "set_rng_state",
    "uniform_",
]

DEFAULT_SEED = 67280421310721  # what a freshly constructed torch.Generator() starts from
_U64 = (1 << 64) - 1
_TWO_PI_F32 = np.float32(2.0 * np.pi)
_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_RANDPERM_SMALL_LIMIT = 0xFFFFFFFF // 20
_RANDINT_WIDE_RANGE = 1 << 28  # from here on randint draws random64() (public wheels; 2**32 in fbcode)


class Generator:
    """A CPU random generator with torch.Generator's seeding and state API."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self._state: MTState = seeded_state(seed)

    # -- seeding and state -------------------------------------------------------------
    def manual_seed(self, seed: int) -> Generator:
        seed = int(seed)
        if not -(1 << 63) <= seed <= _U64:
            raise RuntimeError("Overflow when unpacking long long")
        self._state = seeded_state(seed & _U64)
        return self

    def initial_seed(self) -> int:
        return self._state.seed

    def seed(self) -> int:
        """Reseed from the operating system's entropy, like ``torch.seed()``."""
        fresh = int.from_bytes(os.urandom(8), "little")
        self._state = seeded_state(fresh)
        return fresh

    def get_state(self) -> np.ndarray:
        """5056-byte uint8 array, byte-for-byte the layout of ``torch.get_rng_state()``."""
        return pack_state(self._state)

    def set_state(self, state: object) -> None:
        self._state = unpack_state(state)

    # -- raw bits ----------------------------------------------------------------------
    def random_u32(self, count: int) -> np.ndarray:
        """The next ``count`` outputs of torch's ``random()`` as uint32."""
        return draw_u32(self._state, int(count))

    def random_u64(self, count: int) -> np.ndarray:
        """The next ``count`` outputs of torch's ``random64()``: two words, first one high."""
        words = draw_u32(self._state, 2 * int(count)).astype(np.uint64)
        return (words[0::2] << np.uint64(32)) | words[1::2]

    def _uniform01(self, count: int, dtype: np.dtype) -> np.ndarray:
        """Raw [0, 1) uniforms of the dtype (float32: 24 bits of random(); float64: 53 of random64())."""
        if dtype == np.float32:
            bits = self.random_u32(count) & np.uint32((1 << 24) - 1)
            return (bits.astype(np.float64) * 2.0**-24).astype(np.float32)
        bits = self.random_u64(count) & np.uint64((1 << 53) - 1)
        return bits.astype(np.float64) * 2.0**-53

    def _take_cached_normal(self) -> float | None:
        cached = self._state.cached_double
        self._state.cached_double = None
        return cached

    def _put_cached_normal(self, value: float) -> None:
        self._state.cached_double = value


default_generator = Generator()
default_generator.seed()  # torch 2.13 seeds its default CPU generator from OS entropy at startup


def _gen(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


def manual_seed(seed: int) -> Generator:
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    return default_generator.initial_seed()


def seed() -> int:
    return default_generator.seed()


def get_rng_state() -> np.ndarray:
    return default_generator.get_state()


def set_rng_state(state: object) -> None:
    default_generator.set_state(state)


# -- element order -------------------------------------------------------------------------


def _memory_order_view(out: np.ndarray) -> np.ndarray:
    """A view of ``out`` whose C order is the order torch's elementwise kernels write it.

    TensorIterator moves the smallest-stride dimension innermost; for a transposed output
    that is memory order, for a strided slice it is the logical order.
    """
    if out.ndim <= 1:
        return out
    strides = [abs(s) if n > 1 else 0 for s, n in zip(out.strides, out.shape)]
    order = sorted(range(out.ndim), key=lambda d: -strides[d])  # stable: ties keep logical order
    return out.transpose(order)


def _write(out: np.ndarray, values: np.ndarray) -> None:
    view = _memory_order_view(out)
    view[...] = values.reshape(view.shape)


def _check_float(out: np.ndarray, what: str) -> np.dtype:
    dtype = np.dtype(out.dtype)
    if dtype not in _FLOAT_DTYPES:
        raise NotImplementedError(f"torch.{what}: dtype {dtype} is not supported (float32/float64 only)")
    return dtype


# -- uniform -----------------------------------------------------------------------------------


def _uniform_values(gen: Generator, count: int, dtype: np.dtype, low: float, high: float) -> np.ndarray:
    x = gen._uniform01(count, dtype)
    if dtype == np.float32:
        lo, hi = np.float32(low), np.float32(high)
        if lo == 0 and hi == 1:
            return x
        return fma32(x, np.float32(hi - lo), lo)
    if low == 0.0 and high == 1.0:
        return x
    return fma64(x, float(np.float64(high) - np.float64(low)), float(low))


def uniform_(out: np.ndarray, low: float = 0.0, high: float = 1.0, generator: Generator | None = None) -> np.ndarray:
    """Fill ``out`` in place with U[low, high), exactly as ``Tensor.uniform_``."""
    dtype = _check_float(out, "uniform_")
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    values = _uniform_values(_gen(generator), out.size, dtype, float(low), float(high))
    _write(out, values)
    return out


def rand(shape: Sequence[int], dtype: np.dtype | type = np.float32, generator: Generator | None = None) -> np.ndarray:
    out = np.empty(tuple(shape), dtype=np.dtype(dtype))
    return uniform_(out, 0.0, 1.0, generator)


# -- normal ------------------------------------------------------------------------------------


def _box_muller_blocks_f32(u: np.ndarray, mean: np.float32, std: np.float32) -> np.ndarray:
    """Transform whole runs of 16 float32 uniforms (shape (k, 16)) with the AVX kernel."""
    u1 = np.float32(1) - u[:, :8]
    radius = np.sqrt(np.float32(-2) * avx_log(u1))
    theta = _TWO_PI_F32 * u[:, 8:]
    sin, cos = avx_sincos(theta)
    out = np.empty_like(u)
    out[:, :8] = fma32(radius * cos, std, mean)
    out[:, 8:] = fma32(radius * sin, std, mean)
    return out


def _box_muller_blocks_f64(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Transform runs of 16 float64 uniforms with glibc's double log/cos/sin."""
    u1 = 1.0 - u[:, :8]
    radius = np.sqrt(-2.0 * libm_log(u1))
    theta = (2.0 * np.pi) * u[:, 8:]
    out = np.empty_like(u)
    out[:, :8] = fma64(radius * libm_cos(theta), std, mean)
    out[:, 8:] = fma64(radius * libm_sin(theta), std, mean)
    return out


def _normal_fill(gen: Generator, count: int, dtype: np.dtype, mean: float, std: float) -> np.ndarray:
    """The 16-wide path: uniforms for all, blocks of 16, tail block recomputed from fresh draws."""
    data = gen._uniform01(count, dtype)
    full = count // 16

    def transform(u: np.ndarray) -> np.ndarray:
        if dtype == np.float32:
            return _box_muller_blocks_f32(u, np.float32(mean), np.float32(std))
        return _box_muller_blocks_f64(u, float(mean), float(std))

    if full:
        data[: full * 16] = transform(data[: full * 16].reshape(full, 16)).reshape(-1)
    if count % 16:
        tail = gen._uniform01(16, dtype)
        data[count - 16 :] = transform(tail.reshape(1, 16)).reshape(-1)
    return data


def _normal_scalar(gen: Generator, count: int, dtype: np.dtype, mean: float, std: float) -> np.ndarray:
    """Per-element double Box-Muller with the generator's cached second sample."""
    standard = np.empty(count, np.float64)
    start = 0
    if count:
        cached = gen._take_cached_normal()
        if cached is not None:
            standard[0] = cached
            start = 1
    pairs = -(-(count - start) // 2)
    if pairs:
        bits = gen.random_u64(2 * pairs) & np.uint64((1 << 53) - 1)
        u = bits.astype(np.float64) * 2.0**-53
        u1, u2 = u[0::2], u[1::2]
        radius = np.sqrt(-2.0 * libm_log1p(-u2))
        theta = (2.0 * np.pi) * u1
        both = np.empty(2 * pairs, np.float64)
        both[0::2] = radius * libm_cos(theta)
        both[1::2] = radius * libm_sin(theta)
        standard[start:] = both[: count - start]
        if (count - start) % 2:
            gen._put_cached_normal(float(both[-1]))
    return fma64(standard, float(std), float(mean)).astype(dtype)


def normal_(out: np.ndarray, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> np.ndarray:
    """Fill ``out`` in place with N(mean, std**2), exactly as ``Tensor.normal_``."""
    dtype = _check_float(out, "normal_")
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    gen = _gen(generator)
    count = out.size
    if count >= 16 and out.flags.c_contiguous:
        out.reshape(-1)[...] = _normal_fill(gen, count, dtype, mean, std)
    else:
        _write(out, _normal_scalar(gen, count, dtype, mean, std))
    return out


def randn(shape: Sequence[int], dtype: np.dtype | type = np.float32, generator: Generator | None = None) -> np.ndarray:
    out = np.empty(tuple(shape), dtype=np.dtype(dtype))
    return normal_(out, 0.0, 1.0, generator)


# -- integers ----------------------------------------------------------------------------------


def _randint_values(gen: Generator, count: int, low: int, high: int) -> np.ndarray:
    span = high - low
    if span >= _RANDINT_WIDE_RANGE:
        draws = gen.random_u64(count) % np.uint64(span)
    else:
        draws = (gen.random_u32(count) % np.uint32(span)).astype(np.uint64)
    # (draw + low) wraps in int64, exactly as the C++ does.
    return (draws + np.uint64(low & _U64)).view(np.int64)


def _check_randint_bounds(low: int, high: int, dtype: np.dtype) -> None:
    if dtype.kind in "iub":
        info = np.iinfo(dtype) if dtype.kind != "b" else np.iinfo(np.uint8)
        top = 1 if dtype.kind == "b" else info.max
        if low < info.min:
            raise RuntimeError(f"from is out of bounds for {dtype}")
        if high - 1 > top:
            raise RuntimeError(f"to - 1 is out of bounds for {dtype}")
    elif dtype in _FLOAT_DTYPES:
        # torch nudges bounds that the float type cannot hold exactly; gradviz does not.
        exact = 2 ** (24 if dtype == np.float32 else 53)
        if not (-exact <= low and high - 1 <= exact):
            raise NotImplementedError(f"torch.randint: bounds beyond +-2**{exact.bit_length() - 1} for {dtype}")
    else:
        raise NotImplementedError(f"torch.randint: dtype {dtype} is not supported")


def randint(
    low: int,
    high: int,
    shape: Sequence[int],
    dtype: np.dtype | type = np.int64,
    generator: Generator | None = None,
) -> np.ndarray:
    """Integers uniform in [low, high), exactly as ``torch.randint``."""
    low, high = int(low), int(high)
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = np.dtype(dtype)
    _check_randint_bounds(low, high, dtype)
    out = np.empty(tuple(shape), dtype=dtype)
    values = _randint_values(_gen(generator), out.size, low, high)
    out.reshape(-1)[...] = values.astype(dtype)
    return out


def randperm(n: int, dtype: np.dtype | type = np.int64, generator: Generator | None = None) -> np.ndarray:
    """A permutation of range(n), exactly as ``torch.randperm`` on CPU."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if n >= _RANDPERM_SMALL_LIMIT:
        raise NotImplementedError("torch.randperm: n >= 214748364 uses a shuffle that gradviz does not reproduce")
    perm = list(range(n))
    if n > 1:
        remaining = np.arange(n, 1, -1, dtype=np.uint32)  # n - i for i in 0..n-2
        offsets = (_gen(generator).random_u32(n - 1) % remaining).tolist()
        for i, off in enumerate(offsets):
            j = i + off
            perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.dtype(dtype))


def bernoulli_(out: np.ndarray, p: float = 0.5, generator: Generator | None = None) -> np.ndarray:
    """Fill ``out`` with 0/1 draws, ``Tensor.bernoulli_(p)`` for a Python float ``p``."""
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    draws = _gen(generator)._uniform01(out.size, np.dtype(np.float64)) < float(p)
    _write(out, draws.astype(out.dtype))
    return out
