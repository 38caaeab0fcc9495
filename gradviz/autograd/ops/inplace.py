"""In-place ops (``add_``, ``+=``, ``zero_``, item assignment): PyTorch's checks, version bumps,
and rebasing the tensor's ``grad_fn`` onto the node the op recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd.grad_mode import is_grad_enabled, is_inference_mode_enabled, no_grad
from gradviz.autograd.node import SavedTensor
from gradviz.autograd.ops import functional
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, call

if TYPE_CHECKING:
    from gradviz.autograd.random.generator import Generator
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import Scalar, TensorLike

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal "
    "tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details."
)
SHARED_MEMORY = (
    "unsupported operation: more than one element of the written-to tensor refers to a "
    "single memory location. Please clone() the tensor before performing the operation."
)


def check_inplace(t: Tensor) -> None:
    """Refuse what PyTorch refuses: in-place on a leaf (or a view of a leaf) that requires grad, and
    on an inference tensor outside inference mode."""
    if t._is_inference and not is_inference_mode_enabled():
        raise RuntimeError(INFERENCE_INPLACE)
    if not is_grad_enabled():
        return
    if t._multi_output_view:  # PyTorch checks the view's kind before whether its base is a leaf
        from gradviz.autograd.ops.shape import check_multi_output_view

        check_multi_output_view(t)
    base = t._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE)
    if t._requires_grad and t.grad_fn is None:
        raise RuntimeError(LEAF_INPLACE)


def _write(t: Tensor, data: np.ndarray) -> None:
    if not t._data.flags.writeable:
        raise RuntimeError(SHARED_MEMORY)
    if data.shape != t._data.shape:
        try:
            data = np.broadcast_to(data, t._data.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape [{', '.join(map(str, t._data.shape))}] doesn't match the broadcast "
                f"shape [{', '.join(map(str, data.shape))}]"
            ) from None
    np.copyto(t._data, data, casting="unsafe")
    t._version_counter[0] += 1


def _cast_check(t: Tensor, result: Tensor) -> None:
    if result.dtype.category > t.dtype.category:
        names = {
            "float32": "Float",
            "float64": "Double",
            "float16": "Half",
            "int64": "Long",
            "int32": "Int",
            "int16": "Short",
            "int8": "Char",
            "uint8": "Byte",
            "bool": "Bool",
        }
        raise RuntimeError(
            f"result type {names[result.dtype.name]} can't be cast to the desired output type {names[t.dtype.name]}"
        )


def _recording(t: Tensor, other: object = None) -> bool:
    Tensor = _registry.Tensor
    if not is_grad_enabled():
        return False
    if t._requires_grad or (t._base is not None and t._base._requires_grad):
        return True
    return isinstance(other, Tensor) and other._requires_grad


def _finish(t: Tensor, result: Tensor) -> None:
    """Make ``t`` the output of the node the in-place op recorded (through CopySlices for views)."""
    node = result.grad_fn
    if node is None:
        return
    if t._base is not None and t._view_fn is not None:
        from gradviz.autograd.ops.copy_slices import rebase_view

        rebase_view(t, node)
    else:
        _adopt(t, result)


def inplace(t: Tensor, compute: Callable[[Tensor], Tensor], other: object = None) -> Tensor:
    """Run ``compute`` out of place, write the values into ``t`` and make ``t`` the op's output."""
    check_inplace(t)
    if not _recording(t, other):
        with no_grad():
            result = compute(t)
        _cast_check(t, result)
        _write(t, result._data)
        return t
    # The op may save `self` for backward; save the value before the write, as PyTorch does.
    source = _alias_before_write(t)
    result = compute(source)
    _cast_check(t, result)
    _save_original_self(result, source)
    _write(t, result._data)
    _finish(t, result)
    return t


def _save_original_self(result: Tensor, source: Tensor) -> None:
    """PyTorch's in-place kernels save ``self.clone()`` where the formula reads the value from
    before the write, so ``grad_fn._saved_self`` shows a CloneBackward0 of the old value."""
    node = result.grad_fn
    if node is None:
        return
    for value in node.saved.values():
        if isinstance(value, SavedTensor) and not value.is_output and value.tensor is source:
            value.tensor = functional.clone(source)
            value.version = value.tensor._version_counter[0]


def _alias_before_write(t: Tensor) -> Tensor:
    Tensor = _registry.Tensor
    alias = Tensor._make(t._data.copy(), t.dtype)
    alias._requires_grad = t._requires_grad
    alias.grad_fn = t.grad_fn
    alias._output_nr = t._output_nr
    alias._grad_accumulator = t._grad_accumulator
    alias._version_counter = [t._version_counter[0]]
    alias.uid = t.uid  # same tensor, earlier value: the graph shows one node
    return alias


def _adopt(t: Tensor, result: Tensor) -> None:
    node = result.grad_fn
    if node is None:
        return
    t.grad_fn = node
    t._output_nr = 0
    t._requires_grad = True
    node.outputs = [t]
    for key, value in node.saved.items():
        if isinstance(value, SavedTensor) and value.is_output and value.tensor is result:
            node.saved[key] = SavedTensor(t, is_output=True)


