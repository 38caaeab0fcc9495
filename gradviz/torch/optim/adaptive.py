"""``torch.optim.RMSprop``, ``Adagrad`` and ``Adadelta``: PyTorch's single-tensor updates
(foreach=False, what it runs for CPU tensors), in its operation order with the fused-multiply-add
rounding of its CPU kernels (gradviz.torch.optim._kernels).

RMSprop: ``v = alpha v + (1 - alpha) g^2``; centered subtracts the square of a running mean of g;
``avg = sqrt(v) + eps``; then ``p -= lr g / avg``, or through a momentum buffer
``b = momentum b + g / avg``, ``p -= lr b``. Adagrad: ``s += g^2``, ``p -= clr g / (sqrt(s) + eps)`` with
``clr = lr / (1 + (step - 1) lr_decay)``; its state exists from construction. Adadelta:
``v = rho v + (1 - rho) g^2``, ``delta = sqrt(u + eps) / sqrt(v + eps) g``,
``u = rho u + (1 - rho) delta^2``, ``p -= lr delta``. Each keeps a float32 ``step`` tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.tensor import Tensor
from gradviz.torch.optim import _kernels as k
from gradviz.torch.optim.optimizer import Optimizer, ParamGroup, Params, check_flags

__all__ = ["Adadelta", "Adagrad", "RMSprop"]


def _zeros_like(param: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(param._data), param.dtype)


def _step_tensor() -> Tensor:
    return Tensor._make(np.zeros((), dtype=np.float32), dtypes.float32)


def _advance(step: Tensor) -> float:
    step._data[...] = step._data + np.float32(1)
    return float(step._data)


def _check(value: float, label: str) -> None:
    if not value >= 0.0:
        raise ValueError(f"Invalid {label}: {value}")


class RMSprop(Optimizer):
    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check(lr, "learning rate")
        _check(eps, "epsilon value")
        _check(momentum, "momentum value")
        _check(weight_decay, "weight_decay value")
        _check(alpha, "alpha value")
        check_flags("RMSprop", foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _state_for(self, param: Tensor, group: ParamGroup) -> dict[str, Any]:
        state = self.state[param]
        if not state:
            state["step"] = _step_tensor()
            state["square_avg"] = _zeros_like(param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = _zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = _zeros_like(param)
        return state

    def _update(self, group: ParamGroup) -> None:
        lr = float(group["lr"])
        alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
        weight_decay = group["weight_decay"]
        for param, grad in self._params_with_grads(group):
            state = self._state_for(param, group)
            _advance(state["step"])
            if weight_decay != 0:
                grad = k.add_scaled(grad, param._data, weight_decay)
            square_avg: Tensor = state["square_avg"]
            square_avg._data[...] = k.addcmul(k.mul_scalar(square_avg._data, alpha), grad, grad, 1 - alpha)
            if group["centered"]:
                grad_avg: Tensor = state["grad_avg"]
                grad_avg._data[...] = k.lerp(grad_avg._data, grad, 1 - alpha)
                avg = k.sqrt(k.addcmul(square_avg._data, grad_avg._data, grad_avg._data, -1))
            else:
                avg = k.sqrt(square_avg._data)
            avg = k.add_scalar(avg, eps)
            if momentum > 0:
                buf: Tensor = state["momentum_buffer"]
                buf._data[...] = k.addcdiv(k.mul_scalar(buf._data, momentum), grad, avg, 1)
                self._write(param, k.add_scaled(param._data, buf._data, -lr))
            else:
                self._write(param, k.addcdiv(param._data, grad, avg, -lr))


class Adagrad(Optimizer):
    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check(lr, "learning rate")
        _check(lr_decay, "lr_decay value")
        _check(weight_decay, "weight_decay value")
        _check(initial_accumulator_value, "initial_accumulator_value value")
        _check(eps, "epsilon value")
        check_flags("Adagrad", foreach=foreach, differentiable=differentiable, fused=fused)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        # Adagrad's state exists from the start (PyTorch fills it in the constructor).
        for group in self.param_groups:
            for param in group["params"]:
                state = self.state[param]
                state["step"] = _step_tensor()
                state["sum"] = Tensor._make(np.full_like(param._data, initial_accumulator_value), param.dtype)

    def _update(self, group: ParamGroup) -> None:
        lr = float(group["lr"])
        for param, grad in self._params_with_grads(group):
            state = self.state[param]
            step = _advance(state["step"])
            if group["weight_decay"] != 0:
                grad = k.add_scaled(grad, param._data, group["weight_decay"])
            clr = lr / (1 + (step - 1) * group["lr_decay"])
            state_sum: Tensor = state["sum"]
            state_sum._data[...] = k.addcmul(state_sum._data, grad, grad, 1)
            std = k.add_scalar(k.sqrt(state_sum._data), group["eps"])
            self._write(param, k.addcdiv(param._data, grad, std, -clr))


class Adadelta(Optimizer):
    def __init__(
        self,
        params: Params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check(lr, "learning rate")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check(eps, "epsilon value")
        _check(weight_decay, "weight_decay value")
        check_flags("Adadelta", foreach=foreach, capturable=capturable, differentiable=differentiable)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, group: ParamGroup) -> None:
        lr = float(group["lr"])
        rho, eps = group["rho"], group["eps"]
        for param, grad in self._params_with_grads(group):
            state = self.state[param]
            if not state:
                state["step"] = _step_tensor()
                state["square_avg"] = _zeros_like(param)
                state["acc_delta"] = _zeros_like(param)
            _advance(state["step"])
            if group["weight_decay"] != 0:
                grad = k.add_scaled(grad, param._data, group["weight_decay"])
            square_avg: Tensor = state["square_avg"]
            acc_delta: Tensor = state["acc_delta"]
            square_avg._data[...] = k.addcmul(k.mul_scalar(square_avg._data, rho), grad, grad, 1 - rho)
            std = k.sqrt(k.add_scalar(square_avg._data, eps))
            delta = k.sqrt(k.add_scalar(acc_delta._data, eps))
            delta = (delta / std) * grad
            acc_delta._data[...] = k.addcmul(k.mul_scalar(acc_delta._data, rho), delta, delta, 1 - rho)
            self._write(param, k.add_scaled(param._data, delta, -lr))
