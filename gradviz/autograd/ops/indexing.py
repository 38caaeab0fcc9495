"""Advanced indexing: boolean masks and integer lists/tensors (IndexBackward0).

The key is turned into a numpy key once (tensors -> arrays, lists -> int64 arrays, slices kept)
and reused by the forward and the VJP, which scatters the grad back with accumulation so repeated
indices add up. Under ``create_graph=True`` the scatter is itself an op (IndexPutBackward0) whose
VJP is the same gather.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.node import Grad
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

# An index as numpy takes it: ints, slices, None, ``...`` and int64/bool arrays. Typed loosely
# because it is whatever the learner wrote between the brackets, checked as it is converted.
NumpyKey: TypeAlias = tuple[Any, ...]


def is_advanced(component: object) -> bool:
    return isinstance(component, (_registry.Tensor, list, np.ndarray, bool))


def numpy_key(key: tuple[object, ...]) -> NumpyKey:
    Tensor = _registry.Tensor
    out: list[object] = []
    for k in key:
        if isinstance(k, Tensor):
            array = k._data
        elif isinstance(k, (list, np.ndarray, bool)):
            array = np.asarray(k)
        else:
            out.append(k)
            continue
        if array.dtype == np.bool_:
            out.append(array)
        elif np.issubdtype(array.dtype, np.integer) or array.size == 0:
            out.append(array.astype(np.int64))
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return tuple(out)


def _saved_indices(key: NumpyKey) -> tuple[Tensor | None, ...]:
    """What ``_saved_indices`` shows: one tensor per indexed dim (None for a ``:``)."""
    shown: list[Tensor | None] = []
    for k in key:
        if isinstance(k, np.ndarray):
            dtype = dtypes.bool_ if k.dtype == np.bool_ else dtypes.int64
            shown.append(_registry.Tensor._make(k, dtype))
        elif isinstance(k, slice):
            shown.append(None)
    return tuple(shown)


def _index_vjp(g: Grad, s: SavedView) -> Grad:
    return s.B.index_backward(g, s.self_sym_sizes, s.key)


defop(
    "index",
    "IndexBackward0",
    ("self",),
    lambda a, key: a[key],
    {"self": VJP(("indices", "self_sym_sizes"), _index_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"indices": _saved_indices(attrs["key"]), "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(
        GradCase(((4,),), {"key": (np.array([0, 2, 2]),)}),
        GradCase(((2, 3),), {"key": (np.array([[True, False, True], [False, True, True]]),)}),
        GradCase(((3, 2),), {"key": (np.array([2, 0]), np.array([1, 1]))}),
    ),
)


def _scatter_forward(g: np.ndarray, input_sizes: tuple[int, ...], key: NumpyKey) -> np.ndarray:
    out = np.zeros(input_sizes, dtype=g.dtype)
    np.add.at(out, key, g)
    return out


def _gather_vjp(g: Grad, s: SavedView) -> Grad:
    if s.graph_mode:
        return index(cast("Tensor", g), s.key)
    return cast("np.ndarray", g)[s.key]


defop(
    "index_put_backward",
    "IndexPutBackward0",
    ("values",),
    _scatter_forward,
    {"values": VJP((), _gather_vjp)},
    dtype_rule="same",
    cases=(GradCase(((3,),), {"input_sizes": (4,), "key": (np.array([0, 2, 2]),)}),),
)


def index(a: Tensor, key: NumpyKey) -> Tensor:
    """``a[key]`` for a key with at least one advanced component (already a numpy key)."""
    try:
        a._data[key]
    except IndexError as error:
        raise IndexError(str(error)) from None
    return call(OPS["index"], (a,), {"key": key})


def index_put_backward(g: Tensor, input_sizes: tuple[int, ...], key: NumpyKey) -> Tensor:
    return call(OPS["index_put_backward"], (g,), {"input_sizes": input_sizes, "key": key})


def getitem_advanced(a: Tensor, key: tuple[object, ...]) -> Tensor:
    """Entry from functional.getitem: keys made of ints, slices, ``...`` and advanced parts."""
    if any(k is None for k in key):
        raise NotImplementedError("gradviz: advanced indexing combined with None is not supported yet")
    return index(a, numpy_key(key))
