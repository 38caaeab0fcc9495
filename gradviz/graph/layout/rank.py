"""Layering for the layered layout: cycle breaking and rank assignment.

Works on integer node indices ``0..n-1`` (the caller's canonical order) and adjacency lists, so
that every loop here is iterative and deterministic.  Ranks grow in data-flow direction: an edge
``u -> v`` of the acyclic graph always ends with ``rank[v] > rank[u]``.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["acyclic_edges", "assign_ranks", "repair_ranks", "topological_order"]


def acyclic_edges(n: int, edges: Sequence[tuple[int, int]]) -> tuple[list[tuple[int, int]], list[bool]]:
    """Return the edges with every back edge of a depth-first search reversed.

    Self-loops are dropped (they carry no layering information).  The search starts from the
    sources in index order, then from any node not reached yet, so the choice of reversed edges
    depends only on the indices, never on hash or insertion order.  Autograd graphs are DAGs and
    come out unchanged; this only keeps a malformed input from hanging or crashing the layout.
    """
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for u, v in edges:
        if u != v:
            succ[u].append(v)
            indeg[v] += 1
    for lst in succ:
        lst.sort()
    state = [0] * n  # 0 unvisited, 1 on the stack, 2 finished
    back: set[tuple[int, int]] = set()
    starts = [v for v in range(n) if indeg[v] == 0] + list(range(n))
    for start in starts:
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, 0)]
        while stack:
            v, i = stack[-1]
            if i < len(succ[v]):
                stack[-1] = (v, i + 1)
                w = succ[v][i]
                if state[w] == 0:
                    state[w] = 1
                    stack.append((w, 0))
                elif state[w] == 1:
                    back.add((v, w))
            else:
                state[v] = 2
                stack.pop()
    out: list[tuple[int, int]] = []
    reversed_flags: list[bool] = []
    for u, v in edges:
        if u == v:
            continue
        if (u, v) in back:
            out.append((v, u))
            reversed_flags.append(True)
        else:
            out.append((u, v))
            reversed_flags.append(False)
    return out, reversed_flags


def topological_order(n: int, succ: Sequence[Sequence[int]], pred: Sequence[Sequence[int]]) -> list[int]:
    """Kahn's algorithm with the smallest ready index first (deterministic)."""
    import heapq

    indeg = [len(p) for p in pred]
    ready = [v for v in range(n) if indeg[v] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        v = heapq.heappop(ready)
        order.append(v)
        for w in succ[v]:
            indeg[w] -= 1
            if indeg[w] == 0:
                heapq.heappush(ready, w)
    if len(order) != n:
        raise ValueError("graph still has a cycle after cycle breaking")
    return order


def assign_ranks(
    n: int, succ: Sequence[Sequence[int]], pred: Sequence[Sequence[int]], topo: Sequence[int], passes: int = 8
) -> list[int]:
    """Ranks with short edges: as-late-as-possible longest path, then local descent.

    As-late-as-possible puts every input right above its first consumer, which for autograd graphs
    (parameters feeding a tree that ends in the loss) already gives short edges.  The descent then
    minimises the total edge length one node at a time: a node with more inputs than outputs moves
    as close to its inputs as its constraints allow, one with more outputs moves towards them.  A
    node with equal counts moves to the least crowded rank in its range, which balances widths.
    """
    rank = [0] * n
    for v in reversed(topo):
        s = succ[v]
        if s:
            rank[v] = min(rank[w] for w in s) - 1
    low = min(rank) if n else 0
    rank = [r - low for r in rank]
    if n == 0:
        return rank
    count = [0] * (max(rank) + 1)
    for r in rank:
        count[r] += 1
    for _ in range(passes):
        moved = 0
        for v in topo:
            p, s = pred[v], succ[v]
            if not p and not s:
                continue
            if len(p) > len(s):
                target = max(rank[u] for u in p) + 1
            elif len(s) > len(p):
                target = min(rank[w] for w in s) - 1
            else:  # as many above as below (at least one each): any free rank in between
                target = rank[v]
                for r in range(max(rank[u] for u in p) + 1, min(rank[w] for w in s)):
                    if count[r] < count[target] - 1:
                        target = r
            if target != rank[v]:
                count[rank[v]] -= 1
                count[target] += 1
                rank[v] = target
                moved += 1
        if not moved:
            break
    low = min(rank)
    return [r - low for r in rank]


def repair_ranks(
    n: int,
    succ: Sequence[Sequence[int]],
    pred: Sequence[Sequence[int]],
    topo: Sequence[int],
    wanted: Sequence[int | None],
) -> list[int]:
    """Ranks that keep the wanted rank of every node that has one, moving others minimally.

    Used by incremental layout: nodes of the previous picture ask for their old rank; a node is
    only pushed down when an edge would otherwise point upwards.  New nodes without inputs sit
    right above their first consumer.  Ranks may become negative; the caller normalises.
    """
    rank = [0] * n
    for v in topo:
        lo = max((rank[u] + 1 for u in pred[v]), default=None)
        want = wanted[v]
        if want is None:
            rank[v] = lo if lo is not None else 0
        else:
            rank[v] = want if lo is None else max(want, lo)
    # New nodes pulled by their consumers (more outputs than inputs, or fed only by other new
    # nodes) move down to sit right above the first consumer; the forward pass guarantees room.
    for v in reversed(topo):
        pulled = len(succ[v]) > len(pred[v]) or all(wanted[u] is None for u in pred[v])
        if wanted[v] is None and succ[v] and pulled:
            rank[v] = min(rank[w] for w in succ[v]) - 1
    return rank
