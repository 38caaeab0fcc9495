"""The public functions behind ``torch.<op>`` and ``Tensor.<op>``: argument handling in PyTorch's
style, then one call into the op table."""

from __future__ import annotations

import builtins as _b
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeGuard, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, call

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import Dims, DTypeLike, Scalar, ShapeArg, TensorLike

_op = OPS.__getitem__


def _is_tensor(value: object) -> TypeGuard[Tensor]:
    return isinstance(value, _registry.Tensor)


def _norm_dim(dim: int, ndim: int) -> int:
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def _shape_arg(shape: Sequence[ShapeArg]) -> tuple[int, ...]:
    """``view(2, 3)`` and ``view((2, 3))`` alike."""
    first = shape[0] if len(shape) == 1 else None
    if isinstance(first, (tuple, list)):
        return tuple(int(s) for s in first)
    return tuple(int(s) for s in cast("Sequence[int]", shape))


# -- arithmetic -------------------------------------------------------------------------------


def add(a: TensorLike, b: TensorLike, alpha: Scalar = 1) -> Tensor:
    if not _is_tensor(a):
        a, b = b, a  # 1 + x is recorded as add(x, 1), like PyTorch's __radd__
    return call(_op("add"), (a, b), {"alpha": alpha} if alpha != 1 else {})


def sub(a: TensorLike, b: TensorLike, alpha: Scalar = 1) -> Tensor:
    if not isinstance(a, _registry.Tensor):
        return rsub(b, a, alpha)
    return call(_op("sub"), (a, b), {"alpha": alpha} if alpha != 1 else {})


def rsub(a: TensorLike, other: TensorLike, alpha: Scalar = 1) -> Tensor:
    """other - alpha * a; a Python number on the left of ``-`` becomes RsubBackward1."""
    if _is_tensor(other):
        return sub(other, a, alpha)
    return call(_op("rsub"), (a,), {"other": other, "alpha": alpha})


def mul(a: TensorLike, b: TensorLike) -> Tensor:
    if not _is_tensor(a):
        a, b = b, a
    return call(_op("mul"), (a, b))


def div(a: TensorLike, b: TensorLike, rounding_mode: str | None = None) -> Tensor:
    if rounding_mode is not None:
        raise NotImplementedError(f"gradviz: div with rounding_mode={rounding_mode!r} is not supported")
    if not _is_tensor(a):
        # 2 / x is recorded as reciprocal(x) * 2, like PyTorch's __rtruediv__
        return mul(reciprocal(b), a)
    return call(_op("div"), (a, b))


def neg(a: Tensor) -> Tensor:
    return call(_op("neg"), (a,))


def reciprocal(a: TensorLike) -> Tensor:
    return call(_op("reciprocal"), (a,))


def pow(a: TensorLike, exponent: TensorLike) -> Tensor:  # noqa: A001 - torch.pow
    if not _is_tensor(a):
        return call(_op("pow_scalar_base"), (exponent,), {"base": a})
    if _is_tensor(exponent):
        return call(_op("pow_tensor"), (a, exponent))
    if isinstance(exponent, np.generic):
        exponent = exponent.item()
    from gradviz.autograd.dtypes import result_type

    dtype = result_type([(a.dtype, 2), (dtypes.as_dtype(type(exponent)), 0)])
    if not dtype.is_floating_point and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return call(_op("pow"), (a,), {"exponent": exponent}, out_dtype=dtype)


def square(a: Tensor) -> Tensor:
    return pow(a, 2)


# -- unary math -------------------------------------------------------------------------------


def _unary(name: str) -> Callable[[Tensor], Tensor]:
    """``torch.<name>`` for a table op on one tensor and no attributes."""
    op = OPS[name]

    def function(a: Tensor) -> Tensor:
        return call(op, (a,))

    function.__name__ = function.__qualname__ = name
    return function


def _binary(name: str) -> Callable[[TensorLike, TensorLike], Tensor]:
    """``torch.<name>`` for a table op on two operands and no attributes."""
    op = OPS[name]

    def function(a: TensorLike, b: TensorLike) -> Tensor:
        return call(op, (a, b))

    function.__name__ = function.__qualname__ = name
    return function


exp = _unary("exp")
log = _unary("log")
sin = _unary("sin")
cos = _unary("cos")
tanh = _unary("tanh")
sigmoid = _unary("sigmoid")
relu = _unary("relu")
sqrt = _unary("sqrt")
abs = _unary("abs")  # noqa: A001 - torch.abs
sign = _unary("sign")
logical_not = _unary("logical_not")

# Comparisons and logic give bool tensors and never record a node.
eq = _binary("eq")
ne = _binary("ne")
lt = _binary("lt")
le = _binary("le")
gt = _binary("gt")
ge = _binary("ge")
logical_and = _binary("logical_and")
logical_or = _binary("logical_or")


