"""Coordinates along the layers: Brandes–Köpf, and an anchored placement for incremental layout.

Both work in a frame where every layer is a horizontal row ordered left to right and each node has
an extent ``size[v]`` along the row (its width for top-to-bottom drawings, its height for
left-to-right ones).  Neighbours ``u`` left of ``v`` in a row are always at least
``sep(u, v) = (size[u] + size[v]) / 2 + gap`` apart, so nothing ever overlaps.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from gradviz.layout_order import Layered

__all__ = ["brandes_koepf", "anchored_placement", "isotonic_placement"]


def _separations(layers: Sequence[Sequence[int]], size: Sequence[float], n_real: int,
                 node_gap: float, dummy_gap: float) -> list[list[float]]:
    seps: list[list[float]] = []
    for layer in layers:
        row = []
        for i in range(len(layer) - 1):
            u, v = layer[i], layer[i + 1]
            gap = node_gap if (u < n_real and v < n_real) else dummy_gap
            row.append((size[u] + size[v]) / 2.0 + gap)
        seps.append(row)
    return seps


def _type1_conflicts(lay: Layered, layers: Sequence[Sequence[int]], pos: Sequence[int]) -> set[tuple[int, int]]:
    """Segments (upper, lower) that cross an inner segment (dummy to dummy) and so yield to it.

    Marking them before alignment lets long edges run straight: an inner segment is never
    bent to make room for a short edge.
    """
    n_real = lay.n_real
    marked: set[tuple[int, int]] = set()
    for i in range(len(layers) - 1):
        upper_row, lower_row = layers[i], layers[i + 1]
        if not upper_row or not lower_row:
            continue
        k0 = 0
        scan = 0
        last = len(lower_row) - 1
        for l1, v in enumerate(lower_row):
            inner_upper = -1
            if v >= n_real:
                for u in lay.upper[v]:
                    if u >= n_real:
                        inner_upper = u
            if l1 == last or inner_upper >= 0:
                k1 = pos[inner_upper] if inner_upper >= 0 else len(upper_row) - 1
                while scan <= l1:
                    w = lower_row[scan]
                    for u in lay.upper[w]:
                        k = pos[u]
                        if k < k0 or k > k1:
                            if not (u >= n_real and w >= n_real):
                                marked.add((u, w))
                    scan += 1
                k0 = k1
    return marked


def _align_and_compact(lay: Layered, rows: list[list[int]], rows_seps: list[list[float]],
                       use_upper: bool, marked: set[tuple[int, int]]) -> list[float]:
    """One of the four Brandes–Köpf passes, in the frame where it packs to the left.

    ``rows`` are the layers in the order of the vertical sweep and with the horizontal direction
    already mirrored by the caller.  Alignment joins each node to a median neighbour in the
    previous row; compaction places each block at the smallest x its left neighbours allow, as a
    longest path over the block graph (iterative, so deep graphs are fine).
    """
    n = lay.n
    pos = [0] * n
    for row in rows:
        for i, v in enumerate(row):
            pos[v] = i
    root = list(range(n))
    align = list(range(n))
    neighbours = lay.upper if use_upper else lay.lower
    for row in rows:
        r = -1
        for v in row:
            nb = neighbours[v]
            if not nb:
                continue
            if len(nb) == 1:
                candidates = nb
            else:
                ordered = sorted(nb, key=pos.__getitem__)
                d = len(ordered)
                lo, hi = (d - 1) // 2, d // 2
                candidates = [ordered[lo]] if lo == hi else [ordered[lo], ordered[hi]]
            for u in candidates:
                if align[v] != v:
                    break
                seg = (u, v) if use_upper else (v, u)
                if pos[u] > r and seg not in marked:
                    align[u] = v
                    root[v] = root[u]
                    align[v] = root[v]
                    r = pos[u]
    # Block graph: root(left) -> root(right) with the largest separation between them.
    succ: dict[int, dict[int, float]] = {}
    indeg: dict[int, int] = {}
    for row, seps in zip(rows, rows_seps):
        for i in range(len(row) - 1):
            a, b = root[row[i]], root[row[i + 1]]
            out = succ.setdefault(a, {})
            s = seps[i]
            if b in out:
                if s > out[b]:
                    out[b] = s
            else:
                out[b] = s
                indeg[b] = indeg.get(b, 0) + 1
    xr: dict[int, float] = {}
    ready = [v for v in range(n) if root[v] == v and v not in indeg]
    heapq.heapify(ready)
    while ready:
        a = heapq.heappop(ready)
        xa = xr.setdefault(a, 0.0)
        for b, s in succ.get(a, {}).items():
            if xa + s > xr.get(b, float("-inf")):
                xr[b] = xa + s
            indeg[b] -= 1
            if indeg[b] == 0:
                heapq.heappush(ready, b)
    return [xr[root[v]] for v in range(n)]


def brandes_koepf(lay: Layered, layers: list[list[int]], size: Sequence[float],
                  node_gap: float, dummy_gap: float) -> list[float]:
    """Centre x of every node: the balanced median of the four Brandes–Köpf placements.

    Each of the four placements keeps every row's separations; shifting a placement and taking
    per-node order statistics of the four keeps them too, so the balanced result never overlaps.
    """
    n = lay.n
    if n == 0:
        return []
    pos = [0] * n
    for row in layers:
        for i, v in enumerate(row):
            pos[v] = i
    marked = _type1_conflicts(lay, layers, pos)
    seps = _separations(layers, size, lay.n_real, node_gap, dummy_gap)
    mirrored = [list(reversed(row)) for row in layers]
    mirrored_seps = [list(reversed(s)) for s in seps]
    results: list[list[float]] = []
    for use_upper in (True, False):
        order = layers if use_upper else layers[::-1]
        order_seps = seps if use_upper else seps[::-1]
        results.append(_align_and_compact(lay, order, order_seps, use_upper, marked))
        m_order = mirrored if use_upper else mirrored[::-1]
        m_seps = mirrored_seps if use_upper else mirrored_seps[::-1]
        xs = _align_and_compact(lay, m_order, m_seps, use_upper, marked)
        results.append([-x for x in xs])
    # Align the four to the narrowest: left-packed ones by their left end, right ones by the right.
    lefts = [min(x - size[v] / 2 for v, x in enumerate(xs)) for xs in results]
    rights = [max(x + size[v] / 2 for v, x in enumerate(xs)) for xs in results]
    widths = [r - left for left, r in zip(lefts, rights)]
    narrow = min(range(4), key=widths.__getitem__)
    shifted = []
    for k, xs in enumerate(results):
        delta = lefts[narrow] - lefts[k] if k % 2 == 0 else rights[narrow] - rights[k]
        shifted.append([x + delta for x in xs])
    final = []
    for v in range(n):
        a = sorted((shifted[0][v], shifted[1][v], shifted[2][v], shifted[3][v]))
        final.append((a[1] + a[2]) / 2.0)
    low = min(x - size[v] / 2 for v, x in enumerate(final))
    return [x - low for x in final]


def isotonic_placement(desired: Sequence[float], weights: Sequence[float],
                       seps: Sequence[float]) -> list[float]:
    """Positions of one row closest to ``desired`` (weighted least squares) keeping separations.

    With ``y_i = x_i - offset_i`` (offset = running sum of separations) the constraints become
    ``y`` non-decreasing, which pool-adjacent-violators solves exactly in linear time.
    """
    k = len(desired)
    if k == 0:
        return []
    offsets = [0.0] * k
    for i in range(1, k):
        offsets[i] = offsets[i - 1] + seps[i - 1]
    # Blocks as [weighted sum, total weight, count].
    blocks: list[list[float]] = []
    for i in range(k):
        w = weights[i]
        blocks.append([w * (desired[i] - offsets[i]), w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, wt, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += wt
            blocks[-1][2] += c
    out: list[float] = []
    for s, wt, c in blocks:
        value = s / wt
        out.extend([value] * int(c))
    return [out[i] + offsets[i] for i in range(k)]


def anchored_placement(layers: list[list[int]], size: Sequence[float], node_gap: float,
                       dummy_gap: float, desired: Sequence[float], weight: Sequence[float],
                       n_real: int) -> list[float]:
    """Each row as close to the desired coordinates as the separations allow (weighted).

    Old nodes carry a large weight, so when a row is too tight the new items give way first.
    """
    x = [0.0] * len(desired)
    seps = _separations(layers, size, n_real, node_gap, dummy_gap)
    for row, row_seps in zip(layers, seps):
        placed = isotonic_placement([desired[v] for v in row], [weight[v] for v in row], row_seps)
        for v, xv in zip(row, placed):
            x[v] = xv
    return x
