"""Two- and three-operand elementwise math from tutorials: ``atan2``, ``hypot``, ``logaddexp``,
``xlogy``, ``lerp``, ``addcmul``, ``addcdiv``, and the running product ``cumprod``.

Nodes are PyTorch's (Atan2Backward0, LerpBackward0 for a number weight and LerpBackward1 for a
tensor one, XlogyBackward1/2 when one side is a Python number, ...), saving what its
derivatives.yaml saves. The VJP formulas are derivatives.yaml's, written over the backend helpers
so they serve the plain backward and ``create_graph=True`` alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import Grad
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import Scalar, TensorLike

__all__ = ["addcdiv", "addcmul", "atan2", "cumprod", "hypot", "lerp", "logaddexp", "xlogy"]

_BIN = (GradCase(((3,), (3,))), GradCase(((2, 3), (3,))), GradCase(((2, 1), (1, 3))))
_POS_BIN = tuple(GradCase(c.shapes, positive=True) for c in _BIN)


# -- atan2, hypot, logaddexp --------------------------------------------------------------------------


def _atan2_denominator(s: SavedView) -> Grad:
    return s.self * s.self + s.other * s.other


defop(
    "atan2",
    "Atan2Backward0",
    ("self", "other"),
    np.arctan2,
    {
        "self": VJP(("other", "self"), lambda g, s: g * s.other / _atan2_denominator(s)),
        "other": VJP(("other", "self"), lambda g, s: g * -s.self / _atan2_denominator(s)),
    },
    dtype_rule="float",
    cases=_POS_BIN,
)
defop(
    "hypot",
    "HypotBackward0",
    ("self", "other"),
    np.hypot,
    {
        "self": VJP(("result", "self"), lambda g, s: g * s.self / s.result),
        "other": VJP(("other", "result"), lambda g, s: g * s.other / s.result),
    },
    dtype_rule="same",
    cases=_BIN,
)
defop(
    "logaddexp",
    "LogaddexpBackward0",
    ("self", "other"),
    np.logaddexp,
    {
        "self": VJP(("other", "self"), lambda g, s: g / (s.B.exp(s.other - s.self) + 1)),
        "other": VJP(("other", "self"), lambda g, s: g / (s.B.exp(s.self - s.other) + 1)),
    },
    dtype_rule="same",
    cases=_BIN,
)


# -- xlogy: x * log(y), 0 where x == 0 (unless y is NaN) ---------------------------------------------


def _xlogy_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    product = x * np.log(y)
    return np.where((x == 0) & ~np.isnan(y), np.zeros((), product.dtype), product)


def _xlogy_self_grad(g: Grad, s: SavedView, other: Grad) -> Grad:
    """grad * xlogy(self != 0, other): log(other) where self is non-zero."""
    if s.graph_mode:
        other_t = other if isinstance(other, _registry.Tensor) else _registry.wrap_scalar(float(cast(float, other)))
        return g * xlogy((s.self != 0).to(s.self.dtype), other_t)
    ones = (cast("np.ndarray", s.self) != 0).astype(np.asarray(g).dtype)
    return g * _xlogy_array(ones, np.asarray(other, dtype=ones.dtype))


defop(
    "xlogy",
    "XlogyBackward0",
    ("self", "other"),
    _xlogy_array,
    {
        "self": VJP(("other", "self"), lambda g, s: _xlogy_self_grad(g, s, s.other)),
        "other": VJP(("other", "self"), lambda g, s: g * s.self / s.other),
    },
    dtype_rule="float",
    cases=_POS_BIN,
)
defop(
    "xlogy_self_scalar",
    "XlogyBackward1",
    ("other",),
    lambda y, self_value: _xlogy_array(np.asarray(self_value, dtype=y.dtype), y),
    {"other": VJP(("other", "self"), lambda g, s: g * s.self / s.other)},
    dtype_rule="float",
    save=lambda arrays, attrs: {"self": attrs["self_value"]},
    cases=(GradCase(((2, 3),), {"self_value": 1.5}, positive=True),),
)
defop(
    "xlogy_other_scalar",
    "XlogyBackward2",
    ("self",),
    lambda x, other_value: _xlogy_array(x, np.asarray(other_value, dtype=x.dtype)),
    # PyTorch's formula for a number ``other`` is grad * log(other), even where self is 0.
    {"self": VJP(("other",), lambda g, s: g * float(np.log(s.other)))},
    dtype_rule="float",
    save=lambda arrays, attrs: {"other": attrs["other_value"]},
    cases=(GradCase(((2, 3),), {"other_value": 2.5}),),
)


def _is_number(value: object) -> bool:
    return isinstance(value, (bool, int, float))


def _float_result(*operands: TensorLike) -> dtypes.DType:
    tensors = [_registry._as_operand(v) for v in operands]
    promoted = _registry.result_dtype(OPS["xlogy"], tensors)
    return promoted


def xlogy(input: TensorLike, other: TensorLike) -> Tensor:
    """torch.xlogy / Tensor.xlogy: input * log(other), 0 where input is 0 (NaN other stays NaN)."""
    if _is_number(input) and _is_number(other):
        raise TypeError(
            f"xlogy() received an invalid combination of arguments - got ({type(input).__name__}, "
            f"{type(other).__name__}), but expected one of:\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Number self, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, Number other, *, Tensor out = None)\n"
        )
    if _is_number(other):
        dtype = _float_result(input, other)
        return call(OPS["xlogy_other_scalar"], (input,), {"other_value": other}, out_dtype=dtype)
    if _is_number(input):
        dtype = _float_result(input, other)
        return call(OPS["xlogy_self_scalar"], (other,), {"self_value": input}, out_dtype=dtype)
    return call(OPS["xlogy"], (input, other))


def _check_floating(name: str, *tensors: Tensor) -> None:
    for t in tensors:
        if not t.dtype.is_floating_point:
            from gradviz.autograd.ops.comparison import scalar_type_name

            raise NotImplementedError(f"\"{name}\" not implemented for '{scalar_type_name(t.dtype)}'")


def _promoted_float(name: str, input: Tensor, other: Tensor) -> Tensor:
    """hypot and logaddexp promote their operands and have no integer kernel."""
    promoted = _registry.result_dtype(OPS["maximum"], [input, other])
    if not promoted.is_floating_point:
        from gradviz.autograd.ops.comparison import scalar_type_name

        raise NotImplementedError(f"\"{name}\" not implemented for '{scalar_type_name(promoted)}'")
    return call(OPS[name.split("_")[0]], (input, other), out_dtype=promoted)


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """torch.atan2 / Tensor.atan2 (torch.arctan2): the angle of (other, input), integers as floats."""
    if not isinstance(other, _registry.Tensor):
        raise TypeError(f"atan2(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return call(OPS["atan2"], (input, other))


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """torch.hypot / Tensor.hypot: sqrt(input**2 + other**2) without overflow."""
    return _promoted_float("hypot_cpu", input, other)


def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """torch.logaddexp / Tensor.logaddexp: log(exp(input) + exp(other)), computed stably."""
    return _promoted_float("logaddexp_cpu", input, other)


# -- lerp ---------------------------------------------------------------------------------------------


defop(
    "lerp_scalar",
    "LerpBackward0",
    ("self", "end"),
    lambda a, b, weight: a + weight * (b - a),
    {
        "self": VJP(("weight",), lambda g, s: g * (1 - s.weight)),
        "end": VJP(("weight",), lambda g, s: g * s.weight),
    },
    dtype_rule="same",
    save=lambda arrays, attrs: {"weight": attrs["weight"]},
    cases=(GradCase(((2, 3), (2, 3)), {"weight": 0.3}), GradCase(((2, 3), (3,)), {"weight": 0.7})),
)
defop(
    "lerp_tensor",
    "LerpBackward1",
    ("self", "end", "weight"),
    lambda a, b, w: a + w * (b - a),
    {
        "self": VJP(("weight",), lambda g, s: g * (1 - s.weight)),
        "end": VJP(("weight",), lambda g, s: g * s.weight),
        "weight": VJP(("end", "self"), lambda g, s: g * (s.end - s.self)),
    },
    dtype_rule="same",
    cases=(GradCase(((2, 3), (2, 3), (2, 3))), GradCase(((2, 3), (3,), (2, 1)))),
)


def _same_dtype(name: str, input: Tensor, other: Tensor) -> None:
    if other.dtype is not input.dtype:
        names = dtypes.CPP_TYPE_NAMES
        raise RuntimeError(
            f"expected dtype {names[input.dtype.name]} for `{name}` but got dtype {names[other.dtype.name]}"
        )


def lerp(input: Tensor, end: Tensor, weight: TensorLike) -> Tensor:
    """torch.lerp / Tensor.lerp: input + weight * (end - input)."""
    _same_dtype("end", input, end)
    tensor_weight = isinstance(weight, _registry.Tensor)
    _check_floating("lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar", input)
    if isinstance(weight, _registry.Tensor):
        if weight.dim():  # a 0-d weight of another dtype is accepted, as PyTorch does
            _same_dtype("weight", input, weight)
        return call(OPS["lerp_tensor"], (input, end, weight))
    return call(OPS["lerp_scalar"], (input, end), {"weight": weight})


# -- addcmul, addcdiv ---------------------------------------------------------------------------------


defop(
    "addcmul",
    "AddcmulBackward0",
    ("self", "tensor1", "tensor2"),
    lambda a, t1, t2, value: a + value * t1 * t2,
    {
        "self": VJP((), lambda g, s: g),
        "tensor1": VJP(("tensor2", "value"), lambda g, s: g * s.tensor2 * s.value),
        "tensor2": VJP(("tensor1", "value"), lambda g, s: g * s.tensor1 * s.value),
    },
    save=lambda arrays, attrs: {"value": attrs["value"]},
    cases=(GradCase(((2, 3), (2, 3), (3,)), {"value": 0.5}), GradCase(((3,), (2, 1), (3,)), {"value": 2})),
)
defop(
    "addcdiv",
    "AddcdivBackward0",
    ("self", "tensor1", "tensor2"),
    lambda a, t1, t2, value: a + value * (t1 / t2),
    {
        "self": VJP((), lambda g, s: g),
        "tensor1": VJP(("tensor2", "value"), lambda g, s: g * s.value / s.tensor2),
        "tensor2": VJP(
            ("tensor1", "tensor2", "value"), lambda g, s: -g * s.value * s.tensor1 / (s.tensor2 * s.tensor2)
        ),
    },
    save=lambda arrays, attrs: {"value": attrs["value"]},
    cases=(
        GradCase(((2, 3), (2, 3), (3,)), {"value": 0.5}, positive=True),
        GradCase(((3,), (2, 1), (3,)), {"value": 2}, positive=True),
    ),
)


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Scalar = 1) -> Tensor:
    """torch.addcmul / Tensor.addcmul: input + value * tensor1 * tensor2."""
    if all(t.dtype is dtypes.bool_ for t in (input, tensor1, tensor2)):
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    return call(OPS["addcmul"], (input, tensor1, tensor2), {"value": value})


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Scalar = 1) -> Tensor:
    """torch.addcdiv / Tensor.addcdiv: input + value * tensor1 / tensor2 (true division)."""
    if not (tensor1.dtype.is_floating_point or tensor2.dtype.is_floating_point):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
            "latter implementation: (input + value * tensor1 / tensor2), for all dtypes."
        )
    return call(OPS["addcdiv"], (input, tensor1, tensor2), {"value": value})


# -- cumprod ------------------------------------------------------------------------------------------


def _cumprod_grad_array(g: np.ndarray, x: np.ndarray, axis: int) -> np.ndarray:
    """d/dx_k of sum_j g_j * prod_{i<=j} x_i, exact with zeros in x: for each k the running
    product with x_k replaced by 1, weighted by g from k on."""
    if x.ndim == 0:
        return g.copy()
    gm = np.moveaxis(g, axis, -1)
    xm = np.moveaxis(x, axis, -1)
    out = np.zeros_like(xm)
    for k in range(xm.shape[-1]):
        without = xm.copy()
        without[..., k] = 1
        running = np.cumprod(without, axis=-1)
        out[..., k] = np.sum(gm[..., k:] * running[..., k:], axis=-1)
    return np.moveaxis(out, -1, axis)


def _cumprod_vjp(g: Grad, s: SavedView) -> Grad:
    axis: int = s.node.attrs["axis"]
    if s.graph_mode:
        # The division form (exact where no input is zero), recorded so it can be differentiated.
        from gradviz.autograd.ops.sort_scan import cumsum, flip

        t = cast("Tensor", g) * s.result
        if t.dim() == 0:
            return g
        return flip(cumsum(flip(t, [axis]), axis), [axis]) / s.self
    return _cumprod_grad_array(cast("np.ndarray", g), cast("np.ndarray", s.self), axis)


defop(
    "cumprod",
    "CumprodBackward0",
    ("self",),
    lambda a, axis, dim: np.cumprod(a, axis=axis, dtype=a.dtype) if a.ndim else a.copy(),
    {"self": VJP(("dim", "result", "self"), _cumprod_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim": attrs["dim"]},
    cases=(GradCase(((4,),), {"axis": 0, "dim": 0}), GradCase(((2, 3),), {"axis": 1, "dim": 2**64 - 1})),
)


def cumprod(input: Tensor, dim: int, *, dtype: object = None) -> Tensor:
    """torch.cumprod / Tensor.cumprod: running products along dim (integers and bools as int64)."""
    from gradviz.autograd.ops.sort_scan import _wrap, _written

    axis = _wrap(dim, input.dim())
    source = input
    if dtype is not None:
        source = input.to(dtypes.as_dtype(cast("dtypes.DType", dtype)))
    elif not input.dtype.is_floating_point:
        source = input.to(dtypes.int64)
    return call(OPS["cumprod"], (source,), {"axis": axis, "dim": _written(dim)})


# -- in place (Tensor.addcmul_ and friends: the same nodes, written into self) -------------------------


def _requiring_grad(*values: object) -> object:
    """The operand that makes an in-place op record (the first tensor that requires grad)."""
    for value in values:
        if isinstance(value, _registry.Tensor) and value.requires_grad:
            return value
    return None


def addcmul_(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Scalar = 1) -> Tensor:
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: addcmul(s, tensor1, tensor2, value=value), _requiring_grad(tensor1, tensor2))


def addcdiv_(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Scalar = 1) -> Tensor:
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: addcdiv(s, tensor1, tensor2, value=value), _requiring_grad(tensor1, tensor2))


def lerp_(input: Tensor, end: Tensor, weight: TensorLike) -> Tensor:
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: lerp(s, end, weight), _requiring_grad(end, weight))


def atan2_(input: Tensor, other: Tensor) -> Tensor:
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: atan2(s, other), other)


def hypot_(input: Tensor, other: Tensor) -> Tensor:
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: hypot(s, other), other)


def xlogy_(input: Tensor, other: TensorLike) -> Tensor:
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: xlogy(s, other), other)


def cumprod_(input: Tensor, dim: int, *, dtype: object = None) -> Tensor:
    from gradviz.autograd.ops.inplace import inplace

    return inplace(input, lambda s: cumprod(s, dim, dtype=dtype))
