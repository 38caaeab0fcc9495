"""``torch.optim.Adam``: PyTorch's single-tensor update (foreach=False), in its operation order.

Per parameter with a grad, in float32 like PyTorch: ``step += 1`` (a float32 tensor);
``exp_avg.lerp_(g, 1 - beta1)``; ``exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 - beta2)``; the bias
corrections ``1 - beta ** step`` and ``step_size = lr / bc1`` in Python floats;
``denom = sqrt(v) / sqrt(bc2) + eps`` (with AMSGrad's running max of v); then
``param.addcdiv_(exp_avg, denom, value=-step_size)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.tensor import Tensor
from gradviz.torch.optim import _kernels as k
from gradviz.torch.optim.optimizer import Optimizer, ParamGroup, Params, check_flags

__all__ = ["Adam", "AdamW"]


def _zeros_like(param: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(param._data), param.dtype)


class Adam(Optimizer):
    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        check_flags("Adam", foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _state_for(self, param: Tensor, amsgrad: bool) -> dict[str, Any]:
        state = self.state[param]
        if not state:
            state["step"] = Tensor._make(np.zeros((), dtype=np.float32), dtypes.float32)
            state["exp_avg"] = _zeros_like(param)
            state["exp_avg_sq"] = _zeros_like(param)
            if amsgrad:
                state["max_exp_avg_sq"] = _zeros_like(param)
        return state

    def _update(self, group: ParamGroup) -> None:
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        amsgrad = group["amsgrad"]
        for param, grad in self._params_with_grads(group):
            state = self._state_for(param, amsgrad)
            step_t: Tensor = state["step"]
            step_t._data[...] = step_t._data + np.float32(1)
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    self._write(param, k.mul_scalar(param._data, 1 - lr * weight_decay))
                else:
                    grad = k.add_scaled(grad, param._data, weight_decay)
            exp_avg: Tensor = state["exp_avg"]
            exp_avg_sq: Tensor = state["exp_avg_sq"]
            exp_avg._data[...] = k.lerp(exp_avg._data, grad, 1 - beta1)
            exp_avg_sq._data[...] = k.addcmul(k.mul_scalar(exp_avg_sq._data, beta2), grad, grad, 1 - beta2)
            step = step_t.item()
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2**0.5
            second = exp_avg_sq._data
            if amsgrad:
                running_max: Tensor = state["max_exp_avg_sq"]
                running_max._data[...] = np.maximum(running_max._data, exp_avg_sq._data)
                second = running_max._data
            denom = k.add_scalar(k.div_scalar(k.sqrt(second), bias_correction2_sqrt), eps)
            self._write(param, k.addcdiv(param._data, exp_avg._data, denom, -step_size))


class AdamW(Adam):
    """Adam with decoupled weight decay (``param *= 1 - lr * weight_decay`` before the update)."""

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
