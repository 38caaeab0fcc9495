"""Training loops seen through their backward calls: iterations, the loss curve, and grads that
keep accumulating because ``optimizer.zero_grad()`` is never called.

A training loop shows up in the recorded backward calls as the same ``loss.backward()`` line
running again and again, so an iteration is one backward call from a line that ran more than
once. Everything here reads plain trace dicts (``BackwardTrace.to_dict()``), so the training view
can be computed and tested without Qt, long after the loss tensors themselves are gone: the loss
value comes from ``CallStarted.root_values``, recorded by the engine when the call started.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gradviz.backward.explain import Reason, render_from
from gradviz.backward.replay import as_trace_dict, format_contribution, format_grad
from gradviz.graph.calls import call_subgraph, is_detailed, nearest_detailed

__all__ = [
    "GROWTH_CODE",
    "TRAINING_TEXTS",
    "Accumulation",
    "GradGrowth",
    "Iteration",
    "IterationGraph",
    "TrainingLoop",
    "detect_iterations",
    "detect_loops",
    "finite_losses",
    "grad_growth",
    "growth_reason",
    "iteration_graph",
    "iteration_of_call",
    "render_training",
]

GROWTH_CODE = "grads_accumulate_across_iterations"

# The words, kept beside the logic because explain.py's table belongs to the why-None rules;
# fields follow Reason.params.
TRAINING_TEXTS: dict[str, dict[str, str]] = {
    GROWTH_CODE: {
        "en": "{name}.grad kept adding up: iterations {first}–{last} each added their gradient onto "
        "the previous ones ({ledger}), because optimizer.zero_grad() is never called. Every "
        "step() then follows the sum of old gradients instead of this iteration's. Call "
        "optimizer.zero_grad() at the start of each iteration.",
        "zh": "{name}.grad 一直在累加：第 {first}–{last} 次迭代的梯度都叠加到了之前的梯度上（{ledger}），"
        "因为从未调用 optimizer.zero_grad()。于是每次 step() 使用的是旧梯度之和，而不是本次迭代的梯度。"
        "请在每次迭代开始时调用 optimizer.zero_grad()。",
    },
}
_UNNAMED = {"en": "a parameter", "zh": "某个参数"}


@dataclass(frozen=True)
class Accumulation:
    """What one backward call did to one leaf's ``.grad``: first ``before``, last ``after``."""

    tensor_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    contribution: dict[str, Any] | None = None  # exact when the call accumulated once, else None


@dataclass(frozen=True)
class Iteration:
    """One pass of a training loop: one backward call from the loop's ``backward()`` line."""

    loop: int  # which loop of the session (0-based, in call order)
    index: int  # position within its loop (0-based)
    call_index: int  # position in the session's backward calls (what the player selects)
    call_id: int | None
    cell: int | None
    line: int | None
    loss: float | None  # the root's value when it is a scalar (the loss), else None
    root: str | None  # tensor id backward() started from
    grads: dict[str, Accumulation] = field(default_factory=dict, compare=False)
    # Kept as a light summary (gradviz.runner.recording): loss only, no grads to compare or replay.
    summarized: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class TrainingLoop:
    index: int
    cell: int | None
    line: int | None
    iterations: list[Iteration]

    @property
    def losses(self) -> list[float | None]:
        return [it.loss for it in self.iterations]

    @property
    def call_indices(self) -> list[int]:
        return [it.call_index for it in self.iterations]


