"""The elementwise arithmetic of PyTorch's CPU optimizer kernels, bit for bit on float32.

Established against torch 2.13 (AVX512 build) element by element, vector body and scalar tail:
``a.add(b, alpha=s)`` is one fused multiply-add ``fma(b, s, a)``; ``lerp`` with a scalar weight w
is ``fma(w, b - a, a)`` for |w| < 0.5 and ``fma(w - 1, b - a, b)`` otherwise; ``addcmul`` is
``fma(s * t1, t2, a)``; ``addcdiv`` is ``a + (s * t1) / t2`` with no fusing; multiplying,
dividing or adding a Python scalar first rounds the scalar to the tensor's dtype.

Known gap: PyTorch's ``sqrt`` on a contiguous float32 tensor goes through MKL's vector math,
which returns the float just below the correctly rounded root for about 0.6% of inputs; numpy's
sqrt is correctly rounded, so an Adam denominator can differ there by one ulp. float64 uses
plain (unfused) arithmetic.
"""

from __future__ import annotations

import numpy as np

from gradviz.autograd.random.float_math import fma32

__all__ = ["add_scalar", "add_scaled", "addcdiv", "addcmul", "div_scalar", "lerp", "mul_scalar", "sqrt"]


def _scalar(value: float, like: np.ndarray) -> np.floating:
    return like.dtype.type(value)


def _fma(a: np.ndarray | np.floating, b: np.ndarray | np.floating, c: np.ndarray) -> np.ndarray:
    """a * b + c rounded once (float32) or twice (other dtypes)."""
    if c.dtype == np.float32:
        # at least 1-d: the rounding fix-up in fma32 indexes its arrays
        fused = fma32(np.atleast_1d(a), np.atleast_1d(b), np.atleast_1d(c))
        return np.asarray(fused, dtype=np.float32).reshape(c.shape)
    return (a * b + c).astype(c.dtype, copy=False)


def add_scaled(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    """``a.add(b, alpha=alpha)``."""
    if alpha == 1:
        return a + b
    return _fma(b, _scalar(alpha, a), a)


def mul_scalar(a: np.ndarray, value: float) -> np.ndarray:
    return a * _scalar(value, a)


def div_scalar(a: np.ndarray, value: float) -> np.ndarray:
    return a / _scalar(value, a)


def add_scalar(a: np.ndarray, value: float) -> np.ndarray:
    return a + _scalar(value, a)


def lerp(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    """``a.lerp(b, weight)`` for a Python-number weight."""
    w = _scalar(weight, a)
    diff = b - a
    if abs(w) < 0.5:
        return _fma(w, diff, a)
    return _fma(w - a.dtype.type(1), diff, b)


def addcmul(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> np.ndarray:
    return _fma(_scalar(value, a) * t1, t2, a)


def addcdiv(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> np.ndarray:
    return a + (_scalar(value, a) * t1) / t2


def sqrt(a: np.ndarray) -> np.ndarray:
    return np.sqrt(a)
