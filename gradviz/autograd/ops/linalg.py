"""Matrix products: mm, mv, dot (what ``@``/matmul dispatch to for 1-d and 2-d operands)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradviz.autograd.dtypes import element_strides
from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop


def _mm_save(arrays: Sequence[np.ndarray], attrs: Attrs, needs: tuple[bool, ...]) -> Attrs:
    # Strides are saved only for the grad that uses them; an unsaved int list reads as ().
    a, b = arrays
    return {
        "mat2_sym_sizes": tuple(b.shape),
        "mat2_sym_strides": element_strides(b) if needs[1] else (),
        "self_sym_sizes": tuple(a.shape),
        "self_sym_strides": element_strides(a) if needs[0] else (),
    }


def _column_major(sizes: Sequence[int], strides: Sequence[int]) -> bool:
    return len(strides) == 2 and strides[0] == 1 and strides[1] == sizes[0]


def _mm_self_vjp(g: Grad, s: SavedView) -> Grad:
    """PyTorch's mm_mat1_backward: grad.mm(mat2.t()), or (mat2.mm(grad.t())).t() when self was
    column-major (a transposed matrix): the same numbers, recorded as PyTorch records them."""
    B = s.B
    if s.graph_mode and _column_major(s.self_sym_sizes, s.self_sym_strides):
        return B.t(B.matmul(s.mat2, B.t(g)))
    return B.matmul(g, B.t(s.mat2))


def _mm_mat2_vjp(g: Grad, s: SavedView) -> Grad:
    """PyTorch's mm_mat2_backward: self.t().mm(grad), or (grad.t().mm(self)).t() when mat2 was
    column-major (``x @ w.t()``, as in every Linear layer)."""
    B = s.B
    if s.graph_mode and _column_major(s.mat2_sym_sizes, s.mat2_sym_strides):
        return B.t(B.matmul(B.t(g), s.self))
    return B.matmul(B.t(s.self), g)


defop(
    "mm",
    "MmBackward0",
    ("self", "mat2"),
    lambda a, b: a @ b,
    {
        "self": VJP(("mat2", "self_sym_sizes", "self_sym_strides"), _mm_self_vjp),
        "mat2": VJP(("self", "mat2_sym_sizes", "mat2_sym_strides"), _mm_mat2_vjp),
    },
    save=_mm_save,
    cases=(GradCase(((2, 3), (3, 4))), GradCase(((1, 3), (3, 1)))),
)
defop(
    "mv",
    "MvBackward0",
    ("self", "vec"),
    lambda a, v: a @ v,
    {
        "self": VJP(("vec",), lambda g, s: s.B.outer(g, s.vec)),
        "vec": VJP(("self",), lambda g, s: s.B.matmul(s.B.t(s.self), g)),
    },
    cases=(GradCase(((2, 3), (3,))),),
)
defop(
    "dot",
    "DotBackward0",
    ("self", "tensor"),
    lambda a, b: np.dot(a, b),
    {"self": VJP(("tensor",), lambda g, s: g * s.tensor), "tensor": VJP(("self",), lambda g, s: g * s.self)},
    cases=(GradCase(((3,), (3,))),),
)
