"""``torch.autograd.Variable``: the pre-0.4 wrapper, which today makes a plain Tensor.

``Variable(t, requires_grad=True)`` is ``t.detach()`` (same data, same version counter) with
``requires_grad`` set, exactly as PyTorch 2.13's legacy constructor does; an integer tensor
refuses ``requires_grad=True``, and ``isinstance(t, Variable)`` is true of every tensor.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.tensor import FLOAT_ONLY, Tensor

__all__ = ["Variable"]

VOLATILE_WARNING = "volatile was removed and now has no effect. Use `with torch.no_grad():` instead."


class _VariableMeta(type):
    def __instancecheck__(cls, other: object) -> bool:
        return isinstance(other, Tensor)

    def __call__(
        cls,
        data: object = None,
        requires_grad: bool = False,
        volatile: bool = False,
        _grad_fn: object = None,
        name: str | None = None,
    ) -> Tensor:
        if volatile:
            warnings.warn(VOLATILE_WARNING, UserWarning, stacklevel=2)
        if data is None:
            variable = Tensor._make(np.empty((0,), dtypes.get_default_dtype().np), dtypes.get_default_dtype())
        elif isinstance(data, Tensor):
            variable = data.detach()
            variable._origin = None
        else:
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if _grad_fn is not None:
            raise RuntimeError(
                "_grad_fn argument to legacy Variable constructor is no longer supported.  Instead, please "
                "invoke your _grad_fn to produce a variable with it as the _grad_fn."
            )
        if requires_grad and not variable.dtype.is_floating_point:
            raise RuntimeError(FLOAT_ONLY)
        variable._requires_grad = bool(requires_grad)
        return variable


class Variable(metaclass=_VariableMeta):
    """Calling it makes a Tensor (see the module docstring); it is never instantiated itself."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        raise TypeError("gradviz does not support subclassing torch.autograd.Variable")
