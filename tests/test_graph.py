"""gradviz.graph.snapshot: the autograd graph snapshot (schema in notes/graph_schema.md). No Qt here."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pytest

import gradviz.torch as t
from gradviz.graph.snapshot import REPR_BUDGET, build_graph, build_snapshot, from_node_link, to_dot, view_subgraph
from gradviz.graph.summary import array_summary


def _by_label(g: nx.DiGraph, label: str) -> str:
    hits = [v for v, d in g.nodes(data=True) if d.get("label") == label]
    assert len(hits) == 1, (label, hits)
    return hits[0]


def _ops(g: nx.DiGraph) -> dict[str, str]:
    """op name -> id (each name once in these small graphs)."""
    return {d["name"]: v for v, d in g.nodes(data=True) if d["kind"] == "op"}


def _edge(g: nx.MultiDiGraph, u: str, v: str, view: str) -> dict:
    """The one edge from u to v (a pair with several input slots is asserted elsewhere)."""
    assert g.has_edge(u, v), (u, v)
    (data,) = g.get_edge_data(u, v).values()
    assert data["view"] == view
    return data


@pytest.fixture()
def seed():
    """Seed notebook cell 3: x = ones(3,3); y = x ** 2; z = (y + 1) * y."""
    x = t.ones(3, 3, requires_grad=True)
    y = x**2
    z = (y + 1) * y
    return x, y, z


def test_seed_cell_nodes_roles_and_names(seed):
    x, y, z = seed
    g = build_graph({"x": x, "y": y, "z": z})
    ops = _ops(g)
    assert set(ops) == {"PowBackward0", "AddBackward0", "MulBackward0"}
    acc = [v for v, d in g.nodes(data=True) if d["kind"] == "accumulate"]
    assert len(acc) == 1 and g.nodes[acc[0]]["variable"] == x.gid
    assert g.nodes[acc[0]]["label"] == "AccumulateGrad"

    assert g.nodes[x.gid]["role"] == "leaf" and g.nodes[x.gid]["name"] == "x"
    assert g.nodes[x.gid]["label"] == "x\n[3, 3]"
    assert g.nodes[y.gid]["role"] == "intermediate" and g.nodes[y.gid]["grad_fn"] == ops["PowBackward0"]
    assert g.nodes[z.gid]["label"] == "z\n[3, 3]"
    one = _by_label(g, "1")
    assert g.nodes[one]["role"] == "constant" and g.nodes[one]["wrapped_number"]
    assert g.nodes[one]["requires_grad"] is False and g.nodes[one]["dtype"] == "int64"
    # y + 1 was never named but is drawn, with its shape.
    unnamed = _by_label(g, "(unnamed)\n[3, 3]")
    assert g.nodes[unnamed]["name"] is None and g.nodes[unnamed]["grad_fn"] == ops["AddBackward0"]
    assert g.nodes[ops["MulBackward0"]]["outputs"] == [z.gid]
    assert g.nodes[ops["MulBackward0"]]["inputs"] == [unnamed, y.gid]
    assert g.graph["views"] == ["dataflow", "gradfn"]


def test_seed_cell_edges_with_indices(seed):
    x, y, z = seed
    g = build_graph({"x": x, "y": y, "z": z})
    ops = _ops(g)
    pow_, add, mul = ops["PowBackward0"], ops["AddBackward0"], ops["MulBackward0"]
    acc = z.grad_fn.next_functions[1][0].next_functions[0][0].gid
    one = _by_label(g, "1")
    unnamed = _by_label(g, "(unnamed)\n[3, 3]")
    # data flow: inputs by position, then op -> output
    assert _edge(g, x.gid, pow_, "dataflow")["index"] == 0
    assert _edge(g, pow_, y.gid, "dataflow")["index"] == 0
    assert _edge(g, y.gid, add, "dataflow")["index"] == 0
    assert _edge(g, one, add, "dataflow")["index"] == 1
    assert _edge(g, unnamed, mul, "dataflow")["index"] == 0
    assert _edge(g, y.gid, mul, "dataflow")["index"] == 1
    assert _edge(g, mul, z.gid, "dataflow")["index"] == 0
    # PyTorch's view: next_functions[i] -> consumer, leaf -> AccumulateGrad
    assert _edge(g, add, mul, "gradfn")["index"] == 0
    assert _edge(g, pow_, mul, "gradfn")["index"] == 1
    assert _edge(g, pow_, add, "gradfn")["index"] == 0
    assert _edge(g, acc, pow_, "gradfn")["index"] == 0
    assert _edge(g, x.gid, acc, "gradfn")["index"] == 0
    # AddBackward0.next_functions[1] is (None, 0) for the constant: no gradfn edge from it.
    assert g.nodes[add]["next_functions"] == [[pow_, 0], [None, 0]]
    assert not any(d["view"] == "gradfn" for _, _, d in g.in_edges(one, data=True))
    assert g.number_of_edges() == 13  # 8 data-flow + 5 gradfn


def test_views(seed):
    x, y, z = seed
    g = build_graph({"x": x, "y": y, "z": z})
    data = view_subgraph(g, "dataflow")
    assert {d["kind"] for _, d in data.nodes(data=True)} == {"tensor", "op"}
    assert all(d["view"] == "dataflow" for _, _, d in data.edges(data=True))
    assert data.number_of_nodes() == 8 and nx.is_directed_acyclic_graph(data)
    # tensors and ops alternate along every data-flow edge
    for u, v in data.edges():
        assert {data.nodes[u]["kind"], data.nodes[v]["kind"]} == {"tensor", "op"}

    grad = view_subgraph(g, "gradfn")
    kinds = {v: d["kind"] for v, d in grad.nodes(data=True)}
    assert sorted(kinds.values()) == ["accumulate", "op", "op", "op", "tensor", "tensor", "tensor"]
    # the constant and the unnamed intermediate are not part of PyTorch's picture
    assert _by_label(g, "1") not in grad and _by_label(g, "(unnamed)\n[3, 3]") not in grad
    # named outputs hang below their grad_fn, marked as derived
    assert grad.edges[z.grad_fn.gid, z.gid, 0]["derived"] is True
    assert grad.edges[y.grad_fn.gid, y.gid, 0]["derived"] is True
    with pytest.raises(ValueError):
        view_subgraph(g, "sideways")


def test_ids_stable_across_snapshots(seed):
    x, y, z = seed
    first = build_snapshot({"x": x, "y": y, "z": z})
    s = z.sum()
    s.backward()
    second = build_snapshot({"x": x, "y": y, "z": z, "s": s})
    before = {n["id"]: n for n in first["nodes"]}
    after = {n["id"]: n for n in second["nodes"]}
    assert set(before) < set(after)
    assert set(after) - set(before) == {s.gid, s.grad_fn.gid}
    for node_id, node in before.items():
        assert after[node_id]["kind"] == node["kind"]
        assert after[node_id]["label"] == node["label"]
    old_links = {(e["source"], e["target"], e["view"]) for e in first["links"]}
    new_links = {(e["source"], e["target"], e["view"]) for e in second["links"]}
    assert old_links < new_links
    # the backward freed the saved buffers and filled x.grad: the snapshot shows both
    mul = after[z.grad_fn.gid]
    assert all(b["freed"] for b in mul["saved"] if b["kind"] == "tensor")
    assert after[x.gid]["grad"]["preview"] == [[6.0] * 3] * 3
    assert after[x.gid]["grad"]["min"] == 6.0 and before[x.gid]["grad"] is None


def test_saved_buffers(seed):
    x, y, z = seed
    g = build_graph({"z": z})
    pow_node = g.nodes[y.grad_fn.gid]
    saved = {b["attr"]: b for b in pow_node["saved"]}
    assert saved["_saved_self"]["kind"] == "tensor"
    assert saved["_saved_self"]["tensor"] == x.gid and saved["_saved_self"]["nbytes"] == 36
    assert saved["_saved_self"]["shape"] == [3, 3] and not saved["_saved_self"]["freed"]
    assert saved["_saved_exponent"] == {
        "attr": "_saved_exponent",
        "kind": "scalar",
        "shape": None,
        "dtype": None,
        "nbytes": 0,
        "freed": False,
        "tensor": None,
        "value": "2",
    }
    mul = {b["attr"]: b["tensor"] for b in g.nodes[z.grad_fn.gid]["saved"]}
    assert mul["_saved_other"] == y.gid
    z.backward(t.ones(3, 3))
    g = build_graph({"z": z})
    freed = {b["attr"]: b for b in g.nodes[z.grad_fn.gid]["saved"]}
    # the id survives freeing (recovered from the op's input of the same name)
    assert freed["_saved_other"]["freed"] and freed["_saved_other"]["tensor"] == y.gid
    assert freed["_saved_other"]["value"] == "<freed>"


def test_several_names_and_unnamed_outputs():
    a = t.ones(2, requires_grad=True)
    model_weight = a
    out = (a * 3).sum()
    g = build_graph({"model.weight": model_weight, "w": a, "out": out})
    node = g.nodes[a.gid]
    assert node["names"] == ["model.weight", "w"] and node["name"] == "w"
    g2 = build_graph({"p": a, "q": a})
    assert g2.nodes[a.gid]["name"] == "q"  # the most recent binding
    g3 = build_graph({"p[0]": a})
    assert g3.nodes[a.gid]["name"] == "p[0]"


def test_repeated_input_is_one_edge_per_slot():
    """``x * x``: two parallel edges keyed by input slot, in both views, in the JSON and the DOT."""
    x = t.ones(2, requires_grad=True)
    y = x * x
    g = build_graph({"y": y})
    assert isinstance(g, nx.MultiDiGraph)
    mul = y.grad_fn.gid
    acc = y.grad_fn.next_functions[0][0].gid
    assert {k: d["index"] for k, d in g.get_edge_data(x.gid, mul).items()} == {0: 0, 1: 1}
    assert {k: d["index"] for k, d in g.get_edge_data(acc, mul).items()} == {0: 0, 1: 1}
    assert g.number_of_edges(acc, mul) == 2 and g.number_of_edges(x.gid, mul) == 2
    snap = build_snapshot({"y": y})
    slots = sorted((e["key"], e["view"]) for e in snap["links"] if e["target"] == mul)
    assert slots == [(0, "dataflow"), (0, "gradfn"), (1, "dataflow"), (1, "gradfn")]
    gradfn = view_subgraph(from_node_link(json.loads(json.dumps(snap))), "gradfn")
    assert gradfn.number_of_edges(acc, mul) == 2
    dot = to_dot(g, "gradfn")
    assert f'"{acc}" -> "{mul}" [label="0"];' in dot and f'"{acc}" -> "{mul}" [label="1"];' in dot


def test_schema_2_snapshot_reads_as_one_edge_per_slot():
    """An older snapshot merged a repeated pair into one link listing ``indices``."""
    old = {
        "directed": True,
        "multigraph": False,
        "graph": {"schema": 2},
        "nodes": [{"id": "t1", "kind": "tensor"}, {"id": "n2", "kind": "op"}],
        "links": [{"source": "t1", "target": "n2", "view": "dataflow", "index": 0, "indices": [0, 1]}],
    }
    g = from_node_link(old)
    assert sorted(g.edges(keys=True)) == [("t1", "n2", 0), ("t1", "n2", 1)]
    assert [d["index"] for _, _, d in sorted(g.edges(data=True), key=lambda e: e[2]["index"])] == [0, 1]


def test_inplace_keeps_earlier_value_as_version_node():
    x = t.ones(3, requires_grad=True)
    y = x * 2
    y.add_(1)
    g = build_graph({"x": x, "y": y})
    old = f"{y.gid}@v0"
    assert old in g and g.nodes[old]["label"] == "y@v0\n[3]" and g.nodes[old]["overwritten"]
    assert g.nodes[y.gid]["version"] == 1 and g.nodes[y.gid]["grad_fn"] == y.grad_fn.gid
    mul = y.grad_fn.next_functions[0][0].gid
    assert g.has_edge(mul, old) and g.has_edge(old, y.grad_fn.gid) and g.has_edge(y.grad_fn.gid, y.gid)
    assert nx.is_directed_acyclic_graph(view_subgraph(g, "dataflow"))


def test_constants_and_no_grad_tensors_are_included():
    w = t.ones(2)  # requires_grad False
    b = t.ones(2, requires_grad=True)
    out = w * b
    lonely = t.zeros(4)
    g = build_graph({"w": w, "b": b, "out": out, "lonely": lonely})
    assert g.nodes[w.gid]["role"] == "constant" and g.nodes[w.gid]["label"] == "w\n[2]"
    assert g.has_edge(w.gid, out.grad_fn.gid)
    assert g.nodes[lonely.gid]["role"] == "constant" and g.degree(lonely.gid) == 0
    assert lonely.gid in view_subgraph(g, "dataflow") and lonely.gid not in view_subgraph(g, "gradfn")


def test_snapshot_is_json_and_round_trips(seed):
    x, y, z = seed
    bad = t.tensor([1.0, float("nan"), float("inf")], requires_grad=True)
    named = {"x": x, "y": y, "z": z, "bad": bad, "b2": bad * 2}
    snap = build_snapshot(named)
    text = json.dumps(snap, allow_nan=False)  # strict JSON: no NaN literals
    g = build_graph(named)
    reference = nx.node_link_data(g, edges="links")
    assert snap["graph"] == reference["graph"] and snap["directed"] and snap["multigraph"]
    key = lambda e: (e["source"], e["target"], e["key"])  # noqa: E731
    assert sorted(snap["links"], key=key) == sorted(reference["links"], key=key)
    assert sorted(snap["nodes"], key=lambda n: n["id"]) == sorted(reference["nodes"], key=lambda n: n["id"])
    back = from_node_link(json.loads(text))
    assert set(back.nodes) == set(g.nodes) and set(back.edges) == set(g.edges)
    assert back.nodes[bad.gid]["values"]["preview"] == [1.0, "nan", "inf"]
    assert back.nodes[bad.gid]["values"]["max"] == 1.0


def test_reason_hook_is_called_for_missing_grads(seed):
    x, y, _z = seed
    seen = []

    def reason(tensor):
        seen.append(tensor.gid)
        return {"code": "non_leaf", "params": {"id": tensor.gid}} if tensor.grad_fn is not None else None

    g = build_graph({"x": x, "y": y}, reason_fn=reason)
    assert g.nodes[y.gid]["grad_none_reason"] == {"code": "non_leaf", "params": {"id": y.gid}}
    assert g.nodes[x.gid]["grad_none_reason"] is None and x.gid in seen
    assert build_graph({"y": y}).nodes[y.gid]["grad_none_reason"] is None


def test_array_summary_previews():
    wide = np.arange(100 * 100, dtype=np.float32).reshape(100, 100)
    s = array_summary(wide, "float32")
    assert np.array(s["preview"]).shape == (8, 8) and s["truncated"]
    assert s["preview"][1][0] == 100.0 and s["min"] == 0.0 and s["max"] == 9999.0
    assert np.array(array_summary(np.ones((3, 2, 4)), "float64")["preview"]).shape == (6, 4)
    long = array_summary(np.arange(100, dtype=np.int64), "int64")
    assert len(long["preview"]) == 64 and long["truncated"] and long["mean"] == 49.5
    tall = array_summary(np.zeros((200, 3), dtype=np.float32), "float32")
    assert np.array(tall["preview"]).shape == (21, 3)
    scalar = array_summary(np.array(2.5, dtype=np.float32), "float32")
    assert scalar["preview"] == 2.5 and scalar["shape"] == [] and not scalar["truncated"]
    empty = array_summary(np.zeros((0, 3)), "float32")
    assert empty["preview"] == [] and empty["min"] is None
    flags = array_summary(np.array([True, False]), "bool")
    assert flags["preview"] == [True, False] and flags["max"] is True


def test_repr_budget(seed):
    _x, _y, z = seed
    g = build_graph({"z": z})
    assert g.nodes[z.gid]["repr"].startswith("tensor([[2., 2., 2.]")
    assert g.nodes[_by_label(g, "1")]["repr"] == "tensor(1)"
    assert REPR_BUDGET >= 100


# -- DOT ---------------------------------------------------------------------------------------

_DOT_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|->|[{}\[\];,=]|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?')


def _unquote(token: str) -> str:
    if not token.startswith('"'):
        return token
    body = token[1:-1]
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def _parse_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """A reader for the DOT subset to_dot writes: statements ``a [k=v, ...];`` and ``a -> b [...];``."""
    tokens = _DOT_TOKEN.findall(text)
    assert _DOT_TOKEN.sub("", text).strip() == "", "text the reader does not understand"
    assert tokens[0] == "digraph" and tokens[2] == "{" and tokens[-1] == "}"
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
    i = 3
    while i < len(tokens) - 1:
        stmt: list[str] = []
        while tokens[i] != ";":
            stmt.append(tokens[i])
            i += 1
        i += 1
        attrs: dict[str, str] = {}
        if "[" in stmt:
            body = stmt[stmt.index("[") + 1 : -1]
            assert stmt[-1] == "]"
            for k in range(0, len(body), 4):
                key, eq, value = body[k : k + 3]
                assert eq == "=" and body[k + 3 : k + 4] in ([], [","]), body
                attrs[key] = _unquote(value)
            stmt = stmt[: stmt.index("[")]
        if stmt in (["node"], ["edge"], ["graph"]):
            continue  # default attributes
        if len(stmt) == 3 and stmt[1] == "->":
            edges.append((_unquote(stmt[0]), _unquote(stmt[2]), attrs))
        elif len(stmt) == 1:
            nodes[_unquote(stmt[0])] = attrs
        else:
            assert len(stmt) == 3 and stmt[1] == "=", stmt  # graph attribute such as rankdir=TB
    return nodes, edges


def test_dot_parses_and_matches_the_view(seed):
    x, y, z = seed
    named = {'d["a\\b"]': x, "y": y, "z": z}
    g = build_graph(named)
    for view in ("dataflow", "gradfn"):
        sub = view_subgraph(g, view)
        nodes, edges = _parse_dot(to_dot(g, view))
        assert set(nodes) == set(sub.nodes)
        # one DOT edge per input slot: parallel edges stay two lines
        assert sorted((u, v) for u, v, _ in edges) == sorted(sub.edges())
        for v, attrs in nodes.items():
            assert attrs["label"] == sub.nodes[v]["label"]
    nodes, _ = _parse_dot(to_dot(g, "dataflow", direction="LR"))
    assert nodes[x.gid]["label"] == 'd["a\\b"]\n[3, 3]'
    assert "rankdir=LR;" in to_dot(g, "gradfn", direction="LR")


def test_dot_reader_rejects_broken_text():
    with pytest.raises((AssertionError, IndexError, ValueError)):
        _parse_dot('digraph "g" {\n  "a" [label="x", shape];\n}\n')


# -- scale ---------------------------------------------------------------------------------------


def test_ten_thousand_op_chain_builds_iteratively():
    x = t.ones(2, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.5
    g = build_graph({"x": x, "y": y})
    ops = [v for v, d in g.nodes(data=True) if d["kind"] == "op"]
    assert len(ops) == 10_000
    # x, y, 9,999 unnamed intermediates, 10,000 wrapped constants, the ops and one AccumulateGrad
    assert g.number_of_nodes() == 2 + 9_999 + 10_000 + 10_000 + 1
    assert g.nodes[y.gid]["repr"] is not None  # named tensors keep their repr past the budget
    unnamed = next(v for v, d in g.nodes(data=True) if d["label"].startswith("(unnamed)"))
    assert g.nodes[unnamed]["repr"] is None
    data = view_subgraph(g, "dataflow")
    assert nx.dag_longest_path_length(data) == 20_000
    snap = build_snapshot({"y": y})
    assert len(snap["links"]) == g.number_of_edges()


def test_tensor_origin_is_recorded_for_grad_explanations():
    x = t.ones(2, requires_grad=True)
    y = x * 2
    d = y.detach()
    raw = y.data
    plain = t.ones(2)
    names = {"x": x, "y": y, "d": d, "raw": raw, "plain": plain}
    g = build_graph(names)
    assert g.nodes[d.gid]["origin"] == "detach"
    assert g.nodes[raw.gid]["origin"] == "data"
    assert g.nodes[plain.gid]["origin"] is None
    assert g.nodes[x.gid]["origin"] is None and g.nodes[y.gid]["origin"] is None
    snap = build_snapshot(names)
    origins = {n["id"]: n["origin"] for n in snap["nodes"] if n["kind"] == "tensor"}
    assert origins[d.gid] == "detach" and origins[raw.gid] == "data"
    json.dumps(snap, allow_nan=False)  # plain data only


# -- collapsing snapshot graphs (gradviz.graph.layout.collapse with a keep set, as the canvas uses it) --


def _rnn(steps: int):
    """A recurrent training graph: the same W and b feed every step, a few states are named."""
    W = t.ones(4, 4, requires_grad=True)
    b = t.zeros(4, requires_grad=True)
    h = t.ones(2, 4)
    named = {"W": W, "b": b, "x": h}
    for i in range(steps):
        h = (h @ W * 0.1 + b).tanh()
        if i % 100 == 99:
            named[f"h{i}"] = h
    named["loss"] = (h**2).mean()
    return named


def test_collapse_keeps_named_leaves_and_loss_and_reads_in_groups():
    from gradviz.graph.layout.collapse import collapse

    named = _rnn(1000)
    snap = build_snapshot(named)
    g = view_subgraph(from_node_link(snap), "dataflow")
    assert g.number_of_nodes() > 5000
    keep = {v for v, d in g.nodes(data=True) if d["kind"] == "tensor" and (d.get("name") or d.get("role") == "leaf")}
    keep |= {v for v in g.nodes if g.out_degree(v) == 0}
    folded = collapse(g, keep=keep)
    assert keep <= set(folded.graph.nodes)  # every landmark is still its own node
    for v in keep:
        assert folded.membership[v] == v
    assert folded.graph.number_of_nodes() < 60  # readable: landmarks and the groups between them
    # between two consecutive named states there is one group of the steps in between
    h99, h199 = named["h99"].gid, named["h199"].gid
    (between,) = list(folded.graph.successors(h99))
    assert between in folded.groups and h199 in folded.graph.successors(between)
    # every original node is accounted for, and expanding a group brings its members back
    assert set(folded.membership) == set(g.nodes)
    opened = folded.expand([between])
    assert set(folded.groups[between]) <= set(opened.graph.nodes)
    # without a keep set the same graph folds into (almost) nothing: that is what keep is for
    assert collapse(g).graph.number_of_nodes() < 5


def test_from_node_link_equals_networkx_reader(seed):
    x, y, z = seed
    snap = build_snapshot({"x": x, "y": y, "z": z})
    ours, theirs = from_node_link(snap), nx.node_link_graph(dict(snap), edges="links")
    assert nx.utils.graphs_equal(ours, theirs)
    assert list(ours.nodes) == list(theirs.nodes) and list(ours.edges) == list(theirs.edges)
    undirected = dict(snap, directed=False)  # not our shape: handed to networkx, still a MultiDiGraph
    assert isinstance(from_node_link(undirected), nx.MultiDiGraph)
