"""The helper functions VJPs call, in two interchangeable backends.

``NUMPY`` works on arrays (an ordinary backward). ``TENSOR`` works on gradviz Tensors, so a
backward run with ``create_graph=True`` records its own graph and can be differentiated again.
Operators (+ - * / ** unary -) need no helper: they work on both arrays and Tensors.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from gradviz.autograd import numerics

if TYPE_CHECKING:
    from gradviz.autograd.ops import functional as F
    from gradviz.autograd.ops.indexing import NumpyKey
    from gradviz.autograd.tensor import Tensor
else:
    F = None  # the op functions, bound by bind_functional


def sum_to_array(g: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Undo broadcasting: sum ``g`` down to ``shape`` as PyTorch's sum_to does (one sum over the
    leading dims and the broadcast size-1 dims, in its CPU kernel's order)."""
    shape = tuple(shape)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, size in enumerate(shape) if size == 1 and g.shape[lead + i] != 1)
    if axes:
        g = numerics.sum(g, axes, keepdims=True)
    return g.reshape(shape)


class NumpyBackend:
    name = "numpy"
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sign = staticmethod(np.sign)
    sgn = staticmethod(np.sign)

    @staticmethod
    def where(cond: np.ndarray, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
        return np.where(cond, a, b)

    @staticmethod
    def sum_to(g: np.ndarray, shape: Sequence[int]) -> np.ndarray:
        return sum_to_array(g, shape)

    @staticmethod
    def expand(g: np.ndarray, shape: Sequence[int]) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(g, tuple(shape)))

    @staticmethod
    def reshape(g: np.ndarray, shape: Sequence[int]) -> np.ndarray:
        return np.reshape(g, tuple(shape))

    @staticmethod
    def unsqueeze_dims(g: np.ndarray, dims: Sequence[int]) -> np.ndarray:
        return np.expand_dims(g, tuple(sorted(dims)))

    @staticmethod
    def zeros_like(a: np.ndarray) -> np.ndarray:
        return np.zeros_like(a)

    @staticmethod
    def mT(a: np.ndarray) -> np.ndarray:
        return np.swapaxes(a, -1, -2) if a.ndim >= 2 else a

    @staticmethod
    def t(a: np.ndarray) -> np.ndarray:
        return a.T if a.ndim == 2 else a

    @staticmethod
    def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.matmul(a, b)

    @staticmethod
    def outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.outer(a, b)

    @staticmethod
    def select_backward(g: np.ndarray, shape: Sequence[int], dim: int, index: int) -> np.ndarray:
        out = np.zeros(tuple(shape), dtype=g.dtype)
        key: list[slice | int] = [slice(None)] * len(shape)
        key[dim] = index
        out[tuple(key)] = g
        return out

    @staticmethod
    def slice_backward(g: np.ndarray, shape: Sequence[int], dim: int, start: int, end: int, step: int) -> np.ndarray:
        out = np.zeros(tuple(shape), dtype=g.dtype)
        key = [slice(None)] * len(shape)
        key[dim] = slice(start, end, step)
        out[tuple(key)] = g
        return out

    @staticmethod
    def index_backward(g: np.ndarray, shape: Sequence[int], key: NumpyKey) -> np.ndarray:
        out = np.zeros(tuple(shape), dtype=g.dtype)
        np.add.at(out, key, g)
        return out

    # -- appended for the breadth ops (more_reduce, more_shape, indexing) --
    @staticmethod
    def mean_keep(a: np.ndarray, dims: Sequence[int]) -> np.ndarray:
        return numerics.mean(a, tuple(dims), keepdims=True)

    @staticmethod
    def sum_dims(a: np.ndarray, dims: Sequence[int]) -> np.ndarray:
        return numerics.sum(a, tuple(dims))

    @staticmethod
    def permute(a: np.ndarray, dims: Sequence[int]) -> np.ndarray:
        return np.transpose(a, tuple(dims))

    @staticmethod
    def narrow(a: np.ndarray, dim: int, start: int, length: int) -> np.ndarray:
        key = [slice(None)] * a.ndim
        key[dim] = slice(start, start + length)
        return a[tuple(key)]

    @staticmethod
    def select(a: np.ndarray, dim: int, index: int) -> np.ndarray:
        return np.take(a, index, axis=dim)


