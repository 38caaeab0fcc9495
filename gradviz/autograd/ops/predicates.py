"""Elementwise tests and counts: ``isnan`` / ``isinf`` / ``isfinite`` (bool, no node),
``nan_to_num`` (NanToNumBackward0: the grad passes where the input was finite), ``argwhere`` and
``count_nonzero`` (int64, no node)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, GradCase, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["argwhere", "count_nonzero", "isfinite", "isinf", "isnan", "nan_to_num"]


def _mask(array: np.ndarray) -> Tensor:
    return _registry.Tensor._make(np.asarray(array, dtype=np.bool_), dtypes.bool_)


def _require_tensor(name: str, value: object) -> Tensor:
    if not isinstance(value, _registry.Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(value).__name__}")
    return value


def isnan(input: Tensor) -> Tensor:
    """torch.isnan / Tensor.isnan: True where the value is NaN (never for integers)."""
    a = _require_tensor("isnan", input)._data
    return _mask(np.isnan(a) if a.dtype.kind == "f" else np.zeros(a.shape, np.bool_))


def isinf(input: Tensor) -> Tensor:
    """torch.isinf / Tensor.isinf: True where the value is +inf or -inf."""
    a = _require_tensor("isinf", input)._data
    return _mask(np.isinf(a) if a.dtype.kind == "f" else np.zeros(a.shape, np.bool_))


def isfinite(input: Tensor) -> Tensor:
    """torch.isfinite / Tensor.isfinite: True where the value is neither NaN nor infinite."""
    a = _require_tensor("isfinite", input)._data
    return _mask(np.isfinite(a) if a.dtype.kind == "f" else np.ones(a.shape, np.bool_))


def _nan_to_num_forward(a: np.ndarray, nan: float, posinf: float | None, neginf: float | None) -> np.ndarray:
    if a.dtype.kind != "f":
        return a.copy()
    info = np.finfo(a.dtype)
    high = info.max if posinf is None else posinf
    low = info.min if neginf is None else neginf
    out = np.where(np.isnan(a), np.asarray(nan, a.dtype), a)
    out = np.where(np.isposinf(a), np.asarray(high).astype(a.dtype), out)
    return np.where(np.isneginf(a), np.asarray(low).astype(a.dtype), out).astype(a.dtype)


def _finite(a: object) -> object:
    if isinstance(a, _registry.Tensor):
        return isfinite(a)
    return np.isfinite(np.asarray(a))


defop(
    "nan_to_num",
    "NanToNumBackward0",
    ("self",),
    _nan_to_num_forward,
    {"self": VJP(("self",), lambda g, s: s.B.where(_finite(s.self), g, 0.0))},
    dtype_rule="same",
    cases=(GradCase(((2, 3),), {"nan": 0.0, "posinf": None, "neginf": None}),),
)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """torch.nan_to_num / Tensor.nan_to_num: NaN -> nan, +inf -> posinf (default the dtype's
    largest), -inf -> neginf (default its lowest); integers come back unchanged."""
    return call(OPS["nan_to_num"], (input,), {"nan": nan, "posinf": posinf, "neginf": neginf})


def argwhere(input: Tensor) -> Tensor:
    """torch.argwhere / Tensor.argwhere: the index of every non-zero element, one row each."""
    a = input._data
    if a.ndim == 0:
        rows = np.zeros((1 if a.item() != 0 else 0, 0), np.int64)
    else:
        rows = np.stack(np.nonzero(a), axis=1).astype(np.int64)
    return _registry.Tensor._make(rows, dtypes.int64)


def count_nonzero(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """torch.count_nonzero / Tensor.count_nonzero: how many elements are non-zero (int64), over
    everything or over the dims given."""
    from gradviz.autograd.ops.sort_scan import _dims

    a = input._data
    axes = None if dim is None else _dims(dim, a.ndim)
    counts = np.count_nonzero(a, axis=axes) if a.ndim else np.int64(a.item() != 0)
    return _registry.Tensor._make(np.asarray(counts, dtype=np.int64), dtypes.int64)


def nan_to_num_(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """Tensor.nan_to_num_ / torch.nan_to_num_: nan_to_num written into input."""
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: nan_to_num(s, nan, posinf, neginf))
