"""The functions behind the wider vocabulary (max/min, clamp, masked_fill, permute, cat/stack,
repeat, var/std/norm, bmm, remainder, argmax/argmin); ``functional`` re-exports them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.class_names import present_as
from gradviz.autograd.ops import registry as _registry

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import Dims, Scalar, ShapeArg, TensorLike

__all__ = [
    "ValuesIndices",
    "argmax",
    "argmin",
    "bmm",
    "cat",
    "clamp",
    "clamp_max",
    "clamp_min",
    "masked_fill",
    "max_",
    "maximum",
    "min_",
    "minimum",
    "norm",
    "permute",
    "remainder",
    "repeat",
    "stack",
    "std",
    "var",
]

from gradviz.autograd.ops.functional import _dims, _is_tensor, _norm_dim, _op, _shape_arg, call


class ValuesIndices(tuple["Tensor", "Tensor"]):
    """``torch.return_types.max``: a (values, indices) pair that prints and unpacks like PyTorch's."""

    _kind = "max"

    def __new__(cls, kind: str, values: Tensor, indices: Tensor) -> ValuesIndices:
        pair = super().__new__(cls, (values, indices))
        pair._kind = kind
        return pair

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self._kind}(\nvalues={self[0]!r},\nindices={self[1]!r})"


_RETURN_TYPES: dict[str, type[ValuesIndices]] = {}


def _return_type(kind: str) -> type[ValuesIndices]:
    """One class per op, as PyTorch has: type(torch.max(x, 0)) is torch.return_types.max."""
    cls = _RETURN_TYPES.get(kind)
    if cls is None:
        cls = _RETURN_TYPES[kind] = present_as(type(kind, (ValuesIndices,), {}), "torch.return_types")
    return cls


def _extreme(kind: str, a: Tensor, dim: int | Tensor | None, keepdim: bool) -> Tensor | ValuesIndices:
    Tensor = _registry.Tensor
    largest = kind == "max"
    if dim is None:
        if _is_tensor(keepdim) or _is_tensor(dim):
            raise TypeError(f"{kind}() received an invalid combination of arguments")
        if a.numel() == 0:
            raise RuntimeError(
                f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return call(_op(f"{kind}_all"), (a,))
    if _is_tensor(dim):
        return (maximum if largest else minimum)(a, dim)
    d = _norm_dim(int(dim), a.dim())
    attrs = {"dim": d, "keepdim": bool(keepdim), "largest": largest}
    values = call(_op(f"{kind}_dim"), (a,), attrs)
    arg = np.argmax if largest else np.argmin
    idx = arg(a._data, axis=d, keepdims=bool(keepdim)) if a.dim() else np.zeros((), np.int64)
    indices = Tensor._make(np.asarray(idx, dtype=np.int64), dtypes.int64)
    return _return_type(kind)(kind, values, indices)


def max_(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """torch.max (named with a trailing _ so the builtin max stays usable in this module)."""
    return _extreme("max", input, dim, keepdim)


def min_(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """torch.min, named like max_."""
    return _extreme("min", input, dim, keepdim)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return call(_op("maximum"), (input, other))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return call(_op("minimum"), (input, other))


def _bound(value: TensorLike | None) -> Scalar | None:
    if not isinstance(value, _registry.Tensor):
        return value
    if value.dim() == 0 and not value.requires_grad:
        return value.item()
    raise NotImplementedError("gradviz: clamp with tensor bounds is not supported yet")


def clamp(input: Tensor, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:
    low, high = _bound(min), _bound(max)
    if low is None and high is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return call(_op("clamp"), (input,), {"min": low, "max": high})


def clamp_min(input: Tensor, min: TensorLike) -> Tensor:
    return call(_op("clamp_min"), (input,), {"min": _bound(min)})


def clamp_max(input: Tensor, max: TensorLike) -> Tensor:
    return call(_op("clamp_max"), (input,), {"max": _bound(max)})


def masked_fill(input: Tensor, mask: Tensor | np.ndarray, value: TensorLike) -> Tensor:
    mask_data = mask._data if _is_tensor(mask) else np.asarray(mask)
    if mask_data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if _is_tensor(value):
        if value.dim() != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.dim()} dimension(s)."
            )
        if value.requires_grad:
            raise NotImplementedError("gradviz: masked_fill with a value that requires grad is not supported yet")
        value = value.item()
    try:
        np.broadcast_to(mask_data, tuple(input.shape))
    except ValueError:
        raise RuntimeError(_broadcast_fail(tuple(input.shape), mask_data.shape)) from None
    return call(_op("masked_fill"), (input,), {"mask": mask_data, "value": value})


def _broadcast_fail(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    from gradviz.autograd.ops.registry import _broadcast_message

    return _broadcast_message(a, b)


def permute(input: Tensor, *dims: ShapeArg) -> Tensor:
    order = _shape_arg(dims)
    if len(order) != input.dim():
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {input.dim()} is not equal to "
            f"len(dims) = {len(order)}"
        )
    normalized = tuple(_norm_dim(d, input.dim()) for d in order)
    if len(set(normalized)) != len(normalized):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return call(_op("permute"), (input,), {"dims": normalized, "written": order})


def _tensor_list(tensors: Iterable[Tensor], name: str) -> list[Tensor]:
    items = list(tensors)
    if not items:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    return items


def cat(tensors: Iterable[Tensor], dim: int = 0) -> Tensor:
    from gradviz.autograd.ops.more_shape import cat_op

    items = _tensor_list(tensors, "torch.cat")
    d = _norm_dim(dim, items[0].dim())
    ref = items[0].shape
    for i, t_ in enumerate(items[1:], start=1):
        if t_.dim() != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {t_.dim()}")
        for axis, (x, y) in enumerate(zip(ref, t_.shape)):
            if axis != d and x != y:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {x} but got "
                    f"size {y} for tensor number {i} in the list."
                )
    sizes = tuple(t_.shape[d] for t_ in items)
    return call(cat_op(len(items)), items, {"dim": d, "sizes": sizes, "written_dim": int(dim)})


def stack(tensors: Iterable[Tensor], dim: int = 0) -> Tensor:
    from gradviz.autograd.ops.more_shape import stack_op

    items = _tensor_list(tensors, "stack")
    d = _norm_dim(dim, items[0].dim() + 1)
    for i, t_ in enumerate(items[1:], start=1):
        if tuple(t_.shape) != tuple(items[0].shape):
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got [{', '.join(map(str, items[0].shape))}] "
                f"at entry 0 and [{', '.join(map(str, t_.shape))}] at entry {i}"
            )
    return call(stack_op(len(items)), items, {"dim": d, "written_dim": int(dim)})


