"""The autograd graph as a networkx.MultiDiGraph with plain-data attributes (schema: docs/graph-format.md).

``build_graph`` walks backwards from the tensors the learner named: each tensor's ``grad_fn``, every
node's ``next_functions``, and each op's input and output tensors (constants included, so the
data-flow view can show ``y + 1`` with its ``1``). The walk is an explicit stack, never recursion,
so a 10,000-op chain is one loop.

Ids are the engine's stable gids ("t<uid>", "n<uid>"), so a snapshot taken after one more cell adds
nodes without renaming the old ones. One exception: an in-place op keeps the tensor's uid but
makes the old value a different object (``ops/inplace.py`` aliases it); the old value becomes
"t<uid>@v<version>" and "t<uid>" is the tensor as it is now.

Two views share one graph, told apart by the edge attribute ``view``:
- "dataflow": tensor -> op (``index`` = input position) and op -> output tensor;
- "gradfn": PyTorch's own picture: next_function -> consumer (``index`` = position in the
  consumer's ``next_functions``), leaf tensor -> its AccumulateGrad.

It is a multigraph with one edge per input slot, keyed by ``index``: ``y * y`` feeds ``y`` into
both slots of the multiply, and each slot carries its own gradient back, so the two must never be
merged into one edge.
"""

from __future__ import annotations

import gc
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import networkx as nx

from gradviz.autograd.node import AccumulateGrad
from gradviz.graph.module_table import call_id, module_table
from gradviz.graph.summary import array_summary, format_shape, saved_buffers, wrapped_value_text

if TYPE_CHECKING:
    from gradviz.autograd.module_calls import ModuleCall
    from gradviz.autograd.node import Node
    from gradviz.autograd.tensor import Tensor

__all__ = [
    "REPR_BUDGET",
    "SCHEMA_VERSION",
    "VIEWS",
    "ReasonFn",
    "build_graph",
    "build_snapshot",
    "from_node_link",
    "set_reason_fn",
    "to_dot",
    "view_subgraph",
]

SCHEMA_VERSION = 3
VIEWS = ("dataflow", "gradfn")
# repr() of a tensor costs ~25 us; past this many tensors only named tensors get one, so a
# 10,000-op graph still builds in a fraction of a second.
REPR_BUDGET = 2000
REPR_MAX_CHARS = 2000
TENSOR_ORIGINS = ("no_grad", "detach", "data")  # values of the engine's optional Tensor._origin

ReasonFn = Callable[["Tensor"], "dict[str, Any] | None"]
_reason_fn: ReasonFn | None = None

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def set_reason_fn(fn: ReasonFn | None) -> None:
    """Install the default why-is-grad-None explainer (gradviz.backward.explain registers itself here).

    It is called with every tensor whose ``.grad`` is None and returns ``{"code", "params"}`` or
    None; build_graph's ``reason_fn`` argument overrides it for one call.
    """
    global _reason_fn
    _reason_fn = fn


def _pick_name(names: list[str]) -> str:
    """The name to show: the most recent plain identifier, else the most recent path.

    The mapping lists names in binding order (oldest first), so the last is the most recent;
    a plain ``w`` reads better on a node than ``model.fc1.weight`` bound to the same tensor.
    """
    plain = [n for n in names if _IDENTIFIER.match(n)]
    return (plain or names)[-1]


