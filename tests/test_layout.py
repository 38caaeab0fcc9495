"""Layered layout: layering, crossing counting, overlap-freedom, determinism, incremental mode."""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.graph.layout.collapse import collapse, collapse_chains
from gradviz.graph.layout.coord import isotonic_placement
from gradviz.graph.layout.order import count_layered_crossings
from gradviz.graph.layout.sugiyama import LayoutResult, count_crossings, layout

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from layout_graphs import autograd_like

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def random_dags(draw, max_nodes: int = 24, sized: bool = False) -> nx.DiGraph:
    n = draw(st.integers(1, max_nodes))
    g = nx.DiGraph()
    for i in range(n):
        attrs = {}
        if sized:
            attrs = {"width": draw(st.floats(5, 300)), "height": draw(st.floats(5, 120))}
        g.add_node(i, **attrs)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    if pairs:
        chosen = draw(st.lists(st.sampled_from(pairs), max_size=min(3 * n, len(pairs)), unique=True))
        g.add_edges_from(chosen)
    return g


def brute_force_crossings(layer, top, bottom) -> int:
    total = 0
    for i, j in itertools.combinations(range(len(layer)), 2):
        if layer[i] == layer[j] and (top[i] - top[j]) * (bottom[i] - bottom[j]) < 0:
            total += 1
    return total


def assert_no_overlap(result: LayoutResult, gap: float = 0.0) -> None:
    boxes = [
        (
            v,
            x - result.sizes[v][0] / 2,
            y - result.sizes[v][1] / 2,
            x + result.sizes[v][0] / 2,
            y + result.sizes[v][1] / 2,
        )
        for v, (x, y) in result.positions.items()
    ]
    for (a, ax0, ay0, ax1, ay1), (b, bx0, by0, bx1, by1) in itertools.combinations(boxes, 2):
        separate = ax1 + gap <= bx0 + 1e-6 or bx1 + gap <= ax0 + 1e-6 or ay1 <= by0 + 1e-6 or by1 <= ay0 + 1e-6
        assert separate, f"nodes {a!r} and {b!r} overlap"


# --- layering ------------------------------------------------------------------------------


@SETTINGS
@given(random_dags())
def test_every_edge_goes_down_the_ranks(g):
    result = layout(g)
    for u, v in g.edges:
        assert result.ranks[u] < result.ranks[v]
        assert result.positions[u][1] < result.positions[v][1]
    assert sorted(result.ranks.values())[0] == 0


def test_layering_keeps_edges_short():
    # A parameter used at the end of a long chain sits right above its consumer, not at rank 0.
    g = nx.DiGraph()
    nx.add_path(g, ["x", "a", "b", "c", "d", "loss"])
    g.add_edge("w", "d")
    result = layout(g)
    assert result.ranks["w"] == result.ranks["d"] - 1
    assert len(result.edge_points[("w", "d")]) == 2


def test_cycles_are_broken_without_crashing():
    g = nx.DiGraph([(1, 2), (2, 3), (3, 1), (3, 4), (4, 4)])
    result = layout(g)
    assert set(result.positions) == {1, 2, 3, 4}
    for u, v in g.edges:
        assert (u, v) in result.edge_points
        if u != v:
            assert result.ranks[u] != result.ranks[v]
    line = result.edge_points[(3, 1)]  # the reversed edge still runs from its source to its target
    assert _on_border(result, 3, line[0]) and _on_border(result, 1, line[-1])


def test_long_chain_of_ten_thousand_nodes_has_no_recursion():
    g = nx.DiGraph()
    nx.add_path(g, range(10_000))
    result = layout(g)
    assert [result.ranks[i] for i in (0, 5000, 9999)] == [0, 5000, 9999]
    xs = {x for x, _ in result.positions.values()}
    assert len(xs) == 1  # a chain is one straight line


