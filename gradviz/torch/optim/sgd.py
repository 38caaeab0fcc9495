"""``torch.optim.SGD``: PyTorch's single-tensor update, step for step and rounding for rounding.

Per parameter with a grad: ``g = grad (+ weight_decay * param)``; with momentum the buffer starts
as a copy of g and then becomes ``momentum * buf + (1 - dampening) * g``; Nesterov uses
``g + momentum * buf``; finally ``param += -lr * g``. Parameters whose ``.grad`` is None are
skipped (the classic "this layer does not learn").
"""

from __future__ import annotations

import numpy as np

from gradviz.autograd.tensor import Tensor
from gradviz.torch.optim import _kernels as k
from gradviz.torch.optim.optimizer import Optimizer, ParamGroup, Params, check_flags

__all__ = ["SGD"]


class SGD(Optimizer):
    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        check_flags("SGD", foreach=foreach, differentiable=differentiable, fused=fused)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update(self, group: ParamGroup) -> None:
        lr = float(group["lr"])
        momentum = group["momentum"]
        dampening = group["dampening"]
        weight_decay = group["weight_decay"]
        for param, grad in self._params_with_grads(group):
            if weight_decay != 0:
                grad = k.add_scaled(grad, param._data, weight_decay)
            if momentum != 0:
                state = self.state[param]
                buf: Tensor | None = state.get("momentum_buffer")
                if buf is None:
                    buf = Tensor._make(np.array(grad, copy=True), param.dtype)  # .grad has param's dtype
                    state["momentum_buffer"] = buf
                else:
                    buf._data[...] = k.add_scaled(k.mul_scalar(buf._data, momentum), grad, 1 - dampening)
                    buf._version_counter[0] += 1
                grad = k.add_scaled(grad, buf._data, momentum) if group["nesterov"] else buf._data
            self._write(param, k.add_scaled(param._data, grad, -lr))