class _Builder:
    def __init__(self, reason_fn: ReasonFn | None) -> None:
        self.reason_fn = reason_fn
        self.tensors: dict[int, Tensor] = {}  # id(obj) -> tensor, in discovery order
        self.names: dict[int, list[str]] = {}  # id(obj) -> names bound to it
        self.named_order: list[int] = []
        self.nodes: dict[int, Node] = {}  # node uid -> node, in discovery order
        self.stack: list[Node] = []
        self.ids: dict[int, str] = {}  # id(obj) -> graph id
        self.current: dict[int, Tensor] = {}  # id(earlier value) -> the live tensor
        self.by_producer: dict[tuple[int, int], Tensor] | None = None  # (uid, id(grad_fn)) -> value
        self.calls: dict[int, ModuleCall] = {}  # uid -> the module calls ops were made in
        self.cut: set[int] = set()  # uids of ops drawn without their inputs (a node budget ran out)

    # -- walk --------------------------------------------------------------------------------
    def add_tensor(self, t: Tensor) -> None:
        key = id(t)
        if key in self.tensors:
            return
        self.tensors[key] = t
        if t.grad_fn is not None:
            self.add_node(t.grad_fn)

    def add_node(self, node: Node) -> None:
        if node.uid not in self.nodes:
            self.nodes[node.uid] = node
            self.stack.append(node)

    def walk(self, max_objects: int | None = None) -> bool:
        """Everything reachable, depth first; False (and a partial walk) once more than
        ``max_objects`` tensors and ops were found."""
        while self.stack:
            if max_objects is not None and len(self.nodes) + len(self.tensors) > max_objects:
                return False
            node = self.stack.pop()
            self.expand(node)
        return True

    def walk_nearest(self, max_objects: int) -> None:
        """Breadth first from the roots until ``max_objects`` tensors and ops were found: the part
        of a huge graph nearest the tensors the learner holds. Ops found but not expanded are the
        edge of what is drawn (``cut``)."""
        queue = deque(self.stack)
        self.stack.clear()
        while queue and len(self.nodes) + len(self.tensors) < max_objects:
            self.expand(queue.popleft())
            queue.extend(self.stack)  # what expand found, in the order it found it
            self.stack.clear()
        self.cut = {node.uid for node in queue}

    def expand(self, node: Node) -> None:
        for next_node, _ in node.next_functions:
            if next_node is not None:
                self.add_node(next_node)
        variable = getattr(node, "variable", None)
        if variable is not None:
            self.add_tensor(variable)
        for t in node.inputs:
            self.add_tensor(t)
        for t in node.outputs:
            self.add_tensor(t)

    # -- ids ---------------------------------------------------------------------------------
    def assign_ids(self) -> None:
        """gid per tensor; an in-place op's earlier values get "@v<version>" suffixes."""
        by_uid: dict[int, list[Tensor]] = {}
        for t in self.tensors.values():
            by_uid.setdefault(t.uid, []).append(t)
        for uid, objs in by_uid.items():
            if len(objs) == 1:
                self.ids[id(objs[0])] = f"t{uid}"
                continue
            # The live tensor has the newest version; aliases froze the version they had.
            objs.sort(key=lambda o: (o._version_counter[0], id(o) in self.names))
            current = objs[-1]
            self.ids[id(current)] = f"t{uid}"
            for o in objs[:-1]:
                self.current[id(o)] = current
            taken = {f"t{uid}"}
            for o in objs[:-1]:
                gid = f"t{uid}@v{o._version_counter[0]}"
                k = 1
                while gid in taken:
                    k += 1
                    gid = f"t{uid}@v{o._version_counter[0]}.{k}"
                taken.add(gid)
                self.ids[id(o)] = gid

    def tensor_id(self, t: Any) -> str | None:
        if t is None:
            return None
        gid = self.ids.get(id(t))
        return gid if gid is not None else t.gid

    def output_id(self, node: Node, t: Tensor) -> str | None:
        """Id of the value ``node`` produced: ``t`` itself, or its earlier version if overwritten."""
        if t.grad_fn is node:
            return self.tensor_id(t)
        if self.by_producer is None:
            self.by_producer = {(o.uid, id(o.grad_fn)): o for o in self.tensors.values() if o.grad_fn is not None}
        other = self.by_producer.get((t.uid, id(node)))
        return self.tensor_id(other) if other is not None else None


def _span(span: Any) -> list[int] | None:
    if span is None:
        return None
    return [int(span.cell), int(span.line), int(span.col), int(span.end_line), int(span.end_col)]


