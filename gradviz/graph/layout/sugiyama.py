"""Layered (Sugiyama) layout of autograd graphs: ``networkx.(Multi)DiGraph`` -> positions and polylines.

A pure function of the graph: nodes are put in a canonical order derived from their ids (never
from hash or insertion order), then each weakly connected component goes through

1. cycle breaking (``layout_rank``) and ranks by network simplex (``layout_simplex``): the least
   total edge length, with edges that will run in a bundle cheaper to stretch;
2. dummy nodes on long edges, bundled where they share an end, and crossing minimisation
   (``layout_order``);
3. Brandes–Köpf coordinates that respect every node's real size (``layout_coord``);
4. edge routes that cross each rank's band straight, so they pass through no node (``layout_routing``);

and components are set side by side.  With ``previous`` the old picture anchors the new one:
old nodes keep their ranks, their order within a rank and, as far as the new nodes allow, their
positions.  Everything is iterative, so 10,000-node chains are fine.

Optional node attribute ``rank_group``: sources with the same key share a rank (``layout_hint``).

A MultiDiGraph's parallel edges (``y * y``: one edge per input slot) are laid out as one route and
then drawn as distinct curves, fanned out side by side; their polylines are keyed ``(u, v, key)``.
"""

from __future__ import annotations

import gc
import itertools
import random
import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradviz.graph.layout.coord import brandes_koepf, fold_light_inputs, upstream_weights
from gradviz.graph.layout.hint import align_group_sources, gather_group_rows
from gradviz.graph.layout.measure import count_crossings
from gradviz.graph.layout.order import (
    Layered,
    initial_order,
    layered_crossings,
    minimise_crossings,
)
from gradviz.graph.layout.rank import acyclic_edges
from gradviz.graph.layout.result import LayoutResult
from gradviz.graph.layout.routing import assemble, parallel_room
from gradviz.graph.layout.simplex import optimal_ranks

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["DEFAULT_HEIGHT", "DEFAULT_WIDTH", "LayoutResult", "count_crossings", "layout", "layout_records"]

DEFAULT_WIDTH = 120.0
DEFAULT_HEIGHT = 40.0


def _canonical_key(node: Hashable) -> tuple[int, Any, str]:
    """A total order on ids of mixed types that does not depend on how the graph was built."""
    if isinstance(node, (int, float)):
        return (0, node, "")
    if isinstance(node, str):
        return (1, 0, node)
    return (2, 0, f"{type(node).__name__}:{node!r}")


def _positive(value: Any, name: str, default: float) -> float:
    if value is None:
        return default
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"node attribute {name!r} must be a number, got {value!r}") from None
    if not (out > 0 and np.isfinite(out)):
        raise ValueError(f"node attribute {name!r} must be a positive finite number, got {value!r}")
    return out


@dataclass
class _Prepared:
    nodes: list[Hashable]
    width: list[float]
    height: list[float]
    edges: list[tuple[int, int]]  # acyclic orientation
    reversed_flags: list[bool]
    originals: list[tuple[Hashable, Hashable]]
    slots: list[float]
    loops: list[Hashable]
    rank_groups: list[Hashable | None] = field(default_factory=list)  # optional hint, see layout_hint
    # (u, v) -> the keys of its parallel edges, for a MultiDiGraph (empty for a DiGraph)
    keys: dict[tuple[Hashable, Hashable], list[Hashable]] = field(default_factory=dict)
    loop_keys: dict[Hashable, list[Hashable]] = field(default_factory=dict)


def _prepare(graph: nx.DiGraph) -> _Prepared:
    multi = graph.is_multigraph()
    edges: Iterable[tuple[Hashable, Hashable, Hashable, Mapping[str, Any]]] = (
        cast("nx.MultiDiGraph[Any]", graph).edges(keys=True, data=True)
        if multi
        else ((u, v, None, d) for u, v, d in graph.edges(data=True))
    )
    return _prepare_records(graph.nodes(data=True), edges, multi)


