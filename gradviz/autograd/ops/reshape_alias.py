"""``reshape`` of a tensor that is not contiguous but whose strides allow the new shape: PyTorch
makes it with ``_reshape_alias`` and records ReshapeAliasBackward0 (a contiguous one gets
ViewBackward0, one that needs a copy CloneBackward0 + UnsafeViewBackward0)."""

from __future__ import annotations

import numpy as np

from gradviz.autograd.ops.registry import VJP, GradCase, defop

defop(
    "reshape_alias",
    "ReshapeAliasBackward0",
    ("self",),
    lambda a, shape: np.reshape(a, shape, copy=False),
    {"self": VJP(("self_sym_sizes",), lambda g, s: s.B.reshape(g, s.self_sym_sizes))},
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {"self_sym_sizes": tuple(arrays[0].shape)},
    cases=(GradCase(((2, 3),), {"shape": (3, 2)}),),
)
