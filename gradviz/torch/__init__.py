"""``import gradviz.torch as torch``: the PyTorch-compatible API over gradviz's engine.

Only the names in ``__all__`` are public; the safe runner exposes exactly these to typed code.
"""

from __future__ import annotations

import builtins as _builtins
from typing import Any

from gradviz.autograd import dtypes as _dtypes
from gradviz.autograd.dtypes import DType as dtype
from gradviz.autograd.dtypes import bool_ as bool
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
from gradviz.autograd.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from gradviz.autograd.ops import functional as _F
from gradviz.autograd.printing import get_printoptions, set_printoptions
from gradviz.autograd.random import generator as _rng
from gradviz.autograd.tensor import Size, Tensor
from gradviz.torch import autograd

float = float32  # noqa: A001 - torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

add = _F.add
sub = _F.sub
subtract = _F.sub
mul = _F.mul
multiply = _F.mul
div = _F.div
divide = _F.div
true_divide = _F.div
neg = _F.neg
negative = _F.neg
reciprocal = _F.reciprocal
pow = _F.pow  # noqa: A001
square = _F.square
exp = _F.exp
log = _F.log
sin = _F.sin
cos = _F.cos
tanh = _F.tanh
sigmoid = _F.sigmoid
relu = _F.relu
sqrt = _F.sqrt
abs = _F.abs  # noqa: A001
sign = _F.sign
sum = _F.sum  # noqa: A001
mean = _F.mean
matmul = _F.matmul
mm = _F.mm
mv = _F.mv
dot = _F.dot
outer = _F.outer
t = _F.t
transpose = _F.transpose
reshape = _F.reshape
flatten = _F.flatten
unsqueeze = _F.unsqueeze
squeeze = _F.squeeze
select = _F.select
clone = _F.clone
where = _F.where
eq = _F.eq
ne = _F.ne
lt = _F.lt
le = _F.le
gt = _F.gt
ge = _F.ge
logical_and = _F.logical_and
logical_or = _F.logical_or
logical_not = _F.logical_not
remainder = _F.remainder
argmax = _F.argmax
argmin = _F.argmin
max = _F.max_  # noqa: A001
min = _F.min_  # noqa: A001
maximum = _F.maximum
minimum = _F.minimum
clamp = _F.clamp
clip = _F.clamp
clamp_min = _F.clamp_min
clamp_max = _F.clamp_max
masked_fill = _F.masked_fill
permute = _F.permute
cat = _F.cat
concat = _F.cat
concatenate = _F.cat
stack = _F.stack
var = _F.var
std = _F.std
norm = _F.norm
bmm = _F.bmm


def manual_seed(seed: Any) -> _rng.Generator:
    return _rng.manual_seed(seed.item() if isinstance(seed, Tensor) else seed)


def initial_seed() -> Any:
    return _rng.initial_seed()


def seed() -> Any:
    return _rng.seed()


def get_rng_state() -> Tensor:
    state = _rng.get_rng_state()
    return Tensor._make(state, _dtypes.uint8)


def set_rng_state(state: Tensor) -> None:
    _rng.set_rng_state(state._data if isinstance(state, Tensor) else state)


Generator = _rng.Generator


def is_floating_point(x: Tensor) -> Any:
    return x.is_floating_point()


def detach(x: Tensor) -> Tensor:
    return x.detach()


def allclose(a: Tensor, b: Tensor, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: Any = False) -> Any:
    import numpy as np

    return _builtins.bool(np.allclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(a: Tensor, b: Tensor) -> Any:
    import numpy as np

    return tuple(a.shape) == tuple(b.shape) and _builtins.bool(np.array_equal(a._data, b._data))


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    from gradviz.torch.nn.functional import addmm as _addmm

    return _addmm(input, mat1, mat2, beta=beta, alpha=alpha)


def _lazy_submodule(name: str) -> Any:
    import importlib

    return importlib.import_module(f"{__name__}.{name}")


def __getattr__(name: str) -> Any:
    if name in ("nn", "optim"):
        return _lazy_submodule(name)
    from gradviz.autograd.unsupported import is_torch_function, not_supported

    if is_torch_function(name):
        raise not_supported(f"torch.{name}")
    raise AttributeError(f"module 'torch' has no attribute '{name}'")


__version__ = "2.13.0"

__all__ = [
    "Generator",
    "Size",
    "Tensor",
    "__version__",
    "abs",
    "add",
    "addmm",
    "allclose",
    "arange",
    "argmax",
    "argmin",
    "autograd",
    "bmm",
    "bool",
    "cat",
    "clamp",
    "clamp_max",
    "clamp_min",
    "clip",
    "clone",
    "concat",
    "concatenate",
    "cos",
    "detach",
    "div",
    "divide",
    "dot",
    "double",
    "dtype",
    "empty",
    "empty_like",
    "enable_grad",
    "eq",
    "equal",
    "exp",
    "eye",
    "flatten",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "ge",
    "get_default_dtype",
    "get_printoptions",
    "get_rng_state",
    "gt",
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
    "is_tensor",
    "le",
    "linspace",
    "log",
    "logical_and",
    "logical_not",
    "logical_or",
    "long",
    "lt",
    "manual_seed",
    "masked_fill",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "multiply",
    "mv",
    "ne",
    "neg",
    "negative",
    "nn",
    "no_grad",
    "norm",
    "numel",
    "ones",
    "ones_like",
    "optim",
    "outer",
    "permute",
    "pow",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "reciprocal",
    "relu",
    "remainder",
    "reshape",
    "seed",
    "select",
    "set_default_dtype",
    "set_grad_enabled",
    "set_printoptions",
    "set_rng_state",
    "short",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sub",
    "subtract",
    "sum",
    "t",
    "tanh",
    "tensor",
    "transpose",
    "true_divide",
    "uint8",
    "unsqueeze",
    "var",
    "where",
    "zeros",
    "zeros_like",
]
