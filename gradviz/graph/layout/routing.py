"""Edge routes and the finished drawing of a layered layout.

Every rank is a *band* as thick as its thickest node; nodes sit centred on the band's level.  An
edge never crosses a band except straight along the rank axis: it leaves its source through the
bottom side (right of flow: the right side), runs on to the band's edge if the source is thinner
than the band, passes every rank it spans as a straight piece at its dummy node's coordinate,
and enters its target the same way.  The slanted pieces all lie in the gaps between bands, where
no node is, and within a band a dummy keeps at least the dummy gap from every box of its row, so
no segment passes through a node that is not its end.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from gradviz.graph.layout.result import LayoutResult, Point

if TYPE_CHECKING:
    from gradviz.graph.layout.sugiyama import _Part, _Prepared

__all__ = ["PARALLEL_GAP", "SIMPLIFY_FROM", "assemble", "fanned", "parallel_room"]

PARALLEL_GAP = 24.0  # distance between neighbouring parallel edges at their widest
# Routes through more dummies than this drop the points of their straight runs (incremental
# layout reads a route where it crosses each rank, so it needs no point per dummy).
SIMPLIFY_FROM = 16


def parallel_room(count: int) -> float:
    """Width a dummy needs for ``count`` parallel edges fanned out through it."""
    return (count - 1) * PARALLEL_GAP


def _exit(a: float, r: float, half_a: float, half_r: float, to_a: float, to_r: float) -> float:
    """Where the ray from a box centre towards (to_a, to_r), further along the rank axis, meets
    the box's far side; clamped to the side, so a flat ray leaves at the corner."""
    reach = (to_a - a) * half_r / (to_r - r) if to_r > r else 0.0
    return a + min(max(reach, -half_a), half_a)


def _middle(
    ids: Sequence[int], xs: Sequence[float], rank: Sequence[int], top: list[float], bottom: list[float]
) -> list[Point]:
    """Points of a route through the dummies ``ids``: straight through each band it crosses."""
    out: list[Point] = []
    for d in ids:
        a, r = xs[d], rank[d]
        out.append((a, top[r]))
        if bottom[r] != top[r]:
            out.append((a, bottom[r]))
    return out


def _middles_simplified(
    chains: list[list[int]], xs: np.ndarray, rank: np.ndarray, top: np.ndarray, bottom: np.ndarray
) -> list[list[Point]]:
    """``_middle`` of long routes (whole chains, ends included), keeping only the points where
    they turn; all routes at once."""
    if not chains:
        return []
    lengths = np.fromiter(map(len, chains), dtype=np.int64, count=len(chains))
    ids = np.fromiter(itertools.chain.from_iterable(chains), dtype=np.int64, count=int(lengths.sum()))
    which = np.repeat(np.arange(len(chains)), lengths)
    start = np.cumsum(lengths) - lengths
    index = np.arange(len(ids)) - start[which]
    cx = xs[ids]
    inner = (index > 0) & (index < lengths[which] - 1)
    turn = np.zeros(len(ids), dtype=bool)
    turn[1:-1] = (cx[:-2] != cx[1:-1]) | (cx[1:-1] != cx[2:])
    kept = np.flatnonzero(turn & inner)
    owner = np.repeat(which[kept], 2)
    a = np.repeat(cx[kept], 2)
    r = np.empty(2 * len(kept))
    r[0::2] = top[rank[ids[kept]]]
    r[1::2] = bottom[rank[ids[kept]]]
    # Of three points of one route on one straight piece along the rank axis, the middle one goes;
    # so does a point repeating the one before (a band of no thickness).
    keep = np.ones(len(a), dtype=bool)
    if len(a) > 2:
        same_route = (owner[:-2] == owner[1:-1]) & (owner[1:-1] == owner[2:])
        keep[1:-1] = ~same_route | (a[:-2] != a[1:-1]) | (a[1:-1] != a[2:])
    if len(a) > 1:
        keep[1:] &= (owner[1:] != owner[:-1]) | (a[1:] != a[:-1]) | (r[1:] != r[:-1])
    owner, points = owner[keep], list(zip(a[keep].tolist(), r[keep].tolist()))
    bounds = np.searchsorted(owner, np.arange(len(chains) + 1)).tolist()
    return [points[bounds[c] : bounds[c + 1]] for c in range(len(chains))]