def _prepare_records(
    node_items: Iterable[tuple[Hashable, Mapping[str, Any]]],
    edges: Iterable[tuple[Hashable, Hashable, Hashable, Mapping[str, Any]]],
    multi: bool,
) -> _Prepared:
    attrs = dict(node_items)
    nodes = sorted(attrs, key=_canonical_key)
    index = {v: i for i, v in enumerate(nodes)}
    width = [_positive(attrs[v].get("width"), "width", DEFAULT_WIDTH) for v in nodes]
    height = [_positive(attrs[v].get("height"), "height", DEFAULT_HEIGHT) for v in nodes]
    raw: list[tuple[int, int, float, Hashable, Hashable]] = []
    loops: list[Hashable] = []
    keys: dict[tuple[Hashable, Hashable], list[Hashable]] = {}
    loop_keys: dict[Hashable, list[Hashable]] = {}
    for u, v, key, data in edges:
        if u == v:
            if u not in loop_keys:
                loops.append(u)
            loop_keys.setdefault(u, []).append(key)
            continue
        slot = data.get("index")
        slot_key = float(slot) if isinstance(slot, (int, float)) else 0.0
        known = keys.get((u, v))
        if known is not None:  # a parallel edge: one route for the pair, fanned out when drawn
            known.append(key)
            continue
        keys[(u, v)] = [key]
        raw.append((index[u], index[v], slot_key, u, v))
    raw.sort(key=lambda e: (e[0], e[1]))
    loops.sort(key=_canonical_key)
    edges_, flags = acyclic_edges(len(nodes), [(a, b) for a, b, _, _, _ in raw])
    groups = [attrs[v].get("rank_group") for v in nodes]
    if multi:
        for ks in (*keys.values(), *loop_keys.values()):
            ks.sort(key=_canonical_key)
    return _Prepared(
        nodes,
        width,
        height,
        edges_,
        flags,
        [(u, v) for _, _, _, u, v in raw],
        [e[2] for e in raw],
        loops,
        groups if any(g is not None for g in groups) else [],
        keys if multi else {},
        loop_keys if multi else {},
    )


def _components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    groups: dict[int, list[int]] = {}
    for v in range(n):
        groups.setdefault(find(v), []).append(v)
    return [groups[k] for k in sorted(groups)]


@dataclass
class _Part:
    """One laid-out unit (a component, or the whole graph in incremental mode), local indices."""

    members: list[int]  # global node indices, local index = position here
    edge_ids: list[int]  # indices into _Prepared.edges
    lay: Layered
    chains: list[list[int]]  # per edge: local node path through dummies
    layers: list[list[int]] = field(default_factory=list)
    x: list[float] = field(default_factory=list)
    crossings: int = 0


