"""Flat numpy views of a layered graph and segmented scans over them.

The rows of a layering are laid end to end (``Rows``) and neighbour lists become CSR arrays
(``Adjacency``), so per-node work over all rows at once is a handful of vectorised passes instead
of a Python loop over tens of thousands of nodes.  A *segment* is one row (or one node's
neighbour list); the scans restart at every segment.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Adjacency", "Rows", "segment_exclusive_cummax_int"]


@dataclass
class Rows:
    """Rows laid end to end: ``nodes[i]`` sits in row ``row[i]`` at slot ``slot[i]``."""

    nodes: np.ndarray
    row: np.ndarray
    slot: np.ndarray
    starts: np.ndarray  # first flat index of every row (len(rows) + 1 entries, last = total)

    @classmethod
    def of(cls, rows: Sequence[Sequence[int]]) -> Rows:
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        total = int(lengths.sum())
        nodes = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=total)
        starts = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        row = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        slot = np.arange(total, dtype=np.int64) - starts[row]
        return cls(nodes, row, slot, starts)

    def positions(self, n: int) -> np.ndarray:
        """Slot of every node (nodes in no row get 0)."""
        pos = np.zeros(n, dtype=np.int64)
        pos[self.nodes] = self.slot
        return pos

    def mirrored(self) -> np.ndarray:
        """Flat indices that list every row right to left (rows in the same order)."""
        length = self.starts[1:] - self.starts[:-1]
        return self.starts[self.row] + (length[self.row] - 1 - self.slot)


@dataclass
class Adjacency:
    """Neighbour lists as CSR: node ``v``'s neighbours are ``targets[start[v]:start[v + 1]]``."""

    start: np.ndarray
    targets: np.ndarray
    owner: np.ndarray  # the node each entry belongs to

    @classmethod
    def of(cls, lists: Sequence[Sequence[int]]) -> Adjacency:
        degree = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        start = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(degree, out=start[1:])
        total = int(start[-1])
        targets = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=total)
        owner = np.repeat(np.arange(len(lists), dtype=np.int64), degree)
        return cls(start, targets, owner)

    @property
    def degree(self) -> np.ndarray:
        return self.start[1:] - self.start[:-1]

    def sorted_by(self, key: np.ndarray) -> np.ndarray:
        """Entry indices with every node's neighbours ordered by ``key`` of the neighbour (ties
        keep list order)."""
        if not len(self.targets):
            return np.zeros(0, dtype=np.int64)
        k = key[self.targets]
        span = int(k.max()) - int(k.min()) + 1
        return np.argsort(self.owner * span + (k - k.min()), kind="stable")


def segment_exclusive_cummax_int(values: np.ndarray, segment: np.ndarray, first: np.ndarray, floor: int) -> np.ndarray:
    """Per index, the max of ``values`` at earlier indices of its segment, or ``floor`` at the
    first one.  ``values >= floor`` are integers; ``segment`` is non-decreasing and ``first``
    marks each segment's first index."""
    if not len(values):
        return values.copy()
    shifted = values.astype(np.int64) - floor  # >= 0
    span = int(shifted.max()) + 1
    base = segment.astype(np.int64) * span
    running = np.maximum.accumulate(base + shifted) - base + floor
    out = np.empty_like(running)
    out[0] = floor
    out[1:] = running[:-1]
    out[first] = floor
    return out
