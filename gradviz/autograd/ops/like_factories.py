"""Tensor methods that make or pick from a tensor like another: ``new_zeros`` / ``new_ones`` /
``new_full`` / ``new_empty`` / ``new_tensor`` (the source's dtype unless told), ``type_as``,
``repeat_interleave`` and ``nonzero``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.ops import registry as _registry

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike, Scalar, ShapeArg

__all__ = [
    "new_empty",
    "new_full",
    "new_ones",
    "new_tensor",
    "new_zeros",
    "nonzero",
    "repeat_interleave",
    "type_as",
]


NEW_TENSOR_COPY_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
    "sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor)."
)


def _sizes(size: Sequence[ShapeArg]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(int(n) for n in size[0])
    return tuple(int(n) for n in size)  # type: ignore[arg-type]


def _filled(source: Tensor, sizes: tuple[int, ...], value: Any, dtype: DTypeLike | None, requires_grad: bool) -> Tensor:
    kind = dtypes.as_dtype(dtype) if dtype is not None else source.dtype
    result = _registry.Tensor._make(np.full(sizes, value, dtype=kind.np), kind)
    if requires_grad:
        result.requires_grad_(True)
    return result


def new_zeros(
    self: Tensor,
    *size: ShapeArg,
    dtype: DTypeLike | None = None,
    device: object = None,
    requires_grad: bool = False,
) -> Tensor:
    del device
    return _filled(self, _sizes(size), 0, dtype, requires_grad)


def new_ones(
    self: Tensor,
    *size: ShapeArg,
    dtype: DTypeLike | None = None,
    device: object = None,
    requires_grad: bool = False,
) -> Tensor:
    del device
    return _filled(self, _sizes(size), 1, dtype, requires_grad)


def new_empty(
    self: Tensor,
    *size: ShapeArg,
    dtype: DTypeLike | None = None,
    device: object = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uninitialised memory in PyTorch; zeros here, so nothing depends on leftover bytes."""
    del device
    return _filled(self, _sizes(size), 0, dtype, requires_grad)


def new_full(
    self: Tensor,
    size: Sequence[int],
    fill_value: Scalar,
    *,
    dtype: DTypeLike | None = None,
    device: object = None,
    requires_grad: bool = False,
) -> Tensor:
    del device
    return _filled(self, tuple(int(n) for n in size), fill_value, dtype, requires_grad)


def new_tensor(
    self: Tensor, data: Any, *, dtype: DTypeLike | None = None, device: object = None, requires_grad: bool = False
) -> Tensor:
    """A new tensor holding ``data`` with this tensor's dtype (unless told), never sharing memory."""
    del device
    kind = dtypes.as_dtype(dtype) if dtype is not None else self.dtype
    if isinstance(data, _registry.Tensor):
        warnings.warn(NEW_TENSOR_COPY_WARNING, UserWarning, stacklevel=2)
        array = np.array(data._data, dtype=kind.np, copy=True)
    else:
        array = np.array(data, dtype=kind.np)
    result = _registry.Tensor._make(array, kind)
    if requires_grad:
        result.requires_grad_(True)
    return result


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """This tensor in ``other``'s dtype (itself when they already agree)."""
    return self.to(other.dtype)


def repeat_interleave(
    input: Tensor, repeats: int | Tensor, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """torch.repeat_interleave / Tensor.repeat_interleave: each element (or slice along dim)
    repeated. An int count is recorded as PyTorch records it: unsqueeze, expand, a contiguous
    clone and a flatten (CloneBackward0 under ViewBackward0)."""
    from gradviz.autograd.ops import functional as F

    del output_size
    if isinstance(repeats, _registry.Tensor) and repeats.dim() == 0:
        repeats = int(repeats.item())
    if isinstance(repeats, _registry.Tensor):
        if input._requires_grad:
            raise NotImplementedError(
                "gradviz: repeat_interleave with a tensor of repeats on a tensor that requires grad is not "
                "supported yet"
            )
        counts = repeats._data.astype(np.int64)
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        data = input._data.reshape(-1) if dim is None else input._data
        axis = 0 if dim is None else F._norm_dim(dim, input.dim())
        return _registry.Tensor._make(np.repeat(data, counts, axis=axis), input.dtype)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    source = F.flatten(input) if dim is None else input
    axis = 0 if dim is None else F._norm_dim(dim, input.dim())
    lifted = F.unsqueeze(source, axis + 1)
    sizes = list(lifted.shape)
    sizes[axis + 1] = int(repeats)
    expanded = F.clone(F.expand(lifted, tuple(sizes)))
    return F.flatten(expanded, axis, axis + 1)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """torch.nonzero / Tensor.nonzero: the indices of the non-zero elements (one row each), or one
    index tensor per dim with as_tuple=True."""
    found = np.nonzero(input._data if input.dim() else input._data.reshape(1))
    if as_tuple:
        return tuple(_registry.Tensor._make(axis.astype(np.int64), dtypes.int64) for axis in found)
    rows = np.stack(found, axis=1).astype(np.int64) if input.dim() else np.zeros((len(found[0]), 0), np.int64)
    return _registry.Tensor._make(rows, dtypes.int64)
