"""More elementwise math: log1p, expm1, rsqrt, tan, sinh, cosh, asin, acos, atan, erf, and the
rounding ops floor, ceil, round, trunc (whose grad is zero, as PyTorch defines it).

float32 values are computed in float64 and rounded once (correctly rounded; PyTorch's vectorised
kernels are within an ulp of that). Each node saves what PyTorch's saves: ``self`` for most,
``result`` for expm1, rsqrt and tan. Formulas whose second derivative needs a helper the Tensor
backend lacks are first-order only (a create_graph=True backward through them names the node).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd.node import Grad
from gradviz.autograd.ops.registry import OPS, VJP, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = [
    "acos",
    "asin",
    "atan",
    "ceil",
    "cosh",
    "erf",
    "expm1",
    "floor",
    "log1p",
    "round",
    "rsqrt",
    "sinh",
    "tan",
    "trunc",
]

_UN = (GradCase(((),)), GradCase(((4,),)), GradCase(((2, 3),)))
_UNIT = tuple(GradCase(c.shapes, bounds=(-0.9, 0.9)) for c in _UN)
_POS = tuple(GradCase(c.shapes, positive=True) for c in _UN)


def _correctly_rounded(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    def forward(a: np.ndarray) -> np.ndarray:
        if a.dtype == np.float32 or a.dtype == np.float16:
            return fn(a.astype(np.float64)).astype(a.dtype)
        return fn(a)

    forward.__name__ = getattr(fn, "__name__", "forward")
    return forward


def _erf(a: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(a) if a.size else a.astype(np.float64)


defop(
    "log1p",
    "Log1PBackward0",
    ("self",),
    _correctly_rounded(np.log1p),
    {"self": VJP(("self",), lambda g, s: g / (s.self + 1))},
    dtype_rule="float",
    cases=_POS,
)
defop(
    "expm1",
    "Expm1Backward0",
    ("self",),
    _correctly_rounded(np.expm1),
    {"self": VJP(("result",), lambda g, s: g * (s.result + 1))},
    dtype_rule="float",
    cases=_UN,
)
defop(
    "rsqrt",
    "RsqrtBackward0",
    ("self",),
    _correctly_rounded(lambda a: 1.0 / np.sqrt(a)),
    {"self": VJP(("result",), lambda g, s: -0.5 * g * s.result**3)},
    dtype_rule="float",
    cases=_POS,
)
defop(
    "tan",
    "TanBackward0",
    ("self",),
    _correctly_rounded(np.tan),
    {"self": VJP(("result",), lambda g, s: g * (1 + s.result * s.result))},
    dtype_rule="float",
    cases=_UNIT,
)
defop(
    "sinh",
    "SinhBackward0",
    ("self",),
    _correctly_rounded(np.sinh),
    {"self": VJP(("self",), lambda g, s: g * np.cosh(s.self))},
    dtype_rule="float",
    cases=_UN,
    double_backward=False,
)
defop(
    "cosh",
    "CoshBackward0",
    ("self",),
    _correctly_rounded(np.cosh),
    {"self": VJP(("self",), lambda g, s: g * np.sinh(s.self))},
    dtype_rule="float",
    cases=_UN,
    double_backward=False,
)
defop(
    "asin",
    "AsinBackward0",
    ("self",),
    _correctly_rounded(np.arcsin),
    {"self": VJP(("self",), lambda g, s: g * (-s.self * s.self + 1) ** -0.5)},
    dtype_rule="float",
    cases=_UNIT,
)
defop(
    "acos",
    "AcosBackward0",
    ("self",),
    _correctly_rounded(np.arccos),
    {"self": VJP(("self",), lambda g, s: g * -((-s.self * s.self + 1) ** -0.5))},
    dtype_rule="float",
    cases=_UNIT,
)
defop(
    "atan",
    "AtanBackward0",
    ("self",),
    _correctly_rounded(np.arctan),
    {"self": VJP(("self",), lambda g, s: g / (s.self * s.self + 1))},
    dtype_rule="float",
    cases=_UN,
)
defop(
    "erf",
    "ErfBackward0",
    ("self",),
    _correctly_rounded(_erf),
    {"self": VJP(("self",), lambda g, s: 2.0 / math.sqrt(math.pi) * s.B.exp(-(s.self * s.self)) * g)},
    dtype_rule="float",
    cases=_UN,
)


def _zero_grad(g: Grad, s: SavedView) -> Grad:
    return s.B.zeros_like(g)


for _name, _node, _kernel in (
    ("floor", "FloorBackward0", np.floor),
    ("ceil", "CeilBackward0", np.ceil),
    ("round", "RoundBackward0", np.rint),
    ("trunc", "TruncBackward0", np.trunc),
):
    defop(_name, _node, ("self",), _kernel, {"self": VJP((), _zero_grad)}, dtype_rule="same")


def _round_decimals(a: np.ndarray, decimals: int) -> np.ndarray:
    # As ATen: scale by 10**decimals, round half to even, scale back (negative decimals divide).
    if decimals >= 0:
        scale = a.dtype.type(10.0**decimals)
        return np.rint(a * scale) / scale
    scale = a.dtype.type(10.0 ** (-decimals))
    return np.rint(a / scale) * scale


defop(
    "round_decimals",
    "RoundBackward1",
    ("self",),
    _round_decimals,
    {"self": VJP((), _zero_grad)},
    dtype_rule="same",
)


# -- the public functions ---------------------------------------------------------------------------


def log1p(input: Tensor) -> Tensor:
    return call(OPS["log1p"], (input,))


def expm1(input: Tensor) -> Tensor:
    return call(OPS["expm1"], (input,))


def rsqrt(input: Tensor) -> Tensor:
    return call(OPS["rsqrt"], (input,))


def tan(input: Tensor) -> Tensor:
    return call(OPS["tan"], (input,))


def sinh(input: Tensor) -> Tensor:
    return call(OPS["sinh"], (input,))


def cosh(input: Tensor) -> Tensor:
    return call(OPS["cosh"], (input,))


def asin(input: Tensor) -> Tensor:
    return call(OPS["asin"], (input,))


def acos(input: Tensor) -> Tensor:
    return call(OPS["acos"], (input,))


def atan(input: Tensor) -> Tensor:
    return call(OPS["atan"], (input,))


def erf(input: Tensor) -> Tensor:
    return call(OPS["erf"], (input,))


def _rounding(name: str, input: Tensor) -> Tensor:
    if input.dtype.is_floating_point:
        return call(OPS[name], (input,))
    # An integer tensor is already whole: PyTorch returns a copy of it.
    return input.clone()


def floor(input: Tensor) -> Tensor:
    return _rounding("floor", input)


def ceil(input: Tensor) -> Tensor:
    return _rounding("ceil", input)


def trunc(input: Tensor) -> Tensor:
    return _rounding("trunc", input)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001 - torch.round
    if decimals == 0 or not input.dtype.is_floating_point:
        return _rounding("round", input)
    return call(OPS["round_decimals"], (input,), {"decimals": int(decimals)})
