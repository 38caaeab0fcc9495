"""More elementwise ops: maximum/minimum, clamp, where, masked_fill.

Masks in the VJPs are built with comparison operators, which work on numpy arrays and on Tensors
alike, so each formula serves both the plain backward and ``create_graph=True``. Where a node saves
a boolean tensor PyTorch did not receive as a tensor (``where``'s condition, ``masked_fill``'s
mask), it is saved as a constant Tensor so ``grad_fn._saved_condition`` prints like PyTorch's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import Scalar

_BIN = (GradCase(((3,), (3,))), GradCase(((2, 3), (3,))), GradCase(((2, 1), (1, 3))))


def _tie_split(g: Grad, s: SavedView, wins: Any, ties: Any) -> Grad:
    """Grad of an elementwise max/min for one side: all of it where this side won, half on ties."""
    B = s.B
    return B.where(ties, g / 2, B.where(wins, g, 0.0))


defop(
    "maximum",
    "MaximumBackward0",
    ("self", "other"),
    np.maximum,
    {
        "self": VJP(("self", "other"), lambda g, s: _tie_split(g, s, s.self > s.other, s.self == s.other)),
        "other": VJP(("self", "other"), lambda g, s: _tie_split(g, s, s.other > s.self, s.self == s.other)),
    },
    cases=_BIN,
)
defop(
    "minimum",
    "MinimumBackward0",
    ("self", "other"),
    np.minimum,
    {
        "self": VJP(("self", "other"), lambda g, s: _tie_split(g, s, s.self < s.other, s.self == s.other)),
        "other": VJP(("self", "other"), lambda g, s: _tie_split(g, s, s.other < s.self, s.self == s.other)),
    },
    cases=_BIN,
)


def _clamp_forward(a: np.ndarray, min: Scalar | None = None, max: Scalar | None = None) -> np.ndarray:
    out = a
    if min is not None:
        out = np.maximum(out, np.asarray(min, dtype=a.dtype))
    if max is not None:
        out = np.minimum(out, np.asarray(max, dtype=a.dtype))
    return np.array(out, dtype=a.dtype)


def _clamp_vjp(g: Grad, s: SavedView) -> Grad:
    """Grad passes where the input lies inside [min, max] (bounds included), as in PyTorch."""
    inside = None
    if s.min is not None:
        inside = s.self >= s.min
    if s.max is not None:
        upper = s.self <= s.max
        inside = upper if inside is None else inside & upper
    return s.B.where(inside, g, 0.0)


# Off-kink inputs for the numerical check: bounds at +-0.3 sit between the sampled values.
_CLAMP_CASES = (
    GradCase(((7,),), {"min": -0.3, "max": 0.3}, away_from_zero=True),
    GradCase(((2, 3),), {"min": -0.3, "max": None}, away_from_zero=True),
    GradCase(((2, 3),), {"min": None, "max": 0.3}, away_from_zero=True),
)

defop(
    "clamp",
    "ClampBackward1",
    ("self",),
    _clamp_forward,
    {"self": VJP(("max", "min", "self"), _clamp_vjp)},
    save=lambda arrays, attrs: {"max": attrs.get("max"), "min": attrs.get("min")},
    cases=_CLAMP_CASES,
)
defop(
    "clamp_min",
    "ClampMinBackward0",
    ("self",),
    lambda a, min: _clamp_forward(a, min=min),  # noqa: A006
    {"self": VJP(("min", "self"), lambda g, s: s.B.where(s.self >= s.min, g, 0.0))},
    save=lambda arrays, attrs: {"min": attrs["min"]},
    cases=(GradCase(((2, 3),), {"min": 0.3}, away_from_zero=True),),
)
defop(
    "clamp_max",
    "ClampMaxBackward0",
    ("self",),
    lambda a, max: _clamp_forward(a, max=max),  # noqa: A006
    {"self": VJP(("max", "self"), lambda g, s: s.B.where(s.self <= s.max, g, 0.0))},
    save=lambda arrays, attrs: {"max": attrs["max"]},
    cases=(GradCase(((2, 3),), {"max": 0.3}, away_from_zero=True),),
)


def _constant(array: np.ndarray) -> Tensor:
    from gradviz.autograd.tensor import Tensor

    array = np.asarray(array)
    return Tensor._make(array, dtypes.bool_ if array.dtype == np.bool_ else dtypes.as_dtype(array.dtype))


def _mask(s: SavedView, name: str) -> Grad:
    """A saved constant mask: the Tensor under create_graph, its array otherwise."""
    value = getattr(s, name)
    return value if s.graph_mode else value._data


def _where_forward(a: np.ndarray, b: np.ndarray, condition: np.ndarray) -> np.ndarray:
    return np.where(condition, a, b)


def _where_save(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {"condition": _constant(attrs["condition"])}


defop(
    "where",
    "WhereBackward0",
    ("self", "other"),
    _where_forward,
    {
        "self": VJP(("condition",), lambda g, s: s.B.where(_mask(s, "condition"), g, 0.0)),
        "other": VJP(("condition",), lambda g, s: s.B.where(_mask(s, "condition"), 0.0, g)),
    },
    save=_where_save,
    cases=(
        GradCase(((2, 3), (2, 3)), {"condition": np.array([[True, False, True], [False, False, True]])}),
        GradCase(((3,), (2, 3)), {"condition": np.array([True, False, True])}),
    ),
)


def _masked_fill_forward(a: np.ndarray, mask: np.ndarray, value: Scalar) -> np.ndarray:
    return np.where(mask, np.asarray(value, dtype=a.dtype), a).astype(a.dtype)


defop(
    "masked_fill",
    "MaskedFillBackward0",
    ("self",),
    _masked_fill_forward,
    {"self": VJP(("mask",), lambda g, s: s.B.where(_mask(s, "mask"), 0.0, g))},
    dtype_rule="same",
    save=lambda arrays, attrs: {"mask": _constant(attrs["mask"])},
    cases=(GradCase(((2, 3),), {"mask": np.array([[True, False, False], [False, True, False]]), "value": 5.0}),),
)
