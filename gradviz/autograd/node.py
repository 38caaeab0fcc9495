"""Autograd graph nodes (PyTorch's ``grad_fn`` objects) and their saved buffers.

A Node is created by an op when any input requires grad. It knows its inputs' producers
(``next_functions``), what it saved for backward, and the hooks registered on it. The engine runs
every kind of node the same way, through ``Node.apply``: a table op applies its VJPs (from
gradviz/autograd/ops), AccumulateGrad adds into a leaf's ``.grad``, and the special nodes
(GraphRoot, CopySlices, a custom Function's node) override ``apply``.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeAlias

import numpy as np

from gradviz.autograd import grad_mode as _grad_mode
from gradviz.autograd import module_calls as _module_calls
from gradviz.autograd import saved_hooks as _saved_hooks
from gradviz.autograd import trace as tr
from gradviz.autograd.class_names import present_as
from gradviz.autograd.ids import next_uid
from gradviz.autograd.provenance import current_span

if TYPE_CHECKING:
    from gradviz.autograd.dtypes import DType
    from gradviz.autograd.module_calls import ModuleCall
    from gradviz.autograd.ops.backend import NumpyBackend, TensorBackend
    from gradviz.autograd.ops.registry import OpDef
    from gradviz.autograd.tensor import Tensor
    from gradviz.runner.results import SourceSpan

__all__ = [
    "ACCUMULATE_SEQUENCE_NR",
    "FREED_MESSAGE",
    "AccumulateGrad",
    "BackwardRun",
    "Edge",
    "Grad",
    "Hook",
    "InputMeta",
    "Node",
    "NodeOutput",
    "RemovableHandle",
    "SavedTensor",
    "accumulate_grad",
]

# A gradient flowing through the engine: an array in an ordinary backward, a Tensor when the
# backward records its own graph (create_graph=True).
Grad: TypeAlias = "np.ndarray | Tensor"
# Where a grad goes: the producing node (None for an input that needs no grad) and its output number.
Edge: TypeAlias = "tuple[Node | None, int]"
# Hooks are the learner's code: what they return is checked where it is used.
Hook: TypeAlias = Callable[..., Any]
InputMeta: TypeAlias = "tuple[tuple[int, ...], DType]"

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)

INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode "
    "in computation tracked by autograd. To work around this, you can make a clone to get a normal tensor "
    "and use it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`."
)

# PyTorch gives AccumulateGrad the largest sequence number, so a ready leaf is flushed first.
ACCUMULATE_SEQUENCE_NR = 2**64 - 1

_sequence = itertools.count(0)
_NO_ENTRIES: dict[str, object] = {}
_QUALIFIED = frozenset({"AccumulateGrad", "CopySlices", "CopyBackwards", "GraphRoot", "Error"})


# Every frame under the gradviz package (any subpackage) is ours, not the learner's.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _learner_stack() -> str:
    """The forward call's stack without gradviz's own frames (anomaly mode prints it)."""
    import traceback

    frames = [
        f
        for f in traceback.extract_stack()[:-2]
        if not f.filename.startswith(_PACKAGE_DIR) and f.filename != "<string>"
    ]
    return "".join(traceback.format_list(frames))


class RemovableHandle:
    """Returned by register_hook: ``handle.remove()`` unregisters the hook."""

    _ids = itertools.count(0)

    def __init__(self, hooks: dict[int, Hook]) -> None:
        self._hooks = hooks
        self.id = next(RemovableHandle._ids)

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


# What register_hook and the Module hooks return: PyTorch's torch.utils.hooks.RemovableHandle.
present_as(RemovableHandle, "torch.utils.hooks")


class SavedTensor:
    """A tensor saved for backward, with the version it had when saved.

    Freed after a backward without retain_graph; unpacking checks the version counter so an
    in-place change after saving is reported exactly as PyTorch reports it.
    """

    __slots__ = ("dtype_name", "freed", "hooks", "is_output", "nbytes", "packed", "shape", "tensor", "version")

    def __init__(self, tensor: Tensor, is_output: bool) -> None:
        if tensor._is_inference:
            raise RuntimeError(INFERENCE_SAVED)
        self.tensor: Tensor | None = tensor
        self.version = tensor._version_counter[0]
        self.is_output = is_output
        self.freed = False
        self.nbytes = int(tensor._data.nbytes)
        self.shape = tuple(tensor._data.shape)
        self.dtype_name = tensor.dtype.name
        # Pack/unpack hooks (torch.autograd.graph.saved_tensors_hooks) and what pack returned.
        self.hooks: _saved_hooks.HookPair | None = None
        self.packed: object = None
        hooks = _saved_hooks.active_hooks()
        if hooks is not None and not tensor._wrapped_number:
            _saved_hooks.pack(self, tensor, hooks, detach=False)

    def unpack(self, node: Node) -> Tensor:
        if self.freed or self.tensor is None:
            raise RuntimeError(FREED_MESSAGE)
        if self.hooks is not None:
            return _saved_hooks.unpack(self, node)
        tensor = self.tensor
        if tensor._version_counter[0] != self.version:
            raise RuntimeError(_version_error(tensor, self.version, node if self.is_output else None))
        return tensor

    def unpack_for_user(self, node: Node) -> Tensor:
        """What ``grad_fn._saved_result`` returns: a saved output comes back as a new tensor
        object each time (same data, same grad_fn), a saved input as the input itself."""
        tensor = self.unpack(node)
        if not self.is_output or self.hooks is not None:
            return tensor
        alias = type(tensor)._make(tensor._data, tensor.dtype)
        alias._version_counter = tensor._version_counter
        alias._requires_grad = tensor._requires_grad
        alias.grad_fn = tensor.grad_fn
        alias._output_nr = tensor._output_nr
        alias.uid = tensor.uid
        return alias

    def free(self) -> None:
        self.freed = True
        self.tensor = None
        self.packed = None


_BACKWARD_SUFFIX = re.compile(r"Backward\d*$")


def _version_error(tensor: Tensor, expected: int, output_of: Node | None) -> str:
    shape = ", ".join(str(s) for s in tensor.shape)
    where = ""
    producer = output_of if output_of is not None else tensor.grad_fn
    if producer is not None:
        # PyTorch names the node without its Backward<N> suffix, and C++-only nodes with their
        # namespace (torch::autograd::CopySlices).
        where = f", which is output {tensor._output_nr} of {_BACKWARD_SUFFIX.sub('', producer.name())},"
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{tensor.dtype.legacy_name} [{shape}]]{where} is at version "
        f"{tensor._version_counter[0]}; expected version {expected} instead. Hint: enable anomaly "
        "detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


@dataclass(frozen=True, slots=True)
class BackwardRun:
    """What a node's ``apply`` needs from the backward call running it."""

    graph_mode: bool  # create_graph=True: grads are Tensors and the backward is itself recorded
    backend: NumpyBackend | TensorBackend  # the helpers VJPs call, over arrays or over Tensors
    events: list[tr.Event] | None  # the call's trace, when someone listens


