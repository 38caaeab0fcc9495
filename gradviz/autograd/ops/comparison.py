"""Whole-tensor tests that never record a node: ``equal``, ``isclose``, ``allclose``, ``all``, ``any``.

Their rules, as torch 2.13 applies them: ``equal`` is False for different sizes and compares
values after type promotion (NaN is never equal); ``isclose``/``allclose`` need the same dtype
("Float did not match Long"), broadcast, and test ``|a - b| <= atol + rtol * |b|`` in the tensors'
dtype; ``all``/``any`` give bool tensors (uint8 for uint8 input), over everything or over ``dim``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.ops import registry as _registry

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import Dims

__all__ = ["all", "allclose", "any", "equal", "isclose"]


def scalar_type_name(dtype: dtypes.DType) -> str:
    """ATen's name for a dtype in its messages: Float, Double, Long, Bool..."""
    return dtype.legacy_name.replace("torch.", "").replace("Tensor", "")


def _require_tensor(function: str, name: str, position: int, value: object) -> Tensor:
    if not isinstance(value, _registry.Tensor):
        raise TypeError(
            f"{function}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}"
        )
    return value


def equal(input: Tensor, other: Tensor) -> bool:
    a = _require_tensor("equal", "input", 1, input)
    b = _require_tensor("equal", "other", 2, other)
    if a._data.shape != b._data.shape:
        return False
    return bool(np.array_equal(a._data, b._data))


def _broadcast(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    try:
        return np.broadcast_arrays(a, b)  # type: ignore[return-value]
    except ValueError:
        raise RuntimeError(_registry._broadcast_message(a.shape, b.shape)) from None


def _close(function: str, input: Tensor, other: Tensor, rtol: float, atol: float, equal_nan: bool) -> np.ndarray:
    a = _require_tensor(function, "input", 1, input)
    b = _require_tensor(function, "other", 2, other)
    if a.dtype is not b.dtype:
        raise RuntimeError(f"{scalar_type_name(a.dtype)} did not match {scalar_type_name(b.dtype)}")
    x, y = _broadcast(a._data, b._data)
    close = x == y
    if equal_nan and a.dtype.is_floating_point:
        close |= np.isnan(x) & np.isnan(y)
    if rtol == 0 and atol == 0:
        return close
    if a.dtype.is_floating_point:
        kind = a.dtype.np.type
        allowed = kind(atol) + np.abs(kind(rtol) * y)
        actual = np.abs(x - y)
    else:  # integers and bools: the errors in the default float dtype, as ATen's scalar math does
        kind = dtypes.get_default_dtype().np.type
        allowed = kind(atol) + np.abs(kind(rtol) * y.astype(kind))
        actual = np.abs(x.astype(np.int64) - y.astype(np.int64)).astype(kind)
    return close | (np.isfinite(actual) & (actual <= allowed))


def isclose(
    input: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> Tensor:
    return _registry.Tensor._make(np.asarray(_close("isclose", input, other, rtol, atol, equal_nan)), dtypes.bool_)


def allclose(
    input: Tensor,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> bool:
    return bool(np.all(_close("allclose", input, other, rtol, atol, equal_nan)))


def _truth(kind: str, input: Tensor, dim: Dims | None, keepdim: bool) -> Tensor:
    data = input._data
    reduce = np.all if kind == "all" else np.any
    if dim is None:
        axes: int | tuple[int, ...] | None = None
    else:
        from gradviz.autograd.ops.functional import _norm_dim

        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = tuple(_norm_dim(d, max(data.ndim, 1)) for d in dims) if data.ndim else None
    result = np.asarray(reduce(data, axis=axes, keepdims=keepdim and data.ndim > 0))
    if input.dtype is dtypes.uint8:
        return _registry.Tensor._make(result.astype(np.uint8), dtypes.uint8)
    return _registry.Tensor._make(result, dtypes.bool_)


def all(input: Tensor, dim: Dims | None = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _truth("all", input, dim, keepdim)


def any(input: Tensor, dim: Dims | None = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _truth("any", input, dim, keepdim)