# --- crossing counting ---------------------------------------------------------------------


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 9), st.integers(0, 9)), max_size=60))
def test_bjm_counter_matches_brute_force(segments):
    layer = np.array([s[0] for s in segments], dtype=np.int64)
    top = np.array([s[1] for s in segments], dtype=np.int64)
    bottom = np.array([s[2] for s in segments], dtype=np.int64)
    assert count_layered_crossings(layer, top, bottom) == brute_force_crossings(layer, top, bottom)


@SETTINGS
@given(st.integers(0, 10_000))
def test_count_crossings_matches_brute_force_on_random_layered_graphs(seed):
    rng = random.Random(seed)
    sizes = [rng.randint(1, 6) for _ in range(rng.randint(2, 5))]
    g = nx.DiGraph()
    rows = [[(r, i) for i in range(k)] for r, k in enumerate(sizes)]
    for row in rows:
        g.add_nodes_from(row)
    for r in range(len(rows) - 1):
        for u in rows[r]:
            for v in rows[r + 1]:
                if rng.random() < 0.4:
                    g.add_edge(u, v)
    # A drawing that keeps the rows as ranks, in a shuffled order, with straight edges.
    positions, ranks, order = {}, {}, []
    for r, row in enumerate(rows):
        shuffled = row[:]
        rng.shuffle(shuffled)
        order.append(shuffled)
        for i, v in enumerate(shuffled):
            positions[v] = (100.0 * i, 100.0 * r)
            ranks[v] = r
    result = LayoutResult(
        positions,
        dict.fromkeys(g, (10.0, 10.0)),
        {e: [positions[e[0]], positions[e[1]]] for e in g.edges},
        ranks,
        order,
        0.0,
        0.0,
    )
    edges = list(g.edges)
    expected = 0
    for (a, b), (c, d) in itertools.combinations(edges, 2):
        if ranks[a] == ranks[c] and (positions[a][0] - positions[c][0]) * (positions[b][0] - positions[d][0]) < 0:
            expected += 1
    assert count_crossings(g, result) == expected


def test_crossings_field_agrees_with_geometry():
    g = autograd_like(300, seed=3)
    result = layout(g)
    assert count_crossings(g, result) == result.crossings


def test_tree_is_drawn_without_crossings():
    g = nx.balanced_tree(2, 6, create_using=nx.DiGraph).reverse()  # an in-tree, like a loss
    assert count_crossings(g, layout(g)) == 0


def test_known_unavoidable_crossing_is_counted():
    g = nx.DiGraph()
    g.add_edges_from((u, v) for u in "ab" for v in "cd")  # K2,2 drawn on two ranks: one crossing
    assert count_crossings(g, layout(g)) == 1


# --- geometry --------------------------------------------------------------------------------


@SETTINGS
@given(random_dags(sized=True), st.sampled_from(["TB", "LR"]))
def test_no_node_overlap(g, direction):
    result = layout(g, direction=direction, node_gap=12)
    assert_no_overlap(result, gap=0.0)
    for v in g:
        assert result.sizes[v] == (g.nodes[v]["width"], g.nodes[v]["height"])
    for (x, y), (w, h) in zip(result.positions.values(), result.sizes.values()):
        assert x - w / 2 >= -1e-6 and x + w / 2 <= result.width + 1e-6
        assert y - h / 2 >= -1e-6 and y + h / 2 <= result.height + 1e-6


def test_nodes_of_a_rank_keep_the_node_gap():
    g = autograd_like(200, seed=5)
    result = layout(g, node_gap=25)
    for row in result.order:
        for a, b in itertools.pairwise(row):
            right_of_a = result.positions[a][0] + result.sizes[a][0] / 2
            left_of_b = result.positions[b][0] - result.sizes[b][0] / 2
            assert left_of_b - right_of_a >= 25 - 1e-6


def _on_border(result, v, point, tol=1e-6) -> bool:
    (x, y), (w, h) = result.positions[v], result.sizes[v]
    dx, dy = abs(point[0] - x), abs(point[1] - y)
    inside = dx <= w / 2 + tol and dy <= h / 2 + tol
    return inside and (abs(dx - w / 2) <= tol or abs(dy - h / 2) <= tol)