def assemble(
    prep: _Prepared,
    parts: list[_Part],
    ranks: list[int],
    along: list[float],
    across: list[float],
    tb: bool,
    node_gap: float,
    rank_gap: float,
    previous: LayoutResult | None,
) -> LayoutResult:
    """Coordinates of nodes, routes of edges and the bounding box, from the parts' orders and
    coordinates along the ranks."""
    n = len(prep.nodes)
    max_rank = max(ranks, default=-1)
    if n == 0:
        return LayoutResult({}, {}, {}, {}, [], 0.0, 0.0, "TB" if tb else "LR")
    thick = [0.0] * (max_rank + 1)
    for g in range(n):
        if across[g] > thick[ranks[g]]:
            thick[ranks[g]] = across[g]
    level = [0.0] * (max_rank + 1)
    cursor = 0.0
    for r in range(max_rank + 1):
        level[r] = cursor + thick[r] / 2
        cursor += thick[r] + rank_gap
    a_pos = [0.0] * n
    for part in parts:
        for i, g in enumerate(part.members):
            a_pos[g] = part.x[i]
    shift_r = 0.0
    if previous is not None and previous.direction == ("TB" if tb else "LR"):
        moved = [
            previous.positions[v][1 if tb else 0] - level[ranks[g]]
            for g, v in enumerate(prep.nodes)
            if v in previous.positions
        ]
        if moved:
            shift_r = float(np.median(moved))
    # The frame: ``a`` along the ranks, ``r`` along the rank axis.  Its bounding box is known
    # before any route is drawn (a route stays within its ends' boxes, its dummies and the
    # bands), so routes are drawn shifted to the drawing's origin straight away.
    a_lo = min(a_pos[g] - along[g] / 2 for g in range(n))
    a_hi = max(a_pos[g] + along[g] / 2 for g in range(n))
    for part in parts:
        dummies = part.x[len(part.members) :]
        if dummies:
            a_lo, a_hi = min(a_lo, min(dummies)), max(a_hi, max(dummies))
    r_lo = min(level[ranks[g]] - across[g] / 2 for g in range(n)) + shift_r
    r_hi = max(level[ranks[g]] + across[g] / 2 for g in range(n)) + shift_r
    loops = _loops(prep, a_pos, [level[r] + shift_r for r in ranks], tb, node_gap)
    for loop in loops.values():
        for x, y in loop:
            pa, pr = (x, y) if tb else (y, x)
            a_lo, a_hi, r_lo, r_hi = min(a_lo, pa), max(a_hi, pa), min(r_lo, pr), max(r_hi, pr)
    fans = {pair: keys for pair, keys in prep.keys.items() if len(keys) > 1}
    if previous is None:
        off_a, off_r = a_lo, r_lo  # a fresh drawing starts at the origin
    else:
        off_a = off_r = 0.0
    top = [level[r] - thick[r] / 2 + shift_r - off_r for r in range(max_rank + 1)]
    bottom = [level[r] + thick[r] / 2 + shift_r - off_r for r in range(max_rank + 1)]
    centre = [level[r] + shift_r - off_r for r in range(max_rank + 1)]
    node_a = [x - off_a for x in a_pos]
    node_r = [centre[r] for r in ranks]
    edge_points: dict[tuple[Hashable, ...], list[Point]] = {}
    fan_lo, fan_hi = float("inf"), float("-inf")
    for part in parts:
        xs = [x - off_a for x in part.x]
        lay_rank = part.lay.rank
        long_routes = [c for c, chain in enumerate(part.chains) if len(chain) - 2 > SIMPLIFY_FROM]
        simplified = dict(
            zip(
                long_routes,
                _middles_simplified(
                    [part.chains[c] for c in long_routes],
                    np.asarray(xs),
                    np.asarray(lay_rank),
                    np.asarray(top),
                    np.asarray(bottom),
                ),
            )
        )
        for c, (chain, e) in enumerate(zip(part.chains, part.edge_ids)):
            u, v = prep.edges[e]
            au, ru, av, rv = node_a[u], node_r[u], node_a[v], node_r[v]
            ra, rb = ranks[u], ranks[v]
            if len(chain) > 2:
                d1, d2 = chain[1], chain[-2]
                first, last = (xs[d1], top[lay_rank[d1]]), (xs[d2], bottom[lay_rank[d2]])
            else:
                first, last = (av, rv), (au, ru)
            sa = _exit(au, ru, along[u] / 2, across[u] / 2, *first)
            ea = _exit(av, -rv, along[v] / 2, across[v] / 2, last[0], -last[1])
            head = [(sa, ru + across[u] / 2)]
            if across[u] < thick[ra]:
                head.append((sa, bottom[ra]))
            tail = [(ea, rv - across[v] / 2)]
            if across[v] < thick[rb]:
                tail.insert(0, (ea, top[rb]))
            middle = simplified[c] if c in simplified else _middle(chain[1:-1], xs, lay_rank, top, bottom)
            pair = prep.originals[e]
            keys = fans.get(pair)
            if keys is None:
                line = [*head, *middle, *tail]
                if prep.reversed_flags[e]:
                    line.reverse()
                if prep.keys:
                    edge_points[(*pair, prep.keys[pair][0])] = line if tb else [(r, a) for a, r in line]
                else:
                    edge_points[pair] = line if tb else [(r, a) for a, r in line]
                continue
            for j, key in enumerate(keys):
                line = fanned(head, middle, tail, j, len(keys))
                fan_lo = min(fan_lo, min(a for a, _ in line))
                fan_hi = max(fan_hi, max(a for a, _ in line))
                if prep.reversed_flags[e]:
                    line.reverse()
                edge_points[(*pair, key)] = line if tb else [(r, a) for a, r in line]
    if previous is None:
        dx, dy = (off_a, off_r) if tb else (off_r, off_a)
        loops = {k: [(x - dx, y - dy) for x, y in line] for k, line in loops.items()}
    edge_points.update(loops)
    # Parallel edges fanned out past the outermost node or dummy widen the drawing (rare: the
    # room their dummies were given usually holds them).
    a_hi = max(a_hi, fan_hi + off_a)
    if fan_lo + off_a < a_lo:
        a_lo = fan_lo + off_a
        if previous is None:
            push = off_a - a_lo
            node_a = [a + push for a in node_a]
            edge_points = {
                k: [(a + push, r) for a, r in line] if tb else [(r, a + push) for r, a in line]
                for k, line in edge_points.items()
            }
            a_lo, a_hi = a_lo + push, a_hi + push
    positions: dict[Hashable, Point] = {}
    sizes: dict[Hashable, Point] = {}
    for g, node in enumerate(prep.nodes):
        positions[node] = (node_a[g], node_r[g]) if tb else (node_r[g], node_a[g])
        sizes[node] = (prep.width[g], prep.height[g])
    order: list[list[Hashable]] = [[] for _ in range(max_rank + 1)]
    for part in parts:
        for row in part.layers:
            for k in row:
                if k < part.lay.n_real:
                    order[part.lay.rank[k]].append(prep.nodes[part.members[k]])
    a0, r0 = a_lo - off_a, r_lo - off_r
    extent_a, extent_r = a_hi - a_lo, r_hi - r_lo
    return LayoutResult(
        positions=positions,
        sizes=sizes,
        edge_points=edge_points,
        ranks={v: ranks[g] for g, v in enumerate(prep.nodes)},
        order=order,
        width=extent_a if tb else extent_r,
        height=extent_r if tb else extent_a,
        direction="TB" if tb else "LR",
        origin=(a0, r0) if tb else (r0, a0),
        crossings=sum(p.crossings for p in parts),
        levels=centre,
    )


