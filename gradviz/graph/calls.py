"""The graph one backward call ran on, cut out of its cell's snapshot.

A cell's snapshot holds every graph still reachable when the cell ended. A training loop's
detailed iterations (gradviz.runner.recording keeps the first and last few) all hang off the same
parameters, so drawn together they read as N losses with every weight fanning out to N
transposes. A call's ``call_started`` event lists the nodes of its graph task (the plan) by the
snapshot's own ids, so the call's graph is: those nodes, the tensors flowing into and out of its
ops, each AccumulateGrad's leaf (parameters stay one node each: ``model.0.weight`` is the same
tensor in every iteration) and the edges among them.

The numbers are the call's own where the snapshot's are not: a parameter's ``.grad`` is what it
held right after this call (its last ``grad_accumulated``), its value what it was when the call
started (``call_started.leaf_values``). A view of a parameter (``weight.t()``) shares its storage,
so after an optimizer step its snapshot value is the new one; for an earlier call that value is
unknown and left out rather than shown wrong.

Iterations are numbered as gradviz.backward.training numbers them (``Iteration.index``, shown
1-based), over the session's backward calls in order (``call_index``, what the player selects).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from gradviz.graph.summary import array_summary, json_number

if TYPE_CHECKING:
    import networkx as nx

    from gradviz.graph.layout.sugiyama import LayoutResult

__all__ = [
    "CallGraph",
    "CounterpartMemory",
    "call_node_ids",
    "call_subgraph",
    "carry_layout",
    "is_detailed",
    "nearest_detailed",
    "summary_of_grad",
]


def is_detailed(call: Mapping[str, Any]) -> bool:
    """Whether a call was recorded event by event (a long loop keeps most calls as summaries)."""
    if call.get("summarized"):
        return False
    events = call.get("events") or []
    return bool(events) and events[0].get("type") == "call_started"


def call_node_ids(call: Mapping[str, Any]) -> list[str] | None:
    """The ids of the nodes call ``call`` planned to run (its graph task), None without detail."""
    if not is_detailed(call):
        return None
    start = call["events"][0]
    return [str(info["node_id"]) for info in start.get("nodes") or [] if info.get("node_id") is not None]


def summary_of_grad(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A trace grad value (``{shape, dtype, min, max, mean, values?}``) as a snapshot ArraySummary.

    Values past the trace's listing limit are known only by their statistics: the summary then
    has no preview (the canvas draws no heatmap rather than a made-up one).
    """
    if value is None:
        return None
    shape = [int(s) for s in value.get("shape") or []]
    dtype = str(value.get("dtype") or "float32")
    if "values" in value:
        array = np.asarray(value["values"], dtype=np.float64).reshape(shape)
        summary = array_summary(array, dtype)
        return summary
    numel = int(np.prod(shape)) if shape else 1
    return {
        "shape": shape,
        "dtype": dtype,
        "numel": numel,
        "min": _number(value.get("min")),
        "max": _number(value.get("max")),
        "mean": _number(value.get("mean")),
        "preview": None,
        "truncated": True,
    }


