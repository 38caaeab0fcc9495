"""What happened during one backward()/autograd.grad() call, as plain data.

The engine appends one event per step; ``BackwardTrace.to_dict()`` is JSON-ready and is what
``gradviz trace --json`` prints and what the player replays. Field names are documented in
docs/trace-format.md and are a stable contract.

Grad values are kept as references to the arrays the engine produced (it never mutates them
afterwards) and turned into lists only when serialised, so recording stays cheap.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "MAX_LISTED_ELEMENTS",
    "BackwardTrace",
    "BufferFreed",
    "CallFinished",
    "CallStarted",
    "EdgeGrad",
    "ErrorRaised",
    "GradAccumulated",
    "GradCaptured",
    "GradValue",
    "HookCalled",
    "NodeFinished",
    "NodeInfo",
    "NodeStarted",
    "publish",
    "subscribe",
]

MAX_LISTED_ELEMENTS = 4096  # larger grads serialise as summaries only


class GradValue:
    """A gradient as the trace keeps it: the array plus its shape and dtype."""

    __slots__ = ("array", "dtype")

    def __init__(self, array: np.ndarray, dtype: str) -> None:
        self.array = array
        self.dtype = dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    def to_dict(self) -> dict[str, Any]:
        a = self.array
        out: dict[str, Any] = {"shape": list(a.shape), "dtype": self.dtype}
        all_finite = True
        if a.size and a.dtype.kind in "fiub":
            finite = a
            if a.dtype.kind == "f":
                mask = np.isfinite(a)
                all_finite = bool(mask.all())
                if not all_finite:
                    finite = a[mask]
            if finite.size:
                out.update(min=float(finite.min()), max=float(finite.max()), mean=float(finite.mean()))
        if a.size <= MAX_LISTED_ELEMENTS:
            # Walking every element to spell NaN/inf as strings is the slow path: only when needed.
            out["values"] = a.tolist() if all_finite else _jsonable(a.tolist())
        return out

    def __repr__(self) -> str:
        return f"GradValue(shape={self.shape}, dtype={self.dtype})"


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class NodeInfo:
    """A node of the task graph this call will execute (the plan the player shows as pending)."""

    node_id: str
    name: str
    sequence_nr: int
    next: list[tuple[str | None, int]]  # (node id or None, output_nr), like next_functions
    dependencies: int  # grads it waits for before it can run
    needed: bool = True  # False when autograd.grad/inputs= prunes it


@dataclass
class CallStarted:
    kind: str  # "backward" | "grad"
    roots: list[str]  # tensor ids backward started from
    root_grads: list[GradValue | None]
    retain_graph: bool
    create_graph: bool
    inputs: list[str]  # tensor ids for autograd.grad / backward(inputs=)
    nodes: list[NodeInfo]
    span: Any = None
    type: str = "call_started"
    # The value of each root tensor as a float when it is a one-element floating tensor (a loss),
    # else None. Added for the training view (gradviz/backward/training.py), which plots the loss per
    # iteration: by the time the UI draws, earlier iterations' loss tensors are gone.
    root_values: list[float | None] = field(default_factory=list)


@dataclass
class NodeStarted:
    node_id: str
    name: str
    sequence_nr: int
    grads_in: list[GradValue | None]  # one per node output (what arrived)
    type: str = "node_started"


@dataclass
class HookCalled:
    node_id: str
    hook: str  # "tensor" | "retain_grad" | "pre" | "post" | "post_accumulate"
    tensor_id: str | None
    replaced: bool  # the hook returned a new value
    type: str = "hook_called"


@dataclass
class EdgeGrad:
    index: int  # position in next_functions
    target: str | None  # node id the grad goes to (None: input needs no grad)
    value: GradValue | None
    reduced_from: list[int] | None = None  # broadcast shape summed down to the input's shape


@dataclass
class NodeFinished:
    node_id: str
    grads_out: list[EdgeGrad]
    type: str = "node_finished"


@dataclass
class GradAccumulated:
    node_id: str  # the AccumulateGrad node
    tensor_id: str
    before: GradValue | None
    contribution: GradValue
    after: GradValue
    type: str = "grad_accumulated"


@dataclass
class GradCaptured:
    """autograd.grad (or backward(inputs=) on a non-leaf) captured this tensor's grad."""

    tensor_id: str
    node_id: str | None
    value: GradValue | None
    type: str = "grad_captured"


@dataclass
class BufferFreed:
    node_id: str
    attr: str  # "_saved_self"
    nbytes: int
    shape: list[int]
    dtype: str
    type: str = "buffer_freed"


@dataclass
class ErrorRaised:
    node_id: str | None
    error_type: str
    message: str
    type: str = "error_raised"


@dataclass
class CallFinished:
    ok: bool
    type: str = "call_finished"


Event = Any
_call_ids = itertools.count(1)


@dataclass
class BackwardTrace:
    call_id: int = field(default_factory=lambda: next(_call_ids))
    events: list[Event] = field(default_factory=list)
    cell: int | None = None
    line: int | None = None
    root_tensors: list[Any] = field(default_factory=list, repr=False, compare=False)  # live, not serialised

    @property
    def error(self) -> ErrorRaised | None:
        for event in self.events:
            if isinstance(event, ErrorRaised):
                return event
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "cell": self.cell,
            "line": self.line,  # root_tensors stay here
            "events": [event_to_dict(e) for e in self.events],
        }


def event_to_dict(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in event.__dataclass_fields__:
        value = getattr(event, name)
        out[name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, GradValue):
        return value.to_dict()
    if isinstance(value, (EdgeGrad, NodeInfo)):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, float):
        return _jsonable(value)  # NaN/inf as strings: strict JSON readers reject bare NaN
    return value


_listeners: dict[int, Callable[[BackwardTrace], None]] = {}
_listener_ids = itertools.count()


def subscribe(callback: Callable[[BackwardTrace], None]) -> Callable[[], None]:
    """Receive every finished trace; returns a function that unsubscribes."""
    key = next(_listener_ids)
    _listeners[key] = callback

    def unsubscribe() -> None:
        _listeners.pop(key, None)

    return unsubscribe


def has_listeners() -> bool:
    return bool(_listeners)


def publish(trace: BackwardTrace) -> None:
    for callback in list(_listeners.values()):
        callback(trace)