def repeat(input: Tensor, *repeats: ShapeArg) -> Tensor:
    counts = _shape_arg(repeats)
    if len(counts) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    return call(_op("repeat"), (input,), {"repeats": counts})


def _correction_arg(dim: Dims | None, unbiased: bool | None, correction: int | None) -> int | None:
    if correction is not None:
        return int(correction)
    if unbiased is not None:
        return 1 if unbiased else 0
    return None if dim is None else 1


def _moment(
    name: str, a: Tensor, dim: Dims | bool | None, unbiased: bool | None, keepdim: bool, correction: int | None
) -> Tensor:
    if isinstance(dim, bool):  # x.std(False) means unbiased=False
        dim, unbiased = None, dim
    dims = None if dim is None else _dims(dim, a.dim())
    if not a.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    attrs = {"dim": dims, "correction": _correction_arg(dim, unbiased, correction), "keepdim": bool(keepdim)}
    return call(_op(name), (a,), attrs)


def var(
    input: Tensor,
    dim: Dims | None = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> Tensor:
    return _moment("var", input, dim, unbiased, keepdim, correction)


def std(
    input: Tensor,
    dim: Dims | None = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> Tensor:
    return _moment("std", input, dim, unbiased, keepdim, correction)


def norm(input: Tensor, p: float | str = "fro", dim: Dims | None = None, keepdim: bool = False) -> Tensor:
    order = 2 if p in ("fro", 2, 2.0) else p
    if order not in (1, 1.0, 2):
        raise NotImplementedError(f"gradviz: norm with p={p!r} is not supported yet (only 1 and 2)")
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {input.dtype.name.capitalize()}"
        )
    dims = None if dim is None else _dims(dim, input.dim())
    return call(_op("norm"), (input,), {"ord": int(order), "dim": dims, "keepdim": bool(keepdim)})


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{input.shape[0]}, {input.shape[2]}] "
            f"but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return call(_op("bmm"), (input, mat2))


def remainder(input: TensorLike, other: TensorLike) -> Tensor:
    """Python-style modulo (the result takes the divisor's sign), computed as PyTorch does:
    fmod, then shifted by the divisor where the signs disagree (so -3. % 3 is -0.)."""
    if not isinstance(input, _registry.Tensor):
        if _is_tensor(other) and other.requires_grad:
            raise NotImplementedError("gradviz: a number % a tensor that requires grad is not supported yet")
        return call(_op("remainder_tensor"), (_registry.wrap_scalar(input), other))
    if _is_tensor(other):
        if other.requires_grad:
            raise NotImplementedError("gradviz: % by a tensor that requires grad is not supported yet")
        return call(_op("remainder_tensor"), (input, other))
    return call(_op("remainder"), (input,), {"other": other})


def _arg_extreme(fn: Callable[..., np.ndarray], a: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    Tensor = _registry.Tensor
    if dim is None:
        value = np.asarray(fn(a._data.reshape(-1)))
        if keepdim:
            value = value.reshape((1,) * a.dim())
        return Tensor._make(value.astype(np.int64), dtypes.int64)
    d = _norm_dim(dim, a.dim())
    out = fn(a._data, axis=d, keepdims=keepdim) if a.dim() else np.asarray(0)
    return Tensor._make(np.asarray(out).astype(np.int64), dtypes.int64)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _arg_extreme(np.argmax, input, dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _arg_extreme(np.argmin, input, dim, keepdim)
