"""One backward call's own graph: a 20-step Adam MLP loop shows one iteration per call, with the
parameters one node each and the numbers that iteration ran with."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from gradviz.backward.training import detect_loops, iteration_graph
from gradviz.graph.calls import call_node_ids, call_subgraph, nearest_detailed, summary_of_grad
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session

STEPS = 20
# Each step prints the first layer's weight as the forward saw it, the loss, and the grad backward left.
MLP_LOOP = f"""import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(32, 4)
y = torch.randn(32, 1)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for step in range({STEPS}):
    optimizer.zero_grad()
    w = model[0].weight.sum().item()
    loss = loss_fn(model(x), y)
    loss.backward()
    print("step", step, "w", w, "loss", loss.item(), "grad", model[0].weight.grad.sum().item())
    optimizer.step()
"""
ONE_ITERATION = {
    "MseLossBackward0": 1,
    "AddmmBackward0": 3,
    "TBackward0": 3,
    "ReluBackward0": 2,
    "AccumulateGrad": 6,
}
PARAMS = [f"model.{i}.{kind}" for i in (0, 2, 4) for kind in ("weight", "bias")]


def _run(limits: Limits) -> tuple[dict[str, Any], list[dict[str, Any]], list[tuple[float, float, float]]]:
    result = Session(limits).run_cell(0, MLP_LOOP)
    assert result.error is None, result.error
    assert result.graph is not None and len(result.backward_calls) == STEPS
    printed = [
        (float(w), float(loss), float(grad))
        for w, loss, grad in re.findall(r"w (\S+) loss (\S+) grad (\S+)", result.stdout)
    ]
    assert len(printed) == STEPS
    return result.graph, result.backward_calls, printed


@pytest.fixture(scope="module")
def every_call_detailed() -> tuple[dict[str, Any], list[dict[str, Any]], list[tuple[float, float, float]]]:
    return _run(Limits(max_detailed_calls=2 * STEPS))


@pytest.fixture(scope="module")
def default_limits() -> tuple[dict[str, Any], list[dict[str, Any]], list[tuple[float, float, float]]]:
    # no size budget: only the first and last four calls (Limits.max_detailed_calls) are kept in full
    return _run(Limits(detail_budget=0))


def _op_counts(snapshot: dict[str, Any]) -> Counter[str]:
    return Counter(str(n["label"]) for n in snapshot["nodes"] if n["kind"] in ("op", "accumulate"))


def _graph(snapshot: dict[str, Any], calls: list[dict[str, Any]], k: int) -> dict[str, Any]:
    sub = call_subgraph(snapshot, calls[k], k).snapshot
    assert sub is not None
    return sub


def test_the_cell_graph_merges_every_kept_iteration(every_call_detailed) -> None:
    snapshot, _, _ = every_call_detailed
    counts = _op_counts(snapshot)
    assert counts["MseLossBackward0"] == STEPS and counts["TBackward0"] == 3 * STEPS
    assert counts["AccumulateGrad"] == 6  # shared: one per parameter


def test_each_call_is_one_iteration_with_each_parameter_once(every_call_detailed) -> None:
    snapshot, calls, _ = every_call_detailed
    for k in range(STEPS):
        sub = _graph(snapshot, calls, k)
        assert dict(_op_counts(sub)) == ONE_ITERATION
        names = [n.get("name") for n in sub["nodes"] if n.get("is_param")]
        assert sorted(names) == sorted(PARAMS)
        tensors = Counter(n["role"] for n in sub["nodes"] if n["kind"] == "tensor")
        assert tensors == {"leaf": 6, "constant": 2, "intermediate": 9}  # x, y; 3 layers' outputs
        ids = {n["id"] for n in sub["nodes"]}
        assert all(e["source"] in ids and e["target"] in ids for e in sub["links"])
        assert set(call_node_ids(calls[k]) or []) <= ids


def test_call_3_holds_nothing_made_in_iteration_5(every_call_detailed) -> None:
    snapshot, calls, _ = every_call_detailed
    third, fifth = _graph(snapshot, calls, 2), _graph(snapshot, calls, 4)
    made_in_fifth = {n["id"] for n in fifth["nodes"] if n["kind"] == "op" or n.get("role") == "intermediate"}
    assert made_in_fifth and not made_in_fifth & {n["id"] for n in third["nodes"]}
    shared = {n["id"] for n in third["nodes"]} & {n["id"] for n in fifth["nodes"]}
    kinds = Counter(n.get("role") or n["kind"] for n in third["nodes"] if n["id"] in shared)
    assert kinds == {"leaf": 6, "constant": 2, "accumulate": 6}  # parameters, x and y, their sinks


def test_numbers_are_the_iterations_own(every_call_detailed) -> None:
    snapshot, calls, printed = every_call_detailed
    for k in (0, 7, STEPS - 1):
        sub = _graph(snapshot, calls, k)
        nodes = {n["id"]: n for n in sub["nodes"]}
        weight = next(n for n in sub["nodes"] if n.get("name") == "model.0.weight")
        w, loss, grad = printed[k]
        # 16 x 4 = 64 cells: the preview is the whole weight, as the forward of iteration k saw it
        assert sum(sum(row) for row in weight["values"]["preview"]) == pytest.approx(w, abs=1e-4)
        assert sum(sum(row) for row in weight["grad"]["preview"]) == pytest.approx(grad, abs=1e-5)
        root = nodes[calls[k]["events"][0]["roots"][0]]
        assert root["values"]["preview"] == pytest.approx(loss, rel=1e-6)
    # the cell's snapshot keeps only the values after the last optimizer.step()
    first = next(n for n in _graph(snapshot, calls, 0)["nodes"] if n.get("name") == "model.0.weight")
    final = next(n for n in snapshot["nodes"] if n.get("name") == "model.0.weight")
    assert first["values"] != final["values"] and first["grad"] != final["grad"]


def test_a_view_of_a_stepped_parameter_shows_no_stale_numbers(every_call_detailed) -> None:
    snapshot, calls, _ = every_call_detailed
    sub = _graph(snapshot, calls, 0)
    views = [n for n in sub["nodes"] if n.get("is_view")]
    assert len(views) == 3 and all(n["values"] is None for n in views)  # weight.t() of each layer
    versions = {n["name"]: n["version"] for n in sub["nodes"] if n.get("is_param")}
    assert sorted(n["version"] for n in views) == sorted(versions[f"model.{i}.weight"] for i in (0, 2, 4))


def test_names_carry_over_so_every_iteration_reads_the_same(every_call_detailed) -> None:
    snapshot, calls, _ = every_call_detailed
    pictures = set()
    for k in (0, 9, STEPS - 1):
        found = iteration_graph(snapshot, calls, k)
        assert found is not None and found.snapshot is not None
        labels = sorted(str(n["label"]).split("\n")[0] for n in found.snapshot["nodes"])
        pictures.add(tuple(labels))
        root = next(n for n in found.snapshot["nodes"] if n["id"] == calls[k]["events"][0]["roots"][0])
        assert root["name"] == "loss"
    assert len(pictures) == 1


def test_iterations_are_numbered_as_the_training_panel_numbers_them(default_limits) -> None:
    snapshot, calls, _ = default_limits
    (loop,) = detect_loops(calls)
    for it in loop.iterations:
        found = iteration_graph(snapshot, calls, it.call_index)
        assert found is not None
        assert (found.loop, found.iteration, found.count) == (loop.index, it.index, STEPS)
        assert (found.snapshot is None) == it.summarized


def test_an_iteration_kept_as_a_summary_has_no_graph_and_names_the_nearest(default_limits) -> None:
    snapshot, calls, _ = default_limits
    detailed = [k for k, c in enumerate(calls) if not c.get("summarized")]
    assert detailed == [0, 1, 2, 3, 16, 17, 18, 19]  # Limits.max_detailed_calls = 8, no size budget
    cut = call_subgraph(snapshot, calls[5], 5)
    assert cut.snapshot is None and cut.summarized
    for k, nearest in ((4, 3), (9, 3), (10, 16), (15, 16)):
        found = iteration_graph(snapshot, calls, k)
        assert found is not None and found.snapshot is None and found.summarized
        assert found.nearest == nearest
    assert dict(_op_counts(_graph(snapshot, calls, 17))) == ONE_ITERATION
    assert nearest_detailed(calls, 11) == 16 and nearest_detailed(calls, 8) == 3


def test_a_graph_missing_from_the_snapshot_is_not_drawn_unless_it_says_it_is_cut(every_call_detailed) -> None:
    snapshot, calls, _ = every_call_detailed
    plan = call_node_ids(calls[3]) or []
    partial = {**snapshot, "nodes": [n for n in snapshot["nodes"] if n["id"] != plan[1]]}
    cut = call_subgraph(partial, calls[3], 3)
    assert cut.snapshot is None and cut.missing == (plan[1],) and not cut.summarized
    # a snapshot cut to a node budget says so: the call's part of it is drawn, cut as the snapshot is
    budgeted = {**partial, "graph": {**partial["graph"], "truncated": {"max_nodes": 300}}}
    part = call_subgraph(budgeted, calls[3], 3)
    assert part.snapshot is not None and part.missing == (plan[1],)
    assert part.snapshot["graph"]["truncated"] == {"max_nodes": 300}
    ids = {n["id"] for n in part.snapshot["nodes"]}
    assert plan[1] not in ids and set(plan) - {plan[1]} <= ids
    assert all(e["source"] in ids and e["target"] in ids for e in part.snapshot["links"])


def test_a_lone_call_keeps_its_cells_whole_graph() -> None:
    source = "import torch\nw = torch.ones(2, requires_grad=True)\nu = (w * 2).detach()\n"
    result = Session().run_cell(0, source + "loss = (w * w).sum()\nloss.backward()\n")
    assert result.graph is not None
    assert iteration_graph(result.graph, result.backward_calls, 0) is None


def test_a_trace_grad_becomes_a_snapshot_summary() -> None:
    small = summary_of_grad({"shape": [2], "dtype": "float32", "values": [1.0, "nan"]})
    assert small is not None and small["preview"] == [1.0, "nan"] and small["numel"] == 2
    big = summary_of_grad({"shape": [100, 100], "dtype": "float32", "min": -1.0, "max": 2.0, "mean": 0.5})
    assert big is not None and big["preview"] is None and big["numel"] == 10_000 and big["mean"] == 0.5
    assert summary_of_grad(None) is None


def test_counterparts_carry_one_iterations_layout_to_the_next(every_call_detailed) -> None:
    from gradviz.graph.calls import carry_layout
    from gradviz.graph.layout.sugiyama import layout
    from gradviz.graph.snapshot import from_node_link, view_subgraph

    snapshot, calls, _ = every_call_detailed
    first, last = (from_node_link(_graph(snapshot, calls, k)) for k in (0, STEPS - 1))
    assert {d["counterpart"] for _, d in first.nodes(data=True)} == {d["counterpart"] for _, d in last.nodes(data=True)}
    for view in ("dataflow", "gradfn"):
        old, new = view_subgraph(last, view), view_subgraph(first, view)
        before = layout(old)
        after = layout(new, previous=carry_layout(before, old, new))
        where = {old.nodes[v]["counterpart"]: p for v, p in before.positions.items()}
        for v, (x, y) in after.positions.items():
            wx, wy = where[new.nodes[v]["counterpart"]]
            assert (x, y) == pytest.approx((wx, wy), abs=1e-6), (view, v)
    bare = view_subgraph(from_node_link(snapshot), "dataflow")  # the cell's graph has no counterparts
    result = layout(bare)
    assert carry_layout(result, bare, bare) is result


def test_a_layout_from_drawings_ago_still_finds_its_counterparts(every_call_detailed) -> None:
    """CounterpartMemory: a box closed while the learner stepped keeps the layout of an older
    iteration; opened again, that layout is carried to the iteration drawn now. A graph that is
    no iteration in between (the merged graph, another cell's) makes the next iteration fresh."""
    import networkx as nx

    from gradviz.graph.calls import CounterpartMemory, carry_layout
    from gradviz.graph.layout.sugiyama import layout
    from gradviz.graph.snapshot import from_node_link, view_subgraph

    snapshot, calls, _ = every_call_detailed
    last, middle, first = (view_subgraph(from_node_link(_graph(snapshot, calls, k)), "dataflow") for k in (19, 9, 0))
    memory = CounterpartMemory()
    before = layout(last)
    memory.remember(last)
    memory.remember(nx.MultiDiGraph())  # an iteration kept as a summary draws nothing: remembered as before
    memory.remember(middle)
    assert carry_layout(before, middle, first) is None  # the graph in between does not know iteration 20's ids
    carried = memory.carry(before, first)
    assert carried is not None and set(carried.positions) == set(first.nodes)
    after = layout(first, previous=carried)
    where = {last.nodes[v]["counterpart"]: p for v, p in before.positions.items()}
    for v, p in after.positions.items():
        assert p == pytest.approx(where[first.nodes[v]["counterpart"]]), v
    # The cell's whole graph is no iteration: between it and an iteration nothing carries over.
    merged = view_subgraph(from_node_link(snapshot), "dataflow")
    assert carry_layout(before, last, merged) is None and carry_layout(layout(merged), merged, last) is None
    memory.remember(merged)
    assert memory.carry(before, first) is None and memory.carry(None, first) is None


def test_module_calls_are_the_iterations_own_and_keep_their_ids(every_call_detailed) -> None:
    snapshot, calls, _ = every_call_detailed
    assert len(snapshot["graph"]["modules"]) == 7 * STEPS  # Sequential, 3 Linear, 2 ReLU, MSELoss per step
    tables = []
    for k in (0, 4, STEPS - 1):
        sub = _graph(snapshot, calls, k)
        modules = sub["graph"]["modules"]
        assert [m["label"] for m in modules] == [
            "Sequential",
            "Linear(4, 16)",
            "ReLU",
            "Linear(16, 16)",
            "ReLU",
            "Linear(16, 1)",
            "MSELoss",
        ]
        ids = {m["id"] for m in modules}
        assert {n["module"] for n in sub["nodes"] if n.get("module")} <= ids
        assert all(m["parent"] is None or m["parent"] in ids for m in modules)
        tables.append([(m["id"], m["parent"]) for m in modules])
    assert tables[0] == tables[1] == tables[2]