class NodeOutput(NamedTuple):
    """What ``Node.apply`` returns: one grad per ``next_functions`` edge (None: no grad sent)."""

    grads: list[Grad | None]
    # Edges whose grad was summed down from a broadcast shape, with that shape (for the trace).
    reduced: dict[int, list[int]]


class Node:
    """One grad_fn. ``next_functions[i]`` is where the grad for input i goes."""

    # Anomaly mode checks the grads a node computes for NaN (GraphRoot overrides: it only hands on
    # the grads backward() was given).
    checks_nan: ClassVar[bool] = True

    def __init_subclass__(cls, torch_name: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # PyTorch's node classes are C++ classes: type(grad_fn) prints <class 'MulBackward0'>.
        present_as(cls, "builtins", torch_name or cls.__name__)

    def __init__(
        self,
        op: OpDef | None,
        name: str,
        next_functions: tuple[Edge, ...],
        sequence_nr: int | None = None,
    ) -> None:
        self.uid = next_uid()
        self.gid = f"n{self.uid}"  # graph id; a plain attribute because traces read it per event
        self.op = op
        self._name = name
        self.next_functions = next_functions
        self.sequence_nr = next(_sequence) if sequence_nr is None else sequence_nr
        self.saved: dict[str, Any] = _NO_ENTRIES  # attr (without _saved_) -> SavedTensor or value
        self.span: SourceSpan | None = current_span()
        # The nn.Module forward call that made this node (the canvas draws it as a box). Always
        # set, so every node's attributes come in one order and share one key table.
        self.module_call: ModuleCall | None = _module_calls.current
        if _grad_mode._anomaly:
            self._forward_stack = _learner_stack()
        # Hook tables start as a shared empty dict and get their own on first registration:
        # most nodes never see a hook, and allocating four dicts per op is measurable.

    # Defaults shared by every node until set on the instance.
    module_call: ModuleCall | None = None  # (__init__ sets it; a subclass that skips it reads None)
    input_meta: list[InputMeta] = []  # (shape, DType) per input edge
    needs_input_grad: tuple[bool, ...] = ()
    attrs: dict[str, Any] = {}  # non-saved parameters the VJP needs (never mutated in place)
    num_outputs = 1
    outputs: list[Tensor] = []  # output tensors (for the graph view); replaced, never appended to
    inputs: tuple[Tensor, ...] = ()  # input tensors in op order, constants included
    _pre_hooks: dict[int, Hook] = {}
    _post_hooks: dict[int, Hook] = {}
    _tensor_pre_hooks: dict[int, dict[int, Hook]] = {}  # output_nr -> hooks
    _retains_grad: dict[int, Tensor] = {}  # output_nr -> Tensor whose .grad to populate

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        """The grads for ``next_functions`` from the grads that arrived per output (by output_nr).

        The engine calls this for every node; a table op applies its VJPs here, node kinds with
        their own backward override it.
        """
        if self.op is None:
            raise RuntimeError(f"gradviz: node {self.name()} has no backward")
        return self.op.apply_vjps(self, grads, run)

    def tensor_hooks(self) -> Iterator[tuple[int, dict[int, Hook], Tensor | None]]:
        """(output_nr, hooks, the tensor they were registered on) for each output with tensor hooks."""
        for nr, hooks in self._tensor_pre_hooks.items():
            yield nr, hooks, self.outputs[nr] if nr < len(self.outputs) else None

    @property
    def metadata(self) -> dict[str, Any]:
        found = self.__dict__.get("_metadata")
        if found is None:
            found = self.__dict__["_metadata"] = {}
        return found

    def _own(self, name: str) -> dict[Any, Any]:
        table = self.__dict__.get(name)
        if table is None:
            table = self.__dict__[name] = {}
        return table

    def name(self) -> str:
        # C++-only node classes report their namespace, as PyTorch's name() does.
        return f"torch::autograd::{self._name}" if self._name in _QUALIFIED else self._name

    @property
    def display_name(self) -> str:
        return self._name

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        names.update(f"_saved_{k}" for k in self.saved)
        return sorted(names)

    def _sequence_nr(self) -> int:
        return self.sequence_nr

    def __repr__(self) -> str:
        return f"<{self._name} object at {hex(id(self))}>"

    # -- hooks -----------------------------------------------------------------------------
    def register_hook(self, fn: Hook) -> RemovableHandle:
        """Post hook: fn(grad_inputs, grad_outputs) may return replacement grad_inputs."""
        hooks = self._own("_post_hooks")
        handle = RemovableHandle(hooks)
        hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn: Hook) -> RemovableHandle:
        """Pre hook: fn(grad_outputs) may return replacement grad_outputs."""
        hooks = self._own("_pre_hooks")
        handle = RemovableHandle(hooks)
        hooks[handle.id] = fn
        return handle

    def add_tensor_pre_hook(self, output_nr: int, fn: Hook) -> RemovableHandle:
        hooks = self._own("_tensor_pre_hooks").setdefault(output_nr, {})
        handle = RemovableHandle(hooks)
        hooks[handle.id] = fn
        return handle

    # -- saved buffers -----------------------------------------------------------------------
    def release_variables(self) -> list[tuple[str, SavedTensor]]:
        """Free saved tensors (not scalar attributes), returning the ones freed just now."""
        freed: list[tuple[str, SavedTensor]] = []
        for key, value in self.saved.items():
            if isinstance(value, SavedTensor) and not value.freed:
                value.free()
                freed.append((key, value))
        return freed

    def __getattr__(self, attr: str) -> Any:
        # _saved_<name> and _raw_saved_<name>, as PyTorch exposes them on every node.
        if attr.startswith("_saved_"):
            key = attr[len("_saved_") :]
            saved = self.__dict__.get("saved", {})
            if key in saved:
                value = saved[key]
                if isinstance(value, SavedTensor):
                    return value.unpack_for_user(self)
                return value
        if attr.startswith("_raw_saved_"):
            key = attr[len("_raw_saved_") :]
            value = self.__dict__.get("saved", {}).get(key, 0)
            # Tensors only (a saved tensor the node did not need is None); numbers have no raw form.
            if value is None or isinstance(value, SavedTensor):
                return _saved_hooks.RawSavedTensor(self, key)
        # From __dict__: a half-built node (copy, pickle) has no _name yet, and asking for it here
        # would come back to this method.
        name = self.__dict__.get("_name", type(self).__name__)
        raise AttributeError(f"'{name}' object has no attribute '{attr}'")


