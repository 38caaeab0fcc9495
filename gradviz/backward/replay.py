"""Replay one recorded backward call: the full autograd state after any step.

The player never computes autograd state itself; it asks ``Replay.state(k)``. A *step* is one
event of the trace (CallStarted is step 0, CallFinished the last), so the timeline has a tick per
event and stepping back is simply asking for a smaller k.

Step numbering, the one used everywhere (the player, ``gradviz trace``, ``gradviz export --step``,
``gradviz screenshot --step``, exported frame captions): step ``k`` is the state after trace event
``k`` (the event's ``index``), so step 0 is "the call starts, nothing has run" and the last step,
``len(events) - 1``, is "finished". A call is shown as ``step k/last`` (``step_position``): the
classic example's 16 events read ``step 0/15`` .. ``step 15/15``. States are derived by applying events
to a copy of the previous state; the replay caches the last state asked for and a checkpoint
every ``CHECKPOINT_EVERY`` steps, so walking k in order applies one event per call and a random
seek applies at most ``CHECKPOINT_EVERY`` events.

Node states: ``idle`` (not needed by this call), ``pending`` (waiting for grads), ``ready``
(every dependency delivered, per the task graph's dependency counts), ``running``, ``done``,
``error``. Edges are keyed ``(sender, receiver, slot)`` in the direction the grad travels
(consumer -> next function), ``slot`` being the position in the sender's ``next_functions``; in
the graph snapshot's "gradfn" view the same edge is drawn ``(receiver, sender, key=slot)``. Never
by node pair alone: ``y * y`` sends two grads from the multiply to ``y``'s node, one per slot, and
the receiving node's input buffer adds them up (``input_buffers``: ``2.25 + 2.25 = 4.5``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gradviz.backward.numbers import format_number

__all__ = [
    "CHECKPOINT_EVERY",
    "Contribution",
    "EdgeKey",
    "InputBuffer",
    "Ledger",
    "LedgerEntry",
    "Replay",
    "ReplayState",
    "as_trace_dict",
    "find_freeing_call",
    "format_grad",
    "local_rule",
    "short_name",
    "step_position",
    "vjp_view",
]

CHECKPOINT_EVERY = 64

NODE_STATES = ("idle", "pending", "ready", "running", "done", "error")

EdgeKey = tuple[str, str, int]  # (sender, receiver, slot in the sender's next_functions)


def step_position(step: int, events: int) -> tuple[int, int]:
    """``(k, last)`` as every view shows step ``step`` of a call with ``events`` trace events:
    ``step k/last``, step 0 being the call's start (before any node ran) and ``last`` its end."""
    last = max(0, events - 1)
    if step < 0:
        step += events
    if not 0 <= step <= last:
        raise IndexError(f"step {step} out of range 0..{last}")
    return step, last


def as_trace_dict(trace: Any) -> dict[str, Any]:
    """Accept a ``BackwardTrace`` or its ``to_dict()`` form; return the dict form."""
    if isinstance(trace, Mapping):
        return dict(trace)
    to_dict = getattr(trace, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"not a backward trace: {type(trace).__name__}")
    return to_dict()


