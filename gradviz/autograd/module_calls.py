"""Which ``nn.Module`` forward call is running now, so every autograd node knows the layer that made it.

``Module.__call__`` sets ``current`` to a new ``ModuleCall`` for the duration of the call (nested calls form a
chain through ``parent``); ``Node.__init__`` copies ``current`` onto the node. The graph snapshot
turns the chain into a path ("model.0") and a box label ("Linear(4, 16)"). The hot path is one
object per module call and one attribute read per op; names are only worked out when a snapshot
asks, from a weak reference, so recording never keeps a module alive nor calls learner code.
"""

from __future__ import annotations

import weakref
from typing import Any

from gradviz.autograd.ids import next_uid

__all__ = ["ModuleCall", "current"]


class ModuleCall:
    """One forward call of one module. ``uid`` comes from the counter nodes use, so calls and ops
    sort together in creation order."""

    __slots__ = ("forward_in_cell", "module_ref", "parent", "type_name", "uid")

    def __init__(self, module: Any, parent: ModuleCall | None) -> None:
        self.uid = next_uid()
        self.parent = parent
        self.type_name = type(module).__name__
        # A learner's own forward calls ops from their code, so each op's span is its own
        # expression; inside gradviz's layers every op's span is the learner's call of the layer.
        forward_module = getattr(getattr(type(module), "forward", None), "__module__", None)
        self.forward_in_cell = isinstance(forward_module, str) and not forward_module.startswith("gradviz.")
        try:
            self.module_ref: Any = weakref.ref(module)
        except TypeError:  # a learner class with __slots__ and no __weakref__: names fall back to the type
            self.module_ref = _dead_ref

    def module(self) -> Any:
        """The module, or None once it has been garbage-collected."""
        return self.module_ref()

    def chain(self) -> list[ModuleCall]:
        """This call and its enclosing calls, outermost first."""
        out: list[ModuleCall] = []
        call: ModuleCall | None = self
        while call is not None:
            out.append(call)
            call = call.parent
        out.reverse()
        return out


def _dead_ref() -> None:
    return None


# The call running now; Module.__call__ sets it around forward and puts the caller's back after.
current: ModuleCall | None = None
