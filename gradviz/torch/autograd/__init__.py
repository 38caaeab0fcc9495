"""``torch.autograd``: backward, grad, grad-mode helpers, custom Function, gradcheck, anomaly mode."""

from __future__ import annotations

from gradviz.autograd.engine import backward, grad
from gradviz.autograd.function import (
    Function,
    FunctionCtx,
    GradcheckError,
    detect_anomaly,
    gradcheck,
    gradgradcheck,
    set_detect_anomaly,
)
from gradviz.autograd.grad_mode import enable_grad, no_grad, set_grad_enabled
from gradviz.autograd.tensor import Tensor

Variable = Tensor

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]
