"""Module boxes and loop folds: the module path each op records, and the group tree built from it."""

from __future__ import annotations

from typing import Any

import gradviz.torch as torch
from gradviz.autograd import module_calls
from gradviz.graph.grouping import boundary_shapes, default_collapsed, find_repeats, group_graph
from gradviz.graph.layout.collapse import fold_groups
from gradviz.graph.snapshot import build_snapshot, from_node_link, view_subgraph
from gradviz.runner.session import Session
from gradviz.torch import nn


def _named(model: nn.Module, prefix: str, **tensors: Any) -> dict[str, Any]:
    named = dict(tensors)
    for name, p in model.named_parameters():
        named[f"{prefix}.{name}"] = p
    return named


def _ops(snapshot: dict) -> dict[str, dict]:
    return {n["id"]: n for n in snapshot["nodes"] if n["kind"] == "op"}


def test_sequential_mlp_ops_carry_their_module_path():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    x = torch.randn(2, 4)
    loss = model(x).sum()
    snapshot = build_snapshot(_named(model, "model", x=x, loss=loss))
    by_name = {(n["name"], n.get("module_path")) for n in _ops(snapshot).values()}
    assert ("AddmmBackward0", "model.0") in by_name
    assert ("ReluBackward0", "model.1") in by_name
    assert ("AddmmBackward0", "model.2") in by_name
    assert ("SumBackward0", None) in by_name  # made outside any module
    rows = {r["path"]: r for r in snapshot["graph"]["modules"]}
    assert rows["model"]["label"] == "Sequential" and rows["model"]["parent"] is None
    assert rows["model.0"]["label"] == "Linear(4, 16)"
    assert rows["model.0"]["parent"] == rows["model"]["id"]
    assert rows["model.1"]["label"] == "ReLU"


def test_nested_modules_give_nested_paths_and_calls_outside_stay_unnamed():
    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(3, 3)
            self.act = nn.Tanh()

        def forward(self, x):
            return self.act(self.fc(x))

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.blocks = nn.ModuleList([Block(), Block()])

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    net = Net()
    x = torch.ones(1, 3)
    y = net(x)
    z = nn.Sigmoid()(y)  # a module nobody named reads as its type
    snapshot = build_snapshot(_named(net, "net", x=x, z=z))
    paths = {n.get("module_path") for n in _ops(snapshot).values()}
    assert {"net.blocks.0.fc", "net.blocks.0.act", "net.blocks.1.fc", "net.blocks.1.act", "Sigmoid"} <= paths
    rows = {r["path"]: r for r in snapshot["graph"]["modules"]}
    assert rows["net.blocks.1.act"]["parent"] == rows["net.blocks.1"]["id"]
    assert rows["net.blocks.1"]["parent"] == rows["net"]["id"]
    assert module_calls.current is None


def test_recording_keeps_hook_order_and_leaves_no_call_open_after_an_error():
    seen: list[str] = []
    layer = nn.Linear(2, 2)
    layer.register_forward_pre_hook(lambda m, a: seen.append("pre"))
    layer.register_forward_hook(lambda m, a, o: seen.append("post"))
    layer(torch.ones(1, 2))
    assert seen == ["pre", "post"]

    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    try:
        Broken()(torch.ones(1))
    except ValueError as exc:
        assert str(exc) == "boom"
    assert module_calls.current is None
    assert type(layer).__name__ == "Linear" and repr(layer) == "Linear(in_features=2, out_features=2, bias=True)"


def test_find_repeats_prefers_the_shortest_body_covering_the_most():
    assert find_repeats([7, 1, 2, 3, 1, 2, 3, 1, 2, 3, 9]) == [(1, 3, 3)]
    assert find_repeats([1, 1, 1, 1]) == [(0, 1, 4)]
    assert find_repeats([1, 2, 1, 2]) == []  # two of a kind is not a loop
    assert find_repeats([5, 6, 7]) == []


def _loop_graph():
    session = Session()
    result = session.run_cell(
        0,
        "import torch\n"
        "h0 = torch.ones(3, requires_grad=True)\n"
        "h = h0\n"
        "for _ in range(300):\n"
        "    h = torch.tanh(h * 1.01 + 0.1)\n",
    )
    assert result.error is None and result.graph is not None
    return from_node_link(result.graph)


