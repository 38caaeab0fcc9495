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

import networkx as nx

__all__ = ["Collapsed", "collapse", "collapse_chains", "contract"]


@dataclass
class Collapsed:
    """A quotient of ``original``: ``membership`` maps every original node to its group node."""

    original: nx.DiGraph
    membership: dict[Hashable, Hashable]
    graph: nx.DiGraph
    groups: dict[Hashable, list[Hashable]]   # group node -> original members (only real groups)

    def expand(self, group_ids: Iterable[Hashable]) -> Collapsed:
        """The same collapse with the given groups opened back into their members."""
        opened = set(group_ids)
        unknown = opened - set(self.groups)
        if unknown:
            raise KeyError(f"not a group: {sorted(map(repr, unknown))}")
        membership = {v: (v if g in opened else g) for v, g in self.membership.items()}
        return contract(self.original, membership)


def contract(graph: nx.DiGraph, membership: Mapping[Hashable, Hashable]) -> Collapsed:
    """Quotient graph: each group becomes one node with summed-up attributes.

    A group whose id is one of its own members keeps that member's attributes (an op with its
    inputs folded in still looks like the op); other groups are labelled by their size and end
    points and are as wide as their widest member.  Members are listed in data-flow order
    (topological, ties by id), so labels do not depend on how the graph was built.
    """
    members: dict[Hashable, list[Hashable]] = {}
    for v in _flow_order(graph):
        members.setdefault(membership.get(v, v), []).append(v)
    quotient = nx.DiGraph()
    groups: dict[Hashable, list[Hashable]] = {}
    for g, vs in members.items():
        if len(vs) == 1 and vs[0] == g:
            quotient.add_node(g, **graph.nodes[g])
            continue
        groups[g] = vs
        if g in graph.nodes:
            attrs = dict(graph.nodes[g])
            attrs["collapsed"] = len(vs)
        else:
            first, last = graph.nodes[vs[0]], graph.nodes[vs[-1]]
            label = f"{len(vs)} ops: {first.get('label', vs[0])} … {last.get('label', vs[-1])}"
            width = max(float(graph.nodes[v].get("width", 120.0)) for v in vs)
            attrs = {"kind": "group", "label": label, "width": width, "collapsed": len(vs)}
        quotient.add_node(g, **attrs)
    for u, v, data in graph.edges(data=True):
        gu, gv = membership.get(u, u), membership.get(v, v)
        if gu != gv and not quotient.has_edge(gu, gv):
            quotient.add_edge(gu, gv, **data)
    return Collapsed(graph, {v: membership.get(v, v) for v in graph.nodes}, quotient, groups)


def _flow_order(graph: nx.DiGraph) -> list[Hashable]:
    """Nodes in topological order with ties broken by id (plain id order if there is a cycle)."""
    def key(v: Hashable) -> tuple[int, str]:
        return (0, f"{v!r}") if not isinstance(v, str) else (1, v)

    if nx.is_directed_acyclic_graph(graph):
        return list(nx.lexicographical_topological_sort(graph, key=key))
    return sorted(graph.nodes, key=key)


def _absorb_inputs(graph: nx.DiGraph, max_size: int) -> dict[Hashable, Hashable]:
    """Membership folding each small input tree into its only consumer.

    A node "hangs" when it feeds exactly one consumer and everything upstream of it hangs too;
    the upstream tree of a hanging node (itself included) of at most ``max_size`` nodes joins the
    group of its consumer.  Computed in one topological pass, so no recursion.
    """
    order = list(nx.topological_sort(graph)) if nx.is_directed_acyclic_graph(graph) else []
    size: dict[Hashable, int] = {}
    for v in order:
        if graph.out_degree(v) != 1:
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


def _chains(graph: nx.DiGraph, min_length: int) -> list[list[Hashable]]:
    """Maximal runs v1 -> ... -> vk where each link is its tail's only out- and head's only in-edge."""
    nxt: dict[Hashable, Hashable] = {}
    has_prev: set[Hashable] = set()
    for v in graph.nodes:
        if graph.out_degree(v) == 1:
            (w,) = graph.successors(v)
            if w != v and graph.in_degree(w) == 1:
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


def _chain_id(graph: nx.DiGraph, chain: list[Hashable], taken: set[Hashable]) -> Hashable:
    base = f"{chain[0]}..{chain[-1]}"
    name, k = base, 1
    while name in graph.nodes or name in taken:
        k += 1
        name = f"{base}#{k}"
    taken.add(name)
    return name


def collapse_chains(graph: nx.DiGraph, min_length: int = 3) -> Collapsed:
    """Replace every non-branching run of at least ``min_length`` nodes by one group node."""
    if min_length < 2:
        raise ValueError("min_length must be at least 2")
    membership: dict[Hashable, Hashable] = {}
    taken: set[Hashable] = set()
    for chain in _chains(graph, min_length):
        gid = _chain_id(graph, chain, taken)
        for v in chain:
            membership[v] = gid
    return contract(graph, membership)


def collapse(graph: nx.DiGraph, min_length: int = 3, absorb: int = 3) -> Collapsed:
    """Fold input trees of up to ``absorb`` nodes into their consumers, then collapse chains.

    Folding first is what makes chains appear: ``MmBackward0`` with its weight's
    ``AccumulateGrad``/``TBackward0`` folded in has a single input left, like a unary op.
    """
    first = contract(graph, _absorb_inputs(graph, absorb)) if absorb > 0 else contract(graph, {})
    taken: set[Hashable] = set()
    membership = dict(first.membership)
    inverse: dict[Hashable, list[Hashable]] = {}
    for v, g in membership.items():
        inverse.setdefault(g, []).append(v)
    for chain in _chains(first.graph, max(2, min_length)):
        gid = _chain_id(graph, chain, taken)
        for g in chain:
            for v in inverse[g]:
                membership[v] = gid
    return contract(graph, membership)
