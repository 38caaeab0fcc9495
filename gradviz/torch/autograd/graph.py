"""``torch.autograd.graph``: hooks on the tensors autograd saves for backward.

The rules (which tensors are packed, what ``pack`` sees, what unpacking gives back) live with the
saved tensors themselves, in gradviz.autograd.saved_hooks; these are the context managers learner
code uses to set them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradviz.autograd import saved_hooks
from gradviz.autograd.class_names import present_module as _present_module
from gradviz.autograd.node import Node
from gradviz.autograd.tensor import Tensor

__all__ = ["Node", "disable_saved_tensors_hooks", "save_on_cpu", "saved_tensors_hooks"]


class saved_tensors_hooks:
    """Within the block, every tensor an op saves goes through ``pack_hook``; ``unpack_hook`` gets
    what it returned back whenever backward (or ``grad_fn._saved_*``) needs the tensor."""

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> None:
        saved_hooks.push_default_hooks(self.pack_hook, self.unpack_hook)

    def __exit__(self, *exc: object) -> None:
        saved_hooks.pop_default_hooks()

    def __repr__(self) -> str:
        return f"<torch.autograd.graph.{type(self).__name__} object at {hex(id(self))}>"


def _pack_to_cpu(tensor: Tensor) -> tuple[Any, Tensor]:
    return (tensor.device, tensor.cpu())


def _unpack_from_cpu(packed: tuple[Any, Tensor]) -> Tensor:
    device, tensor = packed
    return tensor.to(device)


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU and moved back to their device for backward. gradviz's
    tensors all live on the CPU, so the data stays where it is, as PyTorch's does for CPU tensors."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(_pack_to_cpu, _unpack_from_cpu)


class disable_saved_tensors_hooks:
    """Within the block, entering ``saved_tensors_hooks`` raises RuntimeError(error_message)."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message
        self._previous: str | None = None

    def __enter__(self) -> None:
        self._previous = saved_hooks.disabled_message()
        saved_hooks.set_disabled_message(self.error_message)

    def __exit__(self, *exc: object) -> None:
        saved_hooks.set_disabled_message(self._previous)


# PyTorch's module and name on the classes exported here (type(x) prints <class 'torch....'>).
_present_module(__name__, globals())
