"""``torch.autograd``: backward, grad, grad-mode helpers, and (elsewhere) Function."""

from __future__ import annotations

from typing import Any

from ..engine import backward, grad
from ..grad_mode import enable_grad, no_grad, set_grad_enabled
from ..tensor import Tensor

Variable = Tensor

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "Variable", "Function",
           "gradcheck", "set_detect_anomaly", "detect_anomaly"]


def __getattr__(name: str) -> Any:
    if name in ("Function", "gradcheck", "gradgradcheck", "set_detect_anomaly", "detect_anomaly",
                "FunctionCtx", "GradcheckError"):
        from .. import autograd_extra

        return getattr(autograd_extra, name)
    raise AttributeError(f"module 'torch.autograd' has no attribute '{name}'")