@SETTINGS
@given(random_dags(sized=True), st.sampled_from(["TB", "LR"]))
def test_edges_run_from_border_to_border_through_each_rank(g, direction):
    result = layout(g, direction=direction)
    axis = 1 if direction == "TB" else 0
    for u, v in g.edges:
        line = result.edge_points[(u, v)]
        assert _on_border(result, u, line[0]) and _on_border(result, v, line[-1])
        # Out of the source's far side, into the target's near side, never turning back.
        assert line[0][axis] == pytest.approx(result.positions[u][axis] + result.sizes[u][axis] / 2)
        assert line[-1][axis] == pytest.approx(result.positions[v][axis] - result.sizes[v][axis] / 2)
        coords = [p[axis] for p in line]
        assert coords == sorted(coords)
        # Across every band it spans, an edge runs straight along the rank axis.
        for p, q in itertools.pairwise(line):
            if p[1 - axis] != q[1 - axis]:
                assert not any(
                    lv - 1e-6 > min(p[axis], q[axis]) and lv + 1e-6 < max(p[axis], q[axis])
                    for lv in result.levels[result.ranks[u] + 1 : result.ranks[v]]
                )


def test_long_edges_are_straight():
    # Two chains and a skip edge: Brandes–Köpf keeps the long edge's dummies in one line.
    g = nx.DiGraph()
    nx.add_path(g, ["in", "a", "b", "c", "d", "out"])
    g.add_edge("in", "out")
    line = layout(g).edge_points[("in", "out")]
    assert len({round(x, 6) for x, _ in line[1:-1]}) == 1


def test_lr_is_tb_turned_for_square_nodes():
    g = autograd_like(120, seed=2)
    for v in g:
        g.nodes[v]["width"] = g.nodes[v]["height"] = 50.0
    tb, lr = layout(g, direction="TB"), layout(g, direction="LR")
    assert lr.ranks == tb.ranks and lr.order == tb.order
    for v in g:
        assert lr.positions[v] == pytest.approx(tb.positions[v][::-1])
    assert (lr.width, lr.height) == pytest.approx((tb.height, tb.width))
    assert count_crossings(g, lr) == count_crossings(g, tb) == tb.crossings


def test_lr_puts_ranks_left_to_right_with_real_sizes():
    g = autograd_like(80, seed=4)
    result = layout(g, direction="LR")
    for u, v in g.edges:
        assert result.positions[u][0] < result.positions[v][0]
    assert_no_overlap(result)


def test_components_are_side_by_side_in_a_fixed_order():
    g = nx.DiGraph()
    nx.add_path(g, ["b1", "b2", "b3"])
    nx.add_path(g, ["a1", "a2"])
    g.add_node("c")
    result = layout(g)
    right_a = max(result.positions[v][0] + result.sizes[v][0] / 2 for v in ("a1", "a2"))
    left_b = min(result.positions[v][0] - result.sizes[v][0] / 2 for v in ("b1", "b2", "b3"))
    right_b = max(result.positions[v][0] + result.sizes[v][0] / 2 for v in ("b1", "b2", "b3"))
    assert right_a < left_b and right_b < result.positions["c"][0]


def test_empty_and_single_node_graphs():
    empty = layout(nx.DiGraph())
    assert empty.positions == {} and empty.width == 0
    one = layout(nx.DiGraph([("x", "x")]))
    assert one.positions["x"] == (60.0, 20.0) and ("x", "x") in one.edge_points


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="direction"):
        layout(nx.DiGraph(), direction="BT")
    g = nx.DiGraph()
    g.add_node(1, width=-3)
    with pytest.raises(ValueError, match="width"):
        layout(g)


# --- determinism -----------------------------------------------------------------------------


def test_same_input_gives_the_same_output():
    g = autograd_like(400, seed=7)
    assert layout(g) == layout(g)


