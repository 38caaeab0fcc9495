"""Smaller pictures of big autograd graphs: fold input trees and collapse chains into groups.

A 10,000-node training graph is mostly long runs of unary ops with parameters hanging off them
(leaf -> AccumulateGrad -> TBackward -> MmBackward).  ``collapse`` folds each small hanging input
tree into the op that consumes it, then replaces every run of at least ``min_length`` ops that
follow one another without branching by one group node.  The result remembers which original
nodes every group stands for, so the UI can expand groups on demand and lay out again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import networkx as nx

if TYPE_CHECKING:
    from gradviz.graph.grouping import Grouping

__all__ = ["Collapsed", "collapse", "collapse_chains", "contract", "fold_groups"]


@dataclass
class Collapsed:
    """A quotient of ``original``: ``membership`` maps every original node to its group node."""

    original: nx.DiGraph
    membership: dict[Hashable, Hashable]
    graph: nx.DiGraph
    groups: dict[Hashable, list[Hashable]]  # group node -> original members (only real groups)

    def expand(self, group_ids: Iterable[Hashable]) -> Collapsed:
        """The same collapse with the given groups opened back into their members."""
        opened = set(group_ids)
        unknown = opened - set(self.groups)
        if unknown:
            raise KeyError(f"not a group: {sorted(map(repr, unknown))}")
        membership = {v: (v if g in opened else g) for v, g in self.membership.items()}
        return contract(self.original, membership)


def contract(
    graph: nx.DiGraph,
    membership: Mapping[Hashable, Hashable],
    group_attrs: Mapping[Hashable, Mapping[str, Any]] | None = None,
) -> Collapsed:
    """Quotient graph: each group becomes one node with summed-up attributes.

    ``group_attrs`` gives named groups their own attributes (a module box's label and shapes).

    A group whose id is one of its own members keeps that member's attributes (an op with its
    inputs folded in still looks like the op); other groups are labelled by their size and end
    points and are as wide as their widest member.  Members are listed in data-flow order
    (topological, ties by id), so labels do not depend on how the graph was built.
    """
    members: dict[Hashable, list[Hashable]] = {}
    for v in _flow_order(graph):
        members.setdefault(membership.get(v, v), []).append(v)
    quotient: nx.DiGraph[Hashable] = nx.MultiDiGraph() if graph.is_multigraph() else nx.DiGraph()
    groups: dict[Hashable, list[Hashable]] = {}
    for g, vs in members.items():
        if len(vs) == 1 and vs[0] == g:
            quotient.add_node(g, **graph.nodes[g])
            continue
        groups[g] = vs
        if group_attrs is not None and g in group_attrs:
            width = max(float(graph.nodes[v].get("width", 120.0)) for v in vs)
            attrs = {"width": width, **group_attrs[g], "kind": "group", "collapsed": len(vs)}
        elif g in graph.nodes:
            attrs = dict(graph.nodes[g])
            attrs["collapsed"] = len(vs)
        else:
            label = _run_label(graph, vs)
            width = max(float(graph.nodes[v].get("width", 120.0)) for v in vs)
            attrs = {"kind": "group", "label": label, "width": width, "collapsed": len(vs)}
        quotient.add_node(g, **attrs)
    multi = graph.is_multigraph()
    edges: Iterable[tuple[Any, ...]] = (
        cast("nx.MultiDiGraph[Any]", graph).edges(keys=True, data=True) if multi else graph.edges(data=True)
    )
    for edge in edges:
        u, v, data = edge[0], edge[1], edge[-1]
        gu, gv = membership.get(u, u), membership.get(v, v)
        if gu == gv:
            continue
        if multi and gu == u and gv == v:  # between two nodes left as they are: every input slot
            quotient.add_edge(gu, gv, key=edge[2], **data)
        elif not quotient.has_edge(gu, gv):  # into or out of a group: one edge stands for the lot
            quotient.add_edge(gu, gv, **data)
    return Collapsed(graph, {v: membership.get(v, v) for v in graph.nodes}, quotient, groups)


def _short(data: Mapping[str, Any], fallback: Hashable) -> str:
    """An op's name without PyTorch's Backward suffix (``tanh``); another node's first label line."""
    if data.get("kind") == "group":
        return " ".join(str(data.get("label", fallback)).split())
    if data.get("kind") in ("op", "accumulate"):
        name = str(data.get("name", fallback)).rsplit("::", 1)[-1]
        for suffix in ("Backward0", "Backward1", "Backward"):
            if name.endswith(suffix):
                return name[: -len(suffix)].lower() or name
        return name
    return str(data.get("label", fallback)).split("\n", 1)[0]


