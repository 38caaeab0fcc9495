"""An optional rank hint for the layered layout: sources sharing a ``rank_group`` share a rank.

The canvas frames a module's parameters together ("model.fc1": weight and bias). Parameters are
sources (nothing flows into them), and a source may move to any earlier rank without breaking an
edge's direction: its out-edges only get longer. So the members of one group that are sources are
lifted to the earliest rank any member has, which puts ``weight`` (above its transpose) and
``bias`` (right above the addmm) on one rank. Members with inputs stay where they are. After
crossing minimisation ``gather_group_rows`` puts a group's members of a row next to each other.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

__all__ = ["align_group_sources", "gather_group_rows"]


def align_group_sources(rank: list[int], groups: Sequence[Hashable | None], pred: Sequence[Sequence[int]]) -> list[int]:
    """Ranks with every group's sources moved up to the group's earliest rank (a new list).

    ``groups[v]`` is node ``v``'s group key or None; ``pred[v]`` its predecessors. Ranks are then
    renumbered densely, so a rank a lifted source leaves empty does not stay as a blank row.
    """
    earliest: dict[Hashable, int] = {}
    for v, key in enumerate(groups):
        if key is not None:
            earliest[key] = min(earliest.get(key, rank[v]), rank[v])
    out = list(rank)
    for v, key in enumerate(groups):
        if key is not None and not pred[v]:
            out[v] = earliest[key]
    used = sorted(set(out))
    dense = {r: i for i, r in enumerate(used)}
    return [dense[r] for r in out]


def gather_group_rows(layers: list[list[int]], groups: Sequence[Hashable | None]) -> tuple[list[list[int]], bool]:
    """Rows with each group's members in a row made contiguous, at its first member's place.

    Run after crossing minimisation: it may cost a crossing, which is the price of a module's
    weight and bias standing together. ``groups[v]`` is None for ungrouped nodes and for
    dummies (``v >= len(groups)``). Returns the rows and whether anything moved.
    """
    out: list[list[int]] = []
    moved = False
    for row in layers:
        members: dict[Hashable, list[int]] = {}
        for v in row:
            key = groups[v] if v < len(groups) else None
            if key is not None:
                members.setdefault(key, []).append(v)
        if not any(len(ms) > 1 for ms in members.values()):
            out.append(list(row))
            continue
        placed: set[Hashable] = set()
        new_row: list[int] = []
        for v in row:
            key = groups[v] if v < len(groups) else None
            if key is None:
                new_row.append(v)
            elif key not in placed:
                placed.add(key)
                new_row.extend(members[key])
        moved = moved or new_row != row
        out.append(new_row)
    return out, moved