@SETTINGS
@given(random_dags(max_nodes=30, sized=True), st.randoms(use_true_random=False))
def test_insertion_order_does_not_matter(g, rnd):
    nodes = list(g.nodes(data=True))
    edges = list(g.edges(data=True))
    rnd.shuffle(nodes)
    rnd.shuffle(edges)
    shuffled = nx.DiGraph()
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    a, b = layout(g), layout(shuffled)
    assert a.positions == b.positions and a.edge_points == b.edge_points
    assert a.order == b.order and a.ranks == b.ranks


def test_insertion_order_does_not_matter_on_an_autograd_graph():
    g = autograd_like(500, seed=11)
    nodes, edges = list(g.nodes(data=True)), list(g.edges(data=True))
    random.Random(0).shuffle(nodes)
    random.Random(1).shuffle(edges)
    shuffled = nx.DiGraph()
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    assert layout(g) == layout(shuffled)


# --- incremental -----------------------------------------------------------------------------


def _max_move(before: LayoutResult, after: LayoutResult) -> float:
    return max(
        float(np.hypot(after.positions[v][0] - x, after.positions[v][1] - y)) for v, (x, y) in before.positions.items()
    )


def test_incremental_keeps_old_nodes_still_where_fresh_layout_reshuffles():
    # Components are ordered by their smallest id, so a new node "a0" joining the "z" component
    # moves that whole component to the front of a fresh layout.  Incrementally nothing moves.
    g = nx.DiGraph()
    nx.add_path(g, ["m1", "m2", "m3"])
    nx.add_path(g, ["z1", "z2", "z3"])
    g.add_edge("z4", "z3")
    before = layout(g)
    grown = g.copy()
    grown.add_edge("a0", "z2")
    fresh = layout(grown)
    kept = layout(grown, previous=before)
    bound = 1.0
    assert _max_move(before, fresh) > bound
    assert _max_move(before, kept) <= bound
    assert kept.ranks["a0"] < kept.ranks["z2"]
    assert_no_overlap(kept)
    for row_before in before.order:
        rank = before.ranks[row_before[0]]
        assert [v for v in kept.order[rank] if v in before.positions] == row_before


def test_incremental_growth_moves_old_nodes_little():
    g = autograd_like(300, seed=8)
    before = layout(g)
    grown = g.copy()
    target = sorted(grown.nodes, key=lambda v: int(v[1:]))[150]
    grown.add_node("new_a", width=100.0, height=40.0)
    grown.add_node("new_b", width=100.0, height=40.0)
    grown.add_edge("new_a", target)
    grown.add_edge("new_b", "new_a")
    kept = layout(grown, previous=before)
    assert_no_overlap(kept)
    for u, v in grown.edges:
        assert kept.ranks[u] < kept.ranks[v]
    moves = sorted(
        float(np.hypot(kept.positions[v][0] - x, kept.positions[v][1] - y)) for v, (x, y) in before.positions.items()
    )
    # Almost everything stays put; the few neighbours that make room move about one node.
    assert moves[int(0.95 * len(moves))] < 1.0
    assert moves[-1] <= 2 * (100.0 + 30.0)


def test_incremental_with_removed_and_added_nodes_is_valid():
    g = autograd_like(150, seed=9)
    before = layout(g, direction="LR")
    smaller = g.copy()
    smaller.remove_nodes_from(list(smaller.nodes)[:10])
    smaller.add_edge("extra", list(smaller.nodes)[20])
    after = layout(smaller, direction="LR", previous=before)
    assert_no_overlap(after)
    assert set(after.positions) == set(smaller.nodes)
    for u, v in smaller.edges:
        assert after.ranks[u] < after.ranks[v]


def test_isotonic_placement_is_least_squares_with_separation():
    assert isotonic_placement([0.0, 0.0], [1.0, 1.0], [10.0]) == [-5.0, 5.0]
    assert isotonic_placement([0.0, 100.0], [1.0, 1.0], [10.0]) == [0.0, 100.0]
    assert isotonic_placement([0.0, 0.0], [3.0, 1.0], [8.0]) == [-2.0, 6.0]


