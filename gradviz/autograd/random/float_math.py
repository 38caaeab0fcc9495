"""Bit-exact float arithmetic behind PyTorch's CPU Box-Muller transforms.

Two different math libraries feed ``normal_`` in PyTorch 2.13 on x86-64:

* float32 tensors with 16+ contiguous elements use an 8-lane AVX kernel whose log and
  sin/cos are the classic Cephes single-precision polynomials (as ported to SSE/AVX by
  Julien Pommier). The kernel is compiled with FMA enabled and GCC contracts ``a*b + c``
  into one fused multiply-add wherever the product feeds only that addition, so the exact
  bits depend on which products were fused. The functions below replay that schedule in
  numpy float32, with a correctly rounded fused multiply-add built on float64.
* everything else calls the C library (glibc ``log``, ``log1p``, ``sin``, ``cos`` in
  double). numpy's own SIMD ``log``/``log1p`` differ from glibc in the last bit for a
  fraction of inputs, so those two go through Python's ``math`` module, which calls the
  same libm that torch links against. numpy's float64 ``sin``/``cos`` agree with glibc
  (checked by the golden tests), and are much faster than a Python-level map.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["avx_log", "avx_sincos", "fma32", "fma64", "libm_cos", "libm_log", "libm_log1p", "libm_sin"]

F32 = np.float32
I32 = np.int32
U32 = np.uint32

# Cephes single-precision constants (public numerical facts: minimax coefficients and
# Cody-Waite splits of log(2) and pi/4).
_SQRT_HALF = F32(0.707106781186547524)
_LOG_POLY = tuple(
    F32(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
)
_LN2_LO = F32(-2.12194440e-4)
_LN2_HI = F32(0.693359375)
_MIN_NORMAL = np.array(0x00800000, U32).view(F32)
_FOUR_OVER_PI = F32(1.27323954473516)
_PIO4_SPLIT = (F32(-0.78515625), F32(-2.4187564849853515625e-4), F32(-3.77489497744594108e-8))
_SIN_POLY = (F32(-1.9515295891e-4), F32(8.3321608736e-3), F32(-1.6666654611e-1))
_COS_POLY = (F32(2.443315711809948e-005), F32(-1.388731625493765e-003), F32(4.166664568298827e-002))
_SIGN = U32(0x80000000)


_LOW29 = np.uint64((1 << 29) - 1)
_HALF29 = np.uint64(1 << 28)


def fma32(a: np.ndarray, b: np.ndarray | np.floating, c: np.ndarray | np.floating) -> np.ndarray:
    """float32 ``a*b + c`` rounded once, like the FMA instruction.

    The float32 product is exact in float64, so the float64 sum is off by less than half a
    float64 ulp; rounding that to float32 goes wrong only when it lands exactly on a
    float32 half-way point without being exact. Those rare elements are redone with
    TwoSum, whose error term says which way the exact value lies.
    """
    p = np.multiply(a, b, dtype=np.float64)
    s = np.add(p, c, dtype=np.float64)
    on_tie = (s.view(np.uint64) & _LOW29) == _HALF29
    if on_tie.any():
        idx = np.nonzero(on_tie)
        pt = p[idx]
        ct = np.broadcast_to(np.asarray(c, np.float64), s.shape)[idx]
        st = s[idx]
        bp = st - ct
        err = (pt - bp) + (ct - (st - bp))
        s[idx] = np.where(err != 0, np.nextafter(st, np.where(err > 0, np.inf, -np.inf)), st)
    return s.astype(F32)


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = 134217729.0 * a  # Veltkamp split: 2**27 + 1
    hi = c - (c - a)
    return hi, a - hi


def fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """float64 ``a*b + c`` rounded once, for the kernels where GCC fused the final scaling.

    Error-free product and sum, then the remainder rounded to odd before the last addition
    (Boldo and Melquiond's emulated FMA), which yields the correctly rounded result. Only
    non-finite or huge inputs, where the splitting could overflow, fall back to Fractions.
    """
    a = np.asarray(a, np.float64)
    if b == 1.0 and c == 0.0:
        return a.copy()
    bv = np.float64(b)
    cv = np.full_like(a, c)
    with np.errstate(all="ignore"):
        p = a * bv
        ah, al = _split(a)
        bh, bl = _split(np.asarray(bv))
        perr = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # p + perr == a*b exactly
        th, tl = _two_sum(cv, p)
        v, verr = _two_sum(tl, perr)
        # round v to odd: if inexact and its last bit is even, step one ulp towards the error
        even = (v.view(np.uint64) & np.uint64(1)) == 0
        nudge = (verr != 0) & even
        v = np.where(nudge, np.nextafter(v, np.where(verr > 0, np.inf, -np.inf)), v)
        out = th + v
    unsafe = ~np.isfinite(out) | (np.abs(a) > 2.0**900) | (abs(b) > 2.0**100)
    if np.any(unsafe):
        from fractions import Fraction

        flat_a, flat_out, flat_bad = a.ravel(), out.ravel(), unsafe.ravel()
        for i in np.nonzero(flat_bad)[0].tolist():
            x = float(flat_a[i])
            exact_ok = math.isfinite(x) and math.isfinite(b) and math.isfinite(c)
            flat_out[i] = float(Fraction(x) * Fraction(b) + Fraction(c)) if exact_ok else x * b + c
        out = flat_out.reshape(a.shape)
    return out


def avx_log(x: np.ndarray) -> np.ndarray:
    """Natural log of float32 values as the AVX Cephes kernel computes it (FMA-contracted)."""
    x = np.asarray(x, F32)
    invalid = x <= 0
    x = np.maximum(x, _MIN_NORMAL)
    bits = x.view(U32)
    exponent = (bits >> U32(23)).astype(I32) - I32(0x7F)
    # mantissa scaled into [0.5, 1)
    x = ((bits & U32(0x807FFFFF)) | np.array(0.5, F32).view(U32)).view(F32)
    e = exponent.astype(F32) + F32(1)
    below = x < _SQRT_HALF
    x_if_below = np.where(below, x, F32(0))
    x = x - F32(1)
    e = e - np.where(below, F32(1), F32(0))
    x = x + x_if_below
    z = x * x
    y = np.full_like(x, _LOG_POLY[0])
    for coef in _LOG_POLY[1:]:
        y = fma32(y, x, coef)
    y = y * x
    # y*z + e*q1: both terms are products; the earlier one (y*z) is the one fused.
    y = fma32(y, z, e * _LN2_LO)
    y = fma32(z, F32(-0.5), y)
    x = x + y
    x = fma32(e, _LN2_HI, x)
    return np.where(invalid, F32(np.nan), x).astype(F32)


def avx_sincos(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sin, cos) of float32 values as the AVX Cephes kernel computes them (FMA-contracted)."""
    x = np.asarray(x, F32)
    sign_sin = x.view(U32) & _SIGN
    x = np.abs(x)
    octant = (x * _FOUR_OVER_PI).astype(I32)  # truncation, like cvttps2dq
    octant = (octant + 1) & ~1
    y = octant.astype(F32)
    swap_sign_sin = (octant & 4).astype(U32) << U32(29)
    use_sin_poly = (octant & 2) == 0
    for split in _PIO4_SPLIT:  # extended-precision x - octant*pi/4
        x = fma32(y, split, x)
    sign_cos = ((~(octant - 2)) & 4).astype(U32) << U32(29)
    sign_sin = sign_sin ^ swap_sign_sin
    z = x * x
    yc = fma32(np.full_like(z, _COS_POLY[0]), z, _COS_POLY[1])
    yc = fma32(yc, z, _COS_POLY[2])
    yc = yc * z
    # yc*z - z*0.5: the earlier product (yc*z) is fused, z*0.5 is exact anyway.
    yc = fma32(yc, z, -(z * F32(0.5)))
    yc = yc + F32(1)
    ys = fma32(np.full_like(z, _SIN_POLY[0]), z, _SIN_POLY[1])
    ys = fma32(ys, z, _SIN_POLY[2])
    ys = ys * z
    ys = fma32(ys, x, x)
    sin = np.where(use_sin_poly, ys, yc).astype(F32)
    cos = np.where(use_sin_poly, yc, ys).astype(F32)
    return (sin.view(U32) ^ sign_sin).view(F32), (cos.view(U32) ^ sign_cos).view(F32)


def _map_math(fn: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float64)
    return np.fromiter(map(fn, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)


def libm_log(x: np.ndarray) -> np.ndarray:
    """glibc ``log`` elementwise (numpy's SIMD log differs in the last bit for ~0.3% of inputs)."""
    return _map_math(math.log, x)


def libm_log1p(x: np.ndarray) -> np.ndarray:
    """glibc ``log1p`` elementwise (numpy's SIMD log1p differs for several percent of inputs)."""
    return _map_math(math.log1p, x)


def libm_sin(x: np.ndarray) -> np.ndarray:
    return np.sin(np.asarray(x, np.float64))


def libm_cos(x: np.ndarray) -> np.ndarray:
    return np.cos(np.asarray(x, np.float64))
