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


def test_a_session_keeps_its_graph_to_the_budget_and_says_how_to_raise_it() -> None:
    from gradviz.runner.limits import Limits
    from gradviz.runner.session import Session

    source = "import torch\nx = torch.ones(2, requires_grad=True)\ny = x\nfor _ in range(2000):\n    y = y * 1.5\n"
    session = Session(Limits(max_graph_nodes=500))
    result = session.run_cell(0, source, 1)
    assert result.error is None, result.error
    assert result.graph is not None
    assert result.graph["graph"]["truncated"] == {"max_nodes": 500}
    assert len(result.graph["nodes"]) <= 503
    names = {n.get("name") for n in result.graph["nodes"]}
    assert "y" in names  # the tensor the code holds is always kept
    notes = [w for w in result.warnings if "more than 500 tensors and ops" in w]
    assert len(notes) == 1 and "--max-graph-nodes N (Limits.max_graph_nodes)" in notes[0]
    # Under the budget nothing is cut and nothing is said.
    small = Session(Limits(max_graph_nodes=500)).run_cell(0, source.replace("2000", "20"), 1)
    assert small.graph is not None and "truncated" not in small.graph["graph"]
    assert not any("tensors and ops" in w for w in small.warnings)


def test_gradviz_run_takes_the_budget_and_prints_the_note(tmp_path) -> None:
    import io

    from gradviz.cli.run import run_main

    script = tmp_path / "chain.py"
    script.write_text(
        "import torch\nx = torch.ones(2, requires_grad=True)\ny = x\nfor _ in range(300):\n    y = y * 1.5\n"
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_main([str(script), "--in-process", "--max-graph-nodes", "100"], out, err) == 0
    assert "more than 100 tensors and ops" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert run_main([str(script), "--in-process"], out, err) == 0
    assert "tensors and ops" not in err.getvalue()