# --- collapsing ------------------------------------------------------------------------------


def test_collapse_chains_replaces_runs_and_expands_back():
    g = nx.DiGraph()
    nx.add_path(g, ["x", "a", "b", "c", "d", "y"])
    g.add_edge("w", "y")
    collapsed = collapse_chains(g, min_length=3)
    ((gid, members),) = collapsed.groups.items()
    assert members == ["x", "a", "b", "c", "d"]
    assert set(collapsed.graph.nodes) == {gid, "w", "y"}
    assert collapsed.graph.has_edge(gid, "y")
    expanded = collapsed.expand([gid])
    assert nx.utils.graphs_equal(expanded.graph, g) and expanded.groups == {}
    with pytest.raises(KeyError):
        collapsed.expand(["nope"])


def test_collapse_makes_a_big_training_graph_small_and_drawable():
    g = autograd_like(10_000, seed=1)
    collapsed = collapse(g, min_length=3, absorb=3)
    assert collapsed.graph.number_of_nodes() < g.number_of_nodes() / 4
    assert sorted(v for vs in collapsed.groups.values() for v in vs) == sorted(
        v for v in g if collapsed.membership[v] in collapsed.groups
    )
    assert nx.is_directed_acyclic_graph(collapsed.graph)
    result = layout(collapsed.graph)
    assert set(result.positions) == set(collapsed.graph.nodes)
    one = next(iter(collapsed.groups))
    opened = collapsed.expand([one])
    assert opened.graph.number_of_nodes() == (collapsed.graph.number_of_nodes() - 1 + len(collapsed.groups[one]))


def test_benchmark_generator_makes_exact_connected_dags():
    for n, seed in ((50, 0), (300, 6), (1000, 1)):
        g = autograd_like(n, seed)
        assert g.number_of_nodes() == n and nx.is_directed_acyclic_graph(g)
        assert [v for v in g if g.out_degree(v) == 0] == [max(g, key=lambda v: int(v[1:]))]


def test_dense_graph_with_wide_rows_is_laid_out_without_overlap():
    rng = random.Random(1)
    g = nx.DiGraph()
    for _ in range(600):
        a, b = sorted(rng.sample(range(120), 2))
        g.add_edge(a, b)
    result = layout(g)
    assert_no_overlap(result)
    assert count_crossings(g, result) == result.crossings


def test_collapse_does_not_depend_on_insertion_order():
    g = autograd_like(400, seed=12)
    nodes, edges = list(g.nodes(data=True)), list(g.edges(data=True))
    random.Random(3).shuffle(nodes)
    random.Random(4).shuffle(edges)
    shuffled = nx.DiGraph()
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    a, b = collapse(g), collapse(shuffled)
    assert a.groups == b.groups
    assert dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True))
    assert layout(a.graph) == layout(b.graph)


def test_parallel_edges_are_distinct_curves():
    """``y * y``: two edges from y into the multiply, each with its own polyline, bowed apart."""
    g = nx.MultiDiGraph()
    g.add_edge("y", "mul", key=0, index=0)
    g.add_edge("y", "mul", key=1, index=1)
    g.add_edge("mul", "z", key=0, index=0)
    for direction in ("TB", "LR"):
        result = layout(g, direction=direction)
        assert set(result.edge_points) == {("y", "mul", 0), ("y", "mul", 1), ("mul", "z", 0)}
        first, second = result.edge_points[("y", "mul", 0)], result.edge_points[("y", "mul", 1)]
        assert first != second and len(first) == len(second) == 3  # a bend each, on opposite sides
        across = 0 if direction == "TB" else 1
        middle = result.positions["y"][across]
        assert first[1][across] < middle < second[1][across]
        assert len(result.edge_points[("mul", "z", 0)]) == 2  # a lone edge stays straight
        assert count_crossings(g, result) == 0
    # the same picture as a DiGraph for everything but the fanned pair
    plain = layout(nx.DiGraph(g), direction="TB")
    assert plain.positions == layout(g, direction="TB").positions
