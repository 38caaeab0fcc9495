"""The numpy helpers of the layered layout agree with the plain loops they replace."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from gradviz.graph.layout import order
from gradviz.graph.layout.flat import Adjacency, Rows, segment_exclusive_cummax_int
from gradviz.graph.layout.sugiyama import layout

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from layout_graphs import autograd_like


@pytest.mark.parametrize("seed", range(5))
def test_segment_exclusive_cummax_is_the_running_max_before_each_index(seed):
    rng = random.Random(seed)
    rows = [[rng.randint(-1, 30) for _ in range(rng.randint(0, 12))] for _ in range(40)]
    flat = Rows.of(rows)
    values = np.array([x for row in rows for x in row], dtype=np.int64)
    got = segment_exclusive_cummax_int(values, flat.row, flat.slot == 0, -1).tolist()
    expected = []
    for row in rows:
        best = -1
        for x in row:
            expected.append(best)
            best = max(best, x)
    assert got == expected


def test_rows_and_adjacency_lay_lists_end_to_end():
    rows = [[4, 1], [], [0, 3, 2]]
    flat = Rows.of(rows)
    assert flat.nodes.tolist() == [4, 1, 0, 3, 2]
    assert flat.row.tolist() == [0, 0, 2, 2, 2] and flat.slot.tolist() == [0, 1, 0, 1, 2]
    assert flat.positions(5).tolist() == [0, 1, 2, 1, 0]
    assert flat.nodes[flat.mirrored()].tolist() == [1, 4, 2, 3, 0]
    adj = Adjacency.of([[3, 1], [], [2, 0, 4]])
    key = np.array([5, 0, 9, 1, 2])
    by_key = adj.targets[adj.sorted_by(key)].tolist()
    assert by_key == [1, 3, 4, 0, 2]  # each node's neighbours by key, nodes in order
    assert adj.degree.tolist() == [2, 0, 3]


@pytest.mark.parametrize("seed", range(3))
def test_transpose_pre_test_changes_nothing(monkeypatch, seed):
    """Skipping the rows the vectorised test clears gives the very drawing of scanning them all."""
    graph = autograd_like(700, seed)
    monkeypatch.setattr(order, "SWAP_TEST_FROM", 10**9)
    scanned = layout(graph)
    monkeypatch.setattr(order, "SWAP_TEST_FROM", 0)
    tested = layout(graph)
    assert tested.positions == scanned.positions and tested.order == scanned.order
    assert tested.crossings == scanned.crossings