# -- the local rules the VJP panel shows (text only: the engine's op table does the maths) ---------
_RULES: dict[str, str] = {
    "AccumulateGrad": "x.grad = grad if x.grad is None else x.grad + grad",
    "AddBackward0": "self: grad;  other: grad * alpha",
    "SubBackward0": "self: grad;  other: -grad * alpha",
    "RsubBackward0": "self: -grad * alpha;  other: grad",
    "MulBackward0": "self: grad * other;  other: grad * self",
    "DivBackward0": "self: grad / other;  other: -grad * self / other ** 2",
    "NegBackward0": "self: -grad",
    "PowBackward0": "self: grad * exponent * self ** (exponent - 1)",
    "PowBackward1": "self: grad * exponent * self ** (exponent - 1);  exponent: grad * result * log(self)",
    "SumBackward0": "self: grad.expand(self.shape)",
    "SumBackward1": "self: grad (dims kept) expanded to self.shape",
    "MeanBackward0": "self: grad.expand(self.shape) / self.numel()",
    "MeanBackward1": "self: grad (dims kept) expanded to self.shape / n",
    "ExpBackward0": "self: grad * result",
    "LogBackward0": "self: grad / self",
    "SqrtBackward0": "self: grad / (2 * result)",
    "SinBackward0": "self: grad * cos(self)",
    "CosBackward0": "self: -grad * sin(self)",
    "TanhBackward0": "self: grad * (1 - result ** 2)",
    "SigmoidBackward0": "self: grad * result * (1 - result)",
    "ReluBackward0": "self: grad * (result > 0)",
    "AbsBackward0": "self: grad * sign(self)",
    "MmBackward0": "self: grad @ mat2.T;  mat2: self.T @ grad",
    "MvBackward0": "self: outer(grad, vec);  vec: self.T @ grad",
    "DotBackward0": "self: grad * tensor;  tensor: grad * self",
    "BmmBackward0": "self: grad @ mat2.transpose(1, 2);  mat2: self.transpose(1, 2) @ grad",
    "AddmmBackward0": "self: grad (summed to self.shape);  mat1: grad @ mat2.T;  mat2: mat1.T @ grad",
    "TBackward0": "self: grad.T",
    "TransposeBackward0": "self: grad.transpose(dim0, dim1)",
    "PermuteBackward0": "self: grad.permute(inverse dims)",
    "ViewBackward0": "self: grad.reshape(self.shape)",
    "ReshapeAliasBackward0": "self: grad.reshape(self.shape)",
    "UnsqueezeBackward0": "self: grad.squeeze(dim)",
    "SqueezeBackward0": "self: grad.unsqueeze(dim)",
    "ExpandBackward0": "self: grad summed over the expanded dims",
    "SelectBackward0": "self: zeros(self.shape) with grad written at [index]",
    "SliceBackward0": "self: zeros(self.shape) with grad written at [start:end:step]",
    "IndexBackward0": "self: zeros(self.shape) with grad added at the indices",
    "CloneBackward0": "self: grad",
    "MaxBackward1": "self: grad at the position of the max, 0 elsewhere",
    "MinBackward1": "self: grad at the position of the min, 0 elsewhere",
    "SoftmaxBackward0": "self: result * (grad - (grad * result).sum(dim, keepdim=True))",
    "LogSoftmaxBackward0": "self: grad - exp(result) * grad.sum(dim, keepdim=True)",
    "MseLossBackward0": "self: 2 * (self - target) * grad / n (mean)",
    "CopySlices": "base: grad with the written slice zeroed;  src: grad at the slice",
}


def short_name(name: str) -> str:
    """``torch::autograd::AccumulateGrad`` -> ``AccumulateGrad`` (how learners read it)."""
    return name.rsplit("::", 1)[-1] if name else name


def local_rule(name: str) -> str | None:
    """The op's local backward rule as text, or None if the table has no entry."""
    return _RULES.get(short_name(name))


# -- grad values and the ledger ---------------------------------------------------------------
def _values(grad: Mapping[str, Any] | None) -> Any:
    return None if grad is None else grad.get("values")


def _num(v: Any) -> str:
    return v if isinstance(v, str) else format_number(float(v))


def format_contribution(value: Any) -> str:
    """A ledger's ``+=`` term: ``+6``, and ``+(-2.843)`` rather than the garbled ``+-2.843``."""
    text = format_grad(value)
    return f"+({text})" if text.startswith("-") else f"+{text}"


def format_grad(grad: Mapping[str, Any] | None) -> str:
    """A grad as a short text: ``None``, ``6`` (every element equal), ``[1, 2, 3]`` or a summary."""
    if grad is None:
        return "None"
    values = grad.get("values")
    if values is None:
        return f"[{grad.get('min', '?')} .. {grad.get('max', '?')}] shape {tuple(grad.get('shape', ()))}"
    flat = np.asarray(values, dtype=object).ravel().tolist() if isinstance(values, list) else [values]
    if not flat:
        return "[]"
    if all(v == flat[0] for v in flat):
        return _num(flat[0])
    if len(flat) <= 6:
        return "[" + ", ".join(_num(v) for v in flat) + "]"
    return "[" + ", ".join(_num(v) for v in flat[:5]) + ", …]"


