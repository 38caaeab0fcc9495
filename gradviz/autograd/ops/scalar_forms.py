"""The Scalar forms of + - * / that PyTorch's derivative formulas record under create_graph=True.

A learner's ``x * 2`` is MulBackward0 (Python wraps the 2 as a tensor). PyTorch's C++ formulas
multiply by a C++ Scalar instead: ``pow``'s backward ``grad * (exponent * self.pow(exponent - 1))``
records MulBackward1 for ``exponent * ...``, ``sqrt``'s ``grad / (2 * result)`` does too, and a
number on the left of ``-`` or ``/`` is a tensor filled with it (``1 - t`` is SubBackward0 whose
first input has no grad_fn). While a VJP formula runs under create_graph, the op table sends
arithmetic with a Python number here (registry.call), so double backward records PyTorch's nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, Attrs, GradCase, OpDef, call, defop, prepare

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import TensorLike

__all__ = ["scalar_form"]

_CASES = (GradCase(((3,),), {"other": 2.5}), GradCase(((2, 3),), {"other": -0.5}))


def _multiply(a: np.ndarray, other: float) -> np.ndarray:
    return a * a.dtype.type(other)


@cache
def _mul_scalar() -> OpDef:
    """MulBackward1: the nn ops register it (ATen's decompositions record it too); the same entry,
    unregistered, where they do not."""
    registered = OPS.get("mul_scalar")
    if registered is not None:
        return registered
    vjps = {"self": VJP(("other",), lambda g, s: g * s.other)}
    save = lambda arrays, attrs: {"other": attrs["other"]}  # noqa: E731
    return prepare(OpDef("mul_scalar", "MulBackward1", ("self",), _multiply, vjps, "same", save))


defop(
    "add_scalar",
    "AddBackward1",
    ("self",),
    lambda a, other, alpha=1: a + alpha * other,
    {"self": VJP((), lambda g, s: g)},
    cases=_CASES,
)
defop(
    "sub_scalar",
    "SubBackward1",
    ("self",),
    lambda a, other, alpha=1: a - alpha * other,
    {"self": VJP((), lambda g, s: g)},
    cases=_CASES,
)

_NUMBER = (bool, int, float, np.generic)


def _filled(like: Tensor, value: object) -> Tensor:
    """A number on the left of ``-`` or ``/`` in a C++ formula: ``empty_like(t).fill_(value)``."""
    data = np.full(like._data.shape, value, dtype=like.dtype.np)
    return _registry.Tensor._make(data, like.dtype)


def scalar_form(op: OpDef, operands: Sequence[TensorLike], attrs: Attrs) -> Tensor | None:
    """``op`` on ``operands`` as PyTorch's formulas record it when one operand is a Python number
    (None: no number, record as usual)."""
    name = op.name
    if name == "rsub":  # number - t: a filled tensor minus t (SubBackward0)
        tensor = operands[0]
        assert isinstance(tensor, _registry.Tensor)
        alpha = attrs.get("alpha", 1)
        return call(OPS["sub"], (_filled(tensor, attrs["other"]), tensor), {"alpha": alpha} if alpha != 1 else {})
    if len(operands) != 2:
        return None
    first, second = operands
    if isinstance(second, _NUMBER) and isinstance(first, _registry.Tensor):
        tensor, number = first, second
    elif isinstance(first, _NUMBER) and isinstance(second, _registry.Tensor):
        if name in ("div", "sub"):  # number / t, number - t: the number becomes a filled tensor
            return call(op, (_filled(second, first), second), attrs)
        tensor, number = second, first
    else:
        return None
    value = number.item() if isinstance(number, np.generic) else number
    if name == "mul":
        return call(_mul_scalar(), (tensor,), {"other": value})
    if name == "div":
        return call(OPS["div_scalar"], (tensor,), {"other": value})
    if name in ("add", "sub"):
        return call(OPS[f"{name}_scalar"], (tensor,), {"other": value, **attrs})
    return None