def test_a_300_step_loop_folds_to_one_group_named_by_its_body():
    graph = _loop_graph()
    grouping = group_graph(graph)
    loops = [g for g in grouping.groups.values() if g.kind == "loop"]
    assert len(loops) == 1
    (loop,) = loops
    assert loop.count == 300
    assert loop.label == "300 x tanh(h * 1.01 + 0.1)"
    assert len(loop.children) == 300
    assert grouping.groups[loop.children[4]].label == "step 5 of 300 · tanh(h * 1.01 + 0.1)"
    inside = set(grouping.members(loop.id))
    ops = [v for v, d in graph.nodes(data=True) if d["kind"] == "op"]
    assert set(ops) <= inside  # every mul, add and tanh is in the loop
    named = {d.get("name"): v for v, d in graph.nodes(data=True) if d.get("name")}
    assert named["h0"] not in inside and named["h"] not in inside  # the loop's input and result stay out
    assert boundary_shapes(grouping, graph, loop.id) == (["[3]"], ["[3]"])
    # Collapsed, the whole loop is one node between h0 and h.
    folded = fold_groups(view_subgraph(graph, "dataflow"), grouping, {loop.id}, full=graph)
    assert sorted(folded.graph.nodes) == sorted([named["h0"], loop.id, named["h"]])
    assert folded.graph.nodes[loop.id]["label"] == "300 x tanh(h * 1.01 + 0.1)"
    assert default_collapsed(grouping, graph.nodes, budget=150) >= {loop.id}


def test_a_hand_written_two_layer_rnn_folds_per_time_step():
    session = Session()
    result = session.run_cell(
        0,
        "import torch\n"
        "torch.manual_seed(0)\n"
        "xs = torch.randn(6, 1, 4)\n"
        "W1 = torch.randn(4, 8, requires_grad=True); U1 = torch.randn(8, 8, requires_grad=True)\n"
        "W2 = torch.randn(8, 8, requires_grad=True); U2 = torch.randn(8, 8, requires_grad=True)\n"
        "h1 = torch.zeros(1, 8); h2 = torch.zeros(1, 8)\n"
        "for t in range(6):\n"
        "    h1 = torch.tanh(xs[t] @ W1 + h1 @ U1)\n"
        "    h2 = torch.tanh(h1 @ W2 + h2 @ U2)\n"
        "loss = h2.sum()\n",
    )
    assert result.error is None and result.graph is not None
    graph = from_node_link(result.graph)
    grouping = group_graph(graph)
    (loop,) = [g for g in grouping.groups.values() if g.kind == "loop"]
    assert loop.count == 6
    step = loop.children[0]
    step_ops = [v for v in grouping.members(step) if graph.nodes[v]["kind"] == "op"]
    assert sorted(graph.nodes[v]["name"] for v in step_ops).count("TanhBackward0") == 2  # both layers
    named = {d.get("name"): v for v, d in graph.nodes(data=True) if d.get("name")}
    for weight in ("W1", "U1", "W2", "U2"):
        assert grouping.owner.get(named[weight]) is None  # shared by every step: drawn outside


def test_nn_rnn_with_two_layers_folds_each_layer_per_step_inside_its_box():
    torch.manual_seed(0)
    rnn = nn.RNN(4, 8, num_layers=2)
    xs = torch.randn(5, 1, 4)
    out, _ = rnn(xs)
    loss = out.sum()
    graph = from_node_link(build_snapshot(_named(rnn, "rnn", xs=xs, loss=loss)))
    grouping = group_graph(graph)
    (box,) = [g for g in grouping.groups.values() if g.kind == "module"]
    assert box.label == "RNN(4, 8, num_layers=2)" and box.path == "rnn"
    loops = [g for g in grouping.groups.values() if g.kind == "loop"]
    assert [g.count for g in loops] == [5, 5]
    assert all(g.parent == box.id for g in loops)
    weight = next(v for v, d in graph.nodes(data=True) if d.get("name") == "rnn.weight_hh_l0")
    assert grouping.owner[weight] == box.id  # the module's own parameter sits in its box


def test_a_module_box_collapses_to_one_node_with_its_shapes():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    x = torch.randn(2, 4)
    loss = model(x).sum()
    graph = from_node_link(build_snapshot(_named(model, "model", x=x, loss=loss)))
    grouping = group_graph(graph)
    first = next(g for g in grouping.groups.values() if g.path == "model.0")
    assert boundary_shapes(grouping, graph, first.id) == (["[2, 4]"], ["[2, 16]"])
    folded = fold_groups(graph, grouping, {first.id})
    node = folded.graph.nodes[first.id]
    assert node["kind"] == "group" and node["group_kind"] == "module"
    assert node["label"] == "Linear(4, 16)" and node["path"] == "model.0"
    assert node["inputs_shapes"] == ["[2, 4]"] and node["outputs_shapes"] == ["[2, 16]"]
    weight = next(v for v, d in graph.nodes(data=True) if d.get("name") == "model.0.weight")
    assert weight not in folded.graph and folded.membership[weight] == first.id
    # The input x stays outside the box it feeds.
    x_id = next(v for v, d in graph.nodes(data=True) if d.get("name") == "x")
    assert x_id in folded.graph
    # A small model starts with every box open.
    assert default_collapsed(grouping, graph.nodes, budget=150) == set()


