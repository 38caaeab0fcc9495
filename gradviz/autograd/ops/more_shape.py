"""More shape ops: permute, cat, stack, repeat, and bmm with the batched-matmul chain around it.

``cat``/``stack`` take any number of tensors while an op-table entry has a fixed input list, so the
two-input entries are registered (and gradchecked) and other arities are built on demand from the
same forward and VJP formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import OPS, VJP, Attrs, GradCase, OpDef, SavedView, VJPFn, call, defop, prepare

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor


def _inverse(dims: Sequence[int]) -> tuple[int, ...]:
    inverse = [0] * len(dims)
    for position, d in enumerate(dims):
        inverse[d] = position
    return tuple(inverse)


def _permute_forward(a: np.ndarray, dims: tuple[int, ...], written: tuple[int, ...] | None = None) -> np.ndarray:
    return np.transpose(a, dims)


def _permute_saved(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    # As written, a negative dim as its uint64 bit pattern (PyTorch's _saved_dims).
    return {"dims": tuple(d + 2**64 if d < 0 else d for d in attrs.get("written") or attrs["dims"])}


defop(
    "permute",
    "PermuteBackward0",
    ("self",),
    _permute_forward,
    {"self": VJP(("dims",), lambda g, s: s.B.permute(g, _inverse(s.node.attrs["dims"])))},
    dtype_rule="same",
    view=True,
    save=_permute_saved,
    cases=(GradCase(((2, 3, 4),), {"dims": (2, 0, 1)}), GradCase(((2, 3),), {"dims": (1, 0)})),
)


def _axis(s: SavedView) -> int:
    """The normalised dim (the saved one may be PyTorch's unsigned display of a negative dim)."""
    return s.node.attrs["dim"]


def _cat_vjp(position: int) -> VJPFn:
    def vjp(g: Grad, s: SavedView) -> Grad:
        start = sum(s.sizes[:position])
        return s.B.narrow(g, _axis(s), start, s.sizes[position])

    return vjp


def _stack_vjp(position: int) -> VJPFn:
    return lambda g, s: s.B.select(g, _axis(s), position)


def _dim_only(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    # PyTorch keeps the dim as the user wrote it and shows a negative one as its uint64 bit pattern.
    written: int = attrs["written_dim"] if "written_dim" in attrs else attrs["dim"]
    return {"dim": written + 2**64 if written < 0 else written}


def _cat_forward(*arrays: np.ndarray, dim: int, sizes: tuple[int, ...], written_dim: int = 0) -> np.ndarray:
    return np.concatenate(arrays, axis=dim)


def _stack_forward(*arrays: np.ndarray, dim: int, written_dim: int = 0) -> np.ndarray:
    return np.stack(arrays, axis=dim)


def _input_names(n: int) -> tuple[str, ...]:
    return tuple(f"tensors{i}" for i in range(n))


def _variadic(kind: str, n: int) -> OpDef:
    """The cat/stack entry for ``n`` inputs: the registered one for two, a cached twin otherwise."""
    key = kind if n == 2 else f"{kind}#{n}"
    if key in OPS:
        return OPS[key]
    cached = _ARITIES.get(key)
    if cached is None:
        cached = _make_variadic(kind, n, register=False)
        _ARITIES[key] = cached
    return cached


def _make_variadic(kind: str, n: int, register: bool) -> OpDef:
    names = _input_names(n)
    make_vjp = _cat_vjp if kind == "cat" else _stack_vjp
    vjps = {name: VJP(("dim",), make_vjp(i)) for i, name in enumerate(names)}
    forward = _cat_forward if kind == "cat" else _stack_forward
    node = "CatBackward0" if kind == "cat" else "StackBackward0"
    if register:
        cases = (
            (
                GradCase(((2, 3), (1, 3)), {"dim": 0, "sizes": (2, 1)}),
                GradCase(((2, 1), (2, 2)), {"dim": 1, "sizes": (1, 2)}),
            )
            if kind == "cat"
            else (GradCase(((2, 3), (2, 3)), {"dim": 0}), GradCase(((3,), (3,)), {"dim": 1}))
        )
        return defop(kind, node, names, forward, vjps, save=_dim_only, cases=cases)
    return prepare(OpDef(kind, node, names, forward, vjps, save=_dim_only))


_ARITIES: dict[str, OpDef] = {}
_make_variadic("cat", 2, register=True)
_make_variadic("stack", 2, register=True)


def cat_op(n: int) -> OpDef:
    return _variadic("cat", n)


def stack_op(n: int) -> OpDef:
    return _variadic("stack", n)


def _repeat_forward(a: np.ndarray, repeats: tuple[int, ...]) -> np.ndarray:
    lead = len(repeats) - a.ndim
    return np.tile(a.reshape((1,) * lead + a.shape), repeats)


def _repeat_vjp(g: Grad, s: SavedView) -> Grad:
    """Fold each repeated dim into (repeat, size) and sum the repeat axes away."""
    B = s.B
    sizes = (1,) * (len(s.repeats) - len(s.self_sym_sizes)) + tuple(s.self_sym_sizes)
    split: list[int] = []
    for r, size in zip(s.repeats, sizes):
        split.extend((r, size))
    summed = B.sum_dims(B.reshape(g, split), tuple(range(0, len(split), 2)))
    return B.reshape(summed, s.self_sym_sizes)


defop(
    "repeat",
    "RepeatBackward0",
    ("self",),
    _repeat_forward,
    {"self": VJP(("repeats", "self_sym_sizes"), _repeat_vjp)},
    dtype_rule="same",
    save=lambda arrays, attrs: {"repeats": tuple(attrs["repeats"]), "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((2, 3),), {"repeats": (2, 1)}), GradCase(((3,),), {"repeats": (2, 2)})),
)

defop(
    "bmm",
    "BmmBackward0",
    ("self", "mat2"),
    np.matmul,
    {
        "self": VJP(("mat2",), lambda g, s: s.B.matmul(g, s.B.mT(s.mat2))),
        "mat2": VJP(("self",), lambda g, s: s.B.matmul(s.B.mT(s.self), g)),
    },
    cases=(GradCase(((2, 3, 4), (2, 4, 2))),),
)


def batched_matmul(a: Tensor, b: Tensor) -> Tensor:
    """matmul with a 3-d or higher operand, decomposed the way PyTorch records it: a batched left
    operand times a matrix/vector folds into one mm/mv; otherwise both sides are expanded to the
    common batch shape, flattened to (batch, n, k) and multiplied with bmm."""
    from gradviz.autograd.ops import functional as F

    da, db = a.dim(), b.dim()
    if da >= 3 and db <= 2:
        k = a.shape[-1]
        if b.shape[0] != k:
            raise RuntimeError(_mismatch(a, b))
        folded = F.reshape(a, (-1, k))
        product = F.mv(folded, b) if db == 1 else F.mm(folded, b)
        out_shape = tuple(a.shape[:-1]) + (() if db == 1 else (b.shape[-1],))
        return call(OPS["unsafe_view"], (product,), {"shape": out_shape})
    left = F.unsqueeze(a, 0) if da == 1 else a
    right = F.unsqueeze(b, -1) if db == 1 else b
    n, k = left.shape[-2], left.shape[-1]
    if right.shape[-2] != k:
        raise RuntimeError(_mismatch(a, b))
    m = right.shape[-1]
    batch = tuple(np.broadcast_shapes(tuple(left.shape[:-2]), tuple(right.shape[:-2])))
    count = int(np.prod(batch)) if batch else 1
    left3 = F.reshape(F.expand(left, (*batch, n, k)), (count, n, k))
    right3 = F.reshape(F.expand(right, (*batch, k, m)), (count, k, m))
    product = call(OPS["bmm"], (left3, right3))
    out_shape = batch + ((n,) if da > 1 else ()) + ((m,) if db > 1 else ())
    return call(OPS["unsafe_view"], (product,), {"shape": out_shape})


def _mismatch(a: Tensor, b: Tensor) -> str:
    rows = int(np.prod(a.shape[:-1])) if a.dim() > 1 else 1
    cols = b.shape[-1] if b.dim() > 1 else 1
    return (
        f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a.shape[-1]} and "
        f"{b.shape[0] if b.dim() <= 2 else b.shape[-2]}x{cols})"
    )