class AccumulateGrad(Node):
    """The sink for a leaf: adds the incoming grad into ``variable.grad``."""

    def __init__(self, variable: Tensor) -> None:
        super().__init__(None, "AccumulateGrad", (), sequence_nr=ACCUMULATE_SEQUENCE_NR)
        self.variable = variable
        self.input_meta = [(tuple(variable._data.shape), variable.dtype)]

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        g = grads.get(0)
        if g is not None:
            self._accumulate(g, run)
        return NodeOutput([], {})

    def tensor_hooks(self) -> Iterator[tuple[int, dict[int, Hook], Tensor | None]]:
        # A leaf's hooks live on the tensor (it may get its accumulator after registering them).
        hooks = self.variable._hooks
        if hooks:
            yield 0, hooks, self.variable

    def _accumulate(self, g: Grad, run: BackwardRun) -> None:
        variable = self.variable
        events = run.events
        before = variable._grad
        before_value = None
        if events is not None and before is not None:
            before_value = tr.GradValue(np.array(before._data, copy=True), before.dtype.name)
        accumulate_grad(variable, g, run.graph_mode)
        if events is not None:
            after = variable._grad
            assert after is not None
            events.append(
                tr.GradAccumulated(
                    self.gid,
                    variable.gid,
                    before_value,
                    _grad_value(g, variable),
                    tr.GradValue(np.array(after._data, copy=True), after.dtype.name),
                )
            )
        hooks = variable._post_accumulate_hooks
        if hooks:
            for hook in list(hooks.values()):
                hook(variable)
                if events is not None:
                    events.append(tr.HookCalled(self.gid, "post_accumulate", variable.gid, False))


