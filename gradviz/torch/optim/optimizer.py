"""``torch.optim.Optimizer``: parameter groups, per-parameter state, ``zero_grad`` and the
printed form. Subclasses implement ``_update(group)`` for one group, run under no_grad.

Updates write the parameter's array in place and bump its version counter, as an in-place
PyTorch op does (so a graph that saved the old value reports the change on backward).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeAlias, TypeVar, cast

import numpy as np

from gradviz.autograd.class_names import present_as
from gradviz.autograd.grad_mode import enable_grad, no_grad
from gradviz.autograd.tensor import Tensor
from gradviz.torch.nn.modules import clear_grad

__all__ = ["Optimizer", "ParamGroup", "Params"]


def _typename(value: object) -> str:
    if isinstance(value, Tensor):
        return value.dtype.legacy_name
    return type(value).__name__


class OptimizerState(defaultdict):
    """``optimizer.state``: a defaultdict(dict) printed as one, and a gradviz type, so the sandbox
    lets learners call its dict methods as on PyTorch's."""

    def __init__(self) -> None:
        super().__init__(dict)

    def __repr__(self) -> str:
        return repr(defaultdict(dict, self))


present_as(OptimizerState, "collections", "defaultdict")  # type(opt.state), as PyTorch shows it


# A parameter group: "params" (a list of Tensors) and the group's options (lr, momentum, ...).
ParamGroup: TypeAlias = dict[str, Any]
# What an optimizer is given: parameters, or parameter groups (dicts with a "params" entry).
Params: TypeAlias = Iterable[Tensor] | Iterable[ParamGroup]
_Loss = TypeVar("_Loss")


class Optimizer:
    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = OptimizerState()
        self.param_groups: list[ParamGroup] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {_typename(params)}"
            )
        given: list[Tensor | ParamGroup] = list(params)
        if not given:
            raise ValueError("optimizer got an empty parameter list")
        groups = cast("list[ParamGroup]", given) if isinstance(given[0], dict) else [{"params": given}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: ParamGroup) -> None:
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {_typename(param)}")
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group)
        group["params"] = params
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        known = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in known for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # -- the training-loop calls --------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for param in group["params"]:
                clear_grad(param, set_to_none)

    def step(self, closure: Callable[[], _Loss] | None = None) -> _Loss | None:
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._update(group)
        return loss

    @staticmethod
    def _params_with_grads(group: ParamGroup) -> Iterator[tuple[Tensor, np.ndarray]]:
        """(parameter, the grad to step with) for each parameter that has a grad; ``maximize``
        flips the sign, as every PyTorch optimizer does before its own arithmetic."""
        for param in group["params"]:
            if param._grad is None:
                continue
            grad: np.ndarray = param._grad._data
            yield param, (-grad if group["maximize"] else grad)

    def _update(self, group: ParamGroup) -> None:
        raise NotImplementedError

    @staticmethod
    def _write(param: Tensor, values: np.ndarray) -> None:
        param._data[...] = values
        param._version_counter[0] += 1

    # -- state ----------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            for param in group["params"]:
                index.setdefault(id(param), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: value for p, value in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        by_index: dict[int, Tensor] = {}
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
                )
            by_index.update(zip(saved["params"], group["params"]))
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = OptimizerState()
        for key, value in state_dict["state"].items():
            if key in by_index:
                self.state[by_index[key]] = {
                    name: (item.clone() if isinstance(item, Tensor) else item) for name, item in value.items()
                }

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for number, group in enumerate(self.param_groups):
            text += f"\nParameter Group {number}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def check_flags(name: str, **flags: object) -> None:
    """foreach/fused/capturable/differentiable choose other PyTorch implementations; gradviz runs
    the single-tensor one, so ask for them explicitly and be told, rather than get other bits."""
    for flag, value in flags.items():
        if value:
            raise NotImplementedError(
                f"gradviz: {name}({flag}=True) is not supported; gradviz runs "
                "PyTorch's single-tensor (foreach=False) implementation"
            )
