"""Groups of a snapshot graph as the learner wrote them: module calls and repeated loop bodies.

``group_graph`` reads a snapshot graph (``from_node_link``) and returns a tree of groups:

- one ``module`` group per nn.Module forward call (the snapshot's ``modules`` table), nested as the
  calls were: ``Sequential > Linear(4, 16)``;
- one ``loop`` group per run of at least ``MIN_REPEATS`` repetitions of the same token sequence
  inside one scope (the ops a call made directly, or the top level), with one ``step`` group per
  repetition: ``for _ in range(300): h = torch.tanh(h * 1.01 + 0.1)`` becomes "300 x tanh(h *
  1.01 + 0.1)". A token is an op (its name, source span and the parameters it reads) or a whole
  child module call (its path), so an RNN cell called at every step folds per step.

Every node gets an owner (its innermost group, or none): an op the group of its token, a tensor
the lowest group holding its producer and all its consumers (so a layer's output sits between
the two layers' boxes), a parameter the module that owns it. ``fold`` turns a set of collapsed
groups into a membership for ``collapse.contract``. Everything is iterative; no Qt.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from gradviz.graph.summary import format_shape

__all__ = [
    "MIN_REPEATS",
    "Group",
    "Grouping",
    "body_text",
    "default_collapsed",
    "find_repeats",
    "group_graph",
]

MIN_REPEATS = 3  # two of a kind is a coincidence as often as a loop
MAX_PERIOD = 4096  # longest loop body (in tokens) looked for
BODY_CHARS = 40
AUTO_OPEN_STEPS = 5  # a loop of more steps than this starts folded, whatever room there is


@dataclass
class Group:
    id: str
    kind: str  # "module" | "loop" | "step" | "page" (a folded run of an open loop's steps)
    label: str  # "Linear(4, 16)", "300 x tanh(h * 1.01 + 0.1)", "step 3 of 300", "steps 11–299 (289 more)"
    parent: str | None
    path: str | None = None  # a module call's path ("model.0"); a loop's enclosing path
    count: int = 1  # a loop's (or a page's) number of steps
    index: int | None = None  # a step's position (0-based); a page's first step
    children: list[str] = field(default_factory=list)
    window: tuple[int, int] | None = None  # an open paged loop's steps on show: [start, stop)


@dataclass
class Grouping:
    """The group tree of one graph and the innermost group of every node (absent: top level)."""

    groups: dict[str, Group]  # parents before children
    owner: dict[Hashable, str]
    # The first and last step (0-based) each node owned by a loop itself touches: an op of a loop
    # of single ops is its step; a value handed from step k to step k + 1 spans (k, k + 1).
    spans: dict[Hashable, tuple[int, int]] = field(default_factory=dict)
    _members: dict[str, list[Hashable]] | None = field(default=None, repr=False, compare=False)
    # boundary_shapes answers for the graph last asked about (held, so its id stays its own), by
    # group: a relayout asks again for every collapsed group; a paged copy shares the answers.
    _shapes: dict[int, tuple[nx.MultiDiGraph, dict[str, tuple[list[str], list[str]]]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def chain(self, group_id: str | None) -> list[str]:
        """``group_id`` and its ancestors, innermost first."""
        out: list[str] = []
        while group_id is not None:
            out.append(group_id)
            group_id = self.groups[group_id].parent
        return out

    def depth(self, group_id: str) -> int:
        return len(self.chain(group_id))

    def members(self, group_id: str) -> list[Hashable]:
        """Every node inside ``group_id`` at any depth (indexed once, on first use)."""
        if self._members is None:
            index: dict[str, list[Hashable]] = {}
            for v, g in self.owner.items():
                for gid in self.chain(g):
                    index.setdefault(gid, []).append(v)
            self._members = index
        return self._members.get(group_id, [])

    def fold(self, nodes: Iterable[Hashable], collapsed: Iterable[str]) -> dict[Hashable, str]:
        """Membership for ``collapse.contract``: each of ``nodes`` inside a collapsed group maps to
        its outermost collapsed group; nodes drawn as themselves are left out."""
        shut = set(collapsed) & set(self.groups)
        outermost: dict[str, str | None] = {}
        for gid in self.groups:  # parents first, so a parent's answer is known
            parent = self.groups[gid].parent
            above = outermost.get(parent) if parent is not None else None
            outermost[gid] = above if above is not None else (gid if gid in shut else None)
        membership: dict[Hashable, str] = {}
        for v in nodes:
            g = self.owner.get(v)
            rep = outermost.get(g) if g is not None else None
            if rep is not None:
                membership[v] = rep
        return membership

    def open_frames(self, collapsed: Iterable[str], drawn: Iterable[Hashable]) -> dict[str, list[Hashable]]:
        """Open groups holding drawn items, parents first, each with the drawn items inside it (a
        drawn item is a node, or a collapsed group standing for its members)."""
        shut = set(collapsed)
        frames: dict[str, list[Hashable]] = {}
        for v in drawn:
            start = self.groups[str(v)].parent if v in self.groups else self.owner.get(v)
            for gid in self.chain(start):
                frames.setdefault(gid, []).append(v)
        return {g: frames[g] for g in self.groups if g in frames and g not in shut}

    def step_span(self, loop_id: str, node: Hashable) -> tuple[int, int] | None:
        """The steps of loop ``loop_id`` that ``node`` (a node or a group) belongs to or joins;
        None when it is not inside the loop."""
        if node in self.groups:
            start: str | None = str(node)
        else:
            start = self.owner.get(node)
            if start == loop_id:
                return self.spans.get(node)
        inner: str | None = None  # the group just inside the one being looked at
        for gid in self.chain(start):
            g = self.groups[gid]
            if g.parent == loop_id:
                if g.kind == "page":  # a run of steps folded together (gradviz.graph.loop_pages)
                    if inner is not None:
                        return (self.groups[inner].index or 0, self.groups[inner].index or 0)
                    first = g.index or 0
                    return self.spans.get(node, (first, first + g.count - 1))
                return (g.index or 0, g.index or 0)
            inner = gid
        return None


# -- repeats ----------------------------------------------------------------------------------------


def find_repeats(codes: list[int], min_repeats: int = MIN_REPEATS) -> list[tuple[int, int, int]]:
    """Non-overlapping tandem repeats ``(start, period, count)`` in ``codes``: the sequence from
    ``start`` is ``count`` copies of ``codes[start:start + period]``. Longest coverage wins, then
    the shorter period (300 x 3 ops, not 150 x 6), then the earlier start."""
    n = len(codes)
    if n < min_repeats:
        return []
    arr = np.asarray(codes, dtype=np.int64)
    candidates: list[tuple[int, int, int, int]] = []  # (-coverage, period, start, count)
    for p in range(1, min(MAX_PERIOD, n // min_repeats) + 1):
        eq = arr[:-p] == arr[p:]
        if not eq.any():
            continue
        padded = np.concatenate(([False], eq, [False]))
        edges = np.flatnonzero(padded[1:] != padded[:-1])
        for start, stop in zip(edges[::2], edges[1::2]):
            count = (int(stop - start) + p) // p
            if count >= min_repeats:
                candidates.append((-count * p, p, int(start), count))
    candidates.sort()
    taken = np.zeros(n, dtype=bool)
    found: list[tuple[int, int, int]] = []
    for _neg, p, start, count in candidates:
        end = start + p * count
        if not taken[start:end].any():
            taken[start:end] = True
            found.append((start, p, count))
    found.sort()
    return found


# -- building ---------------------------------------------------------------------------------------


def _uid(node_id: Any) -> int:
    """Creation order of an op ("n12") or a module call ("m12"): one counter for both."""
    text = str(node_id)
    digits = text[1:].split("@", 1)[0]
    return int(digits) if digits.isdigit() else 0


def _short_op(name: str) -> str:
    base = name.rsplit("::", 1)[-1]
    for suffix in ("Backward0", "Backward1", "Backward"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.lower() or name


class _Builder:
    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.nodes = graph.nodes
        self.groups: dict[str, Group] = {}
        self.owner: dict[Hashable, str] = {}
        rows = graph.graph.get("modules") or []
        self.rows: dict[str, Mapping[str, Any]] = {str(r["id"]): r for r in rows if isinstance(r, Mapping)}
        self.codes: dict[tuple[Any, ...], int] = {}
        self.op_step: dict[Hashable, int] = {}  # an op that is a whole step of its loop: which
        self.naming_ops: set[Hashable] | None = None  # ops whose output the learner named
        self.producer: dict[Hashable, Hashable] = {}  # a value -> the op that made it (data flow)
        self.consumers: dict[Hashable, list[Hashable]] = {}  # a value -> the ops that read it
        uses: dict[Hashable, int] = {}
        for _, data in self.nodes(data=True):
            if data.get("kind") == "op":
                for t in data.get("inputs") or []:
                    uses[t] = uses.get(t, 0) + 1
        self.shared = {
            t
            for t, n in uses.items()
            if t in self.nodes and (self.nodes[t].get("is_param") or (n > 1 and self.nodes[t].get("role") == "leaf"))
        }

    # tokens ---------------------------------------------------------------------------------
    def signature(self, token: tuple[str, Hashable]) -> int:
        kind, ref = token
        if kind == "call":
            row = self.rows[str(ref)]
            key: tuple[Any, ...] = ("call", row.get("path"), row.get("type"))
        else:
            data = self.nodes[ref]
            # Shared weights tell layers apart (nn.RNN runs layer 0's steps, then layer 1's); a
            # leaf read once (the initial state) does not count, or step 1 would look different.
            params = tuple(t for t in (data.get("inputs") or []) if t in self.shared)
            span = data.get("span")
            key = ("op", data.get("name"), tuple(span) if span else None, params)
        return self.codes.setdefault(key, len(self.codes))

    def build(self) -> Grouping:
        scopes: dict[str | None, list[tuple[int, tuple[str, Hashable]]]] = {}
        for gid, row in self.rows.items():
            parent = row.get("parent")
            parent_id = str(parent) if parent is not None and str(parent) in self.rows else None
            self.groups[gid] = Group(
                gid, "module", str(row.get("label") or row.get("type") or gid), parent_id, str(row.get("path") or "")
            )
            scopes.setdefault(parent_id, []).append((_uid(gid), ("call", gid)))
        for v, data in self.nodes(data=True):
            if data.get("kind") != "op":
                continue
            module = data.get("module")
            scope = str(module) if module is not None and str(module) in self.rows else None
            scopes.setdefault(scope, []).append((_uid(v), ("op", v)))
            if scope is not None:
                self.owner[v] = scope
        # Each scope's tokens in creation order; found loop steps become scopes of their own.
        work: list[tuple[str | None, list[tuple[str, Hashable]]]] = [
            (scope, [t for _, t in sorted(tokens, key=lambda x: x[0])]) for scope, tokens in scopes.items()
        ]
        while work:
            parent, tokens = work.pop()
            for start, period, count in self.repeats(tokens):
                loop_id = self.fresh_id(f"loop:{tokens[start][1]}")
                path = self.groups[parent].path if parent is not None else None
                self.groups[loop_id] = Group(loop_id, "loop", "", parent, path, count=count)
                for k in range(count):
                    body = tokens[start + k * period : start + (k + 1) * period]
                    if period == 1:  # a single op or call is its own step
                        kind, ref = body[0]
                        if kind == "call":
                            self.groups[str(ref)].parent = loop_id
                            self.groups[str(ref)].index = k
                        else:
                            self.owner[ref] = loop_id
                            self.op_step[ref] = k
                        continue
                    step_id = self.fresh_id(f"step:{body[0][1]}")
                    self.groups[step_id] = Group(step_id, "step", "", loop_id, path, index=k)
                    for kind, ref in body:
                        if kind == "call":
                            self.groups[str(ref)].parent = step_id
                        else:
                            self.owner[ref] = step_id
                    if period > MIN_REPEATS:  # a shorter body cannot hold a loop of its own
                        work.append((step_id, body))
        self.groups = _parents_first(self.groups)
        for g in self.groups.values():
            if g.parent is not None:
                self.groups[g.parent].children.append(g.id)
        grouping = Grouping(self.groups, self.owner)
        self.place_tensors(grouping)
        grouping._members = None  # owners of tensors were added after any early lookup
        self.span_steps(grouping)
        self.label_loops(grouping)
        return grouping

    def fresh_id(self, base: str) -> str:
        """``base``, or ``base`` primed until unused: a loop nested in a loop's steps starts at the
        same op as the outer loop and its step, and would otherwise take over their ids."""
        while base in self.groups:
            base += "'"
        return base

    def repeats(self, tokens: list[tuple[str, Hashable]]) -> list[tuple[int, int, int]]:
        """find_repeats over the tokens, cut after every step but the last that makes a value the
        learner named: ``h99`` inside a 300-step loop gives "100 x ...", h99, "200 x ...", so the
        name stays on screen."""
        found: list[tuple[int, int, int]] = []
        for start, period, count in find_repeats([self.signature(t) for t in tokens]):
            first = 0
            for k in range(count):
                body = tokens[start + k * period : start + (k + 1) * period]
                last = k == count - 1
                if last or any(kind == "op" and self.names_output(ref) for kind, ref in body):
                    if k + 1 - first >= MIN_REPEATS:
                        found.append((start + first * period, period, k + 1 - first))
                    first = k + 1
        return found

    def names_output(self, op: Hashable) -> bool:
        if self.naming_ops is None:
            self.naming_ops = {
                u
                for u, t, data in self.graph.edges(data=True)
                if data.get("view") == "dataflow"
                and self.nodes[t].get("kind") == "tensor"
                and self.nodes[t].get("name")
            }
        return op in self.naming_ops

    # tensors --------------------------------------------------------------------------------
    def place_tensors(self, grouping: Grouping) -> None:
        graph, nodes, owner = self.graph, self.nodes, self.owner
        producer: dict[Hashable, Hashable] = {}
        consumers: dict[Hashable, list[Hashable]] = {}
        for u, v, data in graph.edges(data=True):
            if data.get("view") != "dataflow":
                continue
            if nodes[u].get("kind") == "op":
                producer[v] = u
            elif nodes[v].get("kind") == "op":
                consumers.setdefault(u, []).append(v)
        self.producer, self.consumers = producer, consumers
        for v, data in nodes(data=True):
            if data.get("kind") != "tensor":
                continue
            users = [owner.get(c) for c in consumers.get(v, [])]
            made_by = producer.get(v)
            if made_by is not None:
                if not users:
                    continue  # a result nothing reads (the loss, a returned output): top level
                where = _lowest_common(grouping, [owner.get(made_by), *users])
            else:
                if not users:
                    continue
                where = _lowest_common(grouping, users)
                if data.get("role") == "leaf" or data.get("name"):
                    where = self.lift_input(grouping, where, data, len(users))
            if where is not None:
                owner[v] = where
        for v, data in nodes(data=True):
            if data.get("kind") == "accumulate":
                var = data.get("variable")
                if var in owner:
                    owner[v] = owner[var]

    def span_steps(self, grouping: Grouping) -> None:
        """``grouping.spans``: for every node a loop owns itself, the steps it belongs to or joins."""
        spans = grouping.spans
        for v, step in self.op_step.items():
            spans[v] = (step, step)
        for v, loop_id in self.owner.items():
            if self.nodes[v].get("kind") != "tensor" or self.groups[loop_id].kind != "loop":
                continue
            ends = [w for w in (self.producer.get(v), *self.consumers.get(v, [])) if w is not None]
            steps = [s for s in (grouping.step_span(loop_id, w) for w in ends) if s is not None]
            if steps:
                spans[v] = (min(s[0] for s in steps), max(s[1] for s in steps))
        for v, data in self.nodes(data=True):
            if data.get("kind") == "accumulate" and data.get("variable") in spans:
                spans[v] = spans[data.get("variable")]

    def lift_input(self, grouping: Grouping, where: str | None, data: Mapping[str, Any], uses: int) -> str | None:
        """A leaf or named input stays inside a module only when it is that module's own
        parameter (its name starts with the module's path), and outside a loop it feeds every
        step of (a recurrent weight)."""
        names = [str(n) for n in (data.get("names") or []) if n]
        while where is not None:
            g = grouping.groups[where]
            if g.kind == "module" and any(n.startswith(f"{g.path}.") for n in names):
                return where
            if g.kind == "step" and uses == 1 and data.get("role") != "leaf" and not names:
                return where
            where = g.parent
        return None

    # labels ---------------------------------------------------------------------------------
    def label_loops(self, grouping: Grouping) -> None:
        bodies: dict[str, str] = {}
        for g in grouping.groups.values():
            if g.kind == "loop":
                first = g.children[0] if g.children else g.id
                bodies[g.id] = body_text(grouping, self.graph, first, single=not g.children)
                g.label = f"{g.count} x {bodies[g.id]}"
        for g in grouping.groups.values():
            if g.kind == "step" and g.parent is not None:
                # An opened loop's steps say which one they are and what each computes.
                loop = grouping.groups[g.parent]
                g.label = f"step {(g.index or 0) + 1} of {loop.count} · {bodies.get(loop.id, '')}".rstrip(" ·")


def body_text(grouping: Grouping, graph: nx.MultiDiGraph, group_id: str, single: bool = False) -> str:
    """What one step computes, as the learner wrote it: the source text of the value the step
    hands on (``tanh(h * 1.01 + 0.1)``), else its module's label, else its ops' names.
    ``single``: ``group_id`` is a loop whose steps are single ops; describe its first op."""
    g = grouping.groups[group_id]
    if g.kind == "module":
        return g.label
    inside = set(grouping.members(group_id))
    ops = sorted((v for v in inside if graph.nodes[v].get("kind") == "op"), key=_uid)
    if single:
        ops = ops[:1]
        inside = set(ops)
    results: list[Hashable] = []
    for op in ops:
        for _, t, data in graph.out_edges(op, data=True):
            if data.get("view") == "dataflow" and t not in inside:
                results.append(t)
    # Inside a module's forward every value shares the call's line (``rnn(x)``): no text to show.
    in_module = any(grouping.groups[a].kind == "module" for a in grouping.chain(g.parent))
    for t in reversed(results if not in_module else []):
        data = graph.nodes[t]
        text = data.get("source_text") or data.get("name")
        if text:
            text = str(text)
            for prefix in ("torch.nn.functional.", "torch.", "F."):
                if text.startswith(prefix):
                    text = text[len(prefix) :]
                    break
            return text
    calls = [c for c in g.children if grouping.groups[c].kind == "module"]
    if len(calls) == 1 and not ops:
        return grouping.groups[calls[0]].label
    words = [_short_op(str(graph.nodes[v].get("name", ""))) for v in ops] or [grouping.groups[c].label for c in calls]
    text = " → ".join(words)
    return text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1].rstrip() + "…"


def _lowest_common(grouping: Grouping, groups: list[str | None]) -> str | None:
    if any(g is None for g in groups):
        return None
    chains = [grouping.chain(g) for g in groups]
    common = set(chains[0])
    for c in chains[1:]:
        common &= set(c)
    for g in chains[0]:  # innermost first
        if g in common:
            return g
    return None


def _parents_first(groups: dict[str, Group]) -> dict[str, Group]:
    """The groups ordered so every parent comes before its children (an iterative DFS)."""
    children: dict[str | None, list[str]] = {}
    for gid, g in groups.items():
        children.setdefault(g.parent, []).append(gid)
    ordered: dict[str, Group] = {}
    stack = list(reversed(children.get(None, [])))
    while stack:
        gid = stack.pop()
        ordered[gid] = groups[gid]
        stack.extend(reversed(children.get(gid, [])))
    return ordered


def group_graph(graph: nx.MultiDiGraph) -> Grouping:
    """The module and loop groups of a snapshot graph (both views' nodes get an owner)."""
    return _Builder(graph).build()


# -- presentation helpers -----------------------------------------------------------------------------


def boundary_shapes(grouping: Grouping, graph: nx.MultiDiGraph, group_id: str) -> tuple[list[str], list[str]]:
    """Shapes of the tensors flowing into and out of a group (data-flow edges across its edge).
    Only the members' own edges are read, so labelling every box of a big graph stays linear;
    the answer is kept on the grouping."""
    entry = grouping._shapes.get(id(graph))
    if entry is None or entry[0] is not graph:  # answers for one graph at a time
        grouping._shapes.clear()
        entry = grouping._shapes[id(graph)] = (graph, {})
    known = entry[1]
    if group_id not in known:
        known[group_id] = _boundary_shapes(grouping, graph, group_id)
    ins, outs = known[group_id]
    return list(ins), list(outs)


def _boundary_shapes(grouping: Grouping, graph: nx.MultiDiGraph, group_id: str) -> tuple[list[str], list[str]]:
    members = grouping.members(group_id)
    inside = set(members)
    ins: dict[Hashable, str] = {}
    outs: dict[Hashable, str] = {}

    def note(tensor: Hashable, into: bool) -> None:
        td = graph.nodes[tensor]
        if td.get("kind") != "tensor" or td.get("wrapped_number"):
            return
        if into and td.get("is_param"):
            return  # a recurrent weight read by every step is not what the step takes in
        shape = td.get("shape")
        (ins if into else outs)[tensor] = format_shape(shape) if isinstance(shape, list) else "?"

    for v in members:
        if v not in graph:
            continue
        for u, _, data in graph.in_edges(v, data=True):
            if u not in inside and data.get("view") == "dataflow":
                note(u, True)
        for _, w, data in graph.out_edges(v, data=True):
            if w not in inside and data.get("view") == "dataflow":
                note(w, False)
    return list(ins.values()), list(outs.values())


def default_collapsed(grouping: Grouping, drawn: Iterable[Hashable], budget: int) -> set[str]:
    """The groups to start collapsed: everything, then opened outermost first while the drawing
    stays within ``budget`` nodes, so a small model shows all its boxes open; a loop of more than
    AUTO_OPEN_STEPS steps stays one box."""
    drawn_set = set(drawn)
    direct: dict[str | None, int] = {}
    for v in drawn_set:
        g = grouping.owner.get(v)
        direct[g] = direct.get(g, 0) + 1
    has_drawn: set[str] = set()
    for v in drawn_set:
        g = grouping.owner.get(v)
        if g is not None:
            has_drawn.update(grouping.chain(g))
    size = direct.get(None, 0) + sum(1 for g in grouping.groups.values() if g.parent is None and g.id in has_drawn)
    collapsed = {g for g in grouping.groups if g in has_drawn}
    queue = [g.id for g in grouping.groups.values() if g.parent is None and g.id in has_drawn]
    while queue:
        gid = queue.pop(0)
        group = grouping.groups[gid]
        if (group.kind == "loop" and group.count > AUTO_OPEN_STEPS) or group.kind == "page":
            continue  # a long loop reads best folded: "300 x tanh(...)"; a page of it opens by turning to it
        kids = [c for c in group.children if c in has_drawn]
        grow = direct.get(gid, 0) + len(kids) - 1
        if size + grow <= budget:
            size += grow
            collapsed.discard(gid)
            queue.extend(kids)
    return collapsed
