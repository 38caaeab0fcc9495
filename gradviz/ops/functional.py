"""The public functions behind ``torch.<op>`` and ``Tensor.<op>``: argument handling in PyTorch's
style, then one call into the op table."""

from __future__ import annotations

import builtins as _b
from typing import Any, Sequence

import numpy as np

from .. import dtypes
from . import registry as _registry
from .registry import OPS, call, record

_op = OPS.__getitem__


def _tensor_class() -> type:
    return _registry.Tensor


def _is_tensor(value: Any) -> bool:
    return isinstance(value, _tensor_class())


def _norm_dim(dim: int, ndim: int) -> int:
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def _shape_arg(shape: Sequence[Any]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


# -- arithmetic -------------------------------------------------------------------------------

def add(a: Any, b: Any, alpha: Any = 1) -> Any:
    if not _is_tensor(a):
        a, b = b, a  # 1 + x is recorded as add(x, 1), like PyTorch's __radd__
    return call(_op("add"), (a, b), {"alpha": alpha} if alpha != 1 else {})


def sub(a: Any, b: Any, alpha: Any = 1) -> Any:
    if not _is_tensor(a):
        return rsub(b, a, alpha)
    return call(_op("sub"), (a, b), {"alpha": alpha} if alpha != 1 else {})


def rsub(a: Any, other: Any, alpha: Any = 1) -> Any:
    """other - alpha * a; a Python number on the left of ``-`` becomes RsubBackward1."""
    if _is_tensor(other):
        return sub(other, a, alpha)
    return call(_op("rsub"), (a,), {"other": other, "alpha": alpha})


def mul(a: Any, b: Any) -> Any:
    if not _is_tensor(a):
        a, b = b, a
    return call(_op("mul"), (a, b))


def div(a: Any, b: Any, rounding_mode: str | None = None) -> Any:
    if rounding_mode is not None:
        raise NotImplementedError(f"gradviz: div with rounding_mode={rounding_mode!r} is not supported")
    if not _is_tensor(a):
        # 2 / x is recorded as reciprocal(x) * 2, like PyTorch's __rtruediv__
        return mul(reciprocal(b), a)
    return call(_op("div"), (a, b))


def neg(a: Any) -> Any:
    return call(_op("neg"), (a,))


def reciprocal(a: Any) -> Any:
    return call(_op("reciprocal"), (a,))


def pow(a: Any, exponent: Any) -> Any:  # noqa: A001 - torch.pow
    if not _is_tensor(a):
        return call(_op("pow_scalar_base"), (exponent,), {"base": a})
    if _is_tensor(exponent):
        return call(_op("pow_tensor"), (a, exponent))
    if isinstance(exponent, np.generic):
        exponent = exponent.item()
    from ..dtypes import result_type
    dtype = result_type([(a.dtype, 2), (dtypes.as_dtype(type(exponent)), 0)])
    if not dtype.is_floating_point and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return call(_op("pow"), (a,), {"exponent": exponent}, out_dtype=dtype)


def square(a: Any) -> Any:
    return pow(a, 2)


# -- unary math -------------------------------------------------------------------------------

def _unary(name: str):  # noqa: ANN202
    op = OPS[name]

    def fn(a: Any) -> Any:
        return call(op, (a,))

    fn.__name__ = name
    return fn


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


def _compare(name: str):  # noqa: ANN202
    op = OPS[name]

    def fn(a: Any, b: Any) -> Any:
        return call(op, (a, b))

    fn.__name__ = name
    return fn


eq = _compare("eq")
ne = _compare("ne")
lt = _compare("lt")
le = _compare("le")
gt = _compare("gt")
ge = _compare("ge")
logical_and = _compare("logical_and")
logical_or = _compare("logical_or")


def where(cond: Any, a: Any, b: Any) -> Any:
    Tensor = _tensor_class()
    cond_data = cond._data if isinstance(cond, Tensor) else np.asarray(cond)
    if not any(isinstance(v, Tensor) and v.requires_grad for v in (a, b)):
        av = a._data if isinstance(a, Tensor) else a
        bv = b._data if isinstance(b, Tensor) else b
        from .registry import _as_operand, result_dtype
        dtype = result_dtype(OPS["add"], [_as_operand(a), _as_operand(b)])
        return Tensor._make(np.where(cond_data, av, bv).astype(dtype.np), dtype)
    if "where" not in OPS:
        raise NotImplementedError("gradviz: torch.where with tensors that require grad is not supported yet")
    return call(OPS["where"], (a, b), {"condition": cond_data})


# -- reductions -------------------------------------------------------------------------------

def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(_norm_dim(d, ndim) if ndim else d for d in dims)


def _sum_dtype(a: Any, dtype: Any) -> dtypes.DType:
    if dtype is not None:
        return dtypes.as_dtype(dtype)
    return a.dtype if a.dtype.is_floating_point else dtypes.int64


def sum(a: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:  # noqa: A001
    out_dtype = _sum_dtype(a, dtype)
    source = a if out_dtype is a.dtype else a.to(out_dtype)
    if dim is None:
        return call(_op("sum"), (source,), out_dtype=out_dtype)
    dims = _dims(dim, a.dim())
    return call(_op("sum_dim"), (source,), {"dim": dims, "keepdim": bool(keepdim)}, out_dtype=out_dtype)


def mean(a: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    target = dtypes.as_dtype(dtype) if dtype is not None else a.dtype
    if not target.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {target.name.capitalize() if target.name != 'int64' else 'Long'}")
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


def view(a: Any, *shape: Any) -> Any:
    if len(shape) == 1 and isinstance(shape[0], dtypes.DType):
        raise NotImplementedError("gradviz: Tensor.view(dtype) is not supported")
    target = _infer_shape(_shape_arg(shape), a.numel())
    return call(_op("view"), (a,), {"shape": target})


def reshape(a: Any, *shape: Any) -> Any:
    target = _infer_shape(_shape_arg(shape), a.numel())
    try:
        np.reshape(a._data, target, copy=False)
    except ValueError:
        # Not expressible as a view: PyTorch copies, then reinterprets (CloneBackward0 + UnsafeView).
        return call(_op("unsafe_view"), (clone(a),), {"shape": target})
    return call(_op("view"), (a,), {"shape": target})


def flatten(a: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    if a.dim() == 0:
        return reshape(a, (1,))
    start, end = _norm_dim(start_dim, a.dim()), _norm_dim(end_dim, a.dim())
    if start == end:
        return a
    shape = a.shape
    middle = 1
    for s in shape[start:end + 1]:
        middle *= s
    return reshape(a, tuple(shape[:start]) + (middle,) + tuple(shape[end + 1:]))


def expand(a: Any, *shape: Any) -> Any:
    sizes = _shape_arg(shape)
    if len(sizes) < a.dim():
        raise RuntimeError(
            f"expand(torch.FloatTensor{{[{', '.join(map(str, a.shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({a.dim()})")
    lead = len(sizes) - a.dim()
    target = []
    for i, s in enumerate(sizes):
        if s == -1:
            if i < lead:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}")
            s = a.shape[i - lead]
        elif i >= lead and a.shape[i - lead] != 1 and a.shape[i - lead] != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({a.shape[i - lead]}) "
                f"at non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  "
                f"Tensor sizes: [{', '.join(map(str, a.shape))}]")
        target.append(s)
    return call(_op("expand"), (a,), {"shape": tuple(target)})


def sum_to_size(a: Any, *shape: Any) -> Any:
    target = _shape_arg(shape)
    if tuple(a.shape) == target:
        return a
    return call(_op("sum_to_size"), (a,), {"shape": target})


def t(a: Any) -> Any:
    if a.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.dim()}D")
    return call(_op("t"), (a,))


def transpose(a: Any, dim0: int, dim1: int) -> Any:
    nd = a.dim()
    return call(_op("transpose"), (a,), {"dim0": _norm_dim(dim0, nd), "dim1": _norm_dim(dim1, nd)})


def unsqueeze(a: Any, dim: int) -> Any:
    nd = a.dim() + 1
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return call(_op("unsqueeze"), (a,), {"dim": dim % nd})


def squeeze(a: Any, dim: Any = None) -> Any:
    if dim is None:
        return call(_op("squeeze"), (a,))
    return call(_op("squeeze_dim"), (a,), {"dim": _norm_dim(dim, a.dim())})


def select(a: Any, dim: int, index: int) -> Any:
    if a.dim() == 0:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    dim = _norm_dim(dim, a.dim())
    size = a.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    return call(_op("select"), (a,), {"dim": dim, "index": index})


def slice_(a: Any, dim: int, start: Any, end: Any, step: int = 1) -> Any:
    return call(_op("slice"), (a,), {"dim": dim, "start": start, "end": end, "step": step})


def clone(a: Any) -> Any:
    return call(_op("clone"), (a,))


def select_backward(g: Any, input_sizes: tuple[int, ...], dim: int, index: int) -> Any:
    return call(_op("select_backward"), (g,), {"input_sizes": input_sizes, "dim": dim, "index": index})


def slice_backward(g: Any, input_sizes: tuple[int, ...], dim: int, start: int, end: int, step: int) -> Any:
    return call(_op("slice_backward"), (g,),
                {"input_sizes": input_sizes, "dim": dim, "start": start, "end": end, "step": step})


def zeros_like(a: Any) -> Any:
    Tensor = _tensor_class()
    return Tensor._make(np.zeros_like(a._data), a.dtype)


# -- matrix products --------------------------------------------------------------------------

def _dims_error(name: str, a: Any, b: Any) -> RuntimeError:
    return RuntimeError(f"{name}: Expected 2-D tensors")


def mm(a: Any, b: Any) -> Any:
    if a.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    _same_dtype(a, b)
    return call(_op("mm"), (a, b))


def _same_dtype(a: Any, b: Any) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name if a.dtype.name != 'float32' else 'float'} != {b.dtype.name if b.dtype.name != 'float32' else 'float'}")


