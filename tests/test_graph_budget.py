"""A graph too big to draw is cut to a node budget, keeping the part nearest the learner's tensors."""

from __future__ import annotations

import networkx as nx

import gradviz.torch as t
from gradviz.graph.snapshot import build_graph, build_snapshot


def _chain(n: int) -> tuple[t.Tensor, t.Tensor]:
    x = t.ones(2, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.5
    return x, y.sum()


def test_a_graph_within_the_budget_is_whole_and_unmarked() -> None:
    x, loss = _chain(10)
    whole = build_snapshot({"x": x, "loss": loss})
    budgeted = build_snapshot({"x": x, "loss": loss}, max_nodes=10_000)
    assert budgeted == whole
    assert "truncated" not in budgeted["graph"]


def test_a_long_chain_keeps_the_ops_nearest_the_loss_and_says_it_was_cut() -> None:
    _, loss = _chain(5000)
    g = build_graph({"loss": loss}, max_nodes=300)
    assert g.graph["truncated"] == {"max_nodes": 300}
    assert 300 <= g.number_of_nodes() <= 303  # the last op expanded may add its input and output
    ops = [d for _, d in g.nodes(data=True) if d["kind"] == "op"]
    assert ops[0]["name"] == "SumBackward0"
    cut = [d for _, d in g.nodes(data=True) if d.get("cut")]
    assert len(cut) == 1 and cut[0]["name"] == "MulBackward0"
    # The kept part is one connected piece: no link points at a node that was not kept.
    assert nx.is_weakly_connected(g)
    snapshot = build_snapshot({"loss": loss}, max_nodes=300)
    ids = {n["id"] for n in snapshot["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in snapshot["links"])


def test_a_wide_graph_is_cut_breadth_first_not_down_one_branch() -> None:
    """Eight branches of 400 ops each, summed: every branch keeps its op next to the sum."""
    x = t.ones(2, requires_grad=True)
    heads = []
    for k in range(8):
        y = x * float(k + 1)
        for _ in range(400):
            y = y + 1.0
        heads.append(y.sum())
    total = heads[0]
    for h in heads[1:]:
        total = total + h
    g = build_graph({"total": total}, max_nodes=200)
    sums = [v for v, d in g.nodes(data=True) if d.get("name") == "SumBackward0"]
    assert len(sums) == 8
    assert all(g.in_degree(v) > 0 or g.nodes[v].get("cut") for v in sums)
    assert g.number_of_nodes() <= 200 + 3
