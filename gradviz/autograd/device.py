"""``torch.device`` and where tensors may live: gradviz answers as PyTorch 2.13's CPU wheel does on
a machine with no accelerator.

Every tensor is on the CPU. Naming another device is fine (``torch.device("cuda")``), putting a
tensor there fails the way the CPU wheel fails: CUDA and XPU with an AssertionError saying torch
was not compiled with them, MPS with a RuntimeError, and an integer device (which means "the
current accelerator") with "Cannot access accelerator device when none is available.".
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "CPU",
    "DEVICE_TYPES",
    "NO_ACCELERATOR",
    "NO_CUDA",
    "device",
    "get_default_device",
    "parse_device",
    "require_cpu",
    "set_default_device",
]

# The device types torch 2.13's parser accepts, in the order its error message lists them.
DEVICE_TYPES = (
    "cpu",
    "cuda",
    "ipu",
    "xpu",
    "mkldnn",
    "opengl",
    "opencl",
    "ideep",
    "hip",
    "ve",
    "fpga",
    "maia",
    "xla",
    "lazy",
    "vulkan",
    "mps",
    "meta",
    "hpu",
    "mtia",
    "privateuseone",
)
NO_CUDA = "Torch not compiled with CUDA enabled"
NO_XPU = "Torch not compiled with XPU enabled"
NO_MPS = "PyTorch is not linked with support for mps devices"
NO_ACCELERATOR = "Cannot access accelerator device when none is available."

_DEVICE_STRING = re.compile(r"([a-z]+)(?::(0|[1-9][0-9]*))?")


class device:  # noqa: N801 - torch.device
    """A device name: a type and an optional index. Immutable, hashable, equal to devices only."""

    __slots__ = ("_index", "_type")

    _type: str
    _index: int | None

    def __init__(self, type: Any = None, index: Any = None) -> None:
        if isinstance(type, device):
            if index is not None:
                raise _invalid_arguments(type, index)
            kind, number = type._type, type._index
        elif isinstance(type, bool) or not isinstance(type, (str, int)):
            raise _invalid_arguments(type, index)
        elif isinstance(type, int):
            raise RuntimeError(NO_ACCELERATOR)
        else:
            kind, number = _parse(type)
            if index is not None:
                if isinstance(index, bool) or not isinstance(index, int):
                    raise TypeError(f"device(): argument 'index' (position 2) must be int, not {_type_name(index)}")
                if number is not None:
                    raise RuntimeError(
                        f"type (string) must not include an index because index was passed explicitly: {type}"
                    )
                if index < 0:
                    raise RuntimeError("Device index must not be negative")
                number = index
        object.__setattr__(self, "_type", kind)
        object.__setattr__(self, "_index", number)

    @property
    def type(self) -> str:
        return self._type

    @property
    def index(self) -> int | None:
        return self._index

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"attribute '{name}' of 'torch.device' objects is not writable")

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return False
        return self._type == other._type and self._index == other._index

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __lt__(self, other: object) -> bool:
        raise TypeError("comparison not implemented")

    __le__ = __gt__ = __ge__ = __lt__

    def __enter__(self) -> device:
        _default_stack.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _default_stack.pop()


# torch.set_default_device and `with torch.device(...)`: where factories put tensors by default.
_default_stack: list[device] = []
_default: list[device | None] = [None]


def _type_name(value: object) -> str:
    return "NoneType" if value is None else type(value).__name__


def _invalid_arguments(*given: object) -> TypeError:
    got = ", ".join(_type_name(v) for v in given if v is not None) or "NoneType"
    first = _type_name(given[0])
    return TypeError(
        f"device() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        " * (torch.device device)\n"
        f"      didn't match because some of the arguments have invalid types: (!{first}!)\n"
        " * (str type, int index = -1)\n"
    )


def _parse(text: str) -> tuple[str, int | None]:
    match = _DEVICE_STRING.fullmatch(text)
    if match is None or match.group(1) not in DEVICE_TYPES:
        kind = re.match(r"[a-z]*", text)
        if kind is not None and kind.group(0) in DEVICE_TYPES:
            raise RuntimeError(f"Invalid device string: '{text}'")
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: {text}")
    number = match.group(2)
    return match.group(1), None if number is None else int(number)


CPU = device("cpu")


def parse_device(spec: object) -> device:
    """A ``device=`` argument (a device, a string, an int) as a device, or torch's error for it."""
    if isinstance(spec, device):
        return spec
    return device(spec)


