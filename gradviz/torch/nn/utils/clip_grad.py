"""Gradient clipping as PyTorch 2.13 does it on CPU, without recording history.

``clip_grad_norm_``: the total norm is the norm of the per-gradient norms; every grad is multiplied
in place by ``min(max_norm / (total_norm + 1e-6), 1)``, the quotient formed as PyTorch's
``float / Tensor`` forms it (the tensor's reciprocal times the number), in the grads' dtype. The
total norm is returned. ``clip_grad_value_`` clamps every grad into ``[-clip_value, clip_value]``.
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Iterable

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.grad_mode import no_grad
from gradviz.autograd.ops import functional as _F
from gradviz.autograd.ops.functional_more import stack
from gradviz.autograd.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm"]

NON_FINITE = (
    "The total norm of order {order} for gradients from `parameters` is non-finite, so it cannot be clipped. "
    "To disable this error and scale the gradients by the non-finite norm anyway, set "
    "`error_if_nonfinite=False`"
)


def _vector_norm(t: Tensor, order: float) -> Tensor:
    if math.isinf(order):
        values = np.abs(t._data)
        reduced = values.max() if order > 0 else values.min()
        return Tensor._make(np.asarray(reduced, dtype=t._data.dtype), t.dtype)
    return _F.norm(t, order)


def get_total_norm(
    tensors: Iterable[Tensor] | Tensor,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The norm of all ``tensors`` viewed as one vector (the norm of their norms)."""
    items = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    order = float(norm_type)
    with no_grad():
        if not items:
            kind = dtypes.get_default_dtype()
            return Tensor._make(np.array(0.0, dtype=kind.np), kind)
        total = _vector_norm(stack([_vector_norm(t, order) for t in items]), order)
    if error_if_nonfinite and not np.isfinite(total._data):
        raise RuntimeError(NON_FINITE.format(order=order))
    return total


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    if isinstance(parameters, Tensor):
        params = [parameters]
    else:
        generator = isinstance(parameters, types.GeneratorType)
        params = list(parameters)
        if generator and not params:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    grads = [p._grad for p in params if p._grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    if not grads:
        return total
    dtype = total._data.dtype
    shifted = total._data + dtype.type(1e-6)
    coefficient = (dtype.type(1) / shifted) * dtype.type(float(max_norm))
    clamped = np.minimum(coefficient, dtype.type(1.0))
    for grad in grads:
        grad._data[...] = grad._data * clamped.astype(grad._data.dtype)
        grad._version_counter[0] += 1
    return total


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float, foreach: bool | None = None) -> None:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    bound = float(clip_value)
    for param in params:
        grad = param._grad
        if grad is None:
            continue
        grad._data[...] = np.clip(grad._data, -bound, bound)
        grad._version_counter[0] += 1
