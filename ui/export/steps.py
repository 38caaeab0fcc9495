"""The state of the graph after each step of one recorded backward call, as plain data (no Qt).

A *step* is one autograd node running: its grads arrive, it sends grads along its next_functions,
frees its saved buffers and, for AccumulateGrad, adds into a leaf's ``.grad``. Step 0 is the
moment before the first node runs (every planned node pending); step ``k`` is the state once the
k-th node has finished (or raised). An animation has one frame per step, ``0..step_count``.

Only the recorded trace events are read (``BackwardTrace.to_dict()``), so every frame an export
draws can be checked without Qt. When gradviz/replay.py lands this module should delegate to
``Replay(trace).state(k)``; the derivation below follows the same event contract (docs/trace-format.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FrameState", "frame_states", "final_state", "step_count", "PENDING", "RUNNING", "DONE", "ERROR"]

PENDING = "pending"
RUNNING = "running"
DONE = "done"
ERROR = "error"


@dataclass
class FrameState:
    """What one frame shows. Ids are trace node ids ("n<uid>") and tensor ids ("t<uid>")."""

    step: int
    steps: int
    node_states: dict[str, str] = field(default_factory=dict)     # planned node -> PENDING/RUNNING/DONE/ERROR
    edge_grads: set[tuple[str, str]] = field(default_factory=set)  # (producer node, consumer node) a grad travelled
    accumulated: set[str] = field(default_factory=set)            # tensor ids whose .grad received a grad
    freed: dict[str, list[str]] = field(default_factory=dict)     # node id -> freed saved attrs
    current: str | None = None                                     # node that ran in this step
    current_name: str | None = None
    error: str | None = None                                       # "RuntimeError: ..." once raised


def _node_runs(events: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Events grouped per step: each group starts with a node_started event."""
    groups: list[list[Mapping[str, Any]]] = []
    for event in events:
        kind = event.get("type")
        if kind == "node_started":
            groups.append([event])
        elif kind in ("call_started", "call_finished"):
            continue
        elif groups:
            groups[-1].append(event)
        elif kind == "error_raised":  # an error before any node ran (e.g. a non-scalar root)
            groups.append([event])
    return groups


def step_count(trace: Mapping[str, Any]) -> int:
    return len(_node_runs(trace.get("events", [])))


def frame_states(trace: Mapping[str, Any]) -> list[FrameState]:
    """States for steps 0..N (N = nodes that ran), each a fresh object."""
    events = trace.get("events", [])
    plan: list[str] = []
    for event in events:
        if event.get("type") == "call_started":
            plan = [str(n["node_id"]) for n in event.get("nodes", []) if n.get("needed", True)]
            break
    groups = _node_runs(events)
    total = len(groups)
    state = FrameState(step=0, steps=total, node_states={n: PENDING for n in plan})
    states = [_copy(state)]
    for k, group in enumerate(groups, start=1):
        for node, value in state.node_states.items():
            if value == RUNNING:
                state.node_states[node] = DONE
        state.step = k
        state.current = None
        state.current_name = None
        for event in group:
            _apply(state, event)
        states.append(_copy(state))
    return states


def final_state(trace: Mapping[str, Any]) -> FrameState:
    """The state once the call is over: no node is "running" any more."""
    state = frame_states(trace)[-1]
    for node, value in state.node_states.items():
        if value == RUNNING:
            state.node_states[node] = DONE
    return state


def _apply(state: FrameState, event: Mapping[str, Any]) -> None:
    kind = event.get("type")
    node = event.get("node_id")
    if kind == "node_started" and node is not None:
        state.node_states[str(node)] = RUNNING
        state.current = str(node)
        state.current_name = str(event.get("name") or node)
    elif kind == "node_finished" and node is not None:
        for out in event.get("grads_out", []):
            if out.get("target") is not None and out.get("value") is not None:
                state.edge_grads.add((str(out["target"]), str(node)))
    elif kind == "grad_accumulated":
        state.accumulated.add(str(event.get("tensor_id")))
    elif kind == "grad_captured":
        state.accumulated.add(str(event.get("tensor_id")))
    elif kind == "buffer_freed" and node is not None:
        state.freed.setdefault(str(node), []).append(str(event.get("attr")))
    elif kind == "error_raised":
        if node is not None:
            state.node_states[str(node)] = ERROR
            state.current = str(node)
        state.error = f"{event.get('error_type')}: {event.get('message')}"


def _copy(state: FrameState) -> FrameState:
    return FrameState(step=state.step, steps=state.steps, node_states=dict(state.node_states),
                      edge_grads=set(state.edge_grads), accumulated=set(state.accumulated),
                      freed={k: list(v) for k, v in state.freed.items()}, current=state.current,
                      current_name=state.current_name, error=state.error)