def _build_layered(
    members: list[int], edge_ids: list[int], prep: _Prepared, rank_of: Sequence[int], bundle: bool = True
) -> tuple[Layered, list[list[int]]]:
    """Proper layered graph: long edges run through dummy nodes, one per rank crossed.

    Long edges that share an end run as one bundle: a node whose output is consumed at many
    depths (a recurrent weight, a shared gain) sends one line down through the ranks from which
    each consumer branches off where it sits, and a node fed from many depths (a loss that sums a
    weight-decay term per parameter) collects its inputs on one line that runs up to the
    shallowest of them.  An edge that could join both bundles joins the one with more edges.
    Without bundles the dummies grow as the sum of the edges' spans (millions on a deep graph
    whose parameters are used at every depth); with them, as the deepest span per bundle.
    Every segment records how many edges it carries, so crossings are counted per edge.
    ``rank_of`` is indexed like ``members``; ``bundle=False`` routes every long edge on its own.
    """
    local = {g: i for i, g in enumerate(members)}
    n_real = len(members)
    rank = list(rank_of)
    upper_keyed: list[list[tuple[float, int, int]]] = [[] for _ in range(n_real)]
    lower: list[list[int]] = [[] for _ in range(n_real)]
    ends = [(local[prep.edges[e][0]], local[prep.edges[e][1]]) for e in edge_ids]
    long_out = [0] * n_real
    long_in = [0] * n_real
    for a, b in ends:
        if bundle and rank[b] - rank[a] > 1:
            long_out[a] += 1
            long_in[b] += 1

    def dummy(r: int) -> int:
        rank.append(r)
        upper_keyed.append([])
        lower.append([])
        return len(rank) - 1

    down_bus: dict[int, list[int]] = {}  # source -> its dummies, rank[source] + 1 downwards
    up_bus: dict[int, list[int]] = {}  # target -> its dummies, rank[target] - 1 upwards
    down_last: dict[int, list[int]] = {}  # per bus: how many of its edges leave it at each dummy
    up_last: dict[int, list[int]] = {}
    chains: list[list[int]] = []
    extra: dict[tuple[int, int], int] = {}  # segments of parallel edges: how many they carry
    for e, (a, b) in zip(edge_ids, ends):
        slot = prep.slots[e]
        span = rank[b] - rank[a]
        carried = len(prep.keys[prep.originals[e]]) if prep.keys else 1
        if span > 1 and long_out[a] > 1 and long_out[a] >= long_in[b]:
            bus = down_bus.setdefault(a, [])
            while len(bus) < span - 1:
                d = dummy(rank[a] + 1 + len(bus))
                prev = bus[-1] if bus else a
                upper_keyed[d].append((slot, a, prev))
                lower[prev].append(d)
                bus.append(d)
            last = down_last.setdefault(a, [])
            last.extend([0] * (len(bus) - len(last)))
            last[span - 2] += carried
            path = [a, *bus[: span - 1], b]
            upper_keyed[b].append((slot, a, path[-2]))
            lower[path[-2]].append(b)
        elif span > 1 and long_in[b] > 1:
            bus = up_bus.setdefault(b, [])
            while len(bus) < span - 1:
                d = dummy(rank[b] - 1 - len(bus))
                below = bus[-1] if bus else b
                upper_keyed[below].append((slot, a, d))
                lower[d].append(below)
                bus.append(d)
            last = up_last.setdefault(b, [])
            last.extend([0] * (len(bus) - len(last)))
            last[span - 2] += carried
            top = bus[span - 2]
            path = [a, *reversed(bus[: span - 1]), b]
            upper_keyed[top].append((slot, a, a))
            lower[a].append(top)
        else:
            path = [a]
            prev = a
            for r in range(rank[a] + 1, rank[b]):
                d = dummy(r)
                upper_keyed[d].append((slot, a, prev))
                lower[prev].append(d)
                path.append(d)
                prev = d
            upper_keyed[b].append((slot, a, prev))
            lower[prev].append(b)
            path.append(b)
        if carried > 1:
            # Parallel edges share one route: segments of their own carry all of them (the
            # shared segments of a bus count them in ``through``).
            if span > 1 and long_out[a] > 1 and long_out[a] >= long_in[b]:
                extra[(path[-2], b)] = carried
            elif span > 1 and long_in[b] > 1:
                extra[(a, path[1])] = carried
            else:
                for seg in itertools.pairwise(path):
                    extra[seg] = carried
        chains.append(path)
    upper = [[w for _, _, w in sorted(keyed)] for keyed in upper_keyed]
    # Edges through each bus dummy: an edge of span s passes the first s - 1 dummies of its bus.
    through = [1] * len(rank)
    down_dummy = [False] * len(rank)
    up_dummy = [False] * len(rank)
    for buses, ending_here, mark in ((down_bus, down_last, down_dummy), (up_bus, up_last, up_dummy)):
        for end, bus in buses.items():
            passing = 0
            for i in range(len(bus) - 1, -1, -1):
                passing += ending_here[end][i]
                through[bus[i]] = passing
                mark[bus[i]] = True
    lower_weight = [
        [through[w] if down_dummy[w] else through[v] if up_dummy[v] else extra.get((v, w), 1) for w in row]
        for v, row in enumerate(lower)
    ]
    return Layered(n_real=n_real, rank=rank, upper=upper, lower=lower, lower_weight=lower_weight), chains


