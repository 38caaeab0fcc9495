"""The legacy constructors: ``torch.Tensor(...)``, ``torch.FloatTensor(...)``, ``torch.LongTensor(...)``.

PyTorch 2.13 reads their arguments as one of: nothing (an empty tensor), sizes (``FloatTensor(2, 3)``,
uninitialised memory, zeros here), a tensor (a new tensor on the same data; a typed constructor
refuses another dtype), or data (a sequence, converted to the constructor's dtype, so
``LongTensor([1.7])`` truncates). ``torch.Tensor`` makes the default dtype (set_default_dtype).
Only ``device=`` is accepted as a keyword. Each typed constructor is a class whose ``isinstance``
checks the dtype (``isinstance(t, torch.LongTensor)``), as torch's tensortype classes do.
"""

from __future__ import annotations

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.device import require_cpu
from gradviz.autograd.dtypes import DType
from gradviz.runner.limits import check_elements

__all__ = ["LEGACY_TYPES", "legacy_data", "tensortype"]

_SIGNATURES = (
    " * (*, torch.device device = None)\n"
    "      didn't match because some of the keywords were incorrect: {keys}\n"
    " * (torch.Storage storage)\n"
    " * (Tensor other)\n"
    " * (tuple of ints size, *, torch.device device = None)\n"
    " * (object data, *, torch.device device = None)\n"
)


def _options(dtype: DType) -> str:
    return (
        f"TensorOptions(dtype={dtypes.CPP_TYPE_NAMES.get(dtype.name, dtype.name)}, device=cpu, layout=Strided, "
        "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))"
    )


def _kind(value: object) -> str:
    from gradviz.autograd.tensor import Tensor

    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, DType):
        return "torch.dtype"
    return type(value).__name__


def _is_size(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def legacy_data(dtype: DType | None, args: tuple[object, ...], kwargs: dict[str, object]) -> tuple[np.ndarray, DType]:
    """The data and dtype a legacy constructor call makes (``dtype`` None: ``torch.Tensor``)."""
    from gradviz.autograd.tensor import Size, Tensor

    wrong = [k for k in kwargs if k != "device"]
    if wrong:
        given = ", ".join([_kind(a) for a in args] + [f"{k}={_kind(v)}" for k, v in kwargs.items()])
        raise TypeError(
            f"new() received an invalid combination of arguments - got ({given}), but expected one of:\n"
            + _SIGNATURES.format(keys=", ".join(wrong))
        )
    require_cpu(kwargs.get("device"))
    target = dtype if dtype is not None else dtypes.get_default_dtype()
    if not args:
        return np.empty((0,), dtype=target.np), target
    if len(args) == 1 and isinstance(args[0], Tensor):
        source = args[0]
        if dtype is not None and source.dtype is not dtype:
            raise TypeError(f"expected {_options(dtype)} (got {_options(source.dtype)})")
        return source._data, source.dtype
    # Sizes are ints or a torch.Size; any other tuple or list is data (torch.Tensor((2, 3)) holds 2 and 3).
    sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
    if sizes and all(_is_size(s) for s in sizes):
        shape = tuple(int(s) for s in sizes if isinstance(s, (int, np.integer)))
        for s in shape:
            if s < 0:
                raise RuntimeError(
                    f"Trying to create tensor with negative dimension {s}: [{', '.join(map(str, shape))}]"
                )
        check_elements(int(np.prod(shape)))
        return np.zeros(shape, dtype=target.np), target  # torch leaves the memory uninitialised
    if len(args) > 1:
        raise TypeError(f"new(): argument 'size' must be tuple of ints, but found element of type {_kind(args[1])}")
    data = args[0]
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if not isinstance(data, (list, tuple, np.ndarray)):
        raise TypeError(f"new(): data must be a sequence (got {_kind(data)})")
    from gradviz.autograd.factories import tensor

    made = tensor(data)
    check_elements(int(made._data.size))
    return made._data.astype(target.np), target


class tensortype(type):  # noqa: N801 - torch's name for the legacy types' class
    """The class of ``torch.FloatTensor`` & co: calling one makes a Tensor of its dtype, and
    ``isinstance(t, torch.FloatTensor)`` is true of float32 tensors."""

    dtype: DType

    def __instancecheck__(cls, other: object) -> bool:
        from gradviz.autograd.tensor import Tensor

        return isinstance(other, Tensor) and other.dtype is cls.dtype

    def __call__(cls, *args: object, **kwargs: object) -> object:
        from gradviz.autograd.tensor import Tensor

        data, dtype = legacy_data(cls.dtype, args, kwargs)
        return Tensor._make(data, dtype)

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(name: str, dtype: DType) -> tensortype:
    return tensortype(name, (), {"dtype": dtype, "__doc__": f"torch.{name}: the legacy constructor of {dtype}."})


LEGACY_TYPES: dict[str, tensortype] = {
    name: _legacy_type(name, dtype)
    for name, dtype in (
        ("FloatTensor", dtypes.float32),
        ("DoubleTensor", dtypes.float64),
        ("HalfTensor", dtypes.float16),
        ("LongTensor", dtypes.int64),
        ("IntTensor", dtypes.int32),
        ("ShortTensor", dtypes.int16),
        ("CharTensor", dtypes.int8),
        ("ByteTensor", dtypes.uint8),
        ("BoolTensor", dtypes.bool_),
    )
}
