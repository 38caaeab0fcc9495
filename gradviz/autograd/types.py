"""Names for the kinds of values the PyTorch-shaped API takes, so signatures say what they accept.

They are type aliases only (strings at run time, so this module imports nothing of the engine).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

    from gradviz.autograd.dtypes import DType
    from gradviz.autograd.tensor import Tensor

__all__ = ["DTypeLike", "Dims", "Scalar", "ShapeArg", "TensorLike"]

# A Python number where PyTorch takes a Scalar (numpy scalars are accepted and unwrapped).
Scalar: TypeAlias = "bool | int | float"
# An operand of arithmetic: a tensor, or a number PyTorch wraps as a zero-dim tensor.
TensorLike: TypeAlias = "Tensor | Scalar"
# One dim or several (sum(x, 1), sum(x, (0, 2))).
Dims: TypeAlias = "int | Sequence[int]"
# A shape given as separate ints or as one sequence: view(2, 3) and view((2, 3)).
ShapeArg: TypeAlias = "int | Sequence[int]"
# What torch's dtype= accepts here: a torch dtype, its name, a numpy dtype, or float/int/bool.
DTypeLike: TypeAlias = "DType | str | np.dtype | type"