def fill_(t: Tensor, value: TensorLike) -> Tensor:
    check_inplace(t)
    Tensor = _registry.Tensor
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions."
            )
        value = value.item()
    if not t._data.flags.writeable:
        raise RuntimeError(SHARED_MEMORY)
    recording = _recording(t)
    source = _alias_before_write(t) if recording else None
    t._data[...] = value
    t._version_counter[0] += 1
    if source is not None:
        op = OPS["zero_fill"] if value == 0 and not isinstance(value, bool) else OPS["fill"]
        from gradviz.autograd.ops.registry import record

        result = record(op, [source], np.array(t._data, copy=True), t.dtype, {"value": value})
        _finish(t, result)
    return t


def copy_(t: Tensor, src: Tensor) -> Tensor:
    Tensor = _registry.Tensor
    check_inplace(t)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    recording = _recording(t, src)
    source = _alias_before_write(t) if recording else None
    _write(t, src._data)
    if source is not None:
        result = call(OPS["copy"], (source, src), out_dtype=t.dtype)
        _finish(t, result)
    return t


def setitem(t: Tensor, key: object, value: object) -> None:
    """``x[key] = value``: a view of x, then an in-place copy into it (CopySlices when tracked)."""
    Tensor = _registry.Tensor
    from gradviz.autograd.ops.registry import wrap_scalar

    if t._is_inference and not is_inference_mode_enabled():
        raise RuntimeError(INFERENCE_INPLACE)
    if is_grad_enabled() and t._requires_grad and t.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE)
    src = value if isinstance(value, Tensor) else None
    if src is None:
        src = (
            wrap_scalar(value)
            if isinstance(value, (bool, int, float))
            else Tensor._make(np.asarray(value, dtype=t.dtype.np), t.dtype)
        )
    parts = key if isinstance(key, tuple) else (key,)
    from gradviz.autograd.ops.indexing import is_advanced, numpy_key

    if any(is_advanced(k) for k in parts):
        # x[mask] = v / x[[0, 2]] = v: advanced indexing selects a copy, so write through numpy's
        # own index assignment instead of into a view.
        if _recording(t, src):
            raise NotImplementedError(
                "gradviz: assigning through a boolean mask or an index list into a tensor that requires "
                "grad (IndexPutBackward0) is not supported yet"
            )
        if any(k is None for k in parts):
            raise NotImplementedError("gradviz: advanced indexing combined with None is not supported yet")
        try:
            t._data[numpy_key(parts)] = src._data
        except (IndexError, ValueError) as error:
            raise RuntimeError(str(error)) from None
        t._version_counter[0] += 1
        return
    if _recording(t, src):
        target = functional.getitem(t, key)
        if target is t:
            copy_(t, src)
            return
        copy_(target, src)
        return
    with no_grad():
        target = functional.getitem(t, key)
    if not target._data.flags.writeable:
        raise RuntimeError(SHARED_MEMORY)
    _write_view(target, src._data)
    t._version_counter[0] += 1


def _write_view(target: Tensor, data: np.ndarray) -> None:
    try:
        np.copyto(target._data, np.broadcast_to(data, target._data.shape), casting="unsafe")
    except ValueError:
        raise RuntimeError(
            f"The expanded size of the tensor ({target._data.shape[-1] if target._data.ndim else 1}) must match "
            f"the existing size ({data.shape[-1] if data.ndim else 1}) at non-singleton dimension "
            f"{max(target._data.ndim - 1, 0)}.  Target sizes: [{', '.join(map(str, target._data.shape))}].  "
            f"Tensor sizes: [{', '.join(map(str, data.shape))}]"
        ) from None


# -- the in-place Tensor methods (ops/variants.py names them) ---------------------------------


def add_(t: Tensor, other: TensorLike, alpha: Scalar = 1) -> Tensor:
    return inplace(t, lambda s: functional.add(s, other, alpha=alpha), other)


def sub_(t: Tensor, other: TensorLike, alpha: Scalar = 1) -> Tensor:
    return inplace(t, lambda s: functional.sub(s, other, alpha=alpha), other)


def mul_(t: Tensor, other: TensorLike) -> Tensor:
    return inplace(t, lambda s: functional.mul(s, other), other)


def div_(t: Tensor, other: TensorLike, rounding_mode: str | None = None) -> Tensor:
    return inplace(t, lambda s: functional.div(s, other, rounding_mode), other)


def pow_(t: Tensor, exponent: TensorLike) -> Tensor:
    return inplace(t, lambda s: functional.pow(s, exponent), exponent)


def zero_(t: Tensor) -> Tensor:
    return fill_(t, 0)


