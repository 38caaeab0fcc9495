"""Edge routes of the layered layout never pass through a node box that is not their end.

Checked segment by segment against every node rectangle (vectorised) on the model graphs of the
layout benchmark in both views and both directions, on the seed notebook's graphs, and on random
graphs with mixed box sizes and parallel edges.
"""

from __future__ import annotations

import itertools
import random
import sys
from collections.abc import Hashable
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from gradviz.graph.layout.sugiyama import LayoutResult, layout

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from layout_graphs import autograd_like
from layout_models import ATTENTION, CNN, MLP_STEPS, RNN_MODULE, RNN_UNROLLED, long_edge_source, record

# A box counts as cut when a segment runs this far inside it (the routes touch their own ends'
# borders and may graze a box's edge).
INSIDE = 0.5


def cutting_segments(result: LayoutResult) -> list[tuple[tuple[Hashable, ...], Hashable]]:
    """(edge, node) for every edge segment that passes through the box of a node other than the
    edge's own ends (boxes shrunk by ``INSIDE``).

    Vectorised: each segment is paired with the boxes whose vertical extent meets its own (boxes
    sorted by top, found by binary search), and all pairs are clipped at once (Liang–Barsky)."""
    nodes = list(result.positions)
    index = {v: i for i, v in enumerate(nodes)}
    centre = np.array([result.positions[v] for v in nodes], dtype=float).reshape(-1, 2)
    half = np.array([result.sizes[v] for v in nodes], dtype=float).reshape(-1, 2) / 2 - INSIDE
    lo, hi = centre - half, centre + half
    starts, ends, owner, keys = [], [], [], []
    for k, (key, line) in enumerate(result.edge_points.items()):
        keys.append(key)
        for p, q in itertools.pairwise(line):
            starts.append(p)
            ends.append(q)
            owner.append(k)
    if not starts or not nodes:
        return []
    p0, p1 = np.array(starts, dtype=float), np.array(ends, dtype=float)
    by_top = np.argsort(lo[:, 1], kind="stable")
    tops = lo[by_top, 1]
    tallest = float((hi[:, 1] - lo[:, 1]).max())
    seg_lo, seg_hi = np.minimum(p0[:, 1], p1[:, 1]), np.maximum(p0[:, 1], p1[:, 1])
    first = np.searchsorted(tops, seg_lo - tallest, side="left")
    last = np.searchsorted(tops, seg_hi, side="right")
    count = np.maximum(last - first, 0)
    seg = np.repeat(np.arange(len(p0)), count)
    box = by_top[np.repeat(first, count) + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)]
    a, d = p0[seg], p1[seg] - p0[seg]
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (lo[box] - a) / d, (hi[box] - a) / d
    flat = d == 0  # parallel to a side: inside that slab for all t, or never
    inside = (a > lo[box]) & (a < hi[box])
    t_in = np.where(flat, np.where(inside, -np.inf, np.inf), np.minimum(t1, t2))
    t_out = np.where(flat, np.where(inside, np.inf, -np.inf), np.maximum(t1, t2))
    cut = np.maximum(t_in.max(axis=1), 0.0) < np.minimum(t_out.min(axis=1), 1.0)
    own = np.array([[index[keys[k][0]], index[keys[k][1]]] for k in owner])
    cut &= (box != own[seg, 0]) & (box != own[seg, 1])
    return [(keys[owner[s]], nodes[b]) for s, b in zip(seg[cut].tolist(), box[cut].tolist())]


SOURCES = {
    "mlp": MLP_STEPS,
    "cnn": CNN,
    "rnn": RNN_UNROLLED,
    "nn.rnn": RNN_MODULE,
    "attention": ATTENTION,
    "long-edge": long_edge_source(12, 12),
}


@pytest.fixture(scope="module")
def recorded() -> dict[tuple[str, str], nx.MultiDiGraph]:
    return {(name, view): record(source, view) for name, source in SOURCES.items() for view in ("dataflow", "gradfn")}


@pytest.mark.parametrize("view", ["dataflow", "gradfn"])
@pytest.mark.parametrize("name", list(SOURCES))
def test_model_graph_edges_pass_through_no_node(recorded, name, view):
    graph = recorded[(name, view)]
    for direction in ("TB", "LR"):
        assert cutting_segments(layout(graph, direction=direction)) == []


def _seed_graphs() -> list[nx.MultiDiGraph]:
    from gradviz.graph.snapshot import from_node_link, view_subgraph
    from gradviz.resources import seed_notebook
    from gradviz.runner.session import Session

    text = seed_notebook().read_text(encoding="utf-8")
    cells = text.split("# %% ")[1:]
    session = Session()
    graphs = []
    for i, cell in enumerate(cells):
        result = session.run_cell(i, cell.split("\n", 1)[1] if "\n" in cell else "")
        if result.graph is not None:
            full = from_node_link(result.graph)
            graphs.extend(view_subgraph(full, view) for view in ("dataflow", "gradfn"))
    return graphs


def test_seed_notebook_edges_pass_through_no_node():
    graphs = _seed_graphs()
    assert graphs
    for graph in graphs:
        for v, data in graph.nodes(data=True):
            label = str(data.get("label") or v)
            lines = label.split("\n")
            graph.nodes[v]["width"] = 50.0 + 7.0 * max(len(line) for line in lines)
            graph.nodes[v]["height"] = 24.0 + 16.0 * len(lines)
        assert cutting_segments(layout(graph)) == []


@pytest.mark.parametrize("seed", range(6))
def test_mixed_boxes_and_parallel_edges_pass_through_no_node(seed):
    rng = random.Random(seed)
    base = autograd_like(150, seed)
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for v in base:
        graph.add_node(v, width=float(rng.choice([30, 60, 120, 260])), height=float(rng.choice([24, 40, 72])))
    for u, v in base.edges:
        for key in range(rng.choice([1, 1, 1, 2, 3])):
            graph.add_edge(u, v, key=key)
    for direction in ("TB", "LR"):
        for gap in (30.0, 8.0):
            result = layout(graph, direction=direction, node_gap=gap, rank_gap=gap)
            assert cutting_segments(result) == []


def test_the_check_finds_a_segment_through_a_box():
    result = layout(nx.DiGraph([("a", "b")]))
    (x, y), (w, h) = result.positions["a"], result.sizes["a"]
    result.positions["c"] = (x, y + 200)
    result.sizes["c"] = (w, h)
    result.edge_points[("a", "b")] = [(x, y), (x, y + 400)]
    assert cutting_segments(result) == [(("a", "b"), "c")]
