"""``torch.autograd``: backward, grad, grad-mode helpers, custom Function, gradcheck and
gradgradcheck, anomaly mode, the legacy Variable, and the ``functional`` and ``graph`` submodules."""

from __future__ import annotations

from gradviz.autograd.class_names import present_module as _present_module
from gradviz.autograd.engine import backward, grad
from gradviz.autograd.function import (
    Function,
    FunctionCtx,
    GradcheckError,
    detect_anomaly,
    gradcheck,
    set_detect_anomaly,
)
from gradviz.autograd.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from gradviz.autograd.gradgradcheck import gradgradcheck
from gradviz.torch.autograd import functional, graph
from gradviz.torch.autograd.variable import Variable

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "graph",
    "inference_mode",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]

# PyTorch's module and name on the classes exported here (type(x) prints <class 'torch....'>).
_present_module(__name__, globals())
