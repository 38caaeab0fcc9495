"""``torch.normal`` in all four overloads, drawing the same numbers as PyTorch 2.13 on CPU.

What torch does (ATen's normal for tensors, checked against torch 2.13.0 by the goldens):

* ``normal(mean: float, std: float, size)``: an empty tensor filled by ``normal_(mean, std)``.
* ``normal(mean: Tensor, std: float = 1)``: ``normal_(0, std)`` in mean's shape and dtype, then
  ``+ mean``.
* ``normal(mean: float, std: Tensor)``: standard normals in std's shape and dtype, ``* std``, then
  ``+ mean``.
* ``normal(mean: Tensor, std: Tensor)``: standard normals in the broadcast shape and mean's dtype,
  ``* std``, then ``+ mean``.

A tensor mean or std that requires grad gets a NormalBackward1/2/3 node whose gradient is zero,
as PyTorch defines it (the sample is not reparameterised).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.device import require_cpu
from gradviz.autograd.ops.comparison import scalar_type_name
from gradviz.autograd.ops.registry import VJP, defop, record
from gradviz.autograd.random import generator as rng

if TYPE_CHECKING:
    from gradviz.autograd.node import Grad
    from gradviz.autograd.ops.registry import SavedView
    from gradviz.autograd.random.generator import Generator
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike

__all__ = ["normal"]

_SIGNATURES = (
    " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n"
)


def _no_sample_grad(g: Grad, s: SavedView) -> Grad:
    return s.B.zeros_like(g)


def _sampled(*arrays: np.ndarray) -> np.ndarray:
    raise RuntimeError("normal's nodes are recorded with their sample; nothing recomputes it")


# The nodes a differentiable mean/std gets (the sample itself is the forward: see normal()).
_MEAN = defop("normal_mean", "NormalBackward1", ("mean",), _sampled, {"mean": VJP((), _no_sample_grad)})
_STD = defop("normal_std", "NormalBackward2", ("std",), _sampled, {"std": VJP((), _no_sample_grad)})
_BOTH = defop(
    "normal_mean_std",
    "NormalBackward3",
    ("mean", "std"),
    _sampled,
    {"mean": VJP((), _no_sample_grad), "std": VJP((), _no_sample_grad)},
)


def _invalid(*given: object) -> TypeError:
    def name(value: object) -> str:
        from gradviz.autograd.tensor import Tensor

        return "Tensor" if isinstance(value, Tensor) else type(value).__name__

    got = ", ".join(name(v) for v in given)
    return TypeError(
        f"normal() received an invalid combination of arguments - got ({got}), but expected one of:\n{_SIGNATURES}"
    )


def _check_float(dtype: dtypes.DType) -> None:
    if not dtype.is_floating_point:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{scalar_type_name(dtype)}'")


def _check_std(std: float) -> None:
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def _standard(shape: tuple[int, ...], dtype: dtypes.DType, std: float, generator: Generator | None) -> np.ndarray:
    out = np.empty(shape, dtype=dtype.np)
    return rng.normal_(out, 0.0, std, generator)


def normal(
    mean: Tensor | float,
    std: Tensor | float = 1.0,
    size: tuple[int, ...] | list[int] | None = None,
    *,
    generator: Generator | None = None,
    out: object = None,
    dtype: DTypeLike | None = None,
    layout: object = None,
    device: object = None,
    pin_memory: bool = False,
    requires_grad: bool = False,
) -> Tensor:
    from gradviz.autograd.factories import _shape
    from gradviz.autograd.tensor import Tensor

    if out is not None:
        raise NotImplementedError("gradviz does not support torch.normal(..., out=...) yet")
    mean_is_tensor, std_is_tensor = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mean_is_tensor and not std_is_tensor:
        if size is None or not isinstance(size, (tuple, list)):
            raise _invalid(mean, std, *(() if size is None else (size,)))
        require_cpu(device)
        kind = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
        _check_float(kind)
        _check_std(float(std))
        data = np.empty(_shape(tuple(size)), dtype=kind.np)
        rng.normal_(data, float(mean), float(std), generator)
        result = Tensor._make(data, kind)
        result._requires_grad = bool(requires_grad)
        return result
    if size is not None or dtype is not None or device is not None or requires_grad:
        raise _invalid(mean, std, *(() if size is None else (size,)))
    if mean_is_tensor and not std_is_tensor:
        assert isinstance(mean, Tensor)
        _check_float(mean.dtype)
        _check_std(float(std))
        sample = _standard(tuple(mean.shape), mean.dtype, float(std), generator)
        values = (sample + mean._data).astype(mean.dtype.np)
        return record(_MEAN, (mean,), values, mean.dtype, {})
    if std_is_tensor and not mean_is_tensor:
        assert isinstance(std, Tensor)
        _check_float(std.dtype)
        if std._data.size and not bool((std._data >= 0).all()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        kind = std.dtype
        scaled = (_standard(tuple(std.shape), kind, 1.0, generator) * std._data).astype(kind.np)
        values = (scaled + kind.np.type(mean)).astype(kind.np)
        return record(_STD, (std,), values, kind, {})
    assert isinstance(mean, Tensor) and isinstance(std, Tensor)
    _check_float(mean.dtype)
    if std._data.size and not bool((std._data >= 0).all()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    try:
        shape = np.broadcast_shapes(mean._data.shape, std._data.shape)
    except ValueError:
        from gradviz.autograd.ops.registry import _broadcast_message

        raise RuntimeError(_broadcast_message(mean._data.shape, std._data.shape)) from None
    kind = mean.dtype
    wide = np.result_type(kind.np, std._data.dtype)
    sample = _standard(tuple(shape), kind, 1.0, generator)
    scaled = (sample.astype(wide) * std._data.astype(wide)).astype(kind.np)
    values = (scaled + mean._data).astype(kind.np)
    return record(_BOTH, (mean, std), values, kind, {})