def _tensor_attrs(b: _Builder, t: Tensor, with_repr: bool) -> dict[str, Any]:
    key = id(t)
    gid = b.ids[key]
    names = b.names.get(key, [])
    name = _pick_name(names) if names else None
    shape = [int(s) for s in t._data.shape]
    wrapped = bool(t._wrapped_number)
    if not t._requires_grad:
        role = "constant"
    elif t.grad_fn is None:
        role = "leaf"
    else:
        role = "intermediate"
    overwritten = "@" in gid
    if wrapped:
        label = wrapped_value_text(t)
    elif overwritten:
        # An earlier value of a tensor an in-place op changed: "y@v0" reads as "y, version 0".
        live_names = b.names.get(id(b.current[key]), [])
        title = _pick_name(live_names) if live_names else "(unnamed)"
        label = f"{title}@v{t._version_counter[0]}\n{format_shape(shape)}"
    else:
        label = f"{name if name is not None else '(unnamed)'}\n{format_shape(shape)}"
    grad = t._grad
    # How the tensor lost (or never had) a history, when the engine recorded it: explain.py turns
    # it into "created under no_grad" / "created by detach()". Only known words pass through.
    origin = getattr(t, "_origin", None)
    if origin not in TENSOR_ORIGINS:
        origin = None
    reason = None
    if grad is None and b.reason_fn is not None:
        reason = b.reason_fn(t)
    text = None
    if with_repr or names:
        text = repr(t)
        if len(text) > REPR_MAX_CHARS:
            text = text[:REPR_MAX_CHARS] + "…"
    return {
        "kind": "tensor",
        "role": role,
        "name": name,
        "names": list(names),
        "label": label,
        "shape": shape,
        "dtype": t.dtype.name,
        "requires_grad": bool(t._requires_grad),
        "is_leaf": t.grad_fn is None,
        "grad_fn": t.grad_fn.gid if t.grad_fn is not None else None,
        "output_nr": int(t._output_nr),
        "version": int(t._version_counter[0]),
        "retains_grad": bool(t._retains_grad),
        "is_param": bool(t._is_param),
        "is_view": t._base is not None,
        "wrapped_number": wrapped,
        "overwritten": overwritten,
        "origin": origin,
        "values": array_summary(t._data, t.dtype.name),
        "grad": array_summary(grad._data, grad.dtype.name) if grad is not None else None,
        "grad_none_reason": reason,
        "span": _span(t.span),
        "repr": text,
    }


def _op_attrs(b: _Builder, node: Node) -> dict[str, Any]:
    if isinstance(node, AccumulateGrad):
        return {
            "kind": "accumulate",
            "name": node.name(),  # PyTorch's: "torch::autograd::AccumulateGrad"
            "label": "AccumulateGrad",
            "sequence_nr": int(node.sequence_nr),
            "variable": b.tensor_id(node.variable),
            "span": _span(node.span),
        }
    outputs = [b.output_id(node, t) for t in node.outputs]
    call = node.module_call
    if call is not None:
        b.calls[call.uid] = call
    return {
        "kind": "op",
        "name": node.name(),
        "label": node.name(),
        "sequence_nr": int(node.sequence_nr),
        "saved": saved_buffers(node, b.tensor_id),
        "span": _span(node.span),
        "module": call_id(call) if call is not None else None,
        "inputs": [b.tensor_id(t) for t in node.inputs],
        "outputs": [o for o in outputs if o is not None],
        "next_functions": [[n.gid if n is not None else None, int(nr)] for n, nr in node.next_functions],
        "input_names": list(getattr(node.op, "inputs", ()) or ()),
    }


class _Edges:
    """Edges collected before they go into the graph in one ``add_edges_from`` call.

    One edge per input slot, keyed ``(u, v, index)``: ``x * x`` gives two edges from x into the
    multiply (keys 0 and 1). A slot reached twice (a custom Function's rebuilt inputs agreeing
    with its recorded ones) stays one edge.
    """

    def __init__(self) -> None:
        self.data: dict[tuple[str, str, int], dict[str, Any]] = {}

    def add(self, u: str, v: str, view: str, index: int) -> None:
        self.data.setdefault((u, v, index), {"view": view, "index": index})

    def items(self) -> Iterable[tuple[str, str, int, dict[str, Any]]]:
        return ((u, v, k, d) for (u, v, k), d in self.data.items())


