"""Coordinates along the layers: Brandes–Köpf, and an anchored placement for incremental layout.

Both work in a frame where every layer is a horizontal row ordered left to right and each node has
an extent ``size[v]`` along the row (its width for top-to-bottom drawings, its height for
left-to-right ones).  Neighbours ``u`` left of ``v`` in a row are always at least
``sep(u, v) = (size[u] + size[v]) / 2 + gap`` apart, so nothing ever overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gradviz.graph.layout.flat import Adjacency, Rows, segment_exclusive_cummax_int
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


class _Frame:
    """The layering as flat arrays, shared by the four Brandes–Köpf passes."""

    def __init__(
        self, lay: Layered, layers: Sequence[Sequence[int]], size: Sequence[float], node_gap: float, dummy_gap: float
    ) -> None:
        self.n = lay.n
        self.rows = Rows.of(layers)
        self.pos = self.rows.positions(lay.n)
        self.up = Adjacency.of(lay.upper)
        self.down = Adjacency.of(lay.lower)
        # Separation between each flat node and the next one in its row (0 at a row's end).
        nodes = self.rows.nodes
        width = np.asarray(size, dtype=float)[nodes]
        seps = np.zeros(len(nodes))
        if len(nodes) > 1:
            same = self.rows.row[1:] == self.rows.row[:-1]
            real = nodes < lay.n_real
            gap = np.where(real[1:] & real[:-1], node_gap, dummy_gap)
            seps[:-1] = np.where(same, (width[1:] + width[:-1]) / 2.0 + gap, 0.0)
        self.seps = seps


def _align_and_compact(
    frame: _Frame, use_upper: bool, mirrored: bool, marked: np.ndarray, heavy: np.ndarray
) -> np.ndarray:
    """One of the four Brandes–Köpf passes, computed in the frame where it packs to the left.

    Alignment joins each node to a median neighbour in the previous row (the upper one when
    ``use_upper``; ``mirrored`` reads every row right to left); of two medians the heavier (more
    nodes upstream, or downstream when aligning with the row below) is tried first in all four
    passes, so the main data path of an autograd graph is aligned the same way in each and comes
    out straight instead of drifting.  Within a row the alignments must not cross: a node may
    join a neighbour only right of the last one joined.  Compaction places each block at the
    smallest x its left neighbours allow (the longest path over the block graph).

    Alignment is computed for all rows at once: the row scan is a fixed point of vectorised
    passes, which reach the exact sequential result after a few rounds (a node's choice depends
    only on those before it in its row).  ``marked`` flags adjacency entries (of ``frame.up`` or
    ``frame.down``) that may not be aligned.
    """
    n = frame.n
    rows = frame.rows
    adj = frame.up if use_upper else frame.down
    width = (rows.starts[1:] - rows.starts[:-1])[rows.row]
    pos = frame.pos.copy()
    if mirrored:
        pos[rows.nodes] = width - 1 - rows.slot
    # The lower and upper median of every node's neighbours, by position in this frame.
    by_pos = adj.sorted_by(pos)
    degree = adj.degree
    if len(by_pos):
        last = len(by_pos) - 1
        lo_entry = by_pos[np.clip(adj.start[:-1] + (degree - 1) // 2, 0, last)]
        hi_entry = by_pos[np.clip(adj.start[:-1] + degree // 2, 0, last)]
        lo_ok = (degree > 0) & ~marked[lo_entry]
        hi_ok = (degree > 0) & ~marked[hi_entry]
        lo_node, hi_node = adj.targets[lo_entry], adj.targets[hi_entry]
    else:
        lo_ok = hi_ok = np.zeros(n, dtype=bool)
        lo_node = hi_node = np.zeros(n, dtype=np.int64)
    two = degree % 2 == 0
    hi_first = two & (heavy[hi_node] > heavy[lo_node])
    # Preferred candidate, and a second one tried when the first lies left of the last joined.
    # The heavier upper median first makes the lower one pointless: it lies further left still.
    # (When the heavier one may not be aligned, the other is the only candidate.)
    hi_only = two & np.where(hi_first, hi_ok, ~lo_ok)
    first_node = np.where(hi_only, hi_node, lo_node)
    first_ok = np.where(hi_only, hi_ok, lo_ok)
    second_ok = two & ~hi_first & lo_ok & hi_ok
    # In row-scan order (right to left when mirrored).
    flat = rows.mirrored() if mirrored else np.arange(len(rows.nodes))
    nodes = rows.nodes[flat]
    seg = rows.row[flat]
    slot = rows.slot
    first_slot = slot == 0
    a1 = np.where(first_ok[nodes], pos[first_node[nodes]], -1)
    a2 = np.where(second_ok[nodes], pos[hi_node[nodes]], -1)
    taken = a1.copy()
    while True:
        left = segment_exclusive_cummax_int(taken, seg, first_slot, -1)
        now = np.where(a1 > left, a1, np.where(a2 > left, a2, -1))
        if np.array_equal(now, taken):
            break
        taken = now
    root = np.arange(n, dtype=np.int64)
    joined = taken >= 0
    joined_to = np.where(taken == a1, first_node[nodes], hi_node[nodes])
    root[nodes[joined]] = joined_to[joined]
    while True:  # pointer jumping: every node to the top of its block
        up = root[root]
        if np.array_equal(up, root):
            break
        root = up
    # Compaction: a longest path over the block graph, whose edges (left block -> right block,
    # weighted by the separation) are the neighbours in the rows; blocks share many rows, so
    # after merging parallel edges the graph is a small fraction of the nodes.
    if len(flat) < 2:
        return np.zeros(n)
    if mirrored:
        # Read right to left, the separation to the next node is the one to the previous node.
        seps = np.where(slot[1:] > 0, frame.seps[flat[1:]], 0.0)
    else:
        seps = frame.seps[:-1]
    block = root[nodes]
    same = slot[1:] > 0
    left_block, right_block, sep = block[:-1][same], block[1:][same], seps[same]
    code = left_block * n + right_block
    by_code = np.lexsort((sep, code))
    code = code[by_code]
    ends = np.flatnonzero(np.concatenate((code[1:] != code[:-1], [True]))) if len(code) else code
    tails = (code[ends] // n).tolist()
    heads = (code[ends] % n).tolist()
    weights = sep[by_code][ends].tolist()  # the largest separation of each merged edge
    out_edges: dict[int, list[tuple[int, float]]] = {}
    indeg: dict[int, int] = {}
    for a, b, w in zip(tails, heads, weights):
        out_edges.setdefault(a, []).append((b, w))
        indeg[b] = indeg.get(b, 0) + 1
    xr = dict.fromkeys(np.unique(block).tolist(), 0.0)
    ready = [v for v in xr if v not in indeg]
    while ready:
        a = ready.pop()
        xa = xr[a]
        for b, w in out_edges.get(a, ()):
            if xa + w > xr[b]:
                xr[b] = xa + w
            indeg[b] -= 1
            if indeg[b] == 0:
                ready.append(b)
    xb = np.zeros(n)
    xb[list(xr)] = list(xr.values())
    return xb[root]


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
    frame = _Frame(lay, layers, size, node_gap, dummy_gap)
    marked_pairs = _type1_conflicts(lay, layers, frame.pos.tolist())
    codes = np.fromiter((u * n + w for u, w in marked_pairs), dtype=np.int64, count=len(marked_pairs))
    marked_up = np.isin(frame.up.targets * n + frame.up.owner, codes)
    marked_down = np.isin(frame.down.owner * n + frame.down.targets, codes)
    heavy_up = np.asarray(feed if feed is not None else upstream_weights(lay, layers), dtype=float)
    heavy_down = np.asarray(_path_weights(layers[::-1], lay.lower, lay.n_real), dtype=float)
    results: list[np.ndarray] = []
    for use_upper in (True, False):
        marked = marked_up if use_upper else marked_down
        heavy = heavy_up if use_upper else heavy_down
        results.append(_align_and_compact(frame, use_upper, False, marked, heavy))
        results.append(-_align_and_compact(frame, use_upper, True, marked, heavy))
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