def _run_label(graph: nx.DiGraph, members: list[Hashable]) -> str:
    """What a run of nodes does, by its ops: "12 ops: mul → … → tanh" (the tensors and constants
    between them would only say "(unnamed) [8]" and "0.1")."""
    ops = [v for v in members if graph.nodes[v].get("kind") != "tensor"]
    if not ops:
        first, last = graph.nodes[members[0]], graph.nodes[members[-1]]
        return f"{len(members)} nodes: {_short(first, members[0])} … {_short(last, members[-1])}"
    names = [_short(graph.nodes[v], v) for v in ops]
    if len(names) <= 3:
        return f"{len(ops)} ops: " + " → ".join(names)
    return f"{len(ops)} ops: {names[0]} → … → {names[-1]}"


def _flow_order(graph: nx.DiGraph) -> list[Hashable]:
    """Nodes in topological order with ties broken by id (plain id order if there is a cycle)."""

    def key(v: Hashable) -> tuple[int, str]:
        return (0, f"{v!r}") if not isinstance(v, str) else (1, v)

    if nx.is_directed_acyclic_graph(graph):
        return list(nx.lexicographical_topological_sort(graph, key=key))
    return sorted(graph.nodes, key=key)


def _absorb_inputs(
    graph: nx.DiGraph, max_size: int, keep: frozenset[Hashable] = frozenset()
) -> dict[Hashable, Hashable]:
    """Membership folding each small input tree into its only consumer.

    A node "hangs" when it feeds exactly one consumer and everything upstream of it hangs too;
    the upstream tree of a hanging node (itself included) of at most ``max_size`` nodes joins the
    group of its consumer.  Nodes in ``keep`` never hang (they stay visible on their own).
    Computed in one topological pass, so no recursion.
    """
    order = list(nx.topological_sort(graph)) if nx.is_directed_acyclic_graph(graph) else []
    size: dict[Hashable, int] = {}
    for v in order:
        if graph.out_degree(v) != 1 or v in keep:
            continue
        preds = list(graph.predecessors(v))
        if all(p in size for p in preds):
            total = 1 + sum(size[p] for p in preds)
            if total <= max_size:
                size[v] = total
    membership: dict[Hashable, Hashable] = {}
    for v in reversed(order):
        if v in size:
            (w,) = graph.successors(v)
            membership[v] = membership.get(w, w)
    return membership


def _chains(graph: nx.DiGraph, min_length: int, shared: frozenset[Hashable] = frozenset()) -> list[list[Hashable]]:
    """Maximal runs v1 -> ... -> vk where each link is its tail's only out- and head's only in-edge.

    Edges out of ``shared`` nodes (inputs feeding many ops, like an RNN's weight) are not counted
    as in-edges: ``h @ W`` still continues the run through ``h``.
    """
    nxt: dict[Hashable, Hashable] = {}
    has_prev: set[Hashable] = set()
    for v in graph.nodes:
        if graph.out_degree(v) == 1 and v not in shared:
            (w,) = graph.successors(v)
            if w != v and sum(1 for u in graph.predecessors(w) if u not in shared) == 1:
                nxt[v] = w
                has_prev.add(w)
    chains: list[list[Hashable]] = []
    for v in graph.nodes:
        if v in nxt and v not in has_prev:
            chain = [v]
            while chain[-1] in nxt:
                chain.append(nxt[chain[-1]])
            if len(chain) >= min_length:
                chains.append(chain)
    return chains


def _split_at(chain: list[Hashable], keep: frozenset[Hashable]) -> list[list[Hashable]]:
    """The runs of ``chain`` between kept nodes (a kept node belongs to no run)."""
    runs: list[list[Hashable]] = [[]]
    for v in chain:
        if v in keep:
            runs.append([])
        else:
            runs[-1].append(v)
    return [r for r in runs if r]