def test_snapshots_without_a_module_table_still_group():
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    snapshot = build_snapshot({"x": x, "y": y})
    del snapshot["graph"]["modules"]
    for node in snapshot["nodes"]:
        node.pop("module", None)
    grouping = group_graph(from_node_link(snapshot))
    assert grouping.groups == {} and grouping.owner == {}


def test_values_made_inside_a_module_read_as_the_layer_that_made_them():
    session = Session()
    result = session.run_cell(
        0,
        "import torch\n"
        "from torch import nn\n"
        "model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))\n"
        "x = torch.randn(2, 4)\n"
        "loss = model(x).sum()\n",
    )
    assert result.error is None and result.graph is not None
    titles = {str(n["label"]).split("\n")[0] for n in result.graph["nodes"] if n["kind"] == "tensor"}
    assert {"output of model.0", "output of model.1", "model(x)"} <= titles  # the call's value keeps its text
    assert "model.0.weight.T" in titles  # the transposed weight, read only inside its Linear


def test_a_chain_group_says_which_ops_it_holds():
    from gradviz.graph.layout.collapse import collapse_chains

    x = torch.ones(8, requires_grad=True)
    y = x
    for _ in range(4):
        y = torch.tanh(y * 2 + 0.1)
    graph = view_subgraph(from_node_link(build_snapshot({"x": x, "y": y})), "gradfn")
    folded = collapse_chains(graph, min_length=3, keep=[v for v, d in graph.nodes(data=True) if d["kind"] != "op"])
    labels = [folded.graph.nodes[g]["label"] for g in folded.groups]
    assert labels and all(label.endswith("ops: mul → … → tanh") for label in labels), labels


def test_a_module_without_parameters_is_named_by_the_variable_that_holds_it():
    """``loss_fn = nn.MSELoss()`` has no parameter whose name could say ``loss_fn``; the session names it."""
    source = (
        "import torch\nfrom torch import nn\ntorch.manual_seed(0)\n"
        "model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())\nloss_fn = nn.MSELoss()\n"
        "loss = loss_fn(model(torch.randn(4, 2)), torch.zeros(4, 3))\n"
    )
    result = Session().run_cell(0, source, 1)
    assert result.error is None and result.graph is not None
    paths = {row["type"]: row["path"] for row in result.graph["graph"]["modules"]}
    assert paths["MSELoss"] == "loss_fn"
    assert paths["Sequential"] == "model" and paths["Linear"] == "model.0" and paths["ReLU"] == "model.1"


def test_a_loop_nested_in_a_loop_gets_ids_of_its_own():
    """The inner loop starts at the same op as the outer loop and its first step: each group still
    gets its own id, so neither takes over the other (it used to end in a KeyError)."""
    result = Session().run_cell(
        0,
        "import torch\nh = torch.ones(3, requires_grad=True)\n"
        "for i in range(20):\n    for j in range(15):\n        h = torch.tanh(h * 1.01 + 0.1)\n    h = h * 0.5\n"
        "loss = h.sum()\n",
    )
    assert result.error is None and result.graph is not None
    graph = from_node_link(result.graph)
    grouping = group_graph(graph)
    (outer,) = [g for g in grouping.groups.values() if g.kind == "loop" and g.parent is None]
    assert outer.count == 20 and len(outer.children) == 20
    inner = [g for g in grouping.groups.values() if g.kind == "loop" and g.parent is not None]
    assert len(inner) == 20 and all(g.count == 15 and g.label == "15 x tanh(h * 1.01 + 0.1)" for g in inner)
    assert sorted(grouping.groups[g.parent].index for g in inner if g.parent is not None) == list(range(20))
    assert all(g.parent is None or g.parent in grouping.groups for g in grouping.groups.values())
    ops = {v for v, d in graph.nodes(data=True) if d["kind"] == "op" and d["name"] != "SumBackward0"}
    assert ops <= set(grouping.members(outer.id))