def _effort(n: int) -> tuple[int, int, int]:
    """(iterations, patience, transpose passes) for ``n`` layered nodes (dummies included).

    Crossing reduction is the costly step; beyond a few thousand nodes the later iterations
    rarely pay, so the budget shrinks to keep 10,000-node graphs within about a second.
    """
    if n <= 4000:
        return 24, 8, 6
    if n <= 15000:
        return 12, 4, 3
    return 6, 3, 2


# Size limits (real plus dummy nodes, each long edge routed on its own under dot's ranking) that
# choose how a component is ranked and routed; see _layout_component.
UNBUNDLED_LIMIT = 40_000  # ordering 36,000 layered nodes costs about 0.4 s
UNBUNDLED_RATIO = 2.5  # ... and at most this many times the bundled layered graph
PORTFOLIO_LIMIT = 1500
BUNDLE_PLAIN_LIMIT = 100_000
SIFT_LIMIT = 20_000
# An edge out of a node with this many consumers, or into one with this many inputs, will share
# its dummies with the others in a bundle, so its length costs less.
BUNDLE_DEGREE = 3
BUNDLED_WEIGHT = 1
SINGLE_WEIGHT = 3


def _bundle_weights(n: int, tails: list[int], heads: list[int]) -> list[int]:
    """Edge weights for ranking: an edge that will run in a bundle is cheaper to stretch than
    one that needs dummies of its own, so ranking keeps the latter short first (an ``x @ w``
    whose ``x`` and ``w`` feed every step sits by the step that uses it, not by ``x``)."""
    out_degree = [0] * n
    in_degree = [0] * n
    for a, b in zip(tails, heads):
        out_degree[a] += 1
        in_degree[b] += 1
    return [
        BUNDLED_WEIGHT if out_degree[a] >= BUNDLE_DEGREE or in_degree[b] >= BUNDLE_DEGREE else SINGLE_WEIGHT
        for a, b in zip(tails, heads)
    ]


def _layout_component(
    members: list[int], edge_ids: list[int], prep: _Prepared, along: list[float], node_gap: float
) -> _Part:
    local = {g: i for i, g in enumerate(members)}
    m = len(members)
    pred: list[list[int]] = [[] for _ in range(m)]
    tails = [local[prep.edges[e][0]] for e in edge_ids]
    heads = [local[prep.edges[e][1]] for e in edge_ids]
    for a, b in zip(tails, heads):
        pred[b].append(a)
    # Ranks as dot ranks them (least total edge length), long edges in bundles; on graphs where
    # the dummy nodes would still be huge, edges that will be bundled are made cheaper to
    # stretch when ranking, so that the edges routed on their own stay short.
    weighted = optimal_ranks(m, tails, heads, _bundle_weights(m, tails, heads))
    if _unbundled_size(m, tails, heads, weighted) > BUNDLE_PLAIN_LIMIT:
        part = _ordered_part(members, edge_ids, prep, pred, weighted, True)
    else:
        plain = optimal_ranks(m, tails, heads)
        unbundled = _unbundled_size(m, tails, heads, plain)
        part = _ordered_part(members, edge_ids, prep, pred, plain, True)
        # Bundles save dummies but may cost crossings: when routing every edge on its own is
        # affordable, it is tried too.  A small graph also tries the other ranking.
        if part.crossings and unbundled <= min(UNBUNDLED_LIMIT, UNBUNDLED_RATIO * part.lay.n):
            other = _ordered_part(members, edge_ids, prep, pred, plain, False)
            if other.crossings < part.crossings:
                part = other
        if part.crossings and unbundled <= PORTFOLIO_LIMIT and weighted != plain:
            for bundle in (True, False):
                other = _ordered_part(members, edge_ids, prep, pred, weighted, bundle)
                if other.crossings < part.crossings:
                    part = other
    if prep.rank_groups:
        part.layers, moved = gather_group_rows(part.layers, [prep.rank_groups[g] for g in members])
        if moved:
            part.crossings = layered_crossings(part.lay, part.layers)
    lay = part.lay
    size = layered_sizes(members, edge_ids, part.chains, lay.n, prep, along)
    feed = upstream_weights(lay, part.layers)
    part.x = brandes_koepf(lay, part.layers, size, node_gap, node_gap / 2.0, feed)
    part.x = fold_light_inputs(lay, part.layers, part.x, size, node_gap, node_gap / 2.0, feed)
    return part