def _dataflow_inputs(b: _Builder, node: Node) -> list[tuple[str, int]]:
    """(tensor id, input position) feeding ``node``; rebuilt from next_functions if the node
    did not record its input tensors (a custom Function), so the data-flow view stays connected."""
    if node.inputs:
        ids = b.ids
        return [(ids[id(t)], i) for i, t in enumerate(node.inputs)]
    found: list[tuple[str, int]] = []
    for i, (producer, nr) in enumerate(node.next_functions):
        if producer is None:
            continue
        variable = getattr(producer, "variable", None)
        if variable is not None:
            tid = b.tensor_id(variable)
        elif nr < len(producer.outputs):
            tid = b.output_id(producer, producer.outputs[nr])
        else:
            tid = None
        if tid is not None:
            found.append((tid, i))
    return found


_Records = tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, int, dict[str, Any]]], list[dict[str, Any]]]


def _collect(
    named: Mapping[str, Tensor],
    extra: Iterable[Tensor],
    reason_fn: ReasonFn | None,
    max_nodes: int | None = None,
    module_names: Mapping[int, str] | None = None,
) -> tuple[_Records, bool]:
    """Node and edge records of the reachable graph, shared by build_graph and build_snapshot, and
    whether the graph was cut to ``max_nodes`` (tensors and ops)."""
    # Building allocates ~10 small objects per node and frees none of them, so the cyclic
    # collector would rescan the whole heap many times over for nothing; pause it meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        fn = reason_fn if reason_fn is not None else _reason_fn
        extra = list(extra)
        b = _walked(named, extra, fn, max_nodes)
        return _records(b, module_names or {}), bool(b.cut)
    finally:
        if collecting:
            gc.enable()


def _rooted(named: Mapping[str, Tensor], extra: Iterable[Tensor], reason_fn: ReasonFn | None) -> _Builder:
    b = _Builder(reason_fn)
    for name, t in named.items():
        b.names.setdefault(id(t), []).append(str(name))
        b.add_tensor(t)
    for t in extra:
        b.add_tensor(t)
    return b


def _walked(
    named: Mapping[str, Tensor], extra: list[Tensor], reason_fn: ReasonFn | None, max_nodes: int | None
) -> _Builder:
    b = _rooted(named, extra, reason_fn)
    if b.walk(max_nodes):
        return b
    # Too big to draw: start again, keeping the part nearest the tensors the learner holds.
    assert max_nodes is not None
    b = _rooted(named, extra, reason_fn)
    b.walk_nearest(max_nodes)
    return b


def _records(b: _Builder, module_names: Mapping[int, str]) -> _Records:
    b.assign_ids()
    with_repr = len(b.tensors) <= REPR_BUDGET
    nodes = [(b.ids[id(t)], _tensor_attrs(b, t, with_repr)) for t in b.tensors.values()]
    nodes.extend((node.gid, _op_attrs(b, node)) for node in b.nodes.values())
    nodes_by_id = dict(nodes)
    edges = _Edges()
    for node in b.nodes.values():
        gid = node.gid
        if node.uid in b.cut:
            nodes_by_id[gid]["cut"] = True  # drawn, but what it was made from is not
        elif isinstance(node, AccumulateGrad):
            edges.add(b.ids[id(node.variable)], gid, "gradfn", 0)
            continue
        else:
            for i, (producer, _nr) in enumerate(node.next_functions):
                if producer is not None:
                    edges.add(producer.gid, gid, "gradfn", i)
            for tid, i in _dataflow_inputs(b, node):
                edges.add(tid, gid, "dataflow", i)
        for nr, t in enumerate(node.outputs):
            output_id = b.output_id(node, t)
            if output_id is not None:
                edges.add(gid, output_id, "dataflow", nr)
    links = list(edges.items())
    if b.cut:  # an output of a cut op may be one that was never reached
        links = [link for link in links if link[0] in nodes_by_id and link[1] in nodes_by_id]
    modules = module_table(b.calls.values(), b.names, module_names)
    if modules:
        paths = {row["id"]: row["path"] for row in modules}
        for _, attrs in nodes:
            if attrs.get("module") is not None:
                attrs["module_path"] = paths[attrs["module"]]
    return nodes, links, modules