def _loops(
    prep: _Prepared, a_pos: list[float], r_pos: list[float], tb: bool, node_gap: float
) -> dict[tuple[Hashable, ...], list[Point]]:
    """Self-loops, in screen coordinates before the drawing is moved to its origin: a small
    rectangle off the node's right side, one more step out per parallel loop."""
    out: dict[tuple[Hashable, ...], list[Point]] = {}
    index = {v: g for g, v in enumerate(prep.nodes)} if prep.loops else {}
    for v in prep.loops:
        g = index[v]
        x, y = (a_pos[g], r_pos[g]) if tb else (r_pos[g], a_pos[g])
        w, h = prep.width[g], prep.height[g]
        for j, key in enumerate(prep.loop_keys.get(v, [None])):
            reach = max(12.0, node_gap / 2) + j * PARALLEL_GAP / 2
            loop = [
                (x + w / 2, y - h / 4),
                (x + w / 2 + reach, y - h / 4),
                (x + w / 2 + reach, y + h / 4),
                (x + w / 2, y + h / 4),
            ]
            out[(v, v, key) if prep.keys or prep.loop_keys else (v, v)] = loop
    return out


def fanned(head: list[Point], middle: list[Point], tail: list[Point], j: int, count: int) -> list[Point]:
    """Parallel edge ``j`` of ``count`` sharing one route, in the frame (across the flow first):
    shifted across the flow so the edges bow apart in the middle and meet the nodes a little
    apart (their arrowheads stay distinct).  One edge keeps the route as it is."""
    if count == 1:
        return [*head, *middle, *tail]
    offset = (j - (count - 1) / 2) * PARALLEL_GAP
    if not middle:  # adjacent ranks: bend through the middle of the gap
        (a1, r1), (a2, r2) = head[-1], tail[0]
        middle = [((a1 + a2) / 2, (r1 + r2) / 2)]
    end = offset / 3
    return [
        *((a + end, r) for a, r in head),
        *((a + offset, r) for a, r in middle),
        *((a + end, r) for a, r in tail),
    ]