def _number(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json_number(value)


@dataclass(frozen=True)
class CallGraph:
    """Call ``call_index``'s own graph (``snapshot``, node-link data), or why there is none.

    ``snapshot`` is None when the call was kept as a summary (``summarized``) or when the cell's
    snapshot no longer holds every node the call ran (``missing`` lists them): drawing part of a
    graph as if it were the call's would be wrong. A snapshot cut to a node budget
    (``graph.truncated``) is the exception: it says it is cut, so the call's part of it is drawn
    (and ``missing`` lists what the budget left out).
    """

    call_index: int
    snapshot: dict[str, Any] | None
    summarized: bool = False
    missing: tuple[str, ...] = ()


def call_subgraph(snapshot: Mapping[str, Any], call: Mapping[str, Any], call_index: int = 0) -> CallGraph:
    """The part of ``snapshot`` (node-link data, schema 3) that backward call ``call`` ran on.

    Kept: the call's planned nodes; for each op its input and output tensors, for each
    AccumulateGrad its leaf; the call's roots and ``inputs=`` tensors; every link between two
    kept nodes (both views). Node dicts are copies: per-call values never leak into ``snapshot``.
    """
    plan = call_node_ids(call)
    if plan is None:
        return CallGraph(call_index, None, summarized=True)
    nodes = {str(n.get("id")): n for n in snapshot.get("nodes", [])}
    missing = tuple(v for v in plan if v not in nodes)
    if missing and not (snapshot.get("graph") or {}).get("truncated"):
        return CallGraph(call_index, None, missing=missing)
    # A snapshot cut to a node budget says so (``graph.truncated``, its edge ops marked ``cut``):
    # the call's part of it is drawn the same way, and the cut carries over in the graph attributes.
    planned, plan = plan, [v for v in plan if v in nodes]
    start = call["events"][0]
    keep: dict[str, None] = dict.fromkeys(plan)  # ordered: the plan first, as the call ran it
    for v in plan:
        node = nodes[v]
        if node.get("kind") == "accumulate":
            _keep_tensor(keep, nodes, node.get("variable"))
            continue
        for tid in [*(node.get("inputs") or []), *(node.get("outputs") or [])]:
            _keep_tensor(keep, nodes, tid)
    for tid in [*(start.get("roots") or []), *(start.get("inputs") or [])]:
        _keep_tensor(keep, nodes, tid)
    kept_nodes = [dict(nodes[v]) for v in keep]
    _call_values(kept_nodes, call)
    _counterpart_keys(kept_nodes, planned)
    links = [dict(e) for e in snapshot.get("links", []) if e.get("source") in keep and e.get("target") in keep]
    graph = {
        **dict(snapshot.get("graph") or {}),
        "call": {"index": call_index, "call_id": call.get("call_id"), "nodes": len(planned)},
    }
    if isinstance(graph.get("modules"), list):
        graph["modules"] = _modules_of(graph["modules"], kept_nodes)
    out = {
        "directed": snapshot.get("directed", True),
        "multigraph": snapshot.get("multigraph", True),
        "graph": graph,
        "nodes": kept_nodes,
        "links": links,
    }
    return CallGraph(call_index, out, missing=missing)


def _counterpart_keys(kept: list[dict[str, Any]], plan: list[str]) -> None:
    """Give every node a ``counterpart`` key that names its place in the call, not its identity:
    the op at plan position 3 is ``#3`` and its first output ``#3:0`` in every iteration of a loop
    (each iteration runs the same plan); leaves and constants, the same tensors in every
    iteration, keep their id. carry_layout puts an iteration's nodes where the last one's stood."""
    position = {v: p for p, v in enumerate(plan)}
    by_id = {str(n["id"]): n for n in kept}
    for node in kept:
        node["counterpart"] = f"#{position[node['id']]}" if node["id"] in position else str(node["id"])
    for v, p in position.items():
        for nr, tid in enumerate((by_id.get(v) or {}).get("outputs") or []):
            if tid in by_id and by_id[tid].get("kind") == "tensor":
                by_id[tid]["counterpart"] = f"#{p}:{nr}"


def carry_layout(previous: LayoutResult, old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> LayoutResult | None:
    """``previous`` (the layout of graph ``old``) with each of ``old``'s nodes renamed to its
    counterpart in ``new`` (same ``counterpart`` attribute), for ``layout(new, previous=...)``.

    Stepping from one iteration to the next replaces every op and intermediate with a new node
    of the same place in the loop body; as counterparts they keep the previous picture's ranks,
    order and coordinates, so only the numbers change. Nodes without a counterpart keep their
    ids (a parameter is the same node in every iteration). A layout of one open box
    (gradviz.graph.compound_layout) also holds stand-ins named after drawn nodes (``("out",
    box, v)``, where an edge leaves the box for ``v``): they are renamed with the node they name,
    or the next iteration's edge would leave the box at a new place.

    Graphs without counterpart keys (two cells' graphs) return ``previous`` itself. When only one
    of the two is an iteration (an iteration after the merged graph of every iteration, or after
    another cell's graph), the old picture says nothing about where the new one's nodes belong:
    None, so the new graph is laid out afresh, the same picture whatever was drawn before it.
    """
    return _carry(previous, {v: d["counterpart"] for v, d in old.nodes(data=True) if "counterpart" in d}, new)


class CounterpartMemory:
    """The ``counterpart`` of every node drawn since the last graph that was no iteration, so a
    layout made several drawings ago still finds its nodes' counterparts: a box the learner
    closed while stepping through iterations, then opens again, or the drawing before an
    iteration kept only as a summary (nothing drawn). Node ids are never reused within a
    session, so ids of older iterations cannot be mistaken for the new one's."""

    def __init__(self) -> None:
        self._places: dict[Any, str] = {}

    def carry(self, previous: LayoutResult | None, new: nx.MultiDiGraph) -> LayoutResult | None:
        """carry_layout for ``previous``, a layout of any drawing since then."""
        return _carry(previous, self._places, new) if previous is not None else None

    def remember(self, drawn: nx.MultiDiGraph) -> None:
        """``drawn`` was laid out: its nodes' counterparts join the memory, or, when it is no
        iteration, the memory starts over (an iteration after it is laid out afresh anyway)."""
        places = {v: str(d["counterpart"]) for v, d in drawn.nodes(data=True) if "counterpart" in d}
        if any(place != v for v, place in places.items()):
            self._places.update(places)
        elif drawn.number_of_nodes():
            self._places.clear()


def _carry(previous: LayoutResult, places: Mapping[Any, str], new: nx.MultiDiGraph) -> LayoutResult | None:
    """carry_layout with the counterparts of ``previous``'s nodes looked up in ``places``."""
    # A box's stand-ins name drawn nodes too (("out", box, v)): look inside them.
    named = [x for v in previous.positions for x in (v if isinstance(v, tuple) else (v,))]
    theirs = {v: places[v] for v in named if v in places}
    ours = {str(d["counterpart"]): v for v, d in new.nodes(data=True) if "counterpart" in d}
    # An iteration has ops and intermediates whose place ("#3", "#3:0") is not their id; a
    # parameter's place is its own id, so a picture holding only parameters is no iteration.
    was_iteration = any(place != v for v, place in theirs.items())
    is_iteration = any(place != v for place, v in ours.items())
    if was_iteration != is_iteration:
        return None
    rename: dict[Any, Any] = {}
    for u, place in theirs.items():
        v = ours.get(place)
        if v is not None and u != v and u not in new and v not in previous.positions:
            rename[u] = v
    if not rename:
        return previous

    def to(v: Any) -> Any:
        if isinstance(v, tuple):  # a box's stand-in: ("box", group), ("in", box, u), ("out", box, v)
            return tuple(to(x) for x in v)
        return rename.get(v, v)

    return replace(
        previous,
        positions={to(v): p for v, p in previous.positions.items()},
        sizes={to(v): s for v, s in previous.sizes.items()},
        edge_points={
            tuple(to(x) if i < 2 else x for i, x in enumerate(k)): pts for k, pts in previous.edge_points.items()
        },
        ranks={to(v): r for v, r in previous.ranks.items()},
        order=[[to(v) for v in row] for row in previous.order],
    )


def _modules_of(modules: list[Any], kept: list[dict[str, Any]]) -> list[Any]:
    """The snapshot's module calls (``graph.modules``: ``{id, parent, ...}``) that made a kept
    node, with the calls around them (kept nodes' ``module`` follows the new ids): the other
    iterations' calls of the same modules would read as a loop of N steps in a graph of one."""
    by_id = {m.get("id"): m for m in modules if isinstance(m, dict)}
    wanted: set[Any] = set()
    for node in kept:
        module = node.get("module")
        while module is not None and module in by_id and module not in wanted:
            wanted.add(module)
            module = by_id[module].get("parent")
    # Renamed by their place in the forward pass ("mc0", "mc1", ...): every iteration calls the
    # same modules in the same order, so a module box keeps its id (its place on the canvas, and
    # whether the learner folded it) from one iteration to the next.
    kept_modules = [m for m in modules if isinstance(m, dict) and m.get("id") in wanted]
    rename = {m["id"]: f"mc{i}" for i, m in enumerate(kept_modules)}
    for node in kept:
        if node.get("module") in rename:
            node["module"] = rename[node["module"]]
    return [{**m, "id": rename[m["id"]], "parent": rename.get(m.get("parent"))} for m in kept_modules]


def _keep_tensor(keep: dict[str, None], nodes: Mapping[str, Mapping[str, Any]], tid: Any) -> None:
    if isinstance(tid, str) and tid in nodes:
        keep.setdefault(tid, None)


def _call_values(kept: list[dict[str, Any]], call: Mapping[str, Any]) -> None:
    """Replace the snapshot's end-of-cell numbers by call ``call``'s own, where they differ."""
    events = call.get("events") or []
    start = events[0]
    leaf_values: Mapping[str, Mapping[str, Any]] = start.get("leaf_values") or {}
    grads_after: dict[str, Any] = {}
    for event in events:
        if event.get("type") == "grad_accumulated":
            grads_after[str(event.get("tensor_id"))] = event.get("after")
    by_id = {str(n["id"]): n for n in kept}
    changed: dict[str, bool] = {}  # leaf id -> overwritten in place after this call started
    for tid, known in leaf_values.items():
        node = by_id.get(tid)
        if node is None:
            continue
        changed[tid] = node.get("version") != known.get("version")
        if changed[tid] and known.get("values") is not None:
            node["values"] = dict(known["values"])
            node["version"] = known.get("version")
            node["repr"] = None  # printed from the value it has now
    for tid, after in grads_after.items():
        node = by_id.get(tid)
        if node is not None and after is not None:
            node["grad"] = summary_of_grad(after)
            node["grad_none_reason"] = None
    # A view of a parameter (``weight.t()``) shares its storage: once the optimizer stepped, the
    # snapshot has the new numbers, which are not what this call ran with.
    for node in kept:
        base = _view_base(node, by_id) if node.get("kind") == "tensor" and node.get("is_view") else None
        if base is not None and changed.get(base):
            node["values"] = None
            node["repr"] = None
            node["version"] = leaf_values[base].get("version")  # a view shares its base's counter


def _view_base(view: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The id of the tensor ``view`` is (a chain of views) of, when it is among ``by_id``."""
    node: Mapping[str, Any] | None = view
    seen: set[str] = set()
    while node is not None and node.get("is_view"):
        key = str(node.get("id"))
        if key in seen:
            return None
        seen.add(key)
        producer = by_id.get(str(node.get("grad_fn")))
        inputs = (producer or {}).get("inputs") or []
        node = by_id.get(str(inputs[0])) if inputs else None
    return str(node.get("id")) if node is not None else None


def nearest_detailed(calls: Sequence[Mapping[str, Any]], index: int, among: Sequence[int] | None = None) -> int | None:
    """The detailed call closest to call ``index`` (the earlier one on a tie), None if none is.

    ``among``: the call indices to choose from (a loop's iterations); default every call.
    """
    candidates = range(len(calls)) if among is None else among
    best: int | None = None
    for i in candidates:
        if not 0 <= i < len(calls) or not is_detailed(calls[i]):
            continue
        if best is None or abs(i - index) < abs(best - index) or (abs(i - index) == abs(best - index) and i < best):
            best = i
    return best