def grads_equal(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.get("shape") == b.get("shape") and _values(a) == _values(b)


@dataclass(frozen=True)
class LedgerEntry:
    """One change to a leaf's ``.grad``: an accumulation by the engine or an external change."""

    tensor_id: str
    kind: str  # "accumulate" | "external"
    before: dict[str, Any] | None
    contribution: dict[str, Any] | None
    after: dict[str, Any] | None
    call: int  # index of the call (for "external": the call that observed the change)
    step: int  # step within that call (0 for "external")
    node_id: str | None = None

    def text(self) -> str:
        """``None -> +6 -> 6``; an external change reads ``6 -> zero_() -> 0``."""
        if self.kind == "external":
            after = _values(self.after)
            flat = np.asarray(after, dtype=float).ravel() if after is not None else None
            how = "zero_()" if flat is not None and not flat.any() else "set"
            if self.after is None:
                how = "= None"
            return f"{format_grad(self.before)} -> {how} -> {format_grad(self.after)}"
        return f"{format_grad(self.before)} -> {format_contribution(self.contribution)} -> {format_grad(self.after)}"


class Ledger:
    """Every change to each leaf's ``.grad`` across the backward calls of one session."""

    def __init__(self, entries: list[LedgerEntry]) -> None:
        self.entries = entries

    def for_tensor(self, tensor_id: str) -> list[LedgerEntry]:
        return [e for e in self.entries if e.tensor_id == tensor_id]

    def texts(self, tensor_id: str) -> list[str]:
        return [e.text() for e in self.for_tensor(tensor_id)]

    @classmethod
    def from_traces(
        cls, traces: Sequence[Any], final_grads: Mapping[str, Mapping[str, Any] | None] | None = None
    ) -> Ledger:
        """Build the ledger over calls in order.

        When a call's first ``before`` for a tensor differs from the previous call's last
        ``after``, the learner changed ``.grad`` in between (``x.grad.zero_()``, ``x.grad =
        None``): that is recorded as an "external" entry. ``final_grads`` (tensor id -> grad
        summary now, e.g. from the latest graph snapshot) catches changes after the last call.
        """
        entries: list[LedgerEntry] = []
        last: dict[str, dict[str, Any] | None] = {}
        for ci, trace in enumerate(traces):
            events = as_trace_dict(trace).get("events", [])
            for k, event in enumerate(events):
                if event.get("type") != "grad_accumulated":
                    continue
                tid = event["tensor_id"]
                before = event.get("before")
                if tid in last and not grads_equal(last[tid], before):
                    entries.append(LedgerEntry(tid, "external", last[tid], None, before, ci, 0))
                entries.append(
                    LedgerEntry(
                        tid,
                        "accumulate",
                        before,
                        event.get("contribution"),
                        event.get("after"),
                        ci,
                        k,
                        event.get("node_id"),
                    )
                )
                last[tid] = event.get("after")
        for tid, now in (final_grads or {}).items():
            if tid in last and not grads_equal(last[tid], _summary_as_grad(now)):
                entries.append(LedgerEntry(tid, "external", last[tid], None, _summary_as_grad(now), len(traces), 0))
        return cls(entries)


def _summary_as_grad(summary: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A snapshot ArraySummary (``preview``) read like a trace grad (``values``)."""
    if summary is None:
        return None
    if "values" in summary:
        return dict(summary)
    if summary.get("truncated"):
        return dict(summary)  # values unknown: compares unequal unless both are summaries
    preview = summary.get("preview")
    values = None
    if preview is not None:
        try:
            values = np.asarray(preview, dtype=float).reshape(summary.get("shape", [])).tolist()
        except ValueError:
            values = preview
    return {"shape": list(summary.get("shape", [])), "dtype": summary.get("dtype"), "values": values}


@dataclass(frozen=True)
class Contribution:
    """One grad that arrived in a node's input buffer, along one edge (one input slot)."""

    sender: str  # the node that sent it (the consumer in the forward graph)
    slot: int  # position in the sender's next_functions: the snapshot's gradfn edge key
    value: dict[str, Any] | None


@dataclass(frozen=True)
class InputBuffer:
    """What a node's input buffer (one per output of its forward op) holds: every grad that
    arrived, in arrival order, and their sum; ``received`` is what the engine handed the node
    when it started (the sum as the engine computed it, in the tensor's dtype)."""

    receiver: str
    output_nr: int
    contributions: tuple[Contribution, ...]
    received: dict[str, Any] | None = None

    @property
    def total(self) -> dict[str, Any] | None:
        """The buffer's sum: the engine's own value once the node started, else summed here."""
        if self.received is not None:
            return self.received
        return _sum_grads([c.value for c in self.contributions])

    def text(self) -> str:
        """``2.25`` for one grad, ``2.25 + 2.25 = 4.5`` when several add up."""
        total = format_grad(self.total)
        if len(self.contributions) < 2:
            return total
        terms = [format_grad(c.value) for c in self.contributions]
        return " + ".join(f"({t})" if t.startswith("-") else t for t in terms) + f" = {total}"


def _sum_grads(values: Sequence[dict[str, Any] | None]) -> dict[str, Any] | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    if any(v.get("values") is None for v in present):
        return None  # a summary only (too big to record): no sum to show before the node runs
    try:
        total = sum(np.asarray(v["values"], dtype=float) for v in present)
    except ValueError:  # shapes that do not broadcast: the engine would have raised
        return None
    arr = np.asarray(total, dtype=float)
    return {
        "shape": list(arr.shape),
        "dtype": present[0].get("dtype"),
        "min": float(arr.min()) if arr.size else None,
        "max": float(arr.max()) if arr.size else None,
        "mean": float(arr.mean()) if arr.size else None,
        "values": arr.tolist(),
    }


@dataclass
class ReplayState:
    """Everything the player paints at one step (plain data, no Qt)."""

    step: int
    event: dict[str, Any]
    node_states: dict[str, str]
    current_node: str | None
    delivered: dict[str, int]  # grads received so far, per node
    edge_grads: dict[EdgeKey, dict[str, Any] | None]  # (sender, receiver, slot) -> grad on that edge
    reduced: dict[EdgeKey, list[int]]  # edges whose grad was summed down from this shape
    grads_in: dict[str, list[Any]]  # what a node received when it started
    grads_out: dict[str, list[dict[str, Any]]]  # EdgeGrad dicts a node sent
    leaf_grads: dict[str, dict[str, Any] | None]  # tensor id -> .grad after this step
    ledger: list[LedgerEntry]  # accumulations of this call so far
    captured: dict[str, dict[str, Any] | None]  # autograd.grad results so far
    buffers: dict[tuple[str, str], bool]  # (node id, attr) -> alive
    live_bytes: int
    hooks: list[dict[str, Any]]
    error: dict[str, Any] | None
    finished: bool
    ok: bool | None
    # (receiver, output_nr) -> the grads that arrived there so far and their sum
    input_buffers: dict[tuple[str, int], InputBuffer] = field(default_factory=dict)

    def buffers_of(self, receiver: str) -> list[InputBuffer]:
        """The input buffers of one node that received something, by output number."""
        return sorted((b for (r, _), b in self.input_buffers.items() if r == receiver), key=lambda b: b.output_nr)

    def copy(self) -> ReplayState:
        """A shallow-per-field copy: dicts and lists are new, their values are shared (immutable)."""
        return ReplayState(
            self.step,
            self.event,
            dict(self.node_states),
            self.current_node,
            dict(self.delivered),
            dict(self.edge_grads),
            dict(self.reduced),
            dict(self.grads_in),
            dict(self.grads_out),
            dict(self.leaf_grads),
            list(self.ledger),
            dict(self.captured),
            dict(self.buffers),
            self.live_bytes,
            list(self.hooks),
            self.error,
            self.finished,
            self.ok,
            dict(self.input_buffers),
        )


@dataclass
class _Buffer:
    node_id: str
    attr: str
    nbytes: int
    shape: list[int] = field(default_factory=list)
    dtype: str = ""


class Replay:
    """The states of one backward call, step by step (one step per trace event)."""

    def __init__(self, trace: Any, snapshot: Mapping[str, Any] | None = None, call_index: int = 0) -> None:
        self.trace = as_trace_dict(trace)
        self.events: list[dict[str, Any]] = list(self.trace.get("events", []))
        if not self.events:
            raise ValueError("a backward trace has at least its CallStarted event")
        start = self.events[0]
        if start.get("type") != "call_started":
            raise ValueError(f"trace starts with {start.get('type')!r}, expected 'call_started'")
        self.call_index = call_index
        self.start = start
        self.nodes: dict[str, dict[str, Any]] = {n["node_id"]: n for n in start.get("nodes", [])}
        self.buffers = self._collect_buffers(snapshot)
        self._checkpoints: dict[int, ReplayState] = {}
        self._last: ReplayState | None = None
        self._memory: list[int] | None = None
        self._by_type: dict[str, list[int]] | None = None
        self._starts: dict[str, int] | None = None

    # -- public API ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.events)

    @property
    def node_order(self) -> list[str]:
        """Node ids in the order they ran (NodeStarted order)."""
        return [e["node_id"] for e in self.events if e.get("type") == "node_started"]

    def step_of(self, event_type: str, node_id: str | None = None) -> int | None:
        """The first step with this event type (and node), or None."""
        for k, event in enumerate(self.events):
            if event.get("type") == event_type and (node_id is None or event.get("node_id") == node_id):
                return k
        return None

    def steps_of(self, event_type: str) -> list[int]:
        """Every step with this event type, in order (indexed once per replay)."""
        if self._by_type is None:
            by_type: dict[str, list[int]] = {}
            for k, event in enumerate(self.events):
                by_type.setdefault(str(event.get("type")), []).append(k)
            self._by_type = by_type
        return self._by_type.get(event_type, [])

    def next_step(self, after: int, event_type: str) -> int | None:
        """The first step after ``after`` with this event type, or None."""
        steps = self.steps_of(event_type)
        i = bisect_right(steps, after)
        return steps[i] if i < len(steps) else None

    def start_step(self, node_id: str) -> int | None:
        """The step at which ``node_id`` starts running (its NodeStarted), None if it never runs."""
        if self._starts is None:
            self._starts = {}
            for k in self.steps_of("node_started"):
                self._starts.setdefault(str(self.events[k].get("node_id")), k)
        return self._starts.get(node_id)

    @property
    def last_step(self) -> int:
        """The call's last step (CallFinished, or the last event of a cut-off trace)."""
        return len(self.events) - 1

    def step_position(self, k: int) -> tuple[int, int]:
        """``(k, last)``: how step ``k`` is numbered on screen, in exports and captions."""
        return step_position(k, len(self.events))

    def state(self, k: int) -> ReplayState:
        """The state after step ``k`` (0 <= k < len; negative counts from the end).

        Built from the nearest earlier checkpoint (or the last state asked for, when that is
        closer) by applying events to one working copy in place: a seek anywhere costs one state
        copy and at most ``CHECKPOINT_EVERY`` events once the checkpoints before it exist, and
        the first far seek makes them on the way at one copy per ``CHECKPOINT_EVERY`` steps."""
        n = len(self.events)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"step {k} out of range 0..{n - 1}")
        last = self._last
        if last is not None and last.step == k:
            return last
        cp = (k // CHECKPOINT_EVERY) * CHECKPOINT_EVERY
        while cp > 0 and cp not in self._checkpoints:
            cp -= CHECKPOINT_EVERY
        saved = self._checkpoints.get(cp)
        base = saved if saved is not None else self._initial()
        if last is not None and base.step < last.step < k:
            base = last
        state = base.copy()
        while state.step < k:
            step = state.step + 1
            self._advance(state, step)
            if step % CHECKPOINT_EVERY == 0 and step not in self._checkpoints:
                self._checkpoints[step] = state.copy() if step < k else state
        self._last = state
        return state

    def extend_checkpoints(self, steps: int) -> bool:
        """Make the checkpoints for up to ``steps`` more steps past the furthest one made so far;
        True once the call has all of them. The player calls this while idle after a call is
        picked, so even the first far seek starts from a checkpoint at most CHECKPOINT_EVERY
        steps back. (Checkpoints are always made in order from step 0, so the furthest one is
        where to go on.)"""
        final = (len(self.events) - 1) // CHECKPOINT_EVERY * CHECKPOINT_EVERY
        if not self._checkpoints:
            self._initial()
        furthest = max(self._checkpoints)
        if furthest >= final:
            return True
        state = self._checkpoints[furthest].copy()
        stop = min(final, furthest + max(steps, CHECKPOINT_EVERY))
        while state.step < stop:
            step = state.step + 1
            self._advance(state, step)
            if step % CHECKPOINT_EVERY == 0:
                self._checkpoints[step] = state.copy() if step < stop else state
        return stop >= final

    def memory_lane(self) -> list[int]:
        """Live bytes of saved buffers after each step (one pass, cached)."""
        if self._memory is None:
            live = sum(b.nbytes for b in self.buffers.values())
            lane = []
            for event in self.events:
                if event.get("type") == "buffer_freed":
                    buf = self.buffers.get((event["node_id"], event["attr"]))
                    live -= buf.nbytes if buf is not None else int(event.get("nbytes", 0))
                lane.append(live)
            self._memory = lane
        return list(self._memory)

    # -- building states -------------------------------------------------------------------
    def _collect_buffers(self, snapshot: Mapping[str, Any] | None) -> dict[tuple[str, str], _Buffer]:
        """Saved buffers this call can free: those the trace frees, plus still-alive ones the
        graph snapshot lists for nodes of this call (retain_graph survivors)."""
        buffers: dict[tuple[str, str], _Buffer] = {}
        for event in self.events:
            if event.get("type") == "buffer_freed":
                key = (event["node_id"], event["attr"])
                buffers[key] = _Buffer(
                    event["node_id"],
                    event["attr"],
                    int(event.get("nbytes", 0)),
                    list(event.get("shape", [])),
                    str(event.get("dtype", "")),
                )
        for node in (snapshot or {}).get("nodes", []):
            if node.get("id") not in self.nodes:
                continue
            for saved in node.get("saved", []) or []:
                key = (node["id"], saved.get("attr", ""))
                if key in buffers or saved.get("freed") or saved.get("kind") != "tensor":
                    continue
                buffers[key] = _Buffer(
                    node["id"],
                    saved.get("attr", ""),
                    int(saved.get("nbytes") or 0),
                    list(saved.get("shape") or []),
                    str(saved.get("dtype", "")),
                )
        return buffers

    def _initial(self) -> ReplayState:
        states = {
            nid: ("ready" if n.get("dependencies", 0) == 0 else "pending") if n.get("needed", True) else "idle"
            for nid, n in self.nodes.items()
        }
        buffers = dict.fromkeys(self.buffers, True)
        leaf_grads: dict[str, dict[str, Any] | None] = {}
        state = ReplayState(
            0,
            self.events[0],
            states,
            None,
            dict.fromkeys(self.nodes, 0),
            {},
            {},
            {},
            {},
            leaf_grads,
            [],
            {},
            buffers,
            sum(b.nbytes for b in self.buffers.values()),
            [],
            None,
            False,
            None,
        )
        self._checkpoints[0] = state
        return state

    def _advance(self, s: ReplayState, k: int) -> None:
        """Apply event ``k`` to ``s`` in place (``s`` must be the state after step k - 1 and
        must own its dicts and lists: a ``copy()``, never a state handed out)."""
        event = self.events[k]
        s.step = k
        s.event = event
        kind = event.get("type")
        nid = event.get("node_id")
        if kind == "node_started":
            nid = str(nid)  # the trace format gives node events their node_id
            if s.current_node is not None and s.node_states.get(s.current_node) == "running":
                s.node_states[s.current_node] = "done"
            s.current_node = nid
            s.node_states[nid] = "running"
            s.grads_in[nid] = list(event.get("grads_in", []))
            for nr, received in enumerate(s.grads_in[nid]):
                held = s.input_buffers.get((nid, nr))
                if held is not None:
                    s.input_buffers[(nid, nr)] = replace(held, received=received)
        elif kind == "node_finished":
            nid = str(nid)
            s.node_states[nid] = "done"
            s.grads_out[nid] = list(event.get("grads_out", []))
            edges = self.nodes.get(nid, {}).get("next") or []
            for position, grad in enumerate(event.get("grads_out", [])):
                target = grad.get("target")
                if not target:
                    continue
                slot = int(grad.get("index", position))
                edge = (nid, str(target), slot)
                s.edge_grads[edge] = grad.get("value")
                if grad.get("reduced_from") is not None:
                    s.reduced[edge] = list(grad["reduced_from"])
                output_nr = int(edges[slot][1]) if slot < len(edges) and edges[slot] else 0
                held = s.input_buffers.get((target, output_nr))
                arrived = Contribution(nid, slot, grad.get("value"))
                s.input_buffers[(target, output_nr)] = InputBuffer(
                    target, output_nr, (*(held.contributions if held else ()), arrived)
                )
                s.delivered[target] = s.delivered.get(target, 0) + 1
                info = self.nodes.get(target)
                if (
                    info is not None
                    and s.node_states.get(target) == "pending"
                    and s.delivered[target] >= info.get("dependencies", 0)
                ):
                    s.node_states[target] = "ready"
        elif kind == "grad_accumulated":
            tid = event["tensor_id"]
            s.leaf_grads[tid] = event.get("after")
            s.ledger.append(
                LedgerEntry(
                    tid,
                    "accumulate",
                    event.get("before"),
                    event.get("contribution"),
                    event.get("after"),
                    self.call_index,
                    k,
                    nid,
                )
            )
        elif kind == "grad_captured":
            s.captured[event["tensor_id"]] = event.get("value")
        elif kind == "buffer_freed":
            saved = (str(nid), event["attr"])
            if s.buffers.get(saved, False):
                s.buffers[saved] = False
                buf = self.buffers.get(saved)
                s.live_bytes -= buf.nbytes if buf is not None else int(event.get("nbytes", 0))
        elif kind == "hook_called":
            s.hooks.append(event)
        elif kind == "error_raised":
            s.error = event
            if nid is not None:
                s.node_states[nid] = "error"
                s.current_node = nid
        elif kind == "call_finished":
            s.finished = True
            s.ok = bool(event.get("ok"))
            if s.current_node is not None and s.node_states.get(s.current_node) == "running":
                s.node_states[s.current_node] = "done"


def find_freeing_call(traces: Sequence[Any], before: int, node_id: str) -> tuple[int, list[str]] | None:
    """The latest call before index ``before`` that freed saved buffers of ``node_id``.

    Used to explain "Trying to backward through the graph a second time": it points at the
    earlier backward whose cleanup freed what the failing node needed.
    """
    for i in range(min(before, len(traces)) - 1, -1, -1):
        attrs = [
            e["attr"]
            for e in as_trace_dict(traces[i]).get("events", [])
            if e.get("type") == "buffer_freed" and e.get("node_id") == node_id
        ]
        if attrs:
            return i, attrs
    return None


def vjp_view(trace: Any, node_id: str) -> dict[str, Any]:
    """What one node did: the grad that arrived, its local rule, and what it sent to each input."""
    data = as_trace_dict(trace)
    events = data.get("events", [])
    nodes = {n["node_id"]: n for n in events[0].get("nodes", [])} if events else {}
    info = nodes.get(node_id, {})
    name = info.get("name", "")
    upstream: list[Any] | None = None
    outputs: list[dict[str, Any]] = []
    accumulated: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    for event in events:
        if event.get("node_id") != node_id:
            continue
        kind = event.get("type")
        if kind == "node_started":
            upstream = list(event.get("grads_in", []))
            name = name or event.get("name", "")
        elif kind == "node_finished":
            for grad in event.get("grads_out", []):
                target = grad.get("target")
                outputs.append(
                    {
                        "index": grad.get("index"),
                        "target": target,
                        "target_name": short_name(nodes.get(target, {}).get("name", "")) if target else None,
                        "value": grad.get("value"),
                        "text": format_grad(grad.get("value")),
                        "reduced_from": grad.get("reduced_from"),
                        "reduced_to": (grad.get("value") or {}).get("shape") if grad.get("reduced_from") else None,
                    }
                )
        elif kind == "grad_accumulated":
            accumulated = {
                "tensor_id": event["tensor_id"],
                "before": event.get("before"),
                "contribution": event.get("contribution"),
                "after": event.get("after"),
            }
        elif kind == "error_raised":
            error = event
    return {
        "node_id": node_id,
        "name": short_name(name),
        "rule": local_rule(name),
        "upstream": upstream,
        "upstream_text": [format_grad(g) for g in upstream] if upstream is not None else None,
        "outputs": outputs,
        "accumulated": accumulated,
        "error": error,
        "ran": upstream is not None,
    }