def _graph_attrs(modules: list[dict[str, Any]] | None = None, max_nodes: int | None = None) -> dict[str, Any]:
    # ``modules`` (the module calls ops were made in, see graph/module_table.py) is new in schema 3
    # and optional: snapshots without it read as graphs made outside any module. So is
    # ``truncated``: the node budget a too-big graph was cut to (ops marked ``cut`` lost their inputs).
    attrs: dict[str, Any] = {"views": list(VIEWS), "schema": SCHEMA_VERSION, "modules": modules or []}
    if max_nodes is not None:
        attrs["truncated"] = {"max_nodes": max_nodes}
    return attrs


def build_graph(
    named: Mapping[str, Tensor],
    extra: Iterable[Tensor] = (),
    *,
    reason_fn: ReasonFn | None = None,
    max_nodes: int | None = None,
    module_names: Mapping[int, str] | None = None,
) -> nx.MultiDiGraph:
    """The autograd graph reachable from ``named`` (name -> tensor) and ``extra`` tensors.

    Names are listed oldest binding first; a tensor bound to several names shows the most
    recent plain identifier. ``reason_fn`` (default: the one installed with set_reason_fn)
    explains tensors whose grad is None. Past ``max_nodes`` tensors and ops, only the part nearest
    those tensors is kept (breadth first) and the graph says so in ``truncated``. ``module_names``
    (id(module) -> the learner's variable) names top-level modules that have no parameters to be
    named by (``loss_fn = nn.MSELoss()``).
    """
    (nodes, edges, modules), cut = _collect(named, extra, reason_fn, max_nodes, module_names)
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(**_graph_attrs(modules, max_nodes if cut else None))
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)  # type: ignore[arg-type]  # (u, v, key, data): the stubs know 2- and 3-tuples only
    return g


