"""``torch.softmax`` / ``torch.log_softmax`` and their Tensor methods: unlike ``F.softmax`` they
take ``dim`` as a required argument (PyTorch has no implicit-dim form for them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradviz.autograd import dtypes
from gradviz.autograd.ops.comparison import scalar_type_name
from gradviz.autograd.ops.registry import OPS, call

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike

__all__ = ["log_softmax", "softmax"]

_MISSING_DIM = object()


def _softmax_like(name: str, input: Tensor, dim: object, dtype: DTypeLike | None) -> Tensor:
    from gradviz.autograd.ops.functional import _norm_dim

    if dim is _MISSING_DIM:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    index = int(dim)  # type: ignore[call-overload]
    source = input if dtype is None else input.to(dtypes.as_dtype(dtype))
    if not source.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"{name}_lastdim_kernel_impl\" not implemented for '{scalar_type_name(source.dtype)}'"
        )
    return call(OPS[name], (source,), {"axis": _norm_dim(index, input.dim()), "dim": index})


def softmax(input: Tensor, dim: object = _MISSING_DIM, dtype: DTypeLike | None = None) -> Tensor:
    return _softmax_like("softmax", input, dim, dtype)


def log_softmax(input: Tensor, dim: object = _MISSING_DIM, dtype: DTypeLike | None = None) -> Tensor:
    return _softmax_like("log_softmax", input, dim, dtype)
