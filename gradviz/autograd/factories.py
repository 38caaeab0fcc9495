"""Tensor creation: torch.tensor, ones, zeros, arange, rand, ... with PyTorch's dtype inference."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradviz.autograd import dtypes, numerics
from gradviz.autograd.device import CPU, require_cpu
from gradviz.autograd.dtypes import DType
from gradviz.autograd.random import generator as rng
from gradviz.autograd.tensor import FLOAT_ONLY, Tensor
from gradviz.runner.limits import check_elements

if TYPE_CHECKING:
    from gradviz.autograd.random.generator import Generator
    from gradviz.autograd.types import DTypeLike, Scalar, ShapeArg

COPY_CONSTRUCT_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
    "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor)."
)


def _shape(size: Sequence[object]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"empty(): argument 'size' must be tuple of ints, but found element of type {type(s).__name__}"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: [{', '.join(map(str, size))}]")
        shape.append(int(s))
    check_elements(math.prod(shape))
    return tuple(shape)


def _sizes(what: str, sizes: tuple[ShapeArg, ...], size: ShapeArg | None) -> tuple[int, ...]:
    """``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    if size is None:
        return _shape(sizes)
    if sizes:
        raise TypeError(f"{what}() got multiple values for argument 'size'")
    return _shape((size,) if isinstance(size, (int, np.integer)) else tuple(size))


def _finish(data: np.ndarray, dtype: DType, requires_grad: bool) -> Tensor:
    if requires_grad and not dtype.is_floating_point:
        raise RuntimeError(FLOAT_ONLY)
    t = Tensor._make(data, dtype)
    t._requires_grad = bool(requires_grad)
    return t


def _infer_dtype(data: object) -> DType:
    """PyTorch's inference for torch.tensor(data): any float -> default float, else int64, or bool."""
    kinds: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(item, (int, np.integer)):
            kinds.add("i")
        elif isinstance(item, (float, np.floating)):
            kinds.add("f")
        elif isinstance(item, Tensor):
            kinds.add("f" if item.dtype.is_floating_point else ("b" if item.dtype is dtypes.bool_ else "i"))
        elif isinstance(item, complex):
            raise NotImplementedError("gradviz: complex tensors are not supported")
        else:
            raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    if "f" in kinds:
        return dtypes.get_default_dtype()
    if "i" in kinds:
        return dtypes.int64
    if "b" in kinds:
        return dtypes.bool_
    return dtypes.get_default_dtype()


