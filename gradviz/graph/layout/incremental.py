"""Incremental layout: lay out a grown graph so that the old picture stays where it was.

The whole graph is treated as one unit.  Old nodes ask for their old rank (``repair_ranks`` only
pushes one down when an edge would point upwards), keep their left-to-right order (they are sorted
by their old coordinate, new nodes slot in at the mean coordinate of their neighbours) and keep
their coordinates unless a new node needs the room (``anchored_placement``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradviz.graph.layout.coord import anchored_placement
from gradviz.graph.layout.measure import polyline_at, rank_levels
from gradviz.graph.layout.order import Layered, initial_order, layered_crossings
from gradviz.graph.layout.rank import repair_ranks, topological_order

if TYPE_CHECKING:
    from gradviz.graph.layout.sugiyama import LayoutResult, _Part, _Prepared

__all__ = ["incremental_parts"]

# How strongly an old node resists moving, relative to a new node's wish to sit by its neighbours.
OLD_NODE_WEIGHT = 20.0
OLD_BEND_WEIGHT = 4.0


def incremental_parts(
    prep: _Prepared, along: list[float], node_gap: float, previous: LayoutResult
) -> tuple[list[_Part], list[int]]:
    from gradviz.graph.layout.sugiyama import _build_layered, _Part, layered_sizes

    n = len(prep.nodes)
    axis = 0 if previous.direction == "TB" else 1
    succ: list[list[int]] = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    for u, v in prep.edges:
        succ[u].append(v)
        pred[v].append(u)
    topo = topological_order(n, succ, pred)
    wanted = [previous.ranks.get(v) for v in prep.nodes]
    ranks = repair_ranks(n, succ, pred, topo, wanted)
    low = min(ranks)
    ranks = [r - low for r in ranks]
    members = list(range(n))
    edge_ids = list(range(len(prep.edges)))
    lay, chains = _build_layered(members, edge_ids, prep, ranks)

    anchor: list[float | None] = [None] * lay.n
    weight = [1.0] * lay.n
    for g, node in enumerate(prep.nodes):
        position = previous.positions.get(node)
        if position is not None:
            anchor[g] = position[axis]
            weight[g] = OLD_NODE_WEIGHT
    # A dummy keeps where the old route crossed its rank, if the edge spanned the same ranks.
    old_levels = rank_levels(previous) if previous.ranks else None
    for e, chain in enumerate(chains):
        pair = prep.originals[e]
        line = previous.edge_points.get(pair)
        if line is None and pair in prep.keys:  # a MultiDiGraph: the first parallel edge's route
            line = previous.edge_points.get((*pair, prep.keys[pair][0]))
        inner = chain[1:-1]
        top = previous.ranks.get(prep.nodes[prep.edges[e][0]])
        bottom = previous.ranks.get(prep.nodes[prep.edges[e][1]])
        if not line or not inner or old_levels is None or top is None or bottom is None:
            continue
        if bottom - top - 1 != len(inner):
            continue
        for k, d in enumerate(inner):
            crossing = polyline_at(line, float(old_levels[top + 1 + k]), 1 - axis)
            if crossing is not None:
                anchor[d] = crossing
                weight[d] = OLD_BEND_WEIGHT

    # Wishes of new items: the mean old coordinate of their neighbours, spread by two sweeps.
    rows = _rows_by_rank(lay)
    key: list[float | None] = list(anchor)
    for _ in range(2):
        for sweep, nbs in ((rows, lay.upper), (rows[::-1], lay.lower)):
            for row in sweep:
                for v in row:
                    if anchor[v] is None:
                        known = [k for k in (key[u] for u in nbs[v]) if k is not None]
                        if known:
                            key[v] = sum(known) / len(known)
    tiebreak = [0] * lay.n
    for row in initial_order(lay, from_sinks=True):
        for i, v in enumerate(row):
            tiebreak[v] = i
    size = layered_sizes(members, edge_ids, chains, lay.n, prep, along)
    right_end = max((k + size[v] for v, k in enumerate(key) if k is not None), default=0.0)
    layers: list[list[int]] = []
    desired: list[float] = [0.0] * lay.n
    for row in rows:
        old = sorted((v for v in row if anchor[v] is not None), key=lambda v: (anchor[v], tiebreak[v]))
        new = [v for v in row if anchor[v] is None]
        for v in new:
            # Follow an upper neighbour placed in this pass, else the spread wish, else the far right.
            above = [desired[u] for u in lay.upper[v]]
            if above:
                key[v] = sum(above) / len(above)
            elif key[v] is None:
                right_end += size[v] + node_gap
                key[v] = right_end
        new.sort(key=lambda v: (key[v], tiebreak[v]))
        layers.append(_insert_into_gaps(old, new, anchor, key, size, node_gap, lay.n_real, desired))
    x = anchored_placement(layers, size, node_gap, node_gap / 2.0, desired, weight, lay.n_real)
    part = _Part(members, edge_ids, lay, chains, layers, x, layered_crossings(lay, layers))
    return [part], ranks


def _known(coordinate: float | None) -> float:
    """A coordinate the caller has set: old items have anchors, new ones have keys by now."""
    if coordinate is None:
        raise ValueError("a row item has no coordinate")
    return coordinate


def _insert_into_gaps(
    old: list[int],
    new: list[int],
    anchor: list[float | None],
    key: list[float | None],
    size: list[float],
    node_gap: float,
    n_real: int,
    desired: list[float],
) -> list[int]:
    """Merge new items into a row of old ones, each into the gap where it displaces least.

    A gap between two old items has room for new items of total extent up to its free width.  A
    new item goes to the gap with the least cost: the distance from its wish to the gap, plus the
    width it would overflow (which the old neighbours would have to make room for).  Its desired
    coordinate becomes its wish clamped into the gap.
    """

    def gap_after(v: int) -> float:
        return node_gap if v < n_real else node_gap / 2.0

    at = {v: _known(anchor[v]) for v in old}
    bounds: list[tuple[float, float]] = []
    inf = float("inf")
    for j in range(len(old) + 1):
        lo = -inf if j == 0 else at[old[j - 1]] + size[old[j - 1]] / 2 + gap_after(old[j - 1])
        hi = inf if j == len(old) else at[old[j]] - size[old[j]] / 2 - gap_after(old[j])
        bounds.append((lo, hi))
    room = [hi - lo for lo, hi in bounds]
    slots: list[list[int]] = [[] for _ in bounds]
    for v in new:
        want = _known(key[v])
        need = size[v] + gap_after(v)
        best_j, best_cost = 0, inf
        for j, (lo, hi) in enumerate(bounds):
            distance = max(lo - want, want - hi, 0.0)
            cost = distance + max(0.0, need - room[j]) * 4.0
            if cost < best_cost:
                best_j, best_cost = j, cost
        lo, hi = bounds[best_j]
        room[best_j] -= need
        half = size[v] / 2
        desired[v] = min(max(want, lo + half), hi - half) if hi - lo >= size[v] else (lo + hi) / 2
        slots[best_j].append(v)
    for v in old:
        desired[v] = at[v]
    row: list[int] = []
    for j, slot in enumerate(slots):
        slot.sort(key=lambda v: desired[v])
        row.extend(slot)
        if j < len(old):
            row.append(old[j])
    return row


def _rows_by_rank(lay: Layered) -> list[list[int]]:
    """Nodes grouped by rank in index order (the order the key sweeps visit them)."""
    rows: list[list[int]] = [[] for _ in range(max(lay.rank) + 1)]
    for v, r in enumerate(lay.rank):
        rows[r].append(v)
    return rows
