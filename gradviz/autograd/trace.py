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
    "detail_wanted",
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
    # Each leaf the call accumulates into, as it was when the call started: tensor id ->
    # {"version", "values" (a snapshot ArraySummary)}. A training loop's optimizer overwrites its
    # parameters in place, so the cell's snapshot only knows their last value; gradviz.graph.calls
    # shows call K's parameters with these.
    leaf_values: dict[str, dict[str, Any]] = field(default_factory=dict)


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
    # Set instead of ``events`` when no listener wanted this call in full (long training loops):
    # kind, roots, root_values (the loss), node_count, ok and the error line if any.
    summary: dict[str, Any] | None = None

    @property
    def error(self) -> ErrorRaised | None:
        for event in self.events:
            if isinstance(event, ErrorRaised):
                return event
        return None

    def light(self) -> dict[str, Any]:
        """This call's light summary form (cheap: no grad array is read)."""
        if self.summary is not None:
            return summary_dict(self.call_id, self.cell, self.line, self.summary)
        start = self.events[0] if self.events and isinstance(self.events[0], CallStarted) else None
        error = self.error
        summary = {
            "kind": start.kind if start is not None else "backward",
            "roots": list(start.roots) if start is not None else [],
            "root_values": list(start.root_values) if start is not None else [],
            "node_count": len(start.nodes) if start is not None else 0,
            "ok": error is None,
            "error": f"{error.error_type}: {error.message}" if error is not None else None,
        }
        return summary_dict(self.call_id, self.cell, self.line, summary)

    def freeze(self) -> None:
        """Copy the grad arrays the events point at, so that serialising later shows them as they
        were: the learner may change a ``.grad`` in place (``w.grad.zero_()``) after the call."""
        for event in self.events:
            for name in event.__dataclass_fields__:
                _freeze(getattr(event, name))

    def to_dict(self) -> dict[str, Any]:
        if self.summary is not None:
            return summary_dict(self.call_id, self.cell, self.line, self.summary)
        return {
            "call_id": self.call_id,
            "cell": self.cell,
            "line": self.line,  # root_tensors stay here
            "events": [event_to_dict(e) for e in self.events],
        }


def _freeze(value: Any) -> None:
    if isinstance(value, GradValue):
        value.array = value.array.copy()
    elif isinstance(value, EdgeGrad):
        _freeze(value.value)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (GradValue, EdgeGrad)):
                _freeze(item)


def summary_dict(call_id: int | None, cell: int | None, line: int | None, summary: dict[str, Any]) -> dict[str, Any]:
    """A call kept as a light summary: no events (nothing to replay), ``summary`` says what it was."""
    return {
        "call_id": call_id,
        "cell": cell,
        "line": line,
        "summarized": True,
        "summary": {k: _plain(v) for k, v in summary.items()},
        "events": [],
    }


def summarize(call: dict[str, Any]) -> dict[str, Any]:
    """The light summary of a call already serialised in full (for a call leaving the detail window)."""
    if call.get("summarized"):
        return call
    events = call.get("events") or []
    start = events[0] if events and events[0].get("type") == "call_started" else {}
    error = next((e for e in events if e.get("type") == "error_raised"), None)
    summary = {
        "kind": start.get("kind", "backward"),
        "roots": start.get("roots") or [],
        "root_values": start.get("root_values") or [],
        "node_count": len(start.get("nodes") or []),
        "ok": error is None,
        "error": f"{error.get('error_type')}: {error.get('message')}" if error is not None else None,
    }
    return summary_dict(call.get("call_id"), call.get("cell"), call.get("line"), summary)


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
_detail_policies: dict[int, Callable[[], bool]] = {}
_listener_ids = itertools.count()


def subscribe(
    callback: Callable[[BackwardTrace], None], wants_detail: Callable[[], bool] | None = None
) -> Callable[[], None]:
    """Receive every finished trace; returns a function that unsubscribes.

    ``wants_detail`` is asked before each call: when no listener wants it, the engine records
    only a summary (no per-step events, no grad arrays), which keeps long loops cheap.
    A listener without a policy wants every call in full.
    """
    key = next(_listener_ids)
    _listeners[key] = callback
    if wants_detail is not None:
        _detail_policies[key] = wants_detail

    def unsubscribe() -> None:
        _listeners.pop(key, None)
        _detail_policies.pop(key, None)

    return unsubscribe


def detail_wanted() -> bool:
    """Whether the next backward call should be recorded event by event."""
    if len(_detail_policies) < len(_listeners):
        return True
    return any(policy() for policy in list(_detail_policies.values()))


def has_listeners() -> bool:
    return bool(_listeners)


def publish(trace: BackwardTrace) -> None:
    for callback in list(_listeners.values()):
        callback(trace)