def mv(a: Any, v: Any) -> Any:
    if a.dim() != 2 or v.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {v.dim()}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})")
    return call(_op("mv"), (a, v))


def dot(a: Any, b: Any) -> Any:
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same number of elements, but got %d and %d elements respectively"
            % (a.shape[0], b.shape[0], a.shape[0], b.shape[0]))
    return call(_op("dot"), (a, b))


def matmul(a: Any, b: Any) -> Any:
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
    from .more_shape import batched_matmul
    return batched_matmul(a, b)


def outer(a: Any, b: Any) -> Any:
    return mul(reshape(a, (-1, 1)), b)


# -- indexing ---------------------------------------------------------------------------------

INT64_MAX = 2**63 - 1


def getitem(a: Any, key: Any) -> Any:
    """Basic indexing (ints, slices, None, ...) as a chain of select/slice/unsqueeze views,
    skipping full slices, as PyTorch's indexing does."""
    Tensor = _tensor_class()
    if not isinstance(key, tuple):
        key = (key,)
    for k in key:
        if isinstance(k, (Tensor, list, np.ndarray)) or (isinstance(k, bool)):
            from .indexing import getitem_advanced
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
                f"(got {type(k).__name__})")
    if result is a:
        # x[:] or x[...] is still a new view in PyTorch (AliasBackward0).
        result = call(_op("view"), (a,), {"shape": tuple(a.shape)})
    return result