def bind_functional(module: ModuleType) -> None:
    """Called once by gradviz.autograd.ops: the op functions import the op table, which imports
    this module, so TensorBackend finds them through this late binding."""
    globals()["F"] = module


class TensorBackend:
    """The same helpers over Tensors, built from differentiable gradviz ops."""

    name = "tensor"

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(
            f"gradviz: create_graph=True through an op whose backward needs '{name}' is not supported yet"
        )

    def exp(self, a: Tensor) -> Tensor:
        return F.exp(a)

    def log(self, a: Tensor) -> Tensor:
        return F.log(a)

    def sin(self, a: Tensor) -> Tensor:
        return F.sin(a)

    def cos(self, a: Tensor) -> Tensor:
        return F.cos(a)

    def sign(self, a: Tensor) -> Tensor:
        return F.sign(a)

    def sgn(self, a: Tensor) -> Tensor:
        return F.sgn(a)

    def where(self, cond: Tensor, a: Tensor | float, b: Tensor | float) -> Tensor:
        return F.where(cond, a, b)

    def sum_to(self, g: Tensor, shape: Sequence[int]) -> Tensor:
        from gradviz.autograd.ops.shape import sum_to

        return sum_to(g, shape)

    def expand(self, g: Tensor, shape: Sequence[int]) -> Tensor:
        return F.expand(g, tuple(shape))

    def reshape(self, g: Tensor, shape: Sequence[int]) -> Tensor:
        return F.reshape(g, tuple(shape))

    def unsqueeze_dims(self, g: Tensor, dims: Sequence[int]) -> Tensor:
        for d in sorted(dims):
            g = F.unsqueeze(g, d)
        return g

    def zeros_like(self, a: Tensor) -> Tensor:
        return F.zeros_like(a)

    def mT(self, a: Tensor) -> Tensor:
        return F.transpose(a, -1, -2) if a.dim() >= 2 else a

    def t(self, a: Tensor) -> Tensor:
        return F.t(a)

    def matmul(self, a: Tensor, b: Tensor) -> Tensor:
        return F.matmul(a, b)

    def outer(self, a: Tensor, b: Tensor) -> Tensor:
        return F.mul(F.reshape(a, (-1, 1)), b)

    def select_backward(self, g: Tensor, shape: Sequence[int], dim: int, index: int) -> Tensor:
        return F.select_backward(g, tuple(shape), dim, index)

    def slice_backward(self, g: Tensor, shape: Sequence[int], dim: int, start: int, end: int, step: int) -> Tensor:
        return F.slice_backward(g, tuple(shape), dim, start, end, step)

    # -- appended for the breadth ops (more_reduce, more_shape, indexing) --
    def mean_keep(self, a: Tensor, dims: Sequence[int]) -> Tensor:
        return F.mean(a, tuple(dims), True)

    def sum_dims(self, a: Tensor, dims: Sequence[int]) -> Tensor:
        return F.sum(a, tuple(dims))

    def permute(self, a: Tensor, dims: Sequence[int]) -> Tensor:
        return F.permute(a, tuple(dims))

    def narrow(self, a: Tensor, dim: int, start: int, length: int) -> Tensor:
        return F.slice_(a, dim, start, start + length, 1)

    def select(self, a: Tensor, dim: int, index: int) -> Tensor:
        return F.select(a, dim, index)

    def index_backward(self, g: Tensor, shape: Sequence[int], key: NumpyKey) -> Tensor:
        from gradviz.autograd.ops.indexing import index_put_backward

        return index_put_backward(g, tuple(shape), key)


NUMPY = NumpyBackend()
TENSOR = TensorBackend()
