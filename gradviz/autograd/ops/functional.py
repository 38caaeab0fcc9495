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


def add(input: TensorLike, other: TensorLike, alpha: Scalar = 1) -> Tensor:
    # 1 + x is recorded as add(x, 1), like PyTorch's __radd__
    operands = (input, other) if _is_tensor(input) else (other, input)
    return call(_op("add"), operands, {"alpha": alpha} if alpha != 1 else {})


def sub(input: TensorLike, other: TensorLike, alpha: Scalar = 1) -> Tensor:
    if not isinstance(input, _registry.Tensor):
        return rsub(other, input, alpha)
    return call(_op("sub"), (input, other), {"alpha": alpha} if alpha != 1 else {})


def rsub(input: TensorLike, other: TensorLike, alpha: Scalar = 1) -> Tensor:
    """other - alpha * input; a Python number on the left of ``-`` becomes RsubBackward1."""
    if _is_tensor(other):
        return sub(other, input, alpha)
    return call(_op("rsub"), (input,), {"other": other, "alpha": alpha})


def mul(input: TensorLike, other: TensorLike) -> Tensor:
    return call(_op("mul"), (input, other) if _is_tensor(input) else (other, input))


def div(input: TensorLike, other: TensorLike, rounding_mode: str | None = None) -> Tensor:
    if rounding_mode is not None:
        raise NotImplementedError(f"gradviz: div with rounding_mode={rounding_mode!r} is not supported")
    if not _is_tensor(input):
        # 2 / x is recorded as reciprocal(x) * 2, like PyTorch's __rtruediv__
        return mul(reciprocal(other), input)
    return call(_op("div"), (input, other))


def neg(input: Tensor) -> Tensor:
    return call(_op("neg"), (input,))


def reciprocal(input: TensorLike) -> Tensor:
    return call(_op("reciprocal"), (input,))


def pow(input: TensorLike, exponent: TensorLike) -> Tensor:  # noqa: A001 - torch.pow
    if not _is_tensor(input):
        return call(_op("pow_scalar_base"), (exponent,), {"base": input})
    if _is_tensor(exponent):
        return call(_op("pow_tensor"), (input, exponent))
    if isinstance(exponent, np.generic):
        exponent = exponent.item()
    from gradviz.autograd.dtypes import result_type

    dtype = result_type([(input.dtype, 2), (dtypes.as_dtype(type(exponent)), 0)])
    if not dtype.is_floating_point and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return call(_op("pow"), (input,), {"exponent": exponent}, out_dtype=dtype)


def square(input: Tensor) -> Tensor:
    return pow(input, 2)


# -- unary math -------------------------------------------------------------------------------


def _unary(name: str) -> Callable[[Tensor], Tensor]:
    """``torch.<name>`` for a table op on one tensor and no attributes."""
    op = OPS[name]

    def function(input: Tensor) -> Tensor:
        return call(op, (input,))

    function.__name__ = function.__qualname__ = name
    return function


def _binary(name: str) -> Callable[[TensorLike, TensorLike], Tensor]:
    """``torch.<name>`` for a table op on two operands and no attributes."""
    op = OPS[name]

    def function(input: TensorLike, other: TensorLike) -> Tensor:
        return call(op, (input, other))

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
sgn = _unary("sgn")
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


def where(condition: Tensor | np.ndarray | Sequence[bool], input: TensorLike, other: TensorLike) -> Tensor:
    Tensor = _registry.Tensor
    cond_data = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if not any(isinstance(v, Tensor) and v.requires_grad for v in (input, other)):
        av = input._data if isinstance(input, Tensor) else input
        bv = other._data if isinstance(other, Tensor) else other
        from gradviz.autograd.ops.registry import _as_operand, result_dtype

        dtype = result_dtype(OPS["add"], [_as_operand(input), _as_operand(other)])
        return Tensor._make(np.where(cond_data, av, bv).astype(dtype.np), dtype)
    if "where" not in OPS:
        raise NotImplementedError("gradviz: torch.where with tensors that require grad is not supported yet")
    return call(OPS["where"], (input, other), {"condition": cond_data})


# -- reductions -------------------------------------------------------------------------------


