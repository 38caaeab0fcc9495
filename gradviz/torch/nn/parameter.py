"""``nn.Parameter``: a leaf Tensor that a Module registers as learnable.

It is a Tensor subclass sharing its data array with the tensor it wraps (as PyTorch's
``_make_subclass`` shares storage), requiring grad by default, and printing as
``Parameter containing:`` + the tensor. Ops on a Parameter return plain Tensors, because the op
table always builds results with ``Tensor._make``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.tensor import FLOAT_ONLY, Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            array, dtype = np.empty((0,), dtype=np.float32), dtypes.float32
        elif isinstance(data, Tensor):
            array, dtype = data._data, data.dtype
        else:
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        if requires_grad and not dtype.is_floating_point:
            raise RuntimeError(FLOAT_ONLY)
        param = object.__new__(cls)
        Tensor._init(param, array, dtype)
        if isinstance(data, Tensor):
            param._version_counter = data._version_counter
        param._requires_grad = bool(requires_grad)
        param._is_param = True
        return param

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        # Everything happened in __new__; Tensor.__init__ would re-create the data.
        pass

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        # As nn.Parameter does it: the data and requires_grad, never the .grad (a deep-copied
        # model starts with no grads).
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result