def _chain_id(graph: nx.DiGraph, chain: list[Hashable], taken: set[Hashable]) -> Hashable:
    base = f"{chain[0]}..{chain[-1]}"
    name, k = base, 1
    while name in graph.nodes or name in taken:
        k += 1
        name = f"{base}#{k}"
    taken.add(name)
    return name


def collapse_chains(graph: nx.DiGraph, min_length: int = 3, keep: Iterable[Hashable] = ()) -> Collapsed:
    """Replace every non-branching run of at least ``min_length`` nodes by one group node;
    nodes in ``keep`` stay visible and split the runs they sit in."""
    if min_length < 2:
        raise ValueError("min_length must be at least 2")
    kept = frozenset(keep)
    membership: dict[Hashable, Hashable] = {}
    taken: set[Hashable] = set()
    runs = [r for c in _chains(graph, min_length) for r in _split_at(c, kept)]
    for chain in (r for r in runs if len(r) >= min_length):
        gid = _chain_id(graph, chain, taken)
        for v in chain:
            membership[v] = gid
    return contract(graph, membership)


def collapse(graph: nx.DiGraph, min_length: int = 3, absorb: int = 3, keep: Iterable[Hashable] = ()) -> Collapsed:
    """Fold input trees of up to ``absorb`` nodes into their consumers, then collapse chains.

    Folding first is what makes chains appear: ``MmBackward0`` with its weight's
    ``AccumulateGrad``/``TBackward0`` folded in has a single input left, like a unary op.
    Nodes in ``keep`` (named tensors, leaves, the loss) are never folded into another node nor
    swallowed by a chain group: they stay on screen and split the chains around them, so a long
    training graph reads as "x -> 200 ops -> h100 -> 200 ops -> ... -> loss" rather than one box.
    """
    kept = frozenset(keep)
    first = contract(graph, _absorb_inputs(graph, absorb, kept)) if absorb > 0 else contract(graph, {})
    taken: set[Hashable] = set()
    membership = dict(first.membership)
    inverse: dict[Hashable, list[Hashable]] = {}
    for v, g in membership.items():
        inverse.setdefault(g, []).append(v)
    # A group id of the first pass stands for a kept node only when it is that node itself
    # (kept nodes are never folded into others), so splitting at kept ids is enough.
    # Sources feeding several ops (shared weights and biases of a recurrent or repeated block)
    # stay visible on their own and do not break the runs they feed.
    q = first.graph
    shared = frozenset(v for v in q.nodes if q.in_degree(v) == 0 and q.out_degree(v) >= 2)
    runs = [r for c in _chains(q, max(2, min_length), shared) for r in _split_at(c, kept)]
    for chain in (r for r in runs if len(r) >= max(2, min_length)):
        gid = _chain_id(graph, chain, taken)
        for g in chain:
            for v in inverse[g]:
                membership[v] = gid
    return contract(graph, membership)


def fold_groups(
    graph: nx.DiGraph, grouping: Grouping, collapsed: Iterable[str], full: nx.DiGraph | None = None
) -> Collapsed:
    """``graph`` with every collapsed group of ``grouping`` (gradviz.graph.grouping) drawn as one
    node: a module box ("Linear(4, 16)", in and out shapes) or a folded loop ("300 x tanh(...)").
    Shapes are read from ``full`` (the snapshot graph with both views), default ``graph``."""
    from gradviz.graph.grouping import boundary_shapes

    membership = grouping.fold(graph.nodes, collapsed)
    source = full if full is not None else graph
    attrs: dict[Hashable, dict[str, Any]] = {}
    for gid in set(membership.values()):
        group = grouping.groups[gid]
        ins, outs = boundary_shapes(grouping, source, gid)  # type: ignore[arg-type]
        attrs[gid] = {
            "group_kind": group.kind,
            "label": group.label,
            "path": group.path,
            "count": group.count,
            "inputs_shapes": ins,
            "outputs_shapes": outs,
        }
    return contract(graph, membership, attrs)