def _dims(dim: Dims, ndim: int) -> tuple[int, ...]:
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(_norm_dim(d, ndim) if ndim else d for d in dims)


def _sum_dtype(a: Tensor, dtype: DTypeLike | None) -> dtypes.DType:
    if dtype is not None:
        return dtypes.as_dtype(dtype)
    return a.dtype if a.dtype.is_floating_point else dtypes.int64


def sum(input: Tensor, dim: Dims | None = None, keepdim: bool = False, *, dtype: DTypeLike | None = None) -> Tensor:  # noqa: A001
    out_dtype = _sum_dtype(input, dtype)
    source = input if out_dtype is input.dtype else input.to(out_dtype)
    if dim is None:
        return call(_op("sum"), (source,), out_dtype=out_dtype)
    dims = _dims(dim, input.dim())
    return call(_op("sum_dim"), (source,), {"dim": dims, "keepdim": bool(keepdim)}, out_dtype=out_dtype)


def mean(input: Tensor, dim: Dims | None = None, keepdim: bool = False, *, dtype: DTypeLike | None = None) -> Tensor:
    target = dtypes.as_dtype(dtype) if dtype is not None else input.dtype
    if not target.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {target.name.capitalize() if target.name != 'int64' else 'Long'}"
        )
    source = input if target is input.dtype else input.to(target)
    if dim is None:
        return call(_op("mean"), (source,))
    dims = _dims(dim, input.dim())
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


def view(input: Tensor, *shape: ShapeArg) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], dtypes.DType):
        raise NotImplementedError("gradviz: Tensor.view(dtype) is not supported")
    target = _infer_shape(_shape_arg(shape), input.numel())
    return call(_op("view"), (input,), {"shape": target})


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, tuple(other.shape))


def reshape(input: Tensor, *shape: ShapeArg) -> Tensor:
    target = _infer_shape(_shape_arg(shape), input.numel())
    try:
        np.reshape(input._data, target, copy=False)
    except ValueError:
        # Not expressible as a view: PyTorch copies, then reinterprets (CloneBackward0 + UnsafeView).
        return call(_op("unsafe_view"), (clone(input),), {"shape": target})
    if not input._data.flags.c_contiguous:  # strided, yet viewable: PyTorch's _reshape_alias
        return call(_op("reshape_alias"), (input,), {"shape": target})
    return call(_op("view"), (input,), {"shape": target})


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, tuple(other.shape))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if input.dim() == 0:
        return reshape(input, (1,))
    start, end = _norm_dim(start_dim, input.dim()), _norm_dim(end_dim, input.dim())
    if start == end:
        return input
    shape = input.shape
    middle = 1
    for s in shape[start : end + 1]:
        middle *= s
    return reshape(input, (*tuple(shape[:start]), middle, *tuple(shape[end + 1 :])))


def expand(input: Tensor, *shape: ShapeArg) -> Tensor:
    sizes = _shape_arg(shape)
    if len(sizes) < input.dim():
        raise RuntimeError(
            f"expand(torch.FloatTensor{{[{', '.join(map(str, input.shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({input.dim()})"
        )
    lead = len(sizes) - input.dim()
    target = []
    for i, s in enumerate(sizes):
        if s == -1:
            if i < lead:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            s = input.shape[i - lead]
        elif i >= lead and input.shape[i - lead] != 1 and input.shape[i - lead] != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({input.shape[i - lead]}) "
                f"at non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  "
                f"Tensor sizes: [{', '.join(map(str, input.shape))}]"
            )
        target.append(s)
    return call(_op("expand"), (input,), {"shape": tuple(target)})


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, tuple(other.shape))


def sum_to_size(input: Tensor, *shape: ShapeArg) -> Tensor:
    from gradviz.autograd.ops.shape import sum_to

    return sum_to(input, _shape_arg(shape) if shape else ())


def t(input: Tensor) -> Tensor:
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    return call(_op("t"), (input,))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    nd = input.dim()
    attrs = {"dim0": _norm_dim(dim0, nd), "dim1": _norm_dim(dim1, nd), "written": (dim0, dim1)}
    return call(_op("transpose"), (input,), attrs)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    nd = input.dim() + 1
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return call(_op("unsqueeze"), (input,), {"dim": dim % nd})


