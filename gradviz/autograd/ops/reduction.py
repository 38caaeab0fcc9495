"""Reductions: sum and mean over everything or over dims, adding in the order PyTorch's CPU kernel
adds (gradviz.autograd.numerics), so float32 results agree to the last bit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradviz.autograd import numerics
from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import VJP, Attrs, GradCase, SavedView, defop


def _sizes(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {"self_sym_sizes": tuple(arrays[0].shape)}


def _dim_sizes(arrays: Sequence[np.ndarray], attrs: Attrs) -> Attrs:
    return {"dim": attrs["dim"], "keepdim": attrs["keepdim"], "self_sym_sizes": tuple(arrays[0].shape)}


def _restore_dims(g: Grad, s: SavedView) -> Grad:
    """Give a reduced grad back its reduced dims (size 1) so it broadcasts over the input."""
    if s.keepdim:
        return g
    ndim = len(s.self_sym_sizes)
    dims = sorted(d % ndim if ndim else 0 for d in s.dim) if ndim else []
    return s.B.unsqueeze_dims(g, dims) if dims else g


def _reduced_count(s: SavedView) -> int:
    ndim = len(s.self_sym_sizes)
    if ndim == 0:
        return 1
    n = 1
    for d in {d % ndim for d in s.dim}:
        n *= s.self_sym_sizes[d]
    return n


defop(
    "sum",
    "SumBackward0",
    ("self",),
    lambda a: numerics.sum(a),
    {"self": VJP(("self_sym_sizes",), lambda g, s: s.B.expand(g, s.self_sym_sizes))},
    dtype_rule="same",
    save=_sizes,
    cases=(GradCase(((),)), GradCase(((3,),)), GradCase(((2, 3),))),
)
defop(
    "sum_dim",
    "SumBackward1",
    ("self",),
    lambda a, dim, keepdim: numerics.sum(a, dim, keepdim),
    {"self": VJP(("self_sym_sizes", "dim", "keepdim"), lambda g, s: s.B.expand(_restore_dims(g, s), s.self_sym_sizes))},
    dtype_rule="same",
    save=_dim_sizes,
    cases=(
        GradCase(((2, 3),), {"dim": (0,), "keepdim": False}),
        GradCase(((2, 3, 4),), {"dim": (1, 2), "keepdim": True}),
        GradCase(((2, 3),), {"dim": (-1,), "keepdim": False}),
    ),
)
defop(
    "mean",
    "MeanBackward0",
    ("self",),
    lambda a: numerics.mean(a),
    {
        "self": VJP(
            ("self_sym_sizes", "self_sym_numel"), lambda g, s: s.B.expand(g, s.self_sym_sizes) / s.self_sym_numel
        )
    },
    dtype_rule="same",
    save=lambda arrays, attrs: {"self_sym_numel": int(arrays[0].size), "self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((3,),)), GradCase(((2, 3),))),
)
defop(
    "mean_dim",
    "MeanBackward1",
    ("self",),
    lambda a, dim, keepdim: numerics.mean(a, dim, keepdim),
    {
        "self": VJP(
            ("self_sym_sizes", "dim", "keepdim", "self_sym_numel"),
            lambda g, s: s.B.expand(_restore_dims(g, s), s.self_sym_sizes) / _reduced_count(s),
        )
    },
    dtype_rule="same",
    save=lambda arrays, attrs: {**_dim_sizes(arrays, attrs), "self_sym_numel": int(arrays[0].size)},
    cases=(
        GradCase(((2, 3),), {"dim": (1,), "keepdim": False}),
        GradCase(((2, 3, 2),), {"dim": (0, 2), "keepdim": True}),
    ),
)
