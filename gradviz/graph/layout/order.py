"""Crossing minimisation for the layered layout.

The proper layered graph (every edge spans one rank, long edges run through dummy nodes) is
ordered by alternating median and barycenter sweeps with adjacent transpositions, keeping the
best order seen.  Crossings are counted with the Barth–Jünger–Mutzel accumulator tree, evaluated
level by level with numpy so one call counts all layer pairs in O(E log V) vectorised work.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gradviz.graph.layout.flat import Adjacency, Rows

__all__ = ["Layered", "count_layered_crossings", "initial_order", "layered_crossings", "minimise_crossings"]


@dataclass
class Layered:
    """A proper layered graph over integer nodes; nodes ``>= n_real`` are dummies."""

    n_real: int
    rank: list[int]
    upper: list[list[int]]  # neighbours one rank above, in input-slot preference order
    lower: list[list[int]]  # neighbours one rank below
    lower_weight: list[list[int]] | None = None  # edges carried by each lower segment (default 1)
    layers: list[list[int]] = field(default_factory=list)
    single_up: list[int] | None = None  # caches for transpose, filled on first use
    single_down: list[int] | None = None
    sides: tuple[_Side, _Side] | None = None

    @property
    def n(self) -> int:
        return len(self.rank)


def count_layered_crossings(
    layer: np.ndarray, top: np.ndarray, bottom: np.ndarray, weight: np.ndarray | None = None
) -> int:
    """Total crossings; see ``crossings_per_layer`` for how they are counted.  With ``weight``
    (edges carried by each segment, for bundles) two crossing segments count the product."""
    return int(_accumulator_tree(layer, top, bottom, False, weight))


def crossings_per_layer(
    layer: np.ndarray, top: np.ndarray, bottom: np.ndarray, weight: np.ndarray | None = None
) -> np.ndarray:
    """Crossings between segments ``(top[i], bottom[i])`` that join layer ``layer[i]`` to the next.

    Segments are sorted by (layer, top, bottom); a crossing is then a pair inserted in that order
    whose bottom positions are inverted.  The accumulator tree of Barth, Jünger and Mutzel adds,
    for each inserted bottom position, the weight of the right siblings on its leaf-to-root path.
    Read level by level, that is: at tree level ``k`` a segment whose position has bit ``k`` clear
    counts the earlier segments of the same layer sharing its higher bits with bit ``k`` set.  Each
    level is one stable group-by, so the tree costs ``log2(width)`` vectorised passes.  Segments
    sharing an endpoint never count as crossing.  Returns one count per upper layer.
    """
    return _accumulator_tree(layer, top, bottom, True, weight)  # type: ignore[return-value]


def _accumulator_tree(
    layer: np.ndarray, top: np.ndarray, bottom: np.ndarray, per_layer: bool, weight: np.ndarray | None = None
) -> np.ndarray | int:
    lay_in = np.asarray(layer, dtype=np.int64)
    m = len(lay_in)
    n_layers = int(lay_in.max()) + 1 if m else 0
    if m < 2:
        return np.zeros(n_layers, dtype=np.int64) if per_layer else 0
    t = np.asarray(top, dtype=np.int64)
    b = np.asarray(bottom, dtype=np.int64)
    bits = max(int(max(t.max(), b.max())).bit_length(), 1)
    order = np.argsort((lay_in << (2 * bits)) | (t << bits) | b)
    lay = lay_in[order]
    seq = (lay << bits) | b[order]
    w = None if weight is None else np.asarray(weight, dtype=np.int64)[order]
    total = np.zeros(n_layers, dtype=np.int64) if per_layer else 0
    starts = np.empty(m, dtype=bool)
    starts[0] = True
    for level in range(bits):
        group = seq >> (level + 1)
        idx = np.argsort(group, kind="stable")
        g = group[idx]
        bs = (seq[idx] >> level) & 1
        mass = bs if w is None else bs * w[idx]
        before = np.cumsum(mass) - mass  # non-decreasing, so a running max fills groups
        np.not_equal(g[1:], g[:-1], out=starts[1:])
        before -= np.maximum.accumulate(np.where(starts, before, 0))
        clear = bs == 0
        pairs = before[clear] if w is None else before[clear] * w[idx][clear]
        if per_layer:
            total += np.bincount(lay[idx][clear], weights=pairs, minlength=n_layers).astype(np.int64)
        else:
            total += int(pairs.sum())
    return total


class _Counter:
    """Counts crossings of the whole layered graph for a given ``pos`` list."""

    def __init__(self, lay: Layered) -> None:
        src: list[int] = []
        dst: list[int] = []
        carried: list[int] = []
        for v in range(lay.n):
            for w in lay.lower[v]:
                src.append(v)
                dst.append(w)
            if lay.lower_weight is not None:
                carried.extend(lay.lower_weight[v])
        self.src = np.array(src, dtype=np.int64)
        self.dst = np.array(dst, dtype=np.int64)
        heavy = lay.lower_weight is not None and any(c != 1 for c in carried)
        self.weight = np.array(carried, dtype=np.int64) if heavy else None
        self.layer = np.array(lay.rank, dtype=np.int64)[self.src] if src else np.zeros(0, np.int64)

    def __call__(self, pos: Sequence[int]) -> int:
        if len(self.src) < 2:
            return 0
        p = np.fromiter(pos, dtype=np.int64, count=len(pos))
        return count_layered_crossings(self.layer, p[self.src], p[self.dst], self.weight)

    def per_layer(self, pos: Sequence[int]) -> np.ndarray:
        if len(self.src) < 2:
            return np.zeros(1, dtype=np.int64)
        p = np.fromiter(pos, dtype=np.int64, count=len(pos))
        return crossings_per_layer(self.layer, p[self.src], p[self.dst], self.weight)


def layered_crossings(lay: Layered, layers: list[list[int]]) -> int:
    """Crossings of ``lay`` drawn with the given per-rank orders."""
    return _Counter(lay)(_positions(layers, lay.n))


def initial_order(lay: Layered, from_sinks: bool = True) -> list[list[int]]:
    """Depth-first order: each layer lists nodes in the order a DFS first meets them.

    Walking up from the sinks (the loss) through inputs in slot order draws an in-tree, the
    common shape of an autograd graph, without a single crossing; the walk down from the sources
    is the alternative start for graphs dominated by fan-out.
    """
    n = lay.n
    step = lay.upper if from_sinks else lay.lower
    back = lay.lower if from_sinks else lay.upper
    roots = [v for v in range(n) if not back[v]]
    # Deepest sinks (or shallowest sources) first: the main output anchors the left side.
    roots.sort(key=lambda v: (-lay.rank[v] if from_sinks else lay.rank[v], v))
    seen = [False] * n
    layers: list[list[int]] = [[] for _ in range(max(lay.rank) + 1 if n else 0)]
    for root in roots:
        if seen[root]:
            continue
        seen[root] = True
        stack = [root]
        while stack:
            v = stack.pop()
            layers[lay.rank[v]].append(v)
            for w in reversed(step[v]):
                if not seen[w]:
                    seen[w] = True
                    stack.append(w)
    return layers


def _median(values: list[int]) -> float:
    values.sort()
    k = len(values)
    m = k // 2
    if k % 2:
        return float(values[m])
    if k == 2:
        return (values[0] + values[1]) / 2.0
    left = values[m - 1] - values[0]
    right = values[-1] - values[m]
    if left + right == 0:
        return (values[m - 1] + values[m]) / 2.0
    return (values[m - 1] * right + values[m] * left) / (left + right)


def _reorder(
    layer: list[int], pos: list[int], fixed: list[list[int]], single: list[int], median: bool, flip_ties: bool = False
) -> list[int]:
    """Sort one layer by the median/barycenter of its neighbours on the fixed side.

    Nodes without such neighbours keep their slot; ties keep the current order, or reverse it
    when ``flip_ties`` (as Graphviz does every other round, to leave plateaus).  A row whose keys
    are already in order is returned as it is, which after the first sweeps is the common case.
    """
    keyed: list[tuple[float, int, int]] = []
    slots: list[int] = []
    ordered = True
    last = float("-inf")
    for i, v in enumerate(layer):
        s = single[v]
        if s >= 0:
            key = float(pos[s])
        elif s == -1:
            continue
        else:
            nb = fixed[v]
            if median:
                key = _median([pos[u] for u in nb])
            else:
                key = sum(pos[u] for u in nb) / len(nb)
        if key < last or (flip_ties and key == last):
            ordered = False
        last = key
        keyed.append((key, -i if flip_ties else i, v))
        slots.append(i)
    if ordered or len(keyed) < 2:
        return layer
    keyed.sort()
    out = list(layer)
    for slot, (_, _, v) in zip(slots, keyed):
        out[slot] = v
    return out


def _pair_crossings(a: list[int], b: list[int]) -> tuple[int, int]:
    """Crossings among edges of two neighbours u (ends ``a``) and v (ends ``b``): u left, v left."""
    if not a or not b:
        return 0, 0
    if len(a) == 1 and len(b) == 1:
        x, y = a[0], b[0]
        return (1 if x > y else 0), (1 if x < y else 0)
    sb = sorted(b)
    left = right = 0
    for x in a:
        left += bisect_left(sb, x)
        right += len(sb) - bisect_right(sb, x)
    return left, right


def _single(neighbours: list[list[int]]) -> list[int]:
    """Per node: its only neighbour, -1 for none, -2 for several (the fast path of transpose)."""
    return [nb[0] if len(nb) == 1 else (-1 if not nb else -2) for nb in neighbours]


@dataclass
class _Side:
    """One side's neighbour lists as arrays, for the vectorised swap test."""

    single: np.ndarray  # as ``_single``
    adjacency: Adjacency

    @classmethod
    def of(cls, neighbours: list[list[int]], single: list[int]) -> _Side:
        return cls(np.array(single, dtype=np.int64), Adjacency.of(neighbours))