def squeeze(input: Tensor, dim: int | None = None) -> Tensor:
    if dim is None:
        return call(_op("squeeze"), (input,))
    return call(_op("squeeze_dim"), (input,), {"dim": _norm_dim(dim, input.dim())})


def select(input: Tensor, dim: int, index: int) -> Tensor:
    if input.dim() == 0:
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
        )
    dim = _norm_dim(dim, input.dim())
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    return call(_op("select"), (input,), {"dim": dim, "index": index})


def slice_(a: Tensor, dim: int, start: int, end: int, step: int = 1) -> Tensor:
    return call(_op("slice"), (a,), {"dim": dim, "start": start, "end": end, "step": step})


def clone(input: Tensor) -> Tensor:
    return call(_op("clone"), (input,))


def select_backward(g: Tensor, input_sizes: tuple[int, ...], dim: int, index: int) -> Tensor:
    return call(_op("select_backward"), (g,), {"input_sizes": input_sizes, "dim": dim, "index": index})


def slice_backward(g: Tensor, input_sizes: tuple[int, ...], dim: int, start: int, end: int, step: int) -> Tensor:
    return call(
        _op("slice_backward"), (g,), {"input_sizes": input_sizes, "dim": dim, "start": start, "end": end, "step": step}
    )


def zeros_like(a: Tensor) -> Tensor:
    return _registry.Tensor._make(np.zeros_like(a._data), a.dtype)


# -- matrix products --------------------------------------------------------------------------


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})"
        )
    _same_dtype(input, mat2)
    return call(_op("mm"), (input, mat2))


def _same_dtype(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        left, right = ("float" if t.dtype.name == "float32" else t.dtype.name for t in (a, b))
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {left} != {right}")


def mv(input: Tensor, vec: Tensor) -> Tensor:
    if input.dim() != 2 or vec.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.dim()}, {vec.dim()}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
            f"vec ({vec.shape[0]})"
        )
    return call(_op("mv"), (input, vec))


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    if input.dim() != 1 or tensor.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {tensor.dim()}D tensors")
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{tensor.shape[0]}] to have "
            f"the same number of elements, but got {input.shape[0]} and {tensor.shape[0]} elements respectively"
        )
    return call(_op("dot"), (input, tensor))


def matmul(input: Tensor, other: Tensor) -> Tensor:
    da, db = input.dim(), other.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        return call(_op("squeeze_dims"), (mm(unsqueeze(input, 0), other),), {"dim": 0})
    if da == 2 and db == 2:
        return mm(input, other)
    from gradviz.autograd.ops.more_shape import batched_matmul

    return batched_matmul(input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    return mul(reshape(input, (-1, 1)), vec2)


# -- indexing ---------------------------------------------------------------------------------

INT64_MAX = 2**63 - 1


def getitem(input: Tensor, key: object) -> Tensor:
    """Basic indexing (ints, slices, None, ...) as a chain of select/slice/unsqueeze views,
    skipping full slices, as PyTorch's indexing does."""
    Tensor = _registry.Tensor
    if not isinstance(key, tuple):
        key = (key,)
    for k in key:
        if isinstance(k, (Tensor, list, np.ndarray, bool)):
            from gradviz.autograd.ops.indexing import getitem_advanced

            return getitem_advanced(input, key)
    specified = _b.sum(1 for k in key if k is not None and k is not Ellipsis)
    if specified > input.dim():
        raise IndexError(f"too many indices for tensor of dimension {input.dim()}")
    if _b.sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    result = input
    dim = 0
    for k in key:
        if k is Ellipsis:
            dim += input.dim() - specified
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
    if result is input:
        # x[:] or x[...] is still a new view in PyTorch (AliasBackward0).
        result = call(_op("view"), (input,), {"shape": tuple(input.shape)})
    return result


def to_dtype(a: Tensor, dtype: dtypes.DType) -> Tensor:
    return call(OPS["to_copy"], (a,), out_dtype=dtype)


# The wider vocabulary lives next door; importing it last lets it use everything above.
from gradviz.autograd.ops.functional_more import *  # noqa: E402, F403
from gradviz.autograd.ops.functional_more import ValuesIndices  # noqa: E402,F401
