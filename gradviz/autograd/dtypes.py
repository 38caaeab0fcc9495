"""torch dtypes over numpy dtypes, and PyTorch's type-promotion rules.

PyTorch promotes differently from numpy: a Python float never widens a float32 tensor, an integer
tensor times a Python float becomes the *default* dtype (float32), and zero-dim tensors only win
when they bring a higher category. ``result_type`` implements those rules in one place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "ALL_DTYPES",
    "CPP_TYPE_NAMES",
    "DType",
    "as_dtype",
    "bool_",
    "element_strides",
    "float16",
    "float32",
    "float64",
    "from_numpy_dtype",
    "get_default_dtype",
    "int8",
    "int16",
    "int32",
    "int64",
    "result_type",
    "set_default_dtype",
    "uint8",
]


class DType:
    """A torch dtype: ``torch.float32`` prints as that and maps to one numpy dtype."""

    __slots__ = ("category", "is_floating_point", "is_signed", "itemsize", "legacy_name", "name", "np")

    def __init__(self, name: str, np_dtype: Any, category: int, legacy_name: str) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_signed = name != "uint8" and name != "bool"
        self.itemsize = self.np.itemsize
        self.category = category  # 0 bool, 1 integer, 2 floating
        self.legacy_name = legacy_name  # "torch.FloatTensor", used in version-counter errors

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (as_dtype, (self.name,))

    @property
    def is_complex(self) -> bool:
        return False


float32 = DType("float32", np.float32, 2, "torch.FloatTensor")
float64 = DType("float64", np.float64, 2, "torch.DoubleTensor")
float16 = DType("float16", np.float16, 2, "torch.HalfTensor")
int64 = DType("int64", np.int64, 1, "torch.LongTensor")
int32 = DType("int32", np.int32, 1, "torch.IntTensor")
int16 = DType("int16", np.int16, 1, "torch.ShortTensor")
int8 = DType("int8", np.int8, 1, "torch.CharTensor")
uint8 = DType("uint8", np.uint8, 1, "torch.ByteTensor")
bool_ = DType("bool", np.bool_, 0, "torch.BoolTensor")

ALL_DTYPES: tuple[DType, ...] = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update({"float": float32, "double": float64, "half": float16, "long": int64, "int": int32, "short": int16})
_BY_NP = {d.np: d for d in ALL_DTYPES}

_default_float = float32


def get_default_dtype() -> DType:
    return _default_float


def set_default_dtype(dtype: DType) -> None:
    global _default_float
    if not dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = dtype


def as_dtype(value: Any) -> DType:
    """Accept a DType, a name ("float32"), a numpy dtype, or Python's float/int/bool."""
    if isinstance(value, DType):
        return value
    if value is float:
        return float64
    if value is int:
        return int64
    if value is bool:
        return bool_
    if isinstance(value, str):
        found = _BY_NAME.get(value.removeprefix("torch."))
        if found is not None:
            return found
    try:
        return _BY_NP[np.dtype(value)]
    except (TypeError, KeyError):
        pass
    raise TypeError(f"gradviz does not support dtype {value!r}")


def element_strides(array: np.ndarray) -> tuple[int, ...]:
    """``array``'s strides counted in elements, as ``Tensor.stride()`` reports them (numpy counts
    bytes)."""
    return tuple(s // array.itemsize for s in array.strides) if array.itemsize else ()


def from_numpy_dtype(np_dtype: np.dtype) -> DType:
    found = _BY_NP.get(np.dtype(np_dtype))
    if found is None:
        raise NotImplementedError(f"gradviz does not support numpy dtype {np_dtype}")
    return found


def _promote_pair(a: DType, b: DType) -> DType:
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == 0:
        return a
    if a.is_floating_point:
        return a if a.itemsize >= b.itemsize else b
    # integers: uint8 with a signed type needs a wider signed type
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize >= b.itemsize else b


def result_type(operands: list[tuple[DType, int]]) -> DType:
    """PyTorch's promotion. Each operand is (dtype, priority): 2 for a tensor with dims, 1 for a
    zero-dim tensor, 0 for a Python scalar ("wrapped number")."""
    best: list[DType | None] = [None, None, None]
    for dtype, priority in operands:
        current = best[priority]
        best[priority] = dtype if current is None else _promote_pair(current, dtype)
    dims, zero_dim, scalars = best[2], best[1], best[0]
    result = dims
    for lower, is_scalar in ((zero_dim, False), (scalars, True)):
        if lower is None:
            continue
        if result is None:
            if is_scalar and lower.category == 2:
                result = _default_float if lower is float64 else lower
            else:
                result = lower
            continue
        if lower.category > result.category:
            if is_scalar:
                result = _default_float if lower.category == 2 else int64
            else:
                result = lower
    assert result is not None
    return result


# The C++ type names ATen prints for dtypes in its messages ("expected dtype float ... but got
# dtype long int", "TensorOptions(dtype=long int, ...)").
CPP_TYPE_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}
