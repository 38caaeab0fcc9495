"""Crossings of a drawn layered graph, counted from its coordinates (ours or Graphviz's)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from gradviz.graph.layout.order import count_layered_crossings
from gradviz.graph.layout.result import LayoutResult, Point

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["count_crossings", "polyline_at", "rank_levels"]


def rank_levels(result: LayoutResult) -> np.ndarray:
    """Rank-axis coordinate of every rank: the result's ``levels`` when it has them, else the mean
    coordinate of each rank's nodes, ranks without nodes interpolated."""
    axis = 1 if result.direction == "TB" else 0
    max_rank = max(result.ranks.values(), default=-1)
    if len(result.levels) == max_rank + 1:
        return np.asarray(result.levels, dtype=float)
    sums = np.zeros(max_rank + 1)
    counts = np.zeros(max_rank + 1)
    for v, r in result.ranks.items():
        sums[r] += result.positions[v][axis]
        counts[r] += 1
    have = counts > 0
    idx = np.arange(max_rank + 1)
    return np.interp(idx, idx[have], sums[have] / counts[have])


def polyline_at(line: list[Point], level: float, axis: int) -> float | None:
    """Coordinate across ``axis`` where the polyline first meets ``axis == level``."""
    for (x1, y1), (x2, y2) in itertools.pairwise(line):
        a1, a2 = (y1, y2) if axis == 1 else (x1, x2)
        b1, b2 = (x1, x2) if axis == 1 else (y1, y2)
        lo, hi = min(a1, a2), max(a1, a2)
        if lo <= level <= hi:
            if a1 == a2:
                return b1
            return b1 + (b2 - b1) * (level - a1) / (a2 - a1)
    return None


def count_crossings(graph: nx.DiGraph, result: LayoutResult) -> int:
    """Edge crossings of a drawn layered graph, from its coordinates alone.

    Each rank's level is the result's ``levels`` when it has them, else the mean rank-axis
    coordinate of the rank's nodes, ranks without nodes interpolated (right when ranks are evenly
    spaced; our own drawings carry their levels, since a rank holding only bends is thinner).
    An edge is cut at every level it spans: at its endpoints' ranks by the node centres, in
    between by its polyline.  Consecutive cuts form segments between adjacent levels,
    and crossing segments are counted with the BJM accumulator tree; segments that share an end
    never count.  The same code counts any layered drawing (e.g. Graphviz's) given ranks,
    positions and polylines.
    """
    axis = 1 if result.direction == "TB" else 0
    ranks = result.ranks
    if not ranks:
        return 0
    level = rank_levels(result)
    seg_layer: list[int] = []
    seg_top: list[float] = []
    seg_bottom: list[float] = []
    other = 1 - axis
    multi = graph.is_multigraph()
    edges: Iterable[tuple[Any, ...]] = cast("nx.MultiDiGraph[Any]", graph).edges(keys=True) if multi else graph.edges()
    for edge in edges:
        u, v = edge[0], edge[1]
        if u == v or u not in ranks or v not in ranks:
            continue
        ru, rv = ranks[u], ranks[v]
        if ru == rv:
            continue
        a, b = (u, v) if ru < rv else (v, u)
        ra, rb = min(ru, rv), max(ru, rv)
        line = result.edge_points.get(tuple(edge), [])
        cuts = [result.positions[a][other]]
        for r in range(ra + 1, rb):
            c = polyline_at(line, float(level[r]), axis) if line else None
            if c is None:
                # No polyline across this level: interpolate between the endpoint centres.
                t = (r - ra) / (rb - ra)
                c = result.positions[a][other] * (1 - t) + result.positions[b][other] * t
            cuts.append(c)
        cuts.append(result.positions[b][other])
        for k in range(rb - ra):
            seg_layer.append(ra + k)
            seg_top.append(cuts[k])
            seg_bottom.append(cuts[k + 1])
    if len(seg_layer) < 2:
        return 0
    values = np.array(seg_top + seg_bottom)
    _, dense = np.unique(values, return_inverse=True)
    m = len(seg_layer)
    return count_layered_crossings(
        np.array(seg_layer, dtype=np.int64), dense[:m].astype(np.int64), dense[m:].astype(np.int64)
    )