def tensor(
    data: Any,
    dtype: DTypeLike | None = None,
    device: object = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    require_cpu(device)
    if isinstance(data, Tensor):
        warnings.warn(COPY_CONSTRUCT_WARNING, UserWarning, stacklevel=2)
        target = dtypes.as_dtype(dtype) if dtype is not None else data.dtype
        return _finish(np.array(data._data, dtype=target.np, copy=True), target, requires_grad)
    if isinstance(data, np.ndarray):
        target = dtypes.as_dtype(dtype) if dtype is not None else dtypes.from_numpy_dtype(data.dtype)
        check_elements(int(data.size))
        return _finish(np.array(data, dtype=target.np, copy=True), target, requires_grad)
    target = dtypes.as_dtype(dtype) if dtype is not None else _infer_dtype(data)
    if isinstance(data, (list, tuple)):
        data = _unwrap_tensors(data)
    try:
        array = np.array(data, dtype=target.np)
    except ValueError as error:
        raise ValueError(f"expected sequence of equal length lists: {error}") from None
    check_elements(int(array.size))
    return _finish(array, target, requires_grad)


def _unwrap_tensors(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data.item() if data.numel() == 1 and data.dim() == 0 else data._data.tolist()
    if isinstance(data, (list, tuple)):
        return [_unwrap_tensors(d) for d in data]
    return data


def _dtype_or_default(dtype: DTypeLike | None) -> DType:
    return dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()


def ones(
    *sizes: ShapeArg,
    size: ShapeArg | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
    out: object = None,
) -> Tensor:
    require_cpu(device)
    d = _dtype_or_default(dtype)
    return _finish(np.ones(_sizes("ones", sizes, size), dtype=d.np), d, requires_grad)


def zeros(
    *sizes: ShapeArg,
    size: ShapeArg | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
    out: object = None,
) -> Tensor:
    require_cpu(device)
    d = _dtype_or_default(dtype)
    return _finish(np.zeros(_sizes("zeros", sizes, size), dtype=d.np), d, requires_grad)


def empty(
    *sizes: ShapeArg,
    size: ShapeArg | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    d = _dtype_or_default(dtype)
    return _finish(np.zeros(_sizes("empty", sizes, size), dtype=d.np), d, requires_grad)


def full(
    size: int | Sequence[int],
    fill_value: Scalar,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    if dtype is None:
        if isinstance(fill_value, bool):
            d = dtypes.bool_
        elif isinstance(fill_value, int):
            d = dtypes.int64
        else:
            d = dtypes.get_default_dtype()
    else:
        d = dtypes.as_dtype(dtype)
    return _finish(
        np.full(_shape((size,) if isinstance(size, int) else tuple(size)), fill_value, dtype=d.np), d, requires_grad
    )


def _like(t: Tensor, dtype: DTypeLike | None) -> DType:
    return dtypes.as_dtype(dtype) if dtype is not None else t.dtype


def ones_like(t: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False, device: object = None) -> Tensor:
    require_cpu(CPU if device is None else device)
    d = _like(t, dtype)
    return _finish(np.ones(t._data.shape, dtype=d.np), d, requires_grad)


def zeros_like(t: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False, device: object = None) -> Tensor:
    require_cpu(CPU if device is None else device)
    d = _like(t, dtype)
    return _finish(np.zeros(t._data.shape, dtype=d.np), d, requires_grad)


def empty_like(t: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False, device: object = None) -> Tensor:
    return zeros_like(t, dtype, requires_grad, device)


def full_like(
    t: Tensor, fill_value: Scalar, dtype: DTypeLike | None = None, requires_grad: bool = False, device: object = None
) -> Tensor:
    require_cpu(CPU if device is None else device)
    d = _like(t, dtype)
    return _finish(np.full(t._data.shape, fill_value, dtype=d.np), d, requires_grad)


def arange(
    start: Scalar | Tensor,
    end: Scalar | Tensor | None = None,
    step: Scalar | Tensor = 1,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        d = dtypes.get_default_dtype() if any(isinstance(v, float) for v in values) else dtypes.int64
    else:
        d = dtypes.as_dtype(dtype)
    count = max(0, math.ceil((values[1] - values[0]) / values[2]))
    check_elements(count)
    # PyTorch computes start + i * step in double, then casts.
    data = (
        (values[0] + np.arange(count, dtype=np.float64) * values[2])
        if d.is_floating_point or any(isinstance(v, float) for v in values)
        else np.arange(values[0], values[1], values[2], dtype=np.int64)
    )
    return _finish(np.asarray(data).astype(d.np), d, requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    d = _dtype_or_default(dtype)
    check_elements(steps)
    # PyTorch's kernel, to the last bit: each half from its own end, one fused multiply-add a value.
    return _finish(numerics.linspace(start, end, steps, d.np), d, requires_grad)


def eye(
    n: int, m: int | None = None, dtype: DTypeLike | None = None, requires_grad: bool = False, device: object = None
) -> Tensor:
    require_cpu(device)
    d = _dtype_or_default(dtype)
    return _finish(np.eye(n, m if m is not None else n, dtype=d.np), d, requires_grad)


def rand(
    *sizes: ShapeArg,
    size: ShapeArg | None = None,
    generator: Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    d = _dtype_or_default(dtype)
    return _finish(rng.rand(_sizes("rand", sizes, size), d.np, generator), d, requires_grad)


def randn(
    *sizes: ShapeArg,
    size: ShapeArg | None = None,
    generator: Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    d = _dtype_or_default(dtype)
    return _finish(rng.randn(_sizes("randn", sizes, size), d.np, generator), d, requires_grad)


def randint(
    low: int,
    high: int | Sequence[int] | None = None,
    size: Sequence[int] | None = None,
    generator: Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    if size is None:  # randint(high, size)
        lo, hi, shape = 0, low, cast("Sequence[int]", high)
    elif high is None:  # randint(high, size=...)
        lo, hi, shape = 0, low, size
    else:
        lo, hi, shape = low, cast("int", high), size
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    return _finish(rng.randint(int(lo), int(hi), _shape(tuple(shape)), d.np, generator), d, requires_grad)


def randperm(
    n: int,
    generator: Generator | None = None,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
    device: object = None,
) -> Tensor:
    require_cpu(device)
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    return _finish(rng.randperm(n, d.np, generator), d, requires_grad)


def rand_like(t: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False, device: object = None) -> Tensor:
    require_cpu(CPU if device is None else device)
    d = _like(t, dtype)
    return _finish(rng.rand(t._data.shape, d.np), d, requires_grad)


def randn_like(t: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False, device: object = None) -> Tensor:
    require_cpu(CPU if device is None else device)
    d = _like(t, dtype)
    return _finish(rng.randn(t._data.shape, d.np), d, requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    return Tensor._make(array, dtypes.from_numpy_dtype(array.dtype))


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)


def numel(t: Tensor) -> int:
    return t.numel()