@dataclass(frozen=True)
class GradGrowth:
    """A leaf whose ``.grad`` carried over between consecutive iterations ``first``..``last``."""

    tensor_id: str
    name: str | None
    loop: int
    first: int  # iteration index (0-based) whose grad the next ones added onto
    last: int
    befores: list[dict[str, Any] | None]  # .grad before each iteration first..last
    afters: list[dict[str, Any] | None]  # .grad after each of them
    contributions: list[dict[str, Any] | None]  # what each of those iterations added

    @property
    def iterations(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def ledger_texts(self) -> list[str]:
        """``None -> +-1.27 -> -1.27``, ``-1.27 -> +-1.052 -> -2.322``, ... one per iteration."""
        return [
            f"{format_grad(before)} -> {format_contribution(added) if added is not None else '+?'} -> "
            f"{format_grad(after)}"
            for before, added, after in zip(self.befores, self.contributions, self.afters)
        ]

    def reason(self) -> Reason:
        return growth_reason(self)


# -- finding the loops ---------------------------------------------------------------------------
def _site(call: Mapping[str, Any]) -> tuple[int | None, int | None]:
    cell, line = call.get("cell"), call.get("line")
    source = call.get("source") or {}
    return (cell if cell is not None else source.get("cell"), line if line is not None else source.get("line"))


def _loss(start: Mapping[str, Any]) -> float | None:
    values = start.get("root_values") or []
    if len(values) != 1 or values[0] is None:
        return None  # backward from several roots, or a non-scalar root: no single loss
    value = values[0]
    if isinstance(value, str):  # "nan" / "inf" as serialised by some writers
        try:
            return float(value)
        except ValueError:
            return None
    return float(value)


def _accumulations(events: Sequence[Mapping[str, Any]]) -> dict[str, Accumulation]:
    first_before: dict[str, dict[str, Any] | None] = {}
    last_after: dict[str, dict[str, Any] | None] = {}
    added: dict[str, dict[str, Any] | None] = {}
    for event in events:
        if event.get("type") != "grad_accumulated":
            continue
        tid = event["tensor_id"]
        if tid not in first_before:
            first_before[tid] = event.get("before")
            added[tid] = event.get("contribution")
        else:
            added[tid] = None  # several accumulations: the net change is after - before
        last_after[tid] = event.get("after")
    return {tid: Accumulation(tid, first_before[tid], last_after[tid], added[tid]) for tid in first_before}


def detect_loops(backward_calls: Sequence[Any], min_iterations: int = 2) -> list[TrainingLoop]:
    """The training loops among a session's backward calls, in call order.

    A loop is the calls made from one source line (same cell and line) that ran at least
    ``min_iterations`` times; calls from another *cell* in between end the loop (a later run of
    the same line is a new loop), while other lines of the same cell do not (a loop body may call
    backward() twice).
    """
    calls = [as_trace_dict(c) for c in backward_calls]
    runs: list[tuple[tuple[int | None, int | None], list[int]]] = []
    open_runs: dict[tuple[int | None, int | None], int] = {}  # site -> index into runs
    current_cell: object = object()
    for i, call in enumerate(calls):
        site = _site(call)
        if site[1] is None:
            continue
        if site[0] != current_cell:
            open_runs = {}
            current_cell = site[0]
        if site in open_runs:
            runs[open_runs[site]][1].append(i)
        else:
            open_runs[site] = len(runs)
            runs.append((site, [i]))
    loops: list[TrainingLoop] = []
    for site, members in runs:
        if len(members) < min_iterations:
            continue
        iterations = []
        for k, ci in enumerate(members):
            call = calls[ci]
            events = call.get("events") or []
            if call.get("summarized"):
                # Kept as a light summary (long loops): the loss and roots are there, the grads are not.
                start = call.get("summary") or {}
            else:
                start = events[0] if events and events[0].get("type") == "call_started" else {}
            roots = start.get("roots") or []
            iterations.append(
                Iteration(
                    len(loops),
                    k,
                    ci,
                    call.get("call_id"),
                    site[0],
                    site[1],
                    _loss(start),
                    roots[0] if len(roots) == 1 else None,
                    _accumulations(events),
                    bool(call.get("summarized")),
                )
            )
        loops.append(TrainingLoop(len(loops), site[0], site[1], iterations))
    return loops


def detect_iterations(backward_calls: Sequence[Any], min_iterations: int = 2) -> list[Iteration]:
    """Every iteration of every training loop, in call order (``Iteration.loop`` tells them apart)."""
    return [it for loop in detect_loops(backward_calls, min_iterations) for it in loop.iterations]


# -- grads that carry over between iterations ------------------------------------------------------
def _same_grad(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Equal grads by value; when a trace kept only a summary (big tensors), by shape and stats."""
    if a is None or b is None:
        return False
    if a.get("shape") != b.get("shape"):
        return False
    if "values" in a and "values" in b:
        return a["values"] == b["values"]
    return all(a.get(k) == b.get(k) for k in ("min", "max", "mean"))


def grad_growth(iterations: Sequence[Iteration], names: Mapping[str, str] | None = None) -> list[GradGrowth]:
    """Leaves whose ``.grad`` was never reset between consecutive iterations of a loop.

    Iteration i+1 accumulated onto iteration i's result when its first ``before`` is not None
    and equals the ``after`` iteration i left (``optimizer.zero_grad()`` would have made it None,
    or zeros). Each maximal run of such iterations (at least two) is one GradGrowth.
    """
    names = names or {}
    by_loop: dict[int, list[Iteration]] = {}
    for it in iterations:
        by_loop.setdefault(it.loop, []).append(it)
    found: list[GradGrowth] = []
    for loop, members in by_loop.items():
        members = sorted(members, key=lambda it: it.index)
        tensors: list[str] = []
        for it in members:
            tensors.extend(t for t in it.grads if t not in tensors)
        for tid in tensors:
            run: list[Iteration] = []
            for prev, it in itertools.pairwise(members):
                a, b = prev.grads.get(tid), it.grads.get(tid)
                carried = (
                    a is not None and b is not None and it.index == prev.index + 1 and _same_grad(b.before, a.after)
                )
                if carried:
                    run = run or [prev]
                    run.append(it)
                    continue
                if run:
                    found.append(_growth(tid, names.get(tid), loop, run))
                    run = []
            if run:
                found.append(_growth(tid, names.get(tid), loop, run))
    found.sort(key=lambda g: (g.loop, g.first, _name_order(g)))
    return found


def _name_order(growth: GradGrowth) -> str:
    return growth.name or "~" + growth.tensor_id


def _growth(tid: str, name: str | None, loop: int, run: list[Iteration]) -> GradGrowth:
    befores = [it.grads[tid].before for it in run]
    afters = [it.grads[tid].after for it in run]
    contributions = []
    for it in run:
        acc = it.grads[tid]
        exact = acc.contribution
        contributions.append(exact if exact is not None else _difference(acc.before, acc.after))
    return GradGrowth(tid, name, loop, run[0].index, run[-1].index, befores, afters, contributions)


def _difference(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What a call added to ``.grad`` (after - before), as a trace grad dict (values when known)."""
    if after is None:
        return None
    if before is None:
        return dict(after)
    a, b = after.get("values"), before.get("values")
    if a is None or b is None:
        return None
    return {"shape": after.get("shape"), "dtype": after.get("dtype"), "values": _subtract(a, b)}


def _subtract(a: Any, b: Any) -> Any:
    if isinstance(a, list):
        return [_subtract(x, y) for x, y in zip(a, b)]
    try:
        return float(a) - float(b)
    except (TypeError, ValueError):
        return "nan"


# -- words -----------------------------------------------------------------------------------------
def growth_reason(growth: GradGrowth, max_ledger: int = 4) -> Reason:
    """The growth as a Reason (1-based iteration numbers, as a learner counts)."""
    texts = growth.ledger_texts()
    shown = texts if len(texts) <= max_ledger else [*texts[: max_ledger - 1], "…", texts[-1]]
    return Reason(
        GROWTH_CODE,
        {
            "name": growth.name,
            "tensor_id": growth.tensor_id,
            "first": growth.first + 1,
            "last": growth.last + 1,
            "iterations": [i + 1 for i in growth.iterations],
            "ledger": "; ".join(shown),
            "after": format_grad(growth.afters[-1]),
        },
    )


def render_training(reason: Reason | Mapping[str, Any], lang: str = "en") -> str:
    """A training reason in English or Chinese ("zh_CN" is accepted, like explain.render)."""
    return render_from(TRAINING_TEXTS, _UNNAMED, reason, lang)


def finite_losses(iterations: Sequence[Iteration]) -> list[tuple[int, float]]:
    """(iteration index, loss) for the iterations whose loss is a finite number: what a curve plots."""
    return [(it.index, it.loss) for it in iterations if it.loss is not None and math.isfinite(it.loss)]


# -- one iteration's graph -------------------------------------------------------------------------
@dataclass(frozen=True)
class IterationGraph:
    """The graph iteration ``iteration`` (0-based) of loop ``loop`` ran on, or why it has none.

    ``snapshot`` (node-link data) is None when the iteration was kept as a summary or its graph is
    no longer in the cell's snapshot; ``nearest`` is then the closest iteration that has one.
    """

    loop: int
    iteration: int
    count: int  # iterations in the loop
    call_index: int
    snapshot: dict[str, Any] | None
    summarized: bool
    nearest: int | None  # iteration index with a graph, when this one has none


def iteration_of_call(loops: Sequence[TrainingLoop], call_index: int) -> tuple[TrainingLoop, Iteration] | None:
    """The loop and iteration whose backward call is ``call_index``, None if no loop made it."""
    for loop in loops:
        for it in loop.iterations:
            if it.call_index == call_index:
                return loop, it
    return None


def iteration_graph(
    snapshot: Mapping[str, Any] | None,
    backward_calls: Sequence[Any],
    call_index: int,
    loops: Sequence[TrainingLoop] | None = None,
) -> IterationGraph | None:
    """Call ``call_index``'s own graph when it is an iteration of a training loop, else None.

    ``snapshot`` is the graph of the cell that ran the loop; ``loops`` defaults to
    ``detect_loops(backward_calls)``. A lone call is not cut: its cell's whole graph also shows
    the tensors no gradient reached. Tensors the learner's names were bound to in the loop's
    latest iteration (``loss``) carry those names in every iteration, where the same line bound
    them then, so stepping through iterations shows the same picture with new numbers.
    """
    calls = [as_trace_dict(c) for c in backward_calls]
    found = iteration_of_call(detect_loops(calls) if loops is None else loops, call_index)
    if found is None or snapshot is None:
        return None
    loop, it = found
    members = loop.call_indices
    graph = call_subgraph(snapshot, calls[call_index], call_index)
    ids = {n.get("id") for n in snapshot.get("nodes", [])}
    if graph.snapshot is None:
        near_call = nearest_detailed(calls, call_index, [c for c in members if _has_graph(ids, calls[c])])
        nearest = members.index(near_call) if near_call is not None else None
        return IterationGraph(loop.index, it.index, len(members), call_index, None, graph.summarized, nearest)
    sub = graph.snapshot
    sub["graph"]["iteration"] = {"loop": loop.index, "index": it.index, "count": len(members)}
    reference = next((c for c in reversed(members) if c != call_index and _has_graph(ids, calls[c])), None)
    if reference is not None:
        _carry_names(sub, snapshot, calls[reference], calls[call_index])
    return IterationGraph(loop.index, it.index, len(members), call_index, sub, False, None)


def _has_graph(ids: set[Any], call: Mapping[str, Any]) -> bool:
    """Whether the snapshot whose node ids are ``ids`` holds every node ``call`` ran."""
    if not is_detailed(call):
        return False
    return all(info.get("node_id") in ids for info in call["events"][0].get("nodes") or [])


def _output_keys(nodes: Mapping[str, Mapping[str, Any]], call: Mapping[str, Any]) -> dict[tuple[int, int], str]:
    """(position in the call's plan, output number) -> tensor id, for the outputs of its ops."""
    keys: dict[tuple[int, int], str] = {}
    for position, info in enumerate(call["events"][0].get("nodes") or []):
        node = nodes.get(info.get("node_id")) or {}
        for nr, tid in enumerate(node.get("outputs") or []):
            keys[(position, nr)] = tid
    return keys


def _carry_names(
    sub: dict[str, Any], snapshot: Mapping[str, Any], reference: Mapping[str, Any], call: Mapping[str, Any]
) -> None:
    """Name ``sub``'s unnamed intermediates after their counterparts in the ``reference`` call.

    Counterparts are the same output of the op at the same position of the same plan (both calls
    ran the same loop body: the plans list the same op names in the same order); a plan that
    differs (a data-dependent branch) carries nothing over.
    """
    plan = [info.get("name") for info in call["events"][0].get("nodes") or []]
    if plan != [info.get("name") for info in reference["events"][0].get("nodes") or []]:
        return
    nodes = {n.get("id"): n for n in snapshot.get("nodes", [])}
    theirs = _output_keys(nodes, reference)
    ours = _output_keys(nodes, call)
    by_id = {n.get("id"): n for n in sub.get("nodes", [])}
    for key, tid in ours.items():
        node = by_id.get(tid)
        other = nodes.get(theirs.get(key))
        if node is None or other is None or node.get("name") or not other.get("name"):
            continue
        name = str(other["name"])
        label = str(node.get("label") or "")
        node["name"] = name
        node["names"] = [name]
        node["label"] = name + label[label.index("\n") :] if "\n" in label else name
