"""``import gradviz.torch as torch``: the PyTorch-compatible API over gradviz's engine.

Only the names in ``__all__`` are public; the safe runner exposes exactly these to typed code.
"""

from __future__ import annotations

import builtins as _builtins
from types import ModuleType
from typing import TYPE_CHECKING, Any

from gradviz.autograd import dtypes as _dtypes
from gradviz.autograd.class_names import present_module as _present_module
from gradviz.autograd.device import device, get_default_device, set_default_device
from gradviz.autograd.dtypes import DType as dtype  # noqa: N813 - torch.dtype
from gradviz.autograd.dtypes import bool_ as bool  # noqa: A004 - torch.bool
from gradviz.autograd.dtypes import (
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from gradviz.autograd.factories import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    is_tensor,
    linspace,
    numel,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from gradviz.autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from gradviz.autograd.legacy import LEGACY_TYPES as _LEGACY_TYPES
from gradviz.autograd.ops.variants import VARIANTS as _VARIANTS
from gradviz.autograd.printing import get_printoptions, set_printoptions
from gradviz.autograd.random import generator as _rng
from gradviz.autograd.tensor import Size, Tensor
from gradviz.torch import autograd

if TYPE_CHECKING:
    # The op functions _export_ops() adds below, declared for type checkers (tools/gen_stubs.py).
    from gradviz.torch._ops import *  # noqa: F403

float = float32  # noqa: A001 - torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

# torch.FloatTensor, torch.LongTensor, ...: legacy constructors whose isinstance checks the dtype.
FloatTensor = _LEGACY_TYPES["FloatTensor"]
DoubleTensor = _LEGACY_TYPES["DoubleTensor"]
HalfTensor = _LEGACY_TYPES["HalfTensor"]
LongTensor = _LEGACY_TYPES["LongTensor"]
IntTensor = _LEGACY_TYPES["IntTensor"]
ShortTensor = _LEGACY_TYPES["ShortTensor"]
CharTensor = _LEGACY_TYPES["CharTensor"]
ByteTensor = _LEGACY_TYPES["ByteTensor"]
BoolTensor = _LEGACY_TYPES["BoolTensor"]


def manual_seed(seed: _builtins.int | Tensor) -> _rng.Generator:
    return _rng.manual_seed(_builtins.int(seed.item()) if isinstance(seed, Tensor) else seed)


def initial_seed() -> _builtins.int:
    return _rng.initial_seed()


def seed() -> _builtins.int:
    return _rng.seed()


def get_rng_state() -> Tensor:
    state = _rng.get_rng_state()
    return Tensor._make(state, _dtypes.uint8)


def set_rng_state(state: Tensor) -> None:
    _rng.set_rng_state(state._data if isinstance(state, Tensor) else state)


Generator = _rng.Generator


def is_floating_point(x: Tensor) -> _builtins.bool:
    return x.is_floating_point()


def detach(x: Tensor) -> Tensor:
    return x.detach()


def is_inference(input: Tensor) -> _builtins.bool:
    return input.is_inference()


def addmm(
    input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: _builtins.float = 1, alpha: _builtins.float = 1
) -> Tensor:
    from gradviz.torch.nn.functional import addmm as _addmm

    return _addmm(input, mat1, mat2, beta=beta, alpha=alpha)


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: _builtins.int | tuple[_builtins.int] = 1,
    padding: _builtins.int | tuple[_builtins.int] | _builtins.str = 0,
    dilation: _builtins.int | tuple[_builtins.int] = 1,
    groups: _builtins.int = 1,
) -> Tensor:
    """torch.conv1d: the same function as torch.nn.functional.conv1d."""
    from gradviz.torch.nn.functional import conv1d as _conv1d

    return _conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: _builtins.int | tuple[_builtins.int, _builtins.int] = 1,
    padding: _builtins.int | tuple[_builtins.int, _builtins.int] | _builtins.str = 0,
    dilation: _builtins.int | tuple[_builtins.int, _builtins.int] = 1,
    groups: _builtins.int = 1,
) -> Tensor:
    """torch.conv2d: the same function as torch.nn.functional.conv2d."""
    from gradviz.torch.nn.functional import conv2d as _conv2d

    return _conv2d(input, weight, bias, stride, padding, dilation, groups)


def dropout(input: Tensor, p: _builtins.float, train: _builtins.bool) -> Tensor:
    """torch.dropout(input, p, train): all three arguments required, as in PyTorch."""
    from gradviz.torch.nn.functional import dropout as _dropout

    return _dropout(input, p, train)


# Loaded on first use: ``torch.nn``, ``torch.cuda``, ``torch.utils`` ...
_SUBMODULES = frozenset({"nn", "optim", "cuda", "backends", "accelerator", "utils"})


def _lazy_submodule(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(f"{__name__}.{name}")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return _lazy_submodule(name)
    from gradviz.autograd.unsupported import is_torch_function, not_supported

    if is_torch_function(name):
        raise not_supported(f"torch.{name}")
    raise AttributeError(f"module 'torch' has no attribute '{name}'")


__version__ = "2.13.0"


def _export_ops() -> list[str]:
    """Every op function the variant table declares (torch.add, torch.clip, ...), as globals."""
    namespace = globals()
    for name, function in _VARIANTS.functions.items():
        if name in namespace or name in __all__:
            raise RuntimeError(f"torch.{name} is both an op variant and one of the facade's own names")
        namespace[name] = function
    return list(_VARIANTS.functions)


# The facade's own names; the op functions are added from the op table.
__all__ = [
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "Generator",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
    "Size",
    "Tensor",
    "__version__",
    "accelerator",  # noqa: F405 - a submodule imported on first use (module __getattr__)
    "addmm",
    "arange",
    "autograd",
    "backends",  # noqa: F405 - a submodule imported on first use (module __getattr__)
    "bool",
    "conv1d",
    "conv2d",
    "cuda",  # noqa: F405 - a submodule imported on first use (module __getattr__)
    "detach",
    "device",
    "double",
    "dropout",
    "dtype",
    "empty",
    "empty_like",
    "enable_grad",
    "eye",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "get_default_device",
    "get_default_dtype",
    "get_printoptions",
    "get_rng_state",
    "half",
    "inference_mode",
    "initial_seed",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_floating_point",
    "is_grad_enabled",
    "is_inference",
    "is_inference_mode_enabled",
    "is_tensor",
    "linspace",
    "long",
    "manual_seed",
    "nn",  # noqa: F405 - a submodule imported on first use (module __getattr__)
    "no_grad",
    "numel",
    "ones",
    "ones_like",
    "optim",  # noqa: F405 - a submodule imported on first use (module __getattr__)
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "seed",
    "set_default_device",
    "set_default_dtype",
    "set_grad_enabled",
    "set_printoptions",
    "set_rng_state",
    "short",
    "tensor",
    "uint8",
    "utils",  # noqa: F405 - a submodule imported on first use (module __getattr__)
    "zeros",
    "zeros_like",
]
__all__ += _export_ops()
__all__.sort()

# PyTorch's module and name on the classes exported here (type(x) prints <class 'torch....'>).
_present_module(__name__, globals())