def require_cpu(spec: object) -> device:
    """Check that a tensor can be put on ``spec`` (None: the default device): the CPU only."""
    if spec is None:
        spec = get_default_device()
    where = parse_device(spec)
    kind = where.type
    if kind == "cpu":
        return where
    if kind == "cuda":
        raise AssertionError(NO_CUDA)
    if kind == "xpu":
        raise AssertionError(NO_XPU)
    if kind == "mps":
        raise RuntimeError(NO_MPS)
    raise NotImplementedError(
        f"gradviz does not support tensors on the '{kind}' device: every gradviz tensor lives on the CPU"
    )


def get_default_device() -> device:
    if _default_stack:
        found = _default_stack[-1]
    else:
        found = _default[0] or CPU
    if found.type == "cuda":
        raise AssertionError(NO_CUDA)
    return found


def set_default_device(spec: object) -> None:
    _default[0] = None if spec is None else parse_device(spec)


_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, "
    "*, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format "
    "= None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n"
)
_TO_KEYWORDS = {
    "device": ("device", "dtype", "non_blocking", "copy"),
    "dtype": ("dtype", "non_blocking", "copy"),
    "tensor": ("tensor", "non_blocking", "copy"),
}


def _torch_type_name(value: object) -> str:
    from gradviz.autograd.dtypes import DType
    from gradviz.autograd.tensor import Tensor

    if isinstance(value, DType):
        return "torch.dtype"
    if isinstance(value, device):
        return "torch.device"
    if isinstance(value, Tensor):
        return "Tensor"
    return _type_name(value)


def _invalid_to(args: tuple[object, ...], kwargs: dict[str, object]) -> TypeError:
    given = [_torch_type_name(a) for a in args] + [f"{k}={_torch_type_name(v)}" for k, v in kwargs.items()]
    got = ", ".join(given) + (", " if kwargs else "")
    return TypeError(
        f"to() received an invalid combination of arguments - got ({got}), but expected one of:\n{_TO_SIGNATURES}"
    )


def to_arguments(args: tuple[object, ...], kwargs: dict[str, object]) -> tuple[device | None, Any, bool]:
    """``Tensor.to``'s three overloads read as PyTorch reads them: (device, dtype, copy), where the
    dtype may come from a tensor argument. The device is checked (the CPU only)."""
    from gradviz.autograd.dtypes import DType, as_dtype
    from gradviz.autograd.tensor import Tensor

    first = args[0] if args else kwargs.get("tensor", kwargs.get("dtype") if "device" not in kwargs else None)
    if isinstance(first, Tensor):
        overload = "tensor"
    elif isinstance(first, DType) or first in (float, int, bool):
        overload = "dtype"
    else:
        overload = "device"
    names = _TO_KEYWORDS[overload]
    if len(args) > len(names):
        raise _invalid_to(args, kwargs)
    bound: dict[str, object] = dict(zip(names, args))
    for key, value in kwargs.items():
        if key == "memory_format":
            continue
        if key not in names or key in bound:
            raise _invalid_to(args, kwargs)
        bound[key] = value
    dtype = bound.get("dtype")
    if dtype is not None and not (isinstance(dtype, DType) or dtype in (float, int, bool)):
        raise _invalid_to(args, kwargs)
    if not all(isinstance(bound.get(flag, False), bool) for flag in ("non_blocking", "copy")):
        raise _invalid_to(args, kwargs)
    where: device | None = None
    if overload == "tensor":
        source = bound["tensor"]
        assert isinstance(source, Tensor)
        dtype = source.dtype
        where = CPU
    elif overload == "device" and bound.get("device") is not None:
        spec = bound["device"]
        if not isinstance(spec, (str, int, device)) or isinstance(spec, bool):
            raise _invalid_to(args, kwargs)
        where = require_cpu(spec)
    return where, None if dtype is None else as_dtype(dtype), bool(bound.get("copy", False))