def _fill_random(t: Tensor, fill: Callable[[np.ndarray], object]) -> Tensor:
    """normal_/uniform_: refill the storage in place (one version bump), like PyTorch's
    initialisers; recording them on a graph is not supported."""
    check_inplace(t)
    if is_grad_enabled() and t._requires_grad:
        raise NotImplementedError("gradviz: random in-place fills on tensors in a graph are not supported yet")
    if not t._data.flags.writeable:
        raise RuntimeError("unsupported operation: the tensor's memory is not writable")
    fill(t._data)
    t._version_counter[0] += 1
    return t


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    from gradviz.autograd.random import generator as rng

    return _fill_random(t, lambda array: rng.normal_(array, mean, std, generator))


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    from gradviz.autograd.random import generator as rng

    return _fill_random(t, lambda array: rng.uniform_(array, a, b, generator))


# -- in-place forms of unary and masking ops: the out-of-place op recorded onto the tensor itself
# (``h.sigmoid_()`` makes h's grad_fn a SigmoidBackward0, saving the value from before the write).


def _unary_(t: Tensor, compute: Callable[[Tensor], Tensor]) -> Tensor:
    return inplace(t, compute)


def sin_(input: Tensor) -> Tensor:
    return _unary_(input, functional.sin)


def cos_(input: Tensor) -> Tensor:
    return _unary_(input, functional.cos)


def exp_(input: Tensor) -> Tensor:
    return _unary_(input, functional.exp)


def log_(input: Tensor) -> Tensor:
    return _unary_(input, functional.log)


def sigmoid_(input: Tensor) -> Tensor:
    return _unary_(input, functional.sigmoid)


def tanh_(input: Tensor) -> Tensor:
    return _unary_(input, functional.tanh)


def relu_(input: Tensor) -> Tensor:
    return _unary_(input, functional.relu)


def sqrt_(input: Tensor) -> Tensor:
    return _unary_(input, functional.sqrt)


def abs_(input: Tensor) -> Tensor:
    return _unary_(input, functional.abs)


def neg_(input: Tensor) -> Tensor:
    return _unary_(input, functional.neg)


def reciprocal_(input: Tensor) -> Tensor:
    return _unary_(input, functional.reciprocal)


def square_(input: Tensor) -> Tensor:
    return _unary_(input, functional.square)


def sign_(input: Tensor) -> Tensor:
    return _unary_(input, functional.sign)


def sgn_(input: Tensor) -> Tensor:
    return _unary_(input, functional.sgn)


def clamp_(input: Tensor, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:
    bound = min if isinstance(min, _registry.Tensor) else max
    return inplace(input, lambda s: functional.clamp(s, min, max), bound)


def clamp_min_(input: Tensor, min: TensorLike) -> Tensor:
    return inplace(input, lambda s: functional.clamp_min(s, min), min)


def clamp_max_(input: Tensor, max: TensorLike) -> Tensor:
    return inplace(input, lambda s: functional.clamp_max(s, max), max)


def masked_fill_(input: Tensor, mask: Tensor, value: TensorLike) -> Tensor:
    return inplace(input, lambda s: functional.masked_fill(s, mask, value), value)


def scatter_(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: TensorLike | None = None,
    *,
    value: Scalar | None = None,
    reduce: str | None = None,
) -> Tensor:
    from gradviz.autograd.ops import gather_scatter

    return inplace(input, lambda s: gather_scatter.scatter(s, dim, index, src, value=value, reduce=reduce), src)


def scatter_add_(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    from gradviz.autograd.ops import gather_scatter

    return inplace(input, lambda s: gather_scatter.scatter_add(s, dim, index, src), src)


def index_add_(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Scalar = 1) -> Tensor:
    from gradviz.autograd.ops import gather_scatter

    return inplace(input, lambda s: gather_scatter.index_add(s, dim, index, source, alpha=alpha), source)


def _more_unary(name: str) -> Callable[[Tensor], Tensor]:
    from gradviz.autograd.ops import more_unary

    compute: Callable[[Tensor], Tensor] = getattr(more_unary, name)
    return compute


def log1p_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("log1p"))


def expm1_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("expm1"))


def rsqrt_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("rsqrt"))


def tan_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("tan"))


def sinh_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("sinh"))


def cosh_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("cosh"))


def asin_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("asin"))


def acos_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("acos"))


def atan_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("atan"))


def erf_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("erf"))


def floor_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("floor"))


def ceil_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("ceil"))


def trunc_(input: Tensor) -> Tensor:
    return _unary_(input, _more_unary("trunc"))


def round_(input: Tensor, *, decimals: int = 0) -> Tensor:
    from gradviz.autograd.ops import more_unary

    return inplace(input, lambda s: more_unary.round(s, decimals=decimals))


def tril_(input: Tensor, diagonal: int = 0) -> Tensor:
    from gradviz.autograd.ops import split_ops

    return inplace(input, lambda s: split_ops.tril(s, diagonal))


def triu_(input: Tensor, diagonal: int = 0) -> Tensor:
    from gradviz.autograd.ops import split_ops

    return inplace(input, lambda s: split_ops.triu(s, diagonal))