def where(cond: Tensor | np.ndarray | Sequence[bool], a: TensorLike, b: TensorLike) -> Tensor:
    Tensor = _registry.Tensor
    cond_data = cond._data if isinstance(cond, Tensor) else np.asarray(cond)
    if not any(isinstance(v, Tensor) and v.requires_grad for v in (a, b)):
        av = a._data if isinstance(a, Tensor) else a
        bv = b._data if isinstance(b, Tensor) else b
        from gradviz.autograd.ops.registry import _as_operand, result_dtype

        dtype = result_dtype(OPS["add"], [_as_operand(a), _as_operand(b)])
        return Tensor._make(np.where(cond_data, av, bv).astype(dtype.np), dtype)
    if "where" not in OPS:
        raise NotImplementedError("gradviz: torch.where with tensors that require grad is not supported yet")
    return call(OPS["where"], (a, b), {"condition": cond_data})


# -- reductions -------------------------------------------------------------------------------


def _dims(dim: Dims, ndim: int) -> tuple[int, ...]:
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(_norm_dim(d, ndim) if ndim else d for d in dims)


def _sum_dtype(a: Tensor, dtype: DTypeLike | None) -> dtypes.DType:
    if dtype is not None:
        return dtypes.as_dtype(dtype)
    return a.dtype if a.dtype.is_floating_point else dtypes.int64


def sum(a: Tensor, dim: Dims | None = None, keepdim: bool = False, *, dtype: DTypeLike | None = None) -> Tensor:  # noqa: A001
    out_dtype = _sum_dtype(a, dtype)
    source = a if out_dtype is a.dtype else a.to(out_dtype)
    if dim is None:
        return call(_op("sum"), (source,), out_dtype=out_dtype)
    dims = _dims(dim, a.dim())
    return call(_op("sum_dim"), (source,), {"dim": dims, "keepdim": bool(keepdim)}, out_dtype=out_dtype)


def mean(a: Tensor, dim: Dims | None = None, keepdim: bool = False, *, dtype: DTypeLike | None = None) -> Tensor:
    target = dtypes.as_dtype(dtype) if dtype is not None else a.dtype
    if not target.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {target.name.capitalize() if target.name != 'int64' else 'Long'}"
        )
    source = a if target is a.dtype else a.to(target)
    if dim is None:
        return call(_op("mean"), (source,))
    dims = _dims(dim, a.dim())
    return call(_op("mean_dim"), (source,), {"dim": dims, "keepdim": bool(keepdim)})


# -- shapes -----------------------------------------------------------------------------------


def _infer_shape(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    total = 1
    for s in shape:
        total *= s
    if total != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return shape


def view(a: Tensor, *shape: ShapeArg) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], dtypes.DType):
        raise NotImplementedError("gradviz: Tensor.view(dtype) is not supported")
    target = _infer_shape(_shape_arg(shape), a.numel())
    return call(_op("view"), (a,), {"shape": target})


def view_as(a: Tensor, other: Tensor) -> Tensor:
    return view(a, tuple(other.shape))


def reshape(a: Tensor, *shape: ShapeArg) -> Tensor:
    target = _infer_shape(_shape_arg(shape), a.numel())
    try:
        np.reshape(a._data, target, copy=False)
    except ValueError:
        # Not expressible as a view: PyTorch copies, then reinterprets (CloneBackward0 + UnsafeView).
        return call(_op("unsafe_view"), (clone(a),), {"shape": target})
    return call(_op("view"), (a,), {"shape": target})


def reshape_as(a: Tensor, other: Tensor) -> Tensor:
    return reshape(a, tuple(other.shape))


def flatten(a: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if a.dim() == 0:
        return reshape(a, (1,))
    start, end = _norm_dim(start_dim, a.dim()), _norm_dim(end_dim, a.dim())
    if start == end:
        return a
    shape = a.shape
    middle = 1
    for s in shape[start : end + 1]:
        middle *= s
    return reshape(a, (*tuple(shape[:start]), middle, *tuple(shape[end + 1 :])))


def expand(a: Tensor, *shape: ShapeArg) -> Tensor:
    sizes = _shape_arg(shape)
    if len(sizes) < a.dim():
        raise RuntimeError(
            f"expand(torch.FloatTensor{{[{', '.join(map(str, a.shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({a.dim()})"
        )
    lead = len(sizes) - a.dim()
    target = []
    for i, s in enumerate(sizes):
        if s == -1:
            if i < lead:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            s = a.shape[i - lead]
        elif i >= lead and a.shape[i - lead] != 1 and a.shape[i - lead] != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({a.shape[i - lead]}) "
                f"at non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  "
                f"Tensor sizes: [{', '.join(map(str, a.shape))}]"
            )
        target.append(s)
    return call(_op("expand"), (a,), {"shape": tuple(target)})


def expand_as(a: Tensor, other: Tensor) -> Tensor:
    return expand(a, tuple(other.shape))


def sum_to_size(a: Tensor, *shape: ShapeArg) -> Tensor:
    target = _shape_arg(shape)
    if tuple(a.shape) == target:
        return a
    return call(_op("sum_to_size"), (a,), {"shape": target})


def t(a: Tensor) -> Tensor:
    if a.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.dim()}D")
    return call(_op("t"), (a,))


