"""Matrix products: mm, mv, dot (what ``@``/matmul dispatch to for 1-d and 2-d operands)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradviz.autograd.dtypes import element_strides
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, defop


def _mm_save(arrays: Sequence[np.ndarray], attrs: Attrs, needs: tuple[bool, ...]) -> Attrs:
    # Strides are saved only for the grad that uses them; an unsaved int list reads as ().
    a, b = arrays
    return {
        "mat2_sym_sizes": tuple(b.shape),
        "mat2_sym_strides": element_strides(b) if needs[1] else (),
        "self_sym_sizes": tuple(a.shape),
        "self_sym_strides": element_strides(a) if needs[0] else (),
    }


defop(
    "mm",
    "MmBackward0",
    ("self", "mat2"),
    lambda a, b: a @ b,
    {
        "self": VJP(("mat2",), lambda g, s: s.B.matmul(g, s.B.t(s.mat2))),
        "mat2": VJP(("self",), lambda g, s: s.B.matmul(s.B.t(s.self), g)),
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