def layered_sizes(
    members: list[int],
    edge_ids: list[int],
    chains: list[list[int]],
    n_layered: int,
    prep: _Prepared,
    along: list[float],
) -> list[float]:
    """Extent along the ranks of every layered node: real nodes their box, dummies nothing,
    except dummies of parallel edges, which are drawn fanned out and need the room."""
    size = [along[g] for g in members] + [0.0] * (n_layered - len(members))
    if prep.keys:
        for chain, e in zip(chains, edge_ids):
            count = len(prep.keys[prep.originals[e]])
            if count > 1:
                room = parallel_room(count)
                for d in chain[1:-1]:
                    size[d] = max(size[d], room)
    return size


def _unbundled_size(m: int, tails: list[int], heads: list[int], ranks: list[int]) -> int:
    """Nodes of the layered graph when every long edge gets dummies of its own."""
    return m + sum(max(ranks[b] - ranks[a] - 1, 0) for a, b in zip(tails, heads))


def _ordered_part(
    members: list[int], edge_ids: list[int], prep: _Prepared, pred: list[list[int]], ranks: list[int], bundle: bool
) -> _Part:
    """Layered graph for the given ranks, rows ordered for few crossings."""
    m = len(members)
    if prep.rank_groups:
        ranks = align_group_sources(ranks, [prep.rank_groups[g] for g in members], pred)
    lay, chains = _build_layered(members, edge_ids, prep, ranks, bundle)
    part = _Part(members, edge_ids, lay, chains)
    if m == 1:
        part.layers = [[0]]
        return part
    iters, patience, tpasses = _effort(lay.n)
    starts = [initial_order(lay, from_sinks=True)]
    if lay.n <= 4000:
        starts.append(initial_order(lay, from_sinks=False))
    # Sifting polishes rows in quadratic time; on the largest graphs it buys about 1% fewer
    # crossings for a third of the ordering time.
    sift_rounds = 3 if lay.n <= SIFT_LIMIT else 0
    part.layers, part.crossings = minimise_crossings(lay, starts, iters, patience, tpasses, sift_rounds)
    # Small graphs can afford a few restarts from shuffled rows (seeded, so deterministic):
    # sweeps from the depth-first orders sometimes settle in a poor local optimum.
    restarts = 4 if lay.n <= 1000 else 2 if lay.n <= 2000 else 0
    if part.crossings and restarts:
        shuffled_starts = []
        for k in range(restarts):
            rng = random.Random(k)
            shuffled = [list(row) for row in starts[0]]
            for row in shuffled:
                rng.shuffle(row)
            shuffled_starts.append(shuffled)
        layers, crossings = minimise_crossings(lay, shuffled_starts, 12, 4, 3)
        if crossings < part.crossings:
            part.layers, part.crossings = layers, crossings
    return part


def layout(
    graph: nx.DiGraph,
    *,
    direction: str = "TB",
    node_gap: float = 30,
    rank_gap: float = 60,
    previous: LayoutResult | None = None,
) -> LayoutResult:
    """Lay out ``graph`` (edges in data-flow direction) in layers, inputs first.

    ``direction`` "TB" stacks ranks top to bottom, "LR" left to right.  ``previous``, a result of
    an earlier call on a smaller or similar graph, keeps the old picture stable.
    """
    if direction not in ("TB", "LR"):
        raise ValueError(f"direction must be 'TB' or 'LR', got {direction!r}")
    if not (node_gap >= 0 and rank_gap >= 0):
        raise ValueError("node_gap and rank_gap must be non-negative")
    # A networkx graph means networkx is loaded: the check needs no import of its own.
    networkx = sys.modules.get("networkx")
    if networkx is None or not isinstance(graph, networkx.DiGraph):
        raise TypeError("layout() needs a networkx.DiGraph or MultiDiGraph")
    return _layout_prepared(_prepare(graph), direction, node_gap, rank_gap, previous)