def to_dtype(a: Any, dtype: dtypes.DType) -> Any:
    out = call(OPS["to_copy"], (a,), out_dtype=dtype)
    return out


# -- breadth ops (more_pointwise, more_shape, more_reduce) -------------------------------------

class _ReturnTypes(tuple):
    """``torch.return_types.max``: a (values, indices) pair that prints and unpacks like PyTorch's."""

    _kind = "max"

    def __new__(cls, kind: str, values: Any, indices: Any) -> "_ReturnTypes":
        pair = super().__new__(cls, (values, indices))
        pair._kind = kind
        return pair

    @property
    def values(self) -> Any:
        return self[0]

    @property
    def indices(self) -> Any:
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self._kind}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _extreme(kind: str, a: Any, dim: Any, keepdim: bool) -> Any:
    Tensor = _tensor_class()
    largest = kind == "max"
    if dim is None:
        if _is_tensor(keepdim) or _is_tensor(dim):
            raise TypeError(f"{kind}() received an invalid combination of arguments")
        if a.numel() == 0:
            raise RuntimeError(
                f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        return call(_op(f"{kind}_all"), (a,))
    if _is_tensor(dim):
        return (maximum if largest else minimum)(a, dim)
    d = _norm_dim(int(dim), a.dim())
    attrs = {"dim": d, "keepdim": bool(keepdim), "largest": largest}
    values = call(_op(f"{kind}_dim"), (a,), attrs)
    arg = np.argmax if largest else np.argmin
    idx = arg(a._data, axis=d, keepdims=bool(keepdim)) if a.dim() else np.zeros((), np.int64)
    indices = Tensor._make(np.asarray(idx, dtype=np.int64), dtypes.int64)
    return _ReturnTypes(kind, values, indices)


def max_(a: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """torch.max (named with a trailing _ so the builtin max stays usable in this module)."""
    return _extreme("max", a, dim, keepdim)


def min_(a: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """torch.min, named like max_."""
    return _extreme("min", a, dim, keepdim)


def maximum(a: Any, b: Any) -> Any:
    return call(_op("maximum"), (a, b))


def minimum(a: Any, b: Any) -> Any:
    return call(_op("minimum"), (a, b))


def _bound(value: Any) -> Any:
    if value is None or not _is_tensor(value):
        return value
    if value.dim() == 0 and not value.requires_grad:
        return value.item()
    raise NotImplementedError("gradviz: clamp with tensor bounds is not supported yet")


def clamp(a: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    low, high = _bound(min), _bound(max)
    if low is None and high is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return call(_op("clamp"), (a,), {"min": low, "max": high})


def clamp_min(a: Any, min: Any) -> Any:  # noqa: A002
    return call(_op("clamp_min"), (a,), {"min": _bound(min)})


def clamp_max(a: Any, max: Any) -> Any:  # noqa: A002
    return call(_op("clamp_max"), (a,), {"max": _bound(max)})


def masked_fill(a: Any, mask: Any, value: Any) -> Any:
    mask_data = mask._data if _is_tensor(mask) else np.asarray(mask)
    if mask_data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if _is_tensor(value):
        if value.dim() != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.dim()} dimension(s).")
        if value.requires_grad:
            raise NotImplementedError("gradviz: masked_fill with a value that requires grad is not supported yet")
        value = value.item()
    try:
        np.broadcast_to(mask_data, tuple(a.shape))
    except ValueError:
        raise RuntimeError(_broadcast_fail(tuple(a.shape), mask_data.shape)) from None
    return call(_op("masked_fill"), (a,), {"mask": mask_data, "value": value})


def _broadcast_fail(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    from .registry import _broadcast_message
    return _broadcast_message(a, b)


def permute(a: Any, *dims: Any) -> Any:
    order = _shape_arg(dims)
    if len(order) != a.dim():
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {a.dim()} is not equal to "
            f"len(dims) = {len(order)}")
    normalized = tuple(_norm_dim(d, a.dim()) for d in order)
    if len(set(normalized)) != len(normalized):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return call(_op("permute"), (a,), {"dims": normalized})


def _tensor_list(tensors: Any, name: str) -> list[Any]:
    items = list(tensors)
    if not items:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    return items


def cat(tensors: Any, dim: int = 0) -> Any:
    from .more_shape import cat_op
    items = _tensor_list(tensors, "torch.cat")
    d = _norm_dim(dim, items[0].dim())
    ref = items[0].shape
    for i, t_ in enumerate(items[1:], start=1):
        if t_.dim() != len(ref):
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {len(ref)} and {t_.dim()}")
        for axis, (x, y) in enumerate(zip(ref, t_.shape)):
            if axis != d and x != y:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {x} but got "
                    f"size {y} for tensor number {i} in the list.")
    sizes = tuple(t_.shape[d] for t_ in items)
    return call(cat_op(len(items)), items, {"dim": d, "sizes": sizes, "written_dim": int(dim)})


def stack(tensors: Any, dim: int = 0) -> Any:
    from .more_shape import stack_op
    items = _tensor_list(tensors, "stack")
    d = _norm_dim(dim, items[0].dim() + 1)
    for i, t_ in enumerate(items[1:], start=1):
        if tuple(t_.shape) != tuple(items[0].shape):
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got [{', '.join(map(str, items[0].shape))}] "
                f"at entry 0 and [{', '.join(map(str, t_.shape))}] at entry {i}")
    return call(stack_op(len(items)), items, {"dim": d, "written_dim": int(dim)})


def repeat(a: Any, *repeats: Any) -> Any:
    counts = _shape_arg(repeats)
    if len(counts) < a.dim():
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    return call(_op("repeat"), (a,), {"repeats": counts})


def _correction_arg(dim: Any, unbiased: Any, correction: Any) -> Any:
    if correction is not None:
        return int(correction)
    if unbiased is not None:
        return 1 if unbiased else 0
    return None if dim is None else 1


def _moment(name: str, a: Any, dim: Any, unbiased: Any, keepdim: bool, correction: Any) -> Any:
    if isinstance(dim, bool):  # x.std(False) means unbiased=False
        dim, unbiased = None, dim
    dims = None if dim is None else _dims(dim, a.dim())
    if not a.dtype.is_floating_point:
        raise RuntimeError(f"std and var only support floating point and complex dtypes")
    attrs = {"dim": dims, "correction": _correction_arg(dim, unbiased, correction), "keepdim": bool(keepdim)}
    return call(_op(name), (a,), attrs)


def var(a: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Any:
    return _moment("var", a, dim, unbiased, keepdim, correction)


def std(a: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Any:
    return _moment("std", a, dim, unbiased, keepdim, correction)


def norm(a: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Any:
    order = 2 if p in ("fro", 2, 2.0) else p
    if order not in (1, 1.0, 2):
        raise NotImplementedError(f"gradviz: norm with p={p!r} is not supported yet (only 1 and 2)")
    if not a.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {a.dtype.name.capitalize()}")
    dims = None if dim is None else _dims(dim, a.dim())
    return call(_op("norm"), (a,), {"ord": int(order), "dim": dims, "keepdim": bool(keepdim)})


def bmm(a: Any, b: Any) -> Any:
    if a.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, {a.shape[2]}] "
            f"but got: [{b.shape[0]}, {b.shape[1]}].")
    return call(_op("bmm"), (a, b))


def remainder(a: Any, b: Any) -> Any:
    """Python-style modulo (the result takes the divisor's sign), computed as PyTorch does:
    fmod, then shifted by the divisor where the signs disagree (so -3. % 3 is -0.)."""
    if not _is_tensor(a):
        a = _registry.wrap_scalar(a)
        if _is_tensor(b) and b.requires_grad:
            raise NotImplementedError("gradviz: a number % a tensor that requires grad is not supported yet")
        return call(_op("remainder_tensor"), (a, b))
    if _is_tensor(b):
        if b.requires_grad:
            raise NotImplementedError("gradviz: % by a tensor that requires grad is not supported yet")
        return call(_op("remainder_tensor"), (a, b))
    return call(_op("remainder"), (a,), {"other": b})


def _arg_extreme(fn: Any, a: Any, dim: Any, keepdim: bool) -> Any:
    Tensor = _tensor_class()
    if dim is None:
        value = np.asarray(fn(a._data.reshape(-1)))
        if keepdim:
            value = value.reshape((1,) * a.dim())
        return Tensor._make(value.astype(np.int64), dtypes.int64)
    d = _norm_dim(dim, a.dim())
    out = fn(a._data, axis=d, keepdims=keepdim) if a.dim() else np.asarray(0)
    return Tensor._make(np.asarray(out).astype(np.int64), dtypes.int64)


def argmax(a: Any, dim: Any = None, keepdim: bool = False) -> Any:
    return _arg_extreme(np.argmax, a, dim, keepdim)


def argmin(a: Any, dim: Any = None, keepdim: bool = False) -> Any:
    return _arg_extreme(np.argmin, a, dim, keepdim)
