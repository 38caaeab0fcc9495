"""Layout quality on graphs recorded from model code, ranking optimality, bundles, known optima."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from gradviz.graph.layout.order import count_layered_crossings
from gradviz.graph.layout.simplex import optimal_ranks
from gradviz.graph.layout.sugiyama import LayoutResult, count_crossings, layout, layout_records

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from layout_models import ATTENTION, MLP_STEPS, RNN_UNROLLED, long_edge_source, record, to_node_link


@pytest.fixture(scope="module")
def model_graphs() -> dict[str, nx.MultiDiGraph]:
    return {
        "mlp": record(MLP_STEPS, "dataflow"),
        "rnn": record(RNN_UNROLLED, "gradfn"),
        "attention": record(ATTENTION, "gradfn"),
        "long": record(long_edge_source(3, 5), "gradfn"),
    }


def assert_no_overlap(result: LayoutResult) -> None:
    by_rank: dict[int, list] = {}
    for v, r in result.ranks.items():
        by_rank.setdefault(r, []).append(v)
    for row in by_rank.values():
        row.sort(key=lambda v: result.positions[v][0])
        for a, b in itertools.pairwise(row):
            right_of_a = result.positions[a][0] + result.sizes[a][0] / 2
            left_of_b = result.positions[b][0] - result.sizes[b][0] / 2
            assert right_of_a <= left_of_b + 1e-6, (a, b)
    levels = sorted(set(result.ranks.values()))
    for lower, upper in itertools.pairwise(levels):
        bottom = max(result.positions[v][1] + result.sizes[v][1] / 2 for v in by_rank[lower])
        top = min(result.positions[v][1] - result.sizes[v][1] / 2 for v in by_rank[upper])
        assert bottom < top


def longest_path_length(graph: nx.DiGraph) -> int:
    """Total edge span when every node sits one rank below its deepest input."""
    rank: dict = {}
    for v in nx.topological_sort(graph):
        rank[v] = max((rank[u] + 1 for u in graph.predecessors(v)), default=0)
    return sum(rank[v] - rank[u] for u, v in nx.DiGraph(graph).edges())


def total_length(graph: nx.DiGraph, result: LayoutResult) -> int:
    return sum(result.ranks[v] - result.ranks[u] for u, v in nx.DiGraph(graph).edges())


@pytest.mark.parametrize("name", ["mlp", "rnn", "attention", "long"])
def test_model_graphs_have_no_overlap_and_edges_go_down(model_graphs, name):
    g = model_graphs[name]
    result = layout(g)
    assert_no_overlap(result)
    for u, v in g.edges():
        assert result.ranks[v] > result.ranks[u]
    # The layout's own count (per edge, bundles weighted) is the count of the drawing.
    assert result.crossings == count_crossings(g, result)


def test_long_edge_graph_ranks_are_shorter_than_longest_path(model_graphs):
    for name in ("long", "rnn"):
        g = model_graphs[name]
        assert total_length(g, layout(g)) < longest_path_length(g)


def _random_dag(seed: int) -> tuple[int, list[tuple[int, int]]]:
    rng = random.Random(seed)
    n = rng.randint(2, 30)
    edges = {(rng.randrange(v), v) for v in range(1, n)}
    for _ in range(rng.randint(0, 2 * n)):
        a, b = sorted(rng.sample(range(n), 2))
        edges.add((a, b))
    return n, sorted(edges)


@pytest.mark.parametrize("seed", range(60))
def test_network_simplex_ranks_reach_the_linear_programming_optimum(seed):
    """The least total edge length, checked against the dual min-cost flow that networkx solves."""
    n, edges = _random_dag(seed)
    ranks = optimal_ranks(n, [u for u, _ in edges], [v for _, v in edges])
    assert all(ranks[v] - ranks[u] >= 1 for u, v in edges)
    flow = nx.DiGraph()
    for v in range(n):
        flow.add_node(v, demand=sum(1 for e in edges if e[1] == v) - sum(1 for e in edges if e[0] == v))
    for u, v in edges:
        flow.add_edge(u, v, weight=-1)
    assert sum(ranks[v] - ranks[u] for u, v in edges) == -nx.min_cost_flow_cost(flow)


def test_weighted_ranks_keep_heavy_edges_short():
    # a -> b -> c -> d and a -> d: with the long edge light, the chain stays tight and a-d spans 3.
    tails, heads = [0, 1, 2, 0], [1, 2, 3, 3]
    ranks = optimal_ranks(4, tails, heads, [5, 5, 5, 1])
    assert ranks == [0, 1, 2, 3]


def _best_crossings_by_brute_force(graph: nx.DiGraph, ranks: dict) -> int:
    rows: dict[int, list] = {}
    for v, r in ranks.items():
        rows.setdefault(r, []).append(v)
    levels = sorted(rows)
    best = None
    for perms in itertools.product(*(itertools.permutations(rows[r]) for r in levels)):
        pos = {v: i for perm in perms for i, v in enumerate(perm)}
        layer, top, bottom = [], [], []
        for u, v in graph.edges():
            layer.append(ranks[u])
            top.append(pos[u])
            bottom.append(pos[v])
        c = count_layered_crossings(np.array(layer), np.array(top), np.array(bottom))
        best = c if best is None else min(best, c)
    return int(best or 0)


def _proper_layered(seed: int) -> nx.DiGraph:
    """Edges only between consecutive levels, every node with an edge to the next and from the
    previous level: every component spans all levels, so its ranks are forced."""
    rng = random.Random(seed)
    sizes = [rng.randint(2, 4) for _ in range(3)]
    levels = [[f"{i}.{j}" for j in range(k)] for i, k in enumerate(sizes)]
    g = nx.DiGraph()
    for upper, lower in itertools.pairwise(levels):
        for v in lower:
            g.add_edge(rng.choice(upper), v)
        for u in upper:
            g.add_edge(u, rng.choice(lower))
        for _ in range(rng.randint(0, 4)):
            g.add_edge(rng.choice(upper), rng.choice(lower))
    return g


def _complete_bipartite(m: int, n: int) -> nx.DiGraph:
    return nx.DiGraph([(f"a{i}", f"b{j}") for i in range(m) for j in range(n)])


@pytest.mark.parametrize(
    ("graph", "optimum"),
    [
        # K(m, n) drawn on two rows crosses C(m, 2) * C(n, 2) times whatever the order.
        (_complete_bipartite(2, 2), 1),
        (_complete_bipartite(2, 3), 3),
        (_complete_bipartite(3, 3), 9),
        (nx.balanced_tree(2, 4, create_using=nx.DiGraph), 0),
    ],
)
def test_crossings_of_known_graphs_are_their_optimum(graph, optimum):
    result = layout(graph)
    assert count_crossings(graph, result) <= optimum


@pytest.mark.parametrize("seed", range(12))
def test_crossings_of_small_layered_graphs_reach_the_brute_force_optimum(seed):
    g = _proper_layered(seed)
    result = layout(g)
    assert all(result.ranks[v] - result.ranks[u] == 1 for u, v in g.edges())
    assert count_crossings(g, result) <= _best_crossings_by_brute_force(g, result.ranks)


def test_fan_out_at_many_depths_runs_as_one_bundle():
    """A weight used by every step of a 40-step chain: its edges share one line of bends."""
    g = nx.DiGraph()
    g.add_edge("w", "s0")
    for i in range(1, 40):
        g.add_edge(f"s{i - 1}", f"s{i}")
        g.add_edge("w", f"s{i}")
    result = layout(g)
    bends = {p for (u, _), line in result.edge_points.items() if u == "w" for p in line[1:-1]}
    # Separate routes would need 1 + 2 + ... + 37 bends; the bundle has two per rank crossed
    # (where it enters and leaves the rank's band).
    assert len(bends) <= 2 * 40
    assert_no_overlap(result)
    assert result.crossings == count_crossings(g, result)


def test_parallel_edges_in_a_bundle_still_bow_apart():
    g = nx.MultiDiGraph()
    for i in range(1, 8):
        g.add_edge(f"s{i - 1}", f"s{i}")
    for i in (3, 5, 7):
        g.add_edge("x", f"s{i}", key=0)
        g.add_edge("x", f"s{i}", key=1)  # x * x: two input slots
    result = layout(g)
    for i in (3, 5, 7):
        a, b = result.edge_points[("x", f"s{i}", 0)], result.edge_points[("x", f"s{i}", 1)]
        assert a != b
        mid = len(a) // 2
        assert abs(a[mid][0] - b[mid][0]) > 1.0


def test_layout_is_deterministic_on_model_graphs(model_graphs):
    for g in model_graphs.values():
        first, second = layout(g), layout(g)
        assert first.positions == second.positions
        assert first.edge_points == second.edge_points


def test_layout_records_matches_layout(model_graphs):
    g = model_graphs["mlp"]
    from_graph = layout(g)
    from_records = layout_records(g.nodes(data=True), g.edges(keys=True, data=True), multigraph=True)
    assert from_records.positions == from_graph.positions
    assert from_records.edge_points == from_graph.edge_points


def test_cli_does_not_import_networkx(tmp_path, model_graphs):
    src = tmp_path / "in.json"
    src.write_text(json.dumps(to_node_link(model_graphs["mlp"])), encoding="utf-8")
    out = tmp_path / "out.json"
    code = (
        "import sys; from gradviz.cli.layout import main; "
        f"code = main([{str(src)!r}, '-o', {str(out)!r}]); print(code, 'networkx' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["0", "False"]
    laid = json.loads(out.read_text(encoding="utf-8"))
    assert all("x" in node for node in laid["nodes"])