def transpose(a: Tensor, dim0: int, dim1: int) -> Tensor:
    nd = a.dim()
    return call(_op("transpose"), (a,), {"dim0": _norm_dim(dim0, nd), "dim1": _norm_dim(dim1, nd)})


def unsqueeze(a: Tensor, dim: int) -> Tensor:
    nd = a.dim() + 1
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return call(_op("unsqueeze"), (a,), {"dim": dim % nd})


def squeeze(a: Tensor, dim: int | None = None) -> Tensor:
    if dim is None:
        return call(_op("squeeze"), (a,))
    return call(_op("squeeze_dim"), (a,), {"dim": _norm_dim(dim, a.dim())})


def select(a: Tensor, dim: int, index: int) -> Tensor:
    if a.dim() == 0:
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
        )
    dim = _norm_dim(dim, a.dim())
    size = a.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    return call(_op("select"), (a,), {"dim": dim, "index": index})


def slice_(a: Tensor, dim: int, start: int, end: int, step: int = 1) -> Tensor:
    return call(_op("slice"), (a,), {"dim": dim, "start": start, "end": end, "step": step})


def clone(a: Tensor) -> Tensor:
    return call(_op("clone"), (a,))


def select_backward(g: Tensor, input_sizes: tuple[int, ...], dim: int, index: int) -> Tensor:
    return call(_op("select_backward"), (g,), {"input_sizes": input_sizes, "dim": dim, "index": index})


def slice_backward(g: Tensor, input_sizes: tuple[int, ...], dim: int, start: int, end: int, step: int) -> Tensor:
    return call(
        _op("slice_backward"), (g,), {"input_sizes": input_sizes, "dim": dim, "start": start, "end": end, "step": step}
    )


def zeros_like(a: Tensor) -> Tensor:
    return _registry.Tensor._make(np.zeros_like(a._data), a.dtype)


# -- matrix products --------------------------------------------------------------------------


def mm(a: Tensor, b: Tensor) -> Tensor:
    if a.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
        )
    _same_dtype(a, b)
    return call(_op("mm"), (a, b))


def _same_dtype(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        left, right = ("float" if t.dtype.name == "float32" else t.dtype.name for t in (a, b))
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {left} != {right}")


def mv(a: Tensor, v: Tensor) -> Tensor:
    if a.dim() != 2 or v.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {v.dim()}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
        )
    return call(_op("mv"), (a, v))


def dot(a: Tensor, b: Tensor) -> Tensor:
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the same "
            f"number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
        )
    return call(_op("dot"), (a, b))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 1 and db == 2:
        return call(_op("squeeze_dims"), (mm(unsqueeze(a, 0), b),), {"dim": 0})
    if da == 2 and db == 2:
        return mm(a, b)
    from gradviz.autograd.ops.more_shape import batched_matmul

    return batched_matmul(a, b)


def outer(a: Tensor, b: Tensor) -> Tensor:
    return mul(reshape(a, (-1, 1)), b)


# -- indexing ---------------------------------------------------------------------------------

INT64_MAX = 2**63 - 1


def getitem(a: Tensor, key: object) -> Tensor:
    """Basic indexing (ints, slices, None, ...) as a chain of select/slice/unsqueeze views,
    skipping full slices, as PyTorch's indexing does."""
    Tensor = _registry.Tensor
    if not isinstance(key, tuple):
        key = (key,)
    for k in key:
        if isinstance(k, (Tensor, list, np.ndarray, bool)):
            from gradviz.autograd.ops.indexing import getitem_advanced

            return getitem_advanced(a, key)
    specified = _b.sum(1 for k in key if k is not None and k is not Ellipsis)
    if specified > a.dim():
        raise IndexError(f"too many indices for tensor of dimension {a.dim()}")
    if _b.sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    result = a
    dim = 0
    for k in key:
        if k is Ellipsis:
            dim += a.dim() - specified
        elif k is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif isinstance(k, (int, np.integer)):
            result = select(result, dim, int(k))
        elif isinstance(k, slice):
            size = result.shape[dim]
            step = 1 if k.step is None else int(k.step)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            start = 0 if k.start is None else int(k.start)
            end = INT64_MAX if k.stop is None else int(k.stop)
            lo, hi, _ = slice(start, end, step).indices(size)
            if not (lo == 0 and hi == size and step == 1):
                result = slice_(result, dim, start, end, step)
            dim += 1
        else:
            raise TypeError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
                f"(got {type(k).__name__})"
            )
    if result is a:
        # x[:] or x[...] is still a new view in PyTorch (AliasBackward0).
        result = call(_op("view"), (a,), {"shape": tuple(a.shape)})
    return result


def to_dtype(a: Tensor, dtype: dtypes.DType) -> Tensor:
    return call(OPS["to_copy"], (a,), out_dtype=dtype)


# The wider vocabulary lives next door; importing it last lets it use everything above.
from gradviz.autograd.ops.functional_more import *  # noqa: E402, F403
from gradviz.autograd.ops.functional_more import ValuesIndices  # noqa: E402,F401