def _grad_value(g: Grad, like: Tensor) -> tr.GradValue:
    # (a VJP over 0-d arrays may hand on a numpy scalar rather than an array)
    if isinstance(g, (np.ndarray, np.generic)):
        return tr.GradValue(g, like.dtype.name)
    return tr.GradValue(g._data, g.dtype.name)


def accumulate_grad(variable: Tensor, g: Grad, graph_mode: bool) -> None:
    """``variable.grad += g`` as PyTorch's AccumulateGrad does it (a fresh copy the first time)."""
    from gradviz.autograd.tensor import Tensor

    current = variable._grad
    if graph_mode:
        g_tensor = g if isinstance(g, Tensor) else Tensor._make(g, variable.dtype)
        if current is None:
            # PyTorch copies the incoming grad into a fresh buffer: x.grad shows CopyBackwards.
            from gradviz.autograd.ops.registry import OPS, call

            blank = Tensor._make(np.empty_like(g_tensor._data), variable.dtype)
            variable._grad = call(OPS["copy"], (blank, g_tensor), out_dtype=variable.dtype)
        else:
            variable._grad = current + g_tensor
        return
    data = g._data if isinstance(g, Tensor) else g
    if current is None:
        # Copy: the same array may flow to several leaves, and .grad is later updated in place.
        variable._grad = Tensor._make(np.array(data, dtype=variable.dtype.np, copy=True), variable.dtype)
    elif current.grad_fn is not None or current._requires_grad:
        variable._grad = Tensor._make(current._data + data, variable.dtype)
    else:
        current._data += data