def layout_records(
    nodes: Iterable[tuple[Hashable, Mapping[str, Any]]],
    edges: Iterable[tuple[Hashable, Hashable, Hashable, Mapping[str, Any]]],
    *,
    multigraph: bool,
    direction: str = "TB",
    node_gap: float = 30,
    rank_gap: float = 60,
) -> LayoutResult:
    """``layout`` of a graph given as records, without networkx (``gradviz layout`` starts faster).

    ``nodes`` are (id, attributes) and ``edges`` (source, target, key, attributes); a
    ``multigraph``'s polylines are keyed (u, v, key), otherwise (u, v) and the key is ignored."""
    if direction not in ("TB", "LR"):
        raise ValueError(f"direction must be 'TB' or 'LR', got {direction!r}")
    if not (node_gap >= 0 and rank_gap >= 0):
        raise ValueError("node_gap and rank_gap must be non-negative")
    records = ((u, v, key if multigraph else None, data) for u, v, key, data in edges)
    return _layout_prepared(_prepare_records(nodes, records, multigraph), direction, node_gap, rank_gap, None)


def _layout_prepared(
    prep: _Prepared, direction: str, node_gap: float, rank_gap: float, previous: LayoutResult | None
) -> LayoutResult:
    # The layout allocates millions of small lists and tuples and no reference cycles; the cyclic
    # collector's scans of them would cost a fifth of the time on a 10,000-node graph.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _layout_uncollected(prep, direction, node_gap, rank_gap, previous)
    finally:
        if collecting:
            gc.enable()


def _layout_uncollected(
    prep: _Prepared, direction: str, node_gap: float, rank_gap: float, previous: LayoutResult | None
) -> LayoutResult:
    n = len(prep.nodes)
    tb = direction == "TB"
    along = prep.width if tb else prep.height  # extent within a rank
    across = prep.height if tb else prep.width  # extent along the rank axis
    if previous is not None and previous.direction == direction and n and previous.positions:
        from gradviz.graph.layout.incremental import incremental_parts

        parts, ranks = incremental_parts(prep, along, node_gap, previous)
    else:
        parts, ranks = _fresh_parts(prep, along, node_gap)
    return assemble(prep, parts, ranks, along, across, tb, node_gap, rank_gap, previous)


def _fresh_parts(prep: _Prepared, along: list[float], node_gap: float) -> tuple[list[_Part], list[int]]:
    n = len(prep.nodes)
    comps = _components(n, prep.edges)
    comp_of = [0] * n
    for c, members in enumerate(comps):
        for g in members:
            comp_of[g] = c
    comp_edges: list[list[int]] = [[] for _ in comps]
    for e, (u, _) in enumerate(prep.edges):
        comp_edges[comp_of[u]].append(e)
    parts = [_layout_component(members, comp_edges[c], prep, along, node_gap) for c, members in enumerate(comps)]
    ranks = [0] * n
    for part in parts:
        for i, g in enumerate(part.members):
            ranks[g] = part.lay.rank[i]
    # Side by side: shift each component right of the previous one.
    offset = 0.0
    for part in parts:
        size = [along[g] for g in part.members]
        right = max(part.x[i] + size[i] / 2 for i in range(len(part.members)))
        for i, dx in enumerate(part.x):
            part.x[i] = dx + offset
        dummy_right = max(part.x[len(part.members) :], default=offset)
        offset = max(right + offset, dummy_right) + node_gap
    return parts, ranks
