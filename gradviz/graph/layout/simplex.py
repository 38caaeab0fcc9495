"""Rank assignment by network simplex (Gansner, Koutsofios, North and Vo, 1993), as Graphviz dot ranks.

Minimises ``sum(weight[e] * (rank[head] - rank[tail]))`` subject to ``rank[head] - rank[tail] >= 1``
for every edge of a connected DAG: long edges (and so dummy nodes) are as few as they can be.

The spanning tree of tight edges is kept with the usual postorder numbering (``low``/``lim``), so
"is x below v in the tree" is ``low[v] <= lim[x] <= lim[v]``.  Per pivot, the searches that scan
every edge (the leaving edge with the most negative cut value, the entering edge of least slack
between the two tree components) and the re-ranking of one component are numpy operations over
arrays; the walks that stay on the tree (cut-value updates along the cycle the entering edge
closes, renumbering the subtree under their meeting point) are plain loops.  Everything is
iterative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["network_simplex_ranks"]


def network_simplex_ranks(
    n: int,
    tails: Sequence[int],
    heads: Sequence[int],
    initial: Sequence[int],
    weights: Sequence[int] | None = None,
    max_iter: int | None = None,
    minlens: Sequence[int] | None = None,
) -> list[int]:
    """Optimal ranks of a connected DAG with nodes ``0..n-1`` and edges ``tails[i] -> heads[i]``.

    ``minlens`` (default 1 each) is the least rank difference along each edge.
    ``initial`` must be a feasible ranking (every edge at least its minlen long); ranks that
    already keep most edges tight (as-late-as-possible longest path) make the start cheap.
    ``max_iter`` bounds the pivots (default: unbounded, the method always terminates); the result
    is feasible after any number of them and never longer in total than ``initial``.
    """
    m = len(tails)
    if n <= 1 or m == 0:
        return [0] * n
    tail = np.asarray(tails, dtype=np.int64)
    head = np.asarray(heads, dtype=np.int64)
    weight = np.ones(m, dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    minlen = np.ones(m, dtype=np.int64) if minlens is None else np.asarray(minlens, dtype=np.int64)
    rank = np.asarray(initial, dtype=np.int64).copy()
    if np.any(rank[head] - rank[tail] < minlen):
        raise ValueError("initial ranking is not feasible")
    tail_l, head_l = tail.tolist(), head.tolist()
    incident: list[list[int]] = [[] for _ in range(n)]
    for e in range(m):
        incident[tail_l[e]].append(e)
        incident[head_l[e]].append(e)

    in_tree_edge = np.zeros(m, dtype=bool)
    tree_adj: list[list[int]] = [[] for _ in range(n)]
    _feasible_tree(n, tail, head, minlen, tail_l, head_l, incident, rank, in_tree_edge, tree_adj)

    par = [-1] * n
    low = [0] * n
    lim = [0] * n
    postorder = _dfs_range(0, -1, 0, tree_adj, tail_l, head_l, par, low, lim)
    cut = np.zeros(m, dtype=np.int64)
    weight_l = weight.tolist()
    cut_l = [0] * m
    for v in postorder:  # children before parents: a cut value needs those below it
        f = par[v]
        if f >= 0:
            cut_l[f] = _cut_value(f, v, incident[v], tail_l, head_l, weight_l, low, lim, cut_l, in_tree_edge)
    cut[:] = cut_l
    low_a = np.asarray(low, dtype=np.int64)
    lim_a = np.asarray(lim, dtype=np.int64)

    iterations = 0
    limit = max_iter if max_iter is not None else -1
    while iterations != limit:
        masked = np.where(in_tree_edge, cut, 0)
        leave = int(np.argmin(masked))
        if masked[leave] >= 0:
            break
        iterations += 1
        t, h = tail_l[leave], head_l[leave]
        # The endpoint farther from the root names the subtree cut off by the leaving edge.
        if lim[t] < lim[h]:
            sub, tail_side_is_sub = t, True
        else:
            sub, tail_side_is_sub = h, False
        lim_nodes = lim_a
        below = (low_a[sub] <= lim_nodes) & (lim_nodes <= lim_a[sub])
        # Entering edge: from the head component into the tail component, least slack.
        if tail_side_is_sub:
            candidates = below[head] & ~below[tail] & ~in_tree_edge
        else:
            candidates = below[tail] & ~below[head] & ~in_tree_edge
        slack = np.where(candidates, rank[head] - rank[tail] - minlen, np.iinfo(np.int64).max)
        enter = int(np.argmin(slack))
        if not candidates[enter]:  # cannot happen for a connected graph; stop rather than loop
            break
        delta = int(slack[enter])
        if delta > 0:
            # The tail component moves up by delta, or equivalently the head component down.
            if tail_side_is_sub:
                rank[below] -= delta
            else:
                rank[below] += delta
        cutvalue = int(cut[leave])
        lca = _tree_update(tail_l[enter], head_l[enter], cutvalue, True, par, low, lim, tail_l, head_l, cut)
        _tree_update(head_l[enter], tail_l[enter], cutvalue, False, par, low, lim, tail_l, head_l, cut)
        cut[enter] = -cutvalue
        cut[leave] = 0
        in_tree_edge[leave] = False
        in_tree_edge[enter] = True
        tree_adj[t].remove(leave)
        tree_adj[h].remove(leave)
        tree_adj[tail_l[enter]].append(enter)
        tree_adj[head_l[enter]].append(enter)
        renumbered = _dfs_range(lca, par[lca], low[lca], tree_adj, tail_l, head_l, par, low, lim)
        low_a[renumbered] = [low[v] for v in renumbered]
        lim_a[renumbered] = [lim[v] for v in renumbered]
    rank -= rank.min()
    return rank.tolist()


def _feasible_tree(
    n: int,
    tail: np.ndarray,
    head: np.ndarray,
    minlen: np.ndarray,
    tail_l: list[int],
    head_l: list[int],
    incident: list[list[int]],
    rank: np.ndarray,
    in_tree_edge: np.ndarray,
    tree_adj: list[list[int]],
) -> None:
    """Grow a spanning tree of tight edges from node 0, shifting the tree to make edges tight.

    While the tree does not span the graph, the incident edge of least slack is made tight by
    moving the whole tree by that slack (no edge becomes infeasible: it is the least), and growth
    continues from its far end."""
    in_tree = np.zeros(n, dtype=bool)
    rank_l = rank.tolist()
    minlen_l = minlen.tolist()

    def grow(start: int) -> None:
        in_tree[start] = True
        stack = [start]
        while stack:
            v = stack.pop()
            for e in incident[v]:
                w = head_l[e] if tail_l[e] == v else tail_l[e]
                if not in_tree[w] and rank_l[head_l[e]] - rank_l[tail_l[e]] == minlen_l[e]:
                    in_tree[w] = True
                    in_tree_edge[e] = True
                    tree_adj[v].append(e)
                    tree_adj[w].append(e)
                    stack.append(w)

    grow(0)
    size = int(in_tree.sum())
    while size < n:
        crossing = in_tree[tail] != in_tree[head]
        slack = np.where(crossing, rank[head] - rank[tail] - minlen, np.iinfo(np.int64).max)
        e = int(np.argmin(slack))
        delta = int(slack[e])
        if in_tree[head_l[e]]:
            delta = -delta  # the tree sits below: move it up
        rank[in_tree] += delta
        rank_l = rank.tolist()
        w = tail_l[e] if in_tree[head_l[e]] else head_l[e]
        v = head_l[e] if w == tail_l[e] else tail_l[e]
        in_tree_edge[e] = True
        tree_adj[v].append(e)
        tree_adj[w].append(e)
        grow(w)
        # Other edges from the tree may have become tight with the shift.
        crossing = in_tree[tail] != in_tree[head]
        for f in np.flatnonzero(crossing & (rank[head] - rank[tail] == minlen)).tolist():
            a, b = tail_l[f], head_l[f]
            out = b if in_tree[a] else a
            if in_tree[out]:
                continue
            inside = a if out == b else b
            in_tree_edge[f] = True
            tree_adj[inside].append(f)
            tree_adj[out].append(f)
            grow(out)
        size = int(in_tree.sum())


def _dfs_range(
    root: int,
    par_edge: int,
    low_start: int,
    tree_adj: list[list[int]],
    tail_l: list[int],
    head_l: list[int],
    par: list[int],
    low: list[int],
    lim: list[int],
) -> list[int]:
    """Postorder-number the subtree under ``root`` from ``low_start``; returns it in postorder."""
    counter = low_start
    par[root] = par_edge
    low[root] = counter
    order: list[int] = []
    stack = [(root, 0)]
    while stack:
        v, i = stack[-1]
        adj = tree_adj[v]
        if i < len(adj):
            stack[-1] = (v, i + 1)
            e = adj[i]
            if e == par[v]:
                continue
            w = head_l[e] if tail_l[e] == v else tail_l[e]
            par[w] = e
            low[w] = counter
            stack.append((w, 0))
        else:
            lim[v] = counter
            counter += 1
            order.append(v)
            stack.pop()
    return order


def _cut_value(
    f: int,
    v: int,
    edges: list[int],
    tail_l: list[int],
    head_l: list[int],
    weight_l: list[int],
    low: list[int],
    lim: list[int],
    cut_l: list[int],
    in_tree_edge: np.ndarray,
) -> int:
    """Cut value of tree edge ``f`` whose endpoint below (away from the root) is ``v``.

    The cut value is the weight of edges from the tail component to the head component minus
    the weight of those going back; it follows from ``v``'s own edges and the cut values of the
    tree edges below ``v``."""
    dir_down = tail_l[f] == v  # v is the tail of f
    total = 0
    lo, li = low[v], lim[v]
    for e in edges:
        a, b = tail_l[e], head_l[e]
        other = b if a == v else a
        if not (lo <= lim[other] <= li):
            outside = True
            value = weight_l[e]
        else:
            outside = False
            value = (cut_l[e] if in_tree_edge[e] else 0) - weight_l[e]
        if dir_down:
            d = 1 if b == v else -1
        else:
            d = 1 if a == v else -1
        if outside:
            d = -d
        total += value if d > 0 else -value
    return total


def _tree_update(
    v: int,
    w: int,
    cutvalue: int,
    direction: bool,
    par: list[int],
    low: list[int],
    lim: list[int],
    tail_l: list[int],
    head_l: list[int],
    cut: np.ndarray,
) -> int:
    """Adjust cut values on the tree path from ``v`` up to the first node above ``w``; return it."""
    while not (low[v] <= lim[w] <= lim[v]):
        e = par[v]
        d = direction if v == tail_l[e] else not direction
        if d:
            cut[e] += cutvalue
        else:
            cut[e] -= cutvalue
        v = tail_l[e] if lim[tail_l[e]] > lim[head_l[e]] else head_l[e]
    return v


def optimal_ranks(
    n: int,
    tails: Sequence[int],
    heads: Sequence[int],
    weights: Sequence[int] | None = None,
    max_iter: int | None = None,
) -> list[int]:
    """Ranks of a connected DAG with the least total weighted edge length (every edge at least one rank).

    Before the simplex the graph is shrunk without changing the optimum: nodes with a single edge
    (a parameter leaf above its AccumulateGrad, say) are peeled off, repeatedly, and sit right
    next to their neighbour afterwards; a run of nodes with one edge in and one out is folded
    into an edge whose minimum length is the run's, and afterwards sits tight at one end of the
    room it has.  Which end does not change the total; it decides which edge stays long, so the
    run sits by the end with fewer other edges (a weight-decay term ``p.pow(2).sum()`` stays by
    its parameter and its long edge joins the many others that run into the loss, where the
    layered graph bundles them).  What is left starts from as-late-as-possible ranks.
    """
    if n <= 1:
        return [0] * n
    e_tail = list(tails)
    e_head = list(heads)
    e_len = [1] * len(e_tail)
    e_weight = [1] * len(e_tail) if weights is None else list(weights)
    alive_edge = [True] * len(e_tail)
    ins: list[list[int]] = [[] for _ in range(n)]
    outs: list[list[int]] = [[] for _ in range(n)]
    for e in range(len(e_tail)):
        outs[e_tail[e]].append(e)
        ins[e_head[e]].append(e)
    degree = [len(ins[v]) + len(outs[v]) for v in range(n)]
    alive = [True] * n
    remaining = n
    # (node, neighbour, offset): rank[node] = rank[neighbour] + offset, filled in reverse.
    placed: list[tuple[int, int, int]] = []
    in_degree = [len(ins[v]) for v in range(n)]
    out_degree = [len(outs[v]) for v in range(n)]
    queue = [v for v in range(n) if degree[v] == 1]
    while queue and remaining > 1:
        v = queue.pop()
        if not alive[v] or degree[v] != 1:
            continue
        e = next(f for f in (*ins[v], *outs[v]) if alive_edge[f])
        alive_edge[e] = False
        alive[v] = False
        remaining -= 1
        if e_tail[e] == v:
            nb, offset = e_head[e], -e_len[e]
        else:
            nb, offset = e_tail[e], e_len[e]
        placed.append((v, nb, offset))
        degree[nb] -= 1
        if degree[nb] == 1:
            queue.append(nb)
    # (node, above, gap, below, gap, new edge, side: 1 tight above, -1 tight below, 0 undecided)
    folded: list[tuple[int, int, int, int, int, int, int]] = []
    container = list(range(len(e_tail)))  # edge -> the edge it was folded into (itself if none)
    for v in range(n):
        if not alive[v] or remaining <= 2:
            continue
        live_in = [e for e in ins[v] if alive_edge[e]]
        live_out = [e for e in outs[v] if alive_edge[e]]
        if len(live_in) != 1 or len(live_out) != 1:
            continue
        a, b = live_in[0], live_out[0]
        u, w = e_tail[a], e_head[b]
        alive_edge[a] = alive_edge[b] = False
        alive[v] = False
        remaining -= 1
        f = len(e_tail)
        # Tight to the heavier edge, which costs nothing more; the lighter one is what the
        # folded edge stands for.  Equal weights: either end, decided once the run is known.
        side = (e_weight[a] > e_weight[b]) - (e_weight[b] > e_weight[a])
        folded.append((v, u, e_len[a], w, e_len[b], f, side))
        container[a] = container[b] = f
        e_tail.append(u)
        e_head.append(w)
        e_len.append(e_len[a] + e_len[b])
        e_weight.append(min(e_weight[a], e_weight[b]))
        alive_edge.append(True)
        container.append(f)
        outs[u].append(f)
        ins[w].append(f)
    nodes = [v for v in range(n) if alive[v]]
    local = {v: i for i, v in enumerate(nodes)}
    edges = [e for e in range(len(e_tail)) if alive_edge[e]]
    k = len(nodes)
    r_tail = [local[e_tail[e]] for e in edges]
    r_head = [local[e_head[e]] for e in edges]
    r_len = [e_len[e] for e in edges]
    r_weight = [e_weight[e] for e in edges]
    rank = [0] * n
    if edges:
        sub = _descend(k, r_tail, r_head, r_len, r_weight, _alap(k, r_tail, r_head, r_len))
        sub = network_simplex_ranks(k, r_tail, r_head, sub, weights=r_weight, max_iter=max_iter, minlens=r_len)
        for v, r in zip(nodes, sub):
            rank[v] = r
    for v, u, above, w, below, f, side in reversed(folded):
        while container[f] != f:
            f = container[f]
        if side > 0 or (side == 0 and in_degree[e_head[f]] > out_degree[e_tail[f]]):
            rank[v] = rank[u] + above
        else:
            rank[v] = rank[w] - below
    for v, nb, offset in reversed(placed):
        rank[v] = rank[nb] + offset
    low = min(rank)
    return [r - low for r in rank]


def _alap(n: int, tails: list[int], heads: list[int], lens: list[int]) -> list[int]:
    """As-late-as-possible ranks (each node as close above its first consumer as minlen allows)."""
    outs: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for e, (u, v) in enumerate(zip(tails, heads)):
        outs[u].append(e)
        indeg[v] += 1
    order = [v for v in range(n) if indeg[v] == 0]
    i = 0
    while i < len(order):
        v = order[i]
        i += 1
        for e in outs[v]:
            w = heads[e]
            indeg[w] -= 1
            if indeg[w] == 0:
                order.append(w)
    if len(order) != n:
        raise ValueError("graph has a cycle")
    rank = [0] * n
    for v in reversed(order):
        if outs[v]:
            rank[v] = min(rank[heads[e]] - lens[e] for e in outs[v])
    return rank


def _descend(
    n: int, tails: list[int], heads: list[int], lens: list[int], weights: list[int], rank: list[int], passes: int = 8
) -> list[int]:
    """Cheap local moves before the simplex: a node with more edges in than out moves as close to
    its inputs as it may, one with more out than in towards its consumers.  Each move shortens
    the total, so the simplex starts nearer the optimum and needs fewer pivots."""
    ins: list[list[int]] = [[] for _ in range(n)]
    outs: list[list[int]] = [[] for _ in range(n)]
    for e, (u, v) in enumerate(zip(tails, heads)):
        outs[u].append(e)
        ins[v].append(e)
    order = sorted(range(n), key=rank.__getitem__)
    for _ in range(passes):
        moved = False
        for v in order:
            p, s = ins[v], outs[v]
            pull_up = sum(weights[e] for e in p)
            pull_down = sum(weights[e] for e in s)
            if pull_up > pull_down:
                target = max(rank[tails[e]] + lens[e] for e in p)
            elif pull_down > pull_up:
                target = min(rank[heads[e]] - lens[e] for e in s)
            else:
                continue
            if target != rank[v]:
                rank[v] = target
                moved = True
        if not moved:
            break
    return rank
