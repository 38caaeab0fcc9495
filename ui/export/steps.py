"""Each step of one recorded backward call as the plain data an export frame paints (no Qt).

Steps are gradviz.backward.replay's: one per trace event (step 0 is CallStarted, the last
CallFinished), so ``gradviz export --step N`` shows what the app's player shows at step N,
numbered as it numbers them (``Replay.step_position``: "step N/last"), and an animation has one
frame per step. This module only converts ``Replay.state(k)`` into the few facts a picture needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gradviz.backward.replay import InputBuffer, Replay, ReplayState, format_grad, short_name

__all__ = [
    "DONE",
    "ERROR",
    "PENDING",
    "RUNNING",
    "FrameState",
    "final_state",
    "frame_states",
    "short_values",
    "state_at",
    "states_at",
    "step_count",
    "sum_text",
]

SUM_TERMS = 4  # a buffer with more grads than this reads "a + … + z = total (n grads)", as the player shows it
MANY_GRADS = "{a} + … + {z} = {total} ({n} grads)"  # the words; the export passes its translation

PENDING = "pending"
RUNNING = "running"
DONE = "done"
ERROR = "error"
_DRAWN_STATES = {"pending": PENDING, "ready": PENDING, "running": RUNNING, "done": DONE, "error": ERROR}


@dataclass
class FrameState:
    """What one frame shows. Ids are trace node ids ("n<uid>") and tensor ids ("t<uid>")."""

    step: int
    steps: int  # last step index (len(replay) - 1): captions read "step {step}/{steps}", as the player
    node_states: dict[str, str] = field(default_factory=dict)  # node of this call -> PENDING/RUNNING/DONE/ERROR
    # (next function, consumer, slot): a grad travelled along that edge (one per input slot)
    edge_grads: set[tuple[str, str, int]] = field(default_factory=set)
    edge_texts: dict[tuple[str, str, int], str] = field(default_factory=dict)  # the grad on each such edge
    input_sums: dict[str, str] = field(default_factory=dict)  # node -> "2.25 + 2.25 = 4.5" where grads added up
    # the same sums by (node, output number), as the app's canvas places them (ui.graph.scene)
    buffer_sums: dict[tuple[str, int], str] = field(default_factory=dict)
    accumulated: set[str] = field(default_factory=set)  # tensor ids whose .grad (or captured grad) is set
    freed: dict[str, list[str]] = field(default_factory=dict)  # node id -> freed saved attrs
    current: str | None = None
    event: str = ""  # trace event type of this step
    detail: str = ""  # node name / attr / tensor the event is about
    error: str | None = None  # "RuntimeError: ..." once raised


SUM_NUMBERS = 2  # numbers a vector keeps in a sum chip ("[0.066, 0.239, …]"); the ledger has them all


def short_values(text: str, keep: int = SUM_NUMBERS) -> str:
    """A formatted grad with at most ``keep`` numbers of its first row: ``[0.066, 0.239, …]``,
    ``[[1, 2, …]]``; a scalar or a summary (``[-0.2 .. 0.3] shape [3, 8]``) as it is."""
    opened = len(text) - len(text.lstrip("["))
    if not opened or ".." in text:
        return text
    head = text[opened:].split("]", 1)[0]
    numbers = head.split(", ")
    if len(numbers) <= keep and text.count("[") == opened:
        return text
    return "[" * opened + ", ".join([n for n in numbers[:keep] if n != "…"] + ["…"]) + "]" * opened


def sum_text(buffer: InputBuffer, many: str = MANY_GRADS) -> str:
    """``2.25 + 2.25 = 4.5``; a weight used 300 times reads ``1.144 + … + 3.4e-14 = 3.005 (300
    grads)`` (``many`` holds the words), the text ui.player.player writes on the canvas; vectors
    keep their first numbers (``short_values``) so a chip stays a chip."""
    grads = buffer.contributions
    total = short_values(format_grad(buffer.total))
    terms = [short_values(format_grad(c.value)) for c in grads]
    terms = [f"({t})" if t.startswith("-") else t for t in terms]
    if len(grads) < 2:
        return total
    if len(grads) <= SUM_TERMS:
        return " + ".join(terms) + f" = {total}"
    return many.format(a=terms[0], z=terms[-1], total=total, n=len(grads))


class _GradTexts:
    """Each edge grad's text, formatted once: replay states share their grad dicts from step to
    step, so a 2,400-step call formats each grad once instead of once per later frame."""

    def __init__(self, many: str = MANY_GRADS) -> None:
        self._texts: dict[tuple[str, str, int], tuple[Mapping[str, Any], str]] = {}
        self._sums: dict[tuple[str, int], tuple[InputBuffer, str]] = {}
        self.many = many

    def text(self, key: tuple[str, str, int], value: Mapping[str, Any]) -> str:
        cached = self._texts.get(key)
        if cached is not None and cached[0] is value:
            return cached[1]
        text = format_grad(value)
        self._texts[key] = (value, text)
        return text

    def sum(self, key: tuple[str, int], buffer: InputBuffer) -> str:
        cached = self._sums.get(key)
        if cached is not None and cached[0] is buffer:
            return cached[1]
        text = sum_text(buffer, self.many)
        self._sums[key] = (buffer, text)
        return text


def _convert(
    state: ReplayState, replay: Replay, names: Mapping[str, str], texts: _GradTexts | None = None
) -> FrameState:
    texts = texts or _GradTexts()
    step, last = replay.step_position(state.step)
    frame = FrameState(step=step, steps=last, current=state.current_node)
    frame.node_states = {n: _DRAWN_STATES[s] for n, s in state.node_states.items() if s in _DRAWN_STATES}
    # Replay keys edges in the grad's direction (sender, receiver, slot); the gradfn view draws
    # next_function -> consumer, i.e. (receiver, sender, slot).
    for (sender, receiver, slot), value in state.edge_grads.items():
        if value is not None:
            frame.edge_grads.add((receiver, sender, slot))
            frame.edge_texts[(receiver, sender, slot)] = texts.text((sender, receiver, slot), value)
    for (receiver, output_nr), buffer in state.input_buffers.items():
        if len(buffer.contributions) > 1:
            text = texts.sum((receiver, output_nr), buffer)
            frame.input_sums[receiver] = text
            frame.buffer_sums[(receiver, output_nr)] = text
    frame.accumulated = {t for t, g in state.leaf_grads.items() if g is not None}
    frame.accumulated.update(t for t, g in state.captured.items() if g is not None)
    for (node, attr), alive in state.buffers.items():
        if not alive:
            frame.freed.setdefault(node, []).append(attr)
    event = state.event
    frame.event = str(event.get("type", ""))
    node_id = event.get("node_id")
    if frame.event == "buffer_freed":
        frame.detail = f"{names.get(str(node_id), node_id)}.{event.get('attr')}"
    elif frame.event in ("grad_accumulated", "grad_captured"):
        frame.detail = names.get(str(event.get("tensor_id")), str(event.get("tensor_id")))
    elif node_id is not None:
        frame.detail = names.get(str(node_id), str(node_id))
    if state.error is not None:
        frame.error = f"{state.error.get('error_type')}: {state.error.get('message')}"
    return frame


def _replay(trace: Mapping[str, Any], snapshot: Mapping[str, Any] | None) -> tuple[Replay, dict[str, str]]:
    replay = Replay(trace, snapshot)
    names = {nid: short_name(str(info.get("name", nid))) for nid, info in replay.nodes.items()}
    for node in (snapshot or {}).get("nodes", []):
        if node.get("kind") == "tensor" and node.get("name"):
            names[str(node["id"])] = str(node["name"])
    return replay, names


def step_count(trace: Mapping[str, Any]) -> int:
    """Number of steps (frames of an animation): one per trace event."""
    return len(trace.get("events", []))


def frame_states(trace: Mapping[str, Any], snapshot: Mapping[str, Any] | None = None) -> list[FrameState]:
    """States for steps 0..len-1, in order (the replay applies one event per step)."""
    return states_at(trace, range(step_count(trace)), snapshot)


def states_at(
    trace: Mapping[str, Any], steps: Sequence[int], snapshot: Mapping[str, Any] | None = None, many: str = MANY_GRADS
) -> list[FrameState]:
    """States for ``steps`` (ascending): a sampled animation converts only the frames it draws.
    ``many``: the words of a long sum (``sum_text``)."""
    replay, names = _replay(trace, snapshot)
    texts = _GradTexts(many)
    return [_convert(replay.state(k), replay, names, texts) for k in steps]


def state_at(
    trace: Mapping[str, Any], step: int, snapshot: Mapping[str, Any] | None = None, many: str = MANY_GRADS
) -> FrameState:
    replay, names = _replay(trace, snapshot)
    return _convert(replay.state(step), replay, names, _GradTexts(many))


def final_state(
    trace: Mapping[str, Any], snapshot: Mapping[str, Any] | None = None, many: str = MANY_GRADS
) -> FrameState:
    """The state once the call is over (its last step)."""
    return state_at(trace, step_count(trace) - 1, snapshot, many)
