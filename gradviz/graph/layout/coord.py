"""Coordinates along the layers: Brandes–Köpf, and an anchored placement for incremental layout.

Both work in a frame where every layer is a horizontal row ordered left to right and each node has
an extent ``size[v]`` along the row (its width for top-to-bottom drawings, its height for
left-to-right ones).  Neighbours ``u`` left of ``v`` in a row are always at least
``sep(u, v) = (size[u] + size[v]) / 2 + gap`` apart, so nothing ever overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradviz.graph.layout.order import Layered

__all__ = ["anchored_placement", "brandes_koepf", "fold_light_inputs", "isotonic_placement", "upstream_weights"]


def _separations(
    layers: Sequence[Sequence[int]], size: Sequence[float], n_real: int, node_gap: float, dummy_gap: float
) -> list[list[float]]:
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
                        if (k < k0 or k > k1) and not (u >= n_real and w >= n_real):
                            marked.add((u, w))
                    scan += 1
                k0 = k1
    return marked


def _align_and_compact(
    lay: Layered,
    rows: list[list[int]],
    rows_seps: list[list[float]],
    use_upper: bool,
    marked: set[tuple[int, int]],
    heavy: Sequence[float],
) -> list[float]:
    """One of the four Brandes–Köpf passes, in the frame where it packs to the left.

    ``rows`` are the layers in the order of the vertical sweep and with the horizontal direction
    already mirrored by the caller.  Alignment joins each node to a median neighbour in the
    previous row; of two medians the heavier (more nodes upstream, or downstream when aligning
    with the row below) is tried first in all four passes, so the main data path of an autograd
    graph is aligned the same way in each and comes out straight instead of drifting.
    Compaction places each block at the smallest x its left neighbours allow, as a longest path
    over the block graph (iterative, so deep graphs are fine).
    """
    n = lay.n
    pos = [0] * n
    for row in rows:
        for i, v in enumerate(row):
            pos[v] = i
    root = list(range(n))
    neighbours = lay.upper if use_upper else lay.lower
    for row in rows:
        r = -1
        for v in row:
            nb = neighbours[v]
            if len(nb) == 1:
                u = nb[0]
                if pos[u] > r and not (marked and ((u, v) if use_upper else (v, u)) in marked):
                    root[v] = root[u]
                    r = pos[u]
                continue
            if not nb:
                continue
            ordered = sorted(nb, key=pos.__getitem__)
            d = len(ordered)
            lo, hi = (d - 1) // 2, d // 2
            if lo == hi:
                candidates = [ordered[lo]]
            elif heavy[ordered[hi]] > heavy[ordered[lo]]:
                candidates = [ordered[hi], ordered[lo]]
            else:
                candidates = [ordered[lo], ordered[hi]]
            for u in candidates:
                if pos[u] > r and ((u, v) if use_upper else (v, u)) not in marked:
                    root[v] = root[u]
                    r = pos[u]
                    break
    # Block graph: root(left) -> root(right), weighted by the separation.  Parallel edges are
    # harmless for a longest path, so they are not merged.
    out_edges: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    indeg = [0] * n
    for row, seps in zip(rows, rows_seps):
        prev = root[row[0]] if row else 0
        for i in range(len(row) - 1):
            b = root[row[i + 1]]
            out_edges[prev].append((b, seps[i]))
            indeg[b] += 1
            prev = b
    xr = [0.0] * n
    ready = [v for v in range(n) if root[v] == v and indeg[v] == 0]
    while ready:
        a = ready.pop()
        xa = xr[a]
        for b, s in out_edges[a]:
            if xa + s > xr[b]:
                xr[b] = xa + s
            indeg[b] -= 1
            if indeg[b] == 0:
                ready.append(b)
    return [xr[root[v]] for v in range(n)]


def _path_weights(rows: Sequence[Sequence[int]], before: Sequence[Sequence[int]], n_real: int) -> list[float]:
    """Per node, how much graph feeds into it along ``before`` (rows given in sweep order).

    Counts paths rather than distinct nodes (cheap, and capped to stay finite); a dummy adds
    nothing of its own, so a long edge weighs what its source weighs.
    """
    weight = [0.0] * len(before)
    cap = 1e15
    for row in rows:
        for v in row:
            nb = before[v]
            own = 1.0 if v < n_real else 0.0
            if len(nb) == 1:
                w = own + weight[nb[0]]
            elif nb:
                w = own + sum([weight[u] for u in nb])
            else:
                w = own
            weight[v] = w if w < cap else cap
    return weight


def upstream_weights(lay: Layered, layers: list[list[int]]) -> list[float]:
    """Per node, the number of paths from the sources into it (capped); dummies add nothing."""
    return _path_weights(layers, lay.upper, lay.n_real)


def brandes_koepf(
    lay: Layered,
    layers: list[list[int]],
    size: Sequence[float],
    node_gap: float,
    dummy_gap: float,
    feed: list[float] | None = None,
) -> list[float]:
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
    heavy_up = feed if feed is not None else upstream_weights(lay, layers)
    heavy_down = _path_weights(layers[::-1], lay.lower, lay.n_real)
    mirrored = [list(reversed(row)) for row in layers]
    mirrored_seps = [list(reversed(s)) for s in seps]
    results: list[list[float]] = []
    for use_upper in (True, False):
        order = layers if use_upper else layers[::-1]
        order_seps = seps if use_upper else seps[::-1]
        heavy = heavy_up if use_upper else heavy_down
        results.append(_align_and_compact(lay, order, order_seps, use_upper, marked, heavy))
        m_order = mirrored if use_upper else mirrored[::-1]
        m_seps = mirrored_seps if use_upper else mirrored_seps[::-1]
        xs = _align_and_compact(lay, m_order, m_seps, use_upper, marked, heavy)
        results.append([-x for x in xs])
    # Align the four to the narrowest: left-packed ones by their left end, right ones by the right.
    xs4 = np.array(results)
    half = np.asarray(size, dtype=float) / 2
    lefts = (xs4 - half).min(axis=1)
    rights = (xs4 + half).max(axis=1)
    narrow = int(np.argmin(rights - lefts))
    delta = np.where(np.arange(4) % 2 == 0, lefts[narrow] - lefts, rights[narrow] - rights)
    xs4 = np.sort(xs4 + delta[:, None], axis=0)
    final = (xs4[1] + xs4[2]) / 2.0
    final -= (final - half).min()
    return final.tolist()


def isotonic_placement(desired: Sequence[float], weights: Sequence[float], seps: Sequence[float]) -> list[float]:
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


def anchored_placement(
    layers: list[list[int]],
    size: Sequence[float],
    node_gap: float,
    dummy_gap: float,
    desired: Sequence[float],
    weight: Sequence[float],
    n_real: int,
) -> list[float]:
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


def fold_light_inputs(
    lay: Layered,
    layers: list[list[int]],
    x: list[float],
    size: Sequence[float],
    node_gap: float,
    dummy_gap: float,
    feed: list[float] | None = None,
    passes: int = 2,
) -> list[float]:
    """Pull small input chains (parameter -> AccumulateGrad -> TBackward) next to their consumer.

    Brandes–Köpf keeps each aligned block rigid, so blocks that share some rows push each other
    sideways without bound: in an autograd graph every parameter chain sits right of the previous
    one and the chains drift off in a staircase.  A node is *light* when it feeds exactly one
    consumer and carries under a quarter of the consumer's upstream weight, or feeds a light
    node (so a whole parameter chain folds, not just its last link); light nodes want the
    x of their consumer, everything else wants to stay where Brandes–Köpf put it and resists
    being pushed a thousand times harder.  Rows are solved bottom-up (consumers first) by
    ``isotonic_placement``, so a chain folds in above its consumer as tightly as its rows allow.
    """
    n_real = lay.n_real
    seps = _separations(layers, size, n_real, node_gap, dummy_gap)
    if feed is None:
        feed = upstream_weights(lay, layers)
    light = [False] * lay.n
    for row in reversed(layers):
        for v in row:
            if v < n_real and len(lay.lower[v]) == 1:
                w = lay.lower[v][0]
                light[v] = light[w] or feed[v] * 4 < feed[w]
    resist = [1.0 if light[v] else 1000.0 for v in range(lay.n)]
    x = list(x)
    for _ in range(passes):
        for r in range(len(layers) - 1, -1, -1):
            row = layers[r]
            if not any(light[v] for v in row):
                continue
            desired = [x[lay.lower[v][0]] if light[v] else x[v] for v in row]
            for v, xv in zip(row, isotonic_placement(desired, [resist[v] for v in row], seps[r])):
                x[v] = xv
    low = min(x[v] - size[v] / 2 for v in range(len(x)))
    return [xv - low for xv in x]