def build_snapshot(
    named: Mapping[str, Tensor],
    extra: Iterable[Tensor] = (),
    *,
    reason_fn: ReasonFn | None = None,
    max_nodes: int | None = None,
    module_names: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """The graph as node-link JSON: ``networkx.node_link_data(build_graph(...), edges="links")``
    up to the order of the links.

    Written directly from the records: going through a MultiDiGraph would copy every attribute
    dict twice, which is a third of the time on a 10,000-op graph.
    """
    (nodes, edges, modules), cut = _collect(named, extra, reason_fn, max_nodes, module_names)
    return {
        "directed": True,
        "multigraph": True,
        "graph": _graph_attrs(modules, max_nodes if cut else None),
        "nodes": [{**attrs, "id": gid} for gid, attrs in nodes],
        "links": [{**attrs, "source": u, "target": v, "key": k} for u, v, k, attrs in edges],
    }


def _link_edges(data: Mapping[str, Any]) -> Iterable[tuple[Any, Any, Any, dict[str, Any]]]:
    """(u, v, key, attrs) of every link. A schema-2 snapshot (a DiGraph whose repeated pair was
    one link listing every slot in ``indices``) is split into one edge per slot."""
    for e in data["links"]:
        attrs = {k: v for k, v in e.items() if k not in ("source", "target", "key", "indices")}
        if "key" in e:
            yield e["source"], e["target"], e["key"], attrs
            continue
        for index in e.get("indices") or [e.get("index", 0)]:
            yield e["source"], e["target"], index, {**attrs, "index": index}


def from_node_link(data: Mapping[str, Any]) -> nx.MultiDiGraph:
    """The MultiDiGraph of a snapshot dict (inverse of build_snapshot), one edge per input slot.

    Same result as ``nx.node_link_graph(data, edges="links")`` for our snapshots, built with two
    bulk adds: the canvas calls this on every snapshot, and the generic reader's per-node work was
    a third of drawing a thousand-op graph. Older snapshots (schema 2, one link per node pair with
    ``indices``) are read into the same multigraph; an undirected node-link dict goes through
    networkx.
    """
    if not data.get("directed", True) or "links" not in data:
        g = nx.node_link_graph(dict(data), edges="links")
        return nx.MultiDiGraph(g)
    g = nx.MultiDiGraph()
    g.graph.update(data.get("graph") or {})
    g.add_nodes_from((n["id"], {k: v for k, v in n.items() if k != "id"}) for n in data["nodes"])
    g.add_edges_from(_link_edges(data))  # type: ignore[arg-type]  # (u, v, key, data), as above
    return g


def view_subgraph(graph: nx.DiGraph, view: str) -> nx.MultiDiGraph:
    """The nodes and edges one view draws, as a new MultiDiGraph (attributes shared by reference).

    "dataflow": every tensor and op, data-flow edges. "gradfn": ops and AccumulateGrad nodes,
    their next_functions edges, leaf tensors with their AccumulateGrad edge, and each named
    non-leaf tensor hung below its grad_fn (as torchviz draws the output) by a derived edge.
    Parallel edges (one per input slot) keep their keys.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    sub: nx.MultiDiGraph[str] = nx.MultiDiGraph(**graph.graph)
    sub.graph["view"] = view
    nodes = graph.nodes
    if view == "dataflow":
        for v, data in nodes(data=True):
            if data.get("kind") in ("tensor", "op"):
                sub.add_node(v, **data)
    else:
        for v, data in nodes(data=True):
            if data.get("kind") in ("op", "accumulate"):
                sub.add_node(v, **data)
    for u, v, key, data in _keyed_edges(graph):
        if data.get("view") != view:
            continue
        for end in (u, v):
            if end not in sub:
                sub.add_node(end, **nodes[end])
        sub.add_edge(u, v, key=key, **data)
    if view == "gradfn":
        for v, data in nodes(data=True):
            producer = data.get("grad_fn")
            if data.get("kind") == "tensor" and data.get("name") and isinstance(producer, str) and producer in sub:
                sub.add_node(v, **data)
                nr = int(data.get("output_nr", 0))
                sub.add_edge(producer, v, key=nr, view="gradfn", index=nr, derived=True)
    return sub


def _keyed_edges(graph: nx.DiGraph) -> Iterable[tuple[Any, Any, Any, dict[str, Any]]]:
    """(u, v, key, data) of a MultiDiGraph; a plain DiGraph's edges keyed by their ``index``."""
    if graph.is_multigraph():
        return cast("nx.MultiDiGraph[Any]", graph).edges(keys=True, data=True)
    return ((u, v, d.get("index", 0), d) for u, v, d in graph.edges(data=True))


# -- DOT ---------------------------------------------------------------------------------------

_DOT_STYLE = {
    "leaf": 'shape=box, style="rounded,filled", fillcolor="#dbeafe"',
    "intermediate": 'shape=box, style="rounded,filled", fillcolor="#e0f2e9"',
    "constant": 'shape=box, style="rounded,dashed,filled", fillcolor="#eef0f3"',
    "op": 'shape=box, style=filled, fillcolor="#fde8d4"',
    "accumulate": 'shape=box, style=filled, fillcolor="#ede4fb"',
    "group": 'shape=box3d, style=filled, fillcolor="#eeeeee"',
}


def _dot_quote(text: Any) -> str:
    """A DOT double-quoted string; newlines become DOT's centred line breaks."""
    s = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + s.replace("\r", "").replace("\n", "\\n") + '"'


def to_dot(graph: nx.DiGraph, view: str = "dataflow", *, direction: str = "TB") -> str:
    """Graphviz DOT text of one view (``dot -Tsvg`` renders it); every id and label is quoted."""
    sub = view_subgraph(graph, view)
    lines = [
        f"digraph {_dot_quote('gradviz_' + view)} {{",
        f"  rankdir={'LR' if direction == 'LR' else 'TB'};",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for v, data in sub.nodes(data=True):
        kind = data.get("kind", "")
        style = _DOT_STYLE.get(data.get("role", "") if kind == "tensor" else kind, "shape=box")
        lines.append(f"  {_dot_quote(v)} [label={_dot_quote(data.get('label', v))}, {style}];")
    inputs: dict[Any, int] = {}
    for _, v in sub.edges():
        inputs[v] = inputs.get(v, 0) + 1
    for u, v, _key, data in _keyed_edges(sub):
        # One line per input slot; the slot is labelled where it tells operands apart.
        index = data.get("index", 0)
        attrs = [f"label={_dot_quote(index)}"] if not data.get("derived") and (inputs[v] > 1 or index) else []
        if data.get("derived"):
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"