# Pairs of nodes whose edges make more combinations than this are not counted by the vectorised
# test; their row is simply scanned.
PAIR_COMBINATIONS = 256
# Below this many nodes in the rows to visit, scanning them all is cheaper than testing first.
SWAP_TEST_FROM = 2000


def _rows_wanting_swaps(lay: Layered, layers: list[list[int]], pos: list[int], rows: list[int], flip: bool) -> set[int]:
    """The rows among ``rows`` where some adjacent pair, as things stand, would be swapped by
    ``_transpose`` (fewer crossings swapped, or a tie it breaks when ``flip``).

    A row where no pair wants to swap is left exactly as it is by a transpose scan, as long as
    its neighbour rows do not change first; testing all rows at once in numpy spares the Python
    scan of those rows.
    """
    if lay.sides is None:
        if lay.single_up is None or lay.single_down is None:
            lay.single_up, lay.single_down = _single(lay.upper), _single(lay.lower)
        lay.sides = (_Side.of(lay.upper, lay.single_up), _Side.of(lay.lower, lay.single_down))
    flat = Rows.of([layers[r] for r in rows])
    if len(flat.nodes) < 2:
        return set()
    p = np.fromiter(pos, dtype=np.int64, count=len(pos))
    pair = np.flatnonzero(flat.slot[1:] > 0)
    u, v = flat.nodes[pair], flat.nodes[pair + 1]
    keep = np.zeros(len(pair), dtype=np.int64)
    swap = np.zeros(len(pair), dtype=np.int64)
    unsure = np.zeros(len(pair), dtype=bool)
    for side in lay.sides:
        a, b = side.single[u], side.single[v]
        both = (a >= 0) & (b >= 0)
        pa, pb = p[np.where(both, a, 0)], p[np.where(both, b, 0)]
        keep += both & (pa > pb)
        swap += both & (pa < pb)
        general = np.flatnonzero((a != -1) & (b != -1) & ~both)
        if not len(general):
            continue
        adj = side.adjacency
        gu, gv = u[general], v[general]
        du, dv = adj.start[gu + 1] - adj.start[gu], adj.start[gv + 1] - adj.start[gv]
        count = du * dv
        large = count > PAIR_COMBINATIONS
        unsure[general[large]] = True
        count[large] = 0
        total = int(count.sum())
        if not total:
            continue
        which = np.repeat(np.arange(len(general)), count)
        k = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        ends_u = p[adj.targets[adj.start[gu[which]] + k // dv[which]]]
        ends_v = p[adj.targets[adj.start[gv[which]] + k % dv[which]]]
        keep[general] += np.bincount(which, weights=ends_u > ends_v, minlength=len(general)).astype(np.int64)
        swap[general] += np.bincount(which, weights=ends_u < ends_v, minlength=len(general)).astype(np.int64)
    want = unsure | (swap < keep)
    if flip:
        want |= (swap == keep) & (keep > 0)
    chosen = np.asarray(rows, dtype=np.int64)
    return set(chosen[np.unique(flat.row[pair[want]])].tolist())


def _transpose(
    lay: Layered, layers: list[list[int]], pos: list[int], max_passes: int, dirty: list[bool], flip_ties: bool = False
) -> None:
    """Swap adjacent nodes while that removes crossings (both neighbour sides counted).

    Only rows marked ``dirty`` (changed since they were last settled, or next to a changed row)
    are visited.  Most nodes (dummies, unary ops) have one neighbour per side, so a pair of them
    is decided by two comparisons; only nodes with several neighbours take the general count.
    When many rows are to be visited, a vectorised test first finds the rows where some pair
    would swap; the others are scanned only if the row above them moved during the pass.
    """
    upper, lower = lay.upper, lay.lower
    if lay.single_up is None or lay.single_down is None:
        lay.single_up, lay.single_down = _single(upper), _single(lower)
    su, sd = lay.single_up, lay.single_down
    last = len(layers) - 1
    for _ in range(max_passes):
        improved = False
        visit = [r for r, layer in enumerate(layers) if dirty[r] and len(layer) > 1]
        tested = set(visit) if sum(len(layers[r]) for r in visit) >= SWAP_TEST_FROM else set()
        wanting = _rows_wanting_swaps(lay, layers, pos, visit, flip_ties) if tested else set()
        moved = [False] * len(layers)
        for r, layer in enumerate(layers):
            if not dirty[r]:
                continue
            dirty[r] = False
            k = len(layer)
            if k < 2:
                continue
            if r in tested and r not in wanting and not (r > 0 and moved[r - 1]):
                continue
            changed = False
            for i in range(k - 1):
                u, v = layer[i], layer[i + 1]
                keep = swap = 0
                a, b = su[u], su[v]
                if a >= 0 and b >= 0:
                    pa, pb = pos[a], pos[b]
                    if pa > pb:
                        keep = 1
                    elif pa < pb:
                        swap = 1
                elif a != -1 and b != -1:
                    keep, swap = _pair_crossings([pos[x] for x in upper[u]], [pos[x] for x in upper[v]])
                a, b = sd[u], sd[v]
                if a >= 0 and b >= 0:
                    pa, pb = pos[a], pos[b]
                    if pa > pb:
                        keep += 1
                    elif pa < pb:
                        swap += 1
                elif a != -1 and b != -1:
                    c, d = _pair_crossings([pos[x] for x in lower[u]], [pos[x] for x in lower[v]])
                    keep += c
                    swap += d
                if swap < keep or (flip_ties and swap == keep and keep > 0):
                    layer[i], layer[i + 1] = v, u
                    pos[u], pos[v] = i + 1, i
                    moved[r] = True
                    # A swap on a tie does not call for another pass: that could cycle.
                    changed = changed or swap < keep
            if changed:
                improved = True
                dirty[r] = True
                if r > 0:
                    dirty[r - 1] = True
                if r < last:
                    dirty[r + 1] = True
        if not improved:
            break


def _sift_row(lay: Layered, row: list[int], pos: list[int]) -> bool:
    """Move each node of a row to the slot that minimises the row's crossings (sifting).

    With ``c[a][b]`` the crossings among the edges of ``a`` and ``b`` when ``a`` is left of ``b``
    (both neighbour rows counted), a node's cost at every slot follows from prefix sums.
    Returns whether the row changed.
    """
    k = len(row)
    if k < 3:
        return False
    ups = {v: sorted([pos[x] for x in lay.upper[v]]) for v in row}
    downs = {v: sorted([pos[x] for x in lay.lower[v]]) for v in row}
    changed = False
    for v in list(row):
        rest = [w for w in row if w != v]
        left_cost = []  # crossings if v is left of w
        right_cost = []  # crossings if v is right of w
        for w in rest:
            a, b = _pair_crossings(ups[v], ups[w])
            c, d = _pair_crossings(downs[v], downs[w])
            left_cost.append(a + c)
            right_cost.append(b + d)
        # v at slot s: right of rest[:s], left of rest[s:].
        cost = sum(left_cost)
        best_slot, best_cost = 0, cost
        current = row.index(v)
        current_cost = None
        for slot in range(len(rest) + 1):
            if slot:
                cost += right_cost[slot - 1] - left_cost[slot - 1]
            if slot == current:
                current_cost = cost
            if cost < best_cost:
                best_slot, best_cost = slot, cost
        if current_cost is not None and best_cost < current_cost:
            row[:] = [*rest[:best_slot], v, *rest[best_slot:]]
            for i, w in enumerate(row):
                pos[w] = i
            changed = True
    return changed


# Sifting costs the square of a row's width; rows wider than this, or work beyond the budget
# (node pairs examined per round), are left to the sweeps.
SIFT_MAX_ROW = 200
SIFT_BUDGET = 300_000


def _sift(lay: Layered, layers: list[list[int]], pos: list[int], counter: _Counter, rounds: int) -> None:
    """Sift the rows next to layer pairs that still cross, most crossings first, within budget."""
    for _ in range(rounds):
        per = counter.per_layer(pos)
        weight: dict[int, int] = {}
        for r in np.flatnonzero(per).tolist():
            for q in (r, r + 1):
                if q < len(layers) and 3 <= len(layers[q]) <= SIFT_MAX_ROW:
                    weight[q] = weight.get(q, 0) + int(per[r])
        budget = SIFT_BUDGET
        changed = False
        for r in sorted(weight, key=lambda q: (-weight[q], q)):
            cost = len(layers[r]) ** 2
            if cost > budget:
                continue
            budget -= cost
            if _sift_row(lay, layers[r], pos):
                changed = True
        if not changed:
            break


def _positions(layers: list[list[int]], n: int) -> list[int]:
    pos = [0] * n
    for layer in layers:
        for i, v in enumerate(layer):
            pos[v] = i
    return pos


def minimise_crossings(
    lay: Layered,
    starts: Sequence[list[list[int]]],
    max_iter: int = 24,
    patience: int = 6,
    transpose_passes: int = 4,
    sift_rounds: int = 3,
) -> tuple[list[list[int]], int]:
    """Improve each start order by sweeps + transpositions; return the best order and its count.

    Iteration ``i`` sweeps down when ``i`` is even and up when odd; every other pair of
    iterations breaks ties the other way round (which is what gets sweeps off plateaus), and
    every four iterations median and barycenter keys take turns, so each fixes the other's blind
    spots.
    """
    counter = _Counter(lay)
    best_layers: list[list[int]] = [list(layer) for layer in starts[0]]
    best = counter(_positions(best_layers, lay.n))
    for start in starts:
        layers = [list(layer) for layer in start]
        pos = _positions(layers, lay.n)
        current = counter(pos)
        if current < best:
            best, best_layers = current, [list(layer) for layer in layers]
        stale = 0
        for it in range(max_iter):
            if best == 0:
                break
            flip = (it // 2) % 2 == 1
            median = (it // 4) % 2 == 0
            if it % 2 == 0:
                rng, fixed = range(1, len(layers)), lay.upper
            else:
                rng, fixed = range(len(layers) - 2, -1, -1), lay.lower
            if lay.single_up is None or lay.single_down is None:
                lay.single_up, lay.single_down = _single(lay.upper), _single(lay.lower)
            single = lay.single_up if it % 2 == 0 else lay.single_down
            dirty = [False] * len(layers)
            for r in rng:
                if len(layers[r]) < 2:
                    continue
                row = _reorder(layers[r], pos, fixed, single, median, flip)
                if row != layers[r]:
                    layers[r] = row
                    for i, v in enumerate(row):
                        pos[v] = i
                    for q in (r - 1, r, r + 1):
                        if 0 <= q < len(layers):
                            dirty[q] = True
            if it == 0:
                dirty = [True] * len(layers)
            _transpose(lay, layers, pos, transpose_passes, dirty, flip)
            current = counter(pos)
            if current < best:
                best, best_layers = current, [list(layer) for layer in layers]
                stale = 0
            else:
                stale += 1
                if stale >= patience:
                    break
    if best and sift_rounds:
        # Sifting the few rows that still cross, then transposing, polishes the best order.
        layers = [list(layer) for layer in best_layers]
        pos = _positions(layers, lay.n)
        _sift(lay, layers, pos, counter, sift_rounds)
        _transpose(lay, layers, pos, transpose_passes, [True] * len(layers))
        current = counter(pos)
        if current < best:
            best, best_layers = current, layers
    return best_layers, best
