"""Pack/unpack hooks on the tensors a node saves for backward (``torch.autograd.graph``).

PyTorch 2.13's rules, as observed against torch:

* Under ``saved_tensors_hooks(pack, unpack)`` every tensor an op saves (inputs, outputs, a custom
  Function's ``save_for_backward``) goes through ``pack`` when it is saved, with grad mode off;
  a Python number wrapped as a tensor (the 2 in ``x * 2``) does not. ``pack`` sees the tensor
  itself (``requires_grad=True``, ``grad_fn=<...>``); only the innermost pair of hooks applies.
* The node keeps what ``pack`` returned, not the tensor; ``unpack`` turns it back into a tensor
  each time the saved value is read (by backward, or by ``grad_fn._saved_self``). The result must
  be a Tensor; it gets the saved tensor's autograd identity back (grad_fn or leaf) as a new
  tensor object, and no version check is made (the hooks own the data now).
* ``pack`` must not change its input in place.
* ``grad_fn._raw_saved_self.register_hooks(pack, unpack)`` sets hooks on one saved tensor after
  the fact: ``pack`` runs at once, on a tensor without autograd history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gradviz.autograd import grad_mode

if TYPE_CHECKING:
    from gradviz.autograd.node import Node, SavedTensor
    from gradviz.autograd.tensor import Tensor

__all__ = [
    "HookPair",
    "RawSavedTensor",
    "active_hooks",
    "disabled_message",
    "pack",
    "pop_default_hooks",
    "push_default_hooks",
    "set_disabled_message",
    "unpack",
]

HookPair = tuple[Callable[[Any], Any], Callable[[Any], Any]]

# The default hooks, innermost last. Module state, like grad mode: learner code runs one cell at
# a time on one thread.
_default_hooks: list[HookPair] = []
_disabled: list[str | None] = [None]

PACK_MODIFIED_INPUT = (
    "A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook "
    "cannot be modified by in-place operations as this can lead to unexpected side-effects. Please open "
    "an issue if you need to perform in-place operations on the input to a pack hook."
)
HOOKS_ALREADY_SET = (
    "Calling register_hooks on a saved tensor whose hooks have already been set. Hint: only one pair "
    "of hooks is allowed at a time."
)
REGISTER_AFTER_FREE = (
    "Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of "
    "the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
    "you need to backward through the graph a second time or if you need to access saved variables "
    "after calling backward."
)
REGISTER_ON_NONE = "Calling register_hooks on a saved tensor with value None is forbidden"


def push_default_hooks(pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
    message = _disabled[-1]
    if message is not None:
        raise RuntimeError(message)
    _default_hooks.append((pack_hook, unpack_hook))


def pop_default_hooks() -> None:
    if _default_hooks:
        _default_hooks.pop()


def active_hooks() -> HookPair | None:
    return _default_hooks[-1] if _default_hooks else None


def disabled_message() -> str | None:
    return _disabled[-1]


def set_disabled_message(message: str | None) -> None:
    _disabled[-1] = message


def pack(saved: SavedTensor, tensor: Tensor, hooks: HookPair, detach: bool) -> None:
    """Run ``pack`` on a tensor being saved and keep what it returns in ``saved``."""
    version = tensor._version_counter[0]
    with grad_mode.no_grad():
        packed = hooks[0](tensor.detach() if detach else tensor)
    if tensor._version_counter[0] != version:
        raise RuntimeError(PACK_MODIFIED_INPUT)
    saved.hooks = hooks
    saved.packed = packed


def unpack(saved: SavedTensor, node: Node) -> Tensor:
    """The saved tensor from what ``pack`` returned: ``unpack``'s tensor with the autograd identity
    of the tensor that was saved (a new tensor object every time, as in PyTorch)."""
    from gradviz.autograd.tensor import Tensor

    assert saved.hooks is not None
    data = saved.hooks[1](saved.packed)
    if not isinstance(data, Tensor):
        raise TypeError(
            f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type {type(data).__name__}"
        )
    original = saved.tensor
    out = Tensor._make(data._data, data.dtype)
    out._version_counter = data._version_counter
    if original is None:
        return out
    if original.grad_fn is not None or saved.is_output:
        out.grad_fn = original.grad_fn if original.grad_fn is not None else node
        out._output_nr = original._output_nr
        out._requires_grad = True
    elif original._requires_grad:
        out._requires_grad = True
        out._grad_accumulator = original._accumulator()
    return out


class RawSavedTensor:
    """What ``grad_fn._raw_saved_<name>`` returns: a handle on one saved tensor of a node."""

    __slots__ = ("_key", "_node")

    def __init__(self, node: Node, key: str) -> None:
        self._node = node
        self._key = key

    def register_hooks(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
        from gradviz.autograd.node import SavedTensor

        if not callable(pack_hook) or not callable(unpack_hook):
            raise TypeError(
                "register_hooks(): incompatible function arguments. The following argument types are supported:\n"
                "    1. (self: torch._C._autograd.SavedTensor, arg0: collections.abc.Callable, "
                "arg1: collections.abc.Callable) -> None"
            )
        saved = self._node.saved.get(self._key)
        if not isinstance(saved, SavedTensor):
            raise RuntimeError(REGISTER_ON_NONE)
        if saved.hooks is not None:
            raise RuntimeError(HOOKS_ALREADY_SET)
        if saved.freed or saved.tensor is None:
            raise RuntimeError(REGISTER_AFTER_FREE)
        pack(saved, saved.tensor, (pack_hook, unpack_hook), detach=True)

    def __repr__(self) -> str:
        return f"<torch._C._autograd.SavedTensor object at {hex(id(self))}>"


RawSavedTensor.__name__ = RawSavedTensor.__qualname__ = "SavedTensor"  # type(raw).__name__, as in torch
