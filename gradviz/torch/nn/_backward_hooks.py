"""``Module.register_full_backward_hook``: PyTorch's BackwardHook, built on a custom Function.

As in PyTorch, a module with full backward hooks passes its tensor inputs and its outputs through
an identity Function, so the graph gains ``BackwardHookFunctionBackward`` nodes on both sides. The
output-side node records ``grad_output`` when the backward pass reaches it; the input-side node
then calls each hook as ``hook(module, grad_input, grad_output)``, and a hook returning a tuple
replaces ``grad_input``. When no input requires grad, the hooks run at the output side with
``grad_input`` all None, and must return None.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from gradviz.autograd.function import Function, FunctionCtx
from gradviz.autograd.grad_mode import is_grad_enabled
from gradviz.autograd.tensor import Tensor

__all__ = ["BackwardHookFunction", "BackwardHookState"]

NO_INPUT_GRAD_WARNING = (
    "Full backward hook is firing when gradients are computed with respect to module outputs since no inputs "
    "require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
    "#torch.nn.Module.register_full_backward_hook for more details."
)


class BackwardHookFunction(Function):
    """Identity on its tensors; its node (BackwardHookFunctionBackward) runs the hook logic."""

    @staticmethod
    def forward(ctx: FunctionCtx, state: BackwardHookState, side: str, *tensors: Tensor) -> tuple[Tensor, ...]:
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        ctx.hook_state = state  # type: ignore[attr-defined]
        ctx.hook_side = side  # type: ignore[attr-defined]
        return tensors

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Tensor | None) -> tuple[Any, ...]:
        state: BackwardHookState = ctx.hook_state  # type: ignore[attr-defined]
        if ctx.hook_side == "output":  # type: ignore[attr-defined]
            state.grad_outputs = tuple(grads)
            if not state.inputs_wrapped:
                state.run_without_inputs()
            return (None, None, *grads)
        return (None, None, *state.run(tuple(grads)))


class BackwardHookState:
    def __init__(self, module: object, hooks: list[Callable[..., Any]]) -> None:
        self.module = module
        self.hooks = hooks
        self.grad_outputs: tuple[Tensor | None, ...] | None = None
        self.inputs_wrapped = False
        self.n_inputs = 0

    def wrap_inputs(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.n_inputs = len(positions)
        tensors = [args[i] for i in positions]
        if not (is_grad_enabled() and any(t.requires_grad for t in tensors)):
            return args
        self.inputs_wrapped = True
        wrapped = BackwardHookFunction.apply(self, "input", *tensors)
        new_args = list(args)
        for position, tensor in zip(positions, wrapped):
            new_args[position] = tensor
        return tuple(new_args)

    def wrap_outputs(self, output: Any) -> Any:
        single = isinstance(output, Tensor)
        items = (output,) if single else output
        if not isinstance(items, tuple) or not is_grad_enabled():
            return output
        positions = [i for i, a in enumerate(items) if isinstance(a, Tensor)]
        tensors = [items[i] for i in positions]
        if not any(t.requires_grad for t in tensors):
            return output
        wrapped = BackwardHookFunction.apply(self, "output", *tensors)
        new_items = list(items)
        for position, tensor in zip(positions, wrapped):
            new_items[position] = tensor
        return new_items[0] if single else tuple(new_items)

    def run(self, grad_inputs: tuple[Tensor | None, ...]) -> tuple[Tensor | None, ...]:
        if self.grad_outputs is None:
            return grad_inputs
        result = grad_inputs
        for hook in self.hooks:
            out = hook(self.module, result, self.grad_outputs)
            if out is None:
                continue
            out = out if isinstance(out, tuple) else (out,)
            if len(out) != len(result):
                raise RuntimeError(
                    f"Backward hook returned an invalid number of grad_input, got {len(out)}, but expected "
                    f"{len(result)}"
                )
            result = out
        self.grad_outputs = None
        return result

    def run_without_inputs(self) -> None:
        warnings.warn(NO_INPUT_GRAD_WARNING, UserWarning, stacklevel=2)
        grad_inputs: tuple[None, ...] = (None,) * self.n_inputs
        for hook in self.hooks:
            out = hook(self.module, grad_inputs, self.grad_outputs)
            if out is not None and not (isinstance(out, tuple) and all(el is None for el in out)):
                raise RuntimeError(
                    "Backward hook for Modules where no input requires gradient should always return None "
                    "or None for all gradients."
                )
        self.grad_outputs = None
