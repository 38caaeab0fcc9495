"""``torch.autograd.gradgradcheck``: gradcheck applied to the function's own gradient.

As in PyTorch 2.13: without ``grad_outputs``, one random cotangent per differentiable output is
drawn from the default generator exactly as ``torch.testing.make_tensor(..., low=-1, high=1,
requires_grad=True)`` draws it (an empty tensor filled by ``uniform_(-1, 1)``, in the output's
dtype or float64 for integer outputs), so the random stream after the check matches torch's. The
checked function maps (inputs, cotangents) to the grads of the inputs taken with
``create_graph=True``; gradcheck then compares their Jacobian with finite differences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.autograd import dtypes, grad_mode
from gradviz.autograd.engine import grad as autograd_grad
from gradviz.autograd.function import gradcheck
from gradviz.autograd.random import generator as rng
from gradviz.autograd.tensor import Tensor

__all__ = ["gradgradcheck"]


def _as_tuple(value: object) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else tuple(value) if isinstance(value, list) else (value,)


def _differentiable(outputs: object) -> list[Tensor]:
    return [o for o in _as_tuple(outputs) if isinstance(o, Tensor) and o.requires_grad]


def _random_cotangent(like: Tensor) -> Tensor:
    kind = like.dtype if like.dtype.is_floating_point else dtypes.float64
    data = rng.uniform_(np.empty(tuple(like.shape), dtype=kind.np), -1.0, 1.0)
    cotangent = Tensor._make(data, kind)
    cotangent._requires_grad = True
    return cotangent


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    **_options: object,  # PyTorch's other switches (nondet_tol, fast_mode, ...) change nothing here
) -> bool:
    args = _as_tuple(inputs)
    if grad_outputs is None:
        cotangents = tuple(_random_cotangent(out) for out in _differentiable(func(*args)))
    else:
        cotangents = _as_tuple(grad_outputs)
    count = len(cotangents)
    differentiable = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]

    def grads_of_inputs(*everything: Any) -> tuple[Tensor, ...]:
        # gradcheck evaluates its function under no_grad; this one takes grads, so it turns grad on.
        with grad_mode.enable_grad():
            own_args = everything[:-count] if count else everything
            outputs = _differentiable(func(*own_args))
            wrt = [own_args[i] for i in differentiable]
            found = autograd_grad(outputs, wrt, list(everything[-count:]), create_graph=True, allow_unused=True)
        return tuple(g for g in found if g is not None)

    return gradcheck(
        grads_of_inputs, (*args, *cotangents), eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception
    )
