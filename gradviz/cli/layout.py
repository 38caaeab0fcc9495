"""``gradviz layout IN.json -o OUT.json``: lay out a node-link JSON graph from the command line.

Reads networkx node-link JSON (directed; nodes with ``id`` and optional ``label``, ``kind``,
``width``, ``height``; edges under "links" or "edges" with ``source`` and ``target``) and writes
the same document back with every node's ``x``, ``y``, ``width``, ``height`` and ``rank`` and every
edge's ``points``.  Bad input ends with one clear line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
from collections.abc import Hashable
from typing import Any

from gradviz.graph.layout.sugiyama import layout_records

__all__ = ["main"]


class InputError(Exception):
    """The input document cannot be laid out; the message says why."""


def _hashable_id(value: Any, where: str) -> Hashable:
    if isinstance(value, list):  # JSON has no tuples; networkx writes tuple ids as lists
        return tuple(_hashable_id(v, where) for v in value)
    if isinstance(value, (str, int, float, bool)) and not isinstance(value, bool):
        return value
    raise InputError(f"{where}: ids must be strings or numbers, got {json.dumps(value)}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{where} must be a number, got {json.dumps(value)}")
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"{where} must be a positive finite number, got {value}")
    return float(value)


def _edge_key(rec: dict, i: int, where: str) -> Hashable:
    """A multigraph link's key: its ``key`` (gradviz snapshots: the input slot), else its position."""
    return _hashable_id(rec["key"], f"{where}.key") if "key" in rec else i


class GraphRecords:
    """A validated node-link document as records for ``layout_records``."""

    def __init__(self, multigraph: bool) -> None:
        self.multigraph = multigraph
        self.nodes: dict[Hashable, dict[str, Any]] = {}
        self.edges: dict[tuple[Hashable, ...], dict[str, Any]] = {}  # (u, v) or (u, v, key) -> attributes

    def edge_items(self) -> list[tuple[Hashable, Hashable, Hashable, dict[str, Any]]]:
        if self.multigraph:
            return [(e[0], e[1], e[2], attrs) for e, attrs in self.edges.items()]
        return [(e[0], e[1], None, attrs) for e, attrs in self.edges.items()]


def read_graph(doc: Any) -> tuple[GraphRecords, list[dict], list[dict]]:
    """Validate a node-link document; return the graph's records and the node and edge records.

    A ``"multigraph": true`` document (gradviz's snapshots: one link per input slot) keeps its
    parallel links apart, so each gets its own polyline.  The graph is kept as plain records:
    networkx costs a quarter of a second to import, which is a quarter of the time budget of a
    1,000-node layout."""
    if not isinstance(doc, dict):
        raise InputError("top level must be a JSON object with 'nodes' and 'links' (or 'edges')")
    if doc.get("directed") is False:
        raise InputError("graph is undirected ('directed': false); a layered layout needs directed edges")
    nodes = doc.get("nodes")
    if not isinstance(nodes, list):
        raise InputError("missing 'nodes' list")
    key = "links" if "links" in doc else "edges" if "edges" in doc else None
    edges = doc.get(key, []) if key else []
    if not isinstance(edges, list):
        raise InputError(f"'{key}' must be a list")
    multi = doc.get("multigraph") is True
    graph = GraphRecords(multi)
    for i, rec in enumerate(nodes):
        where = f"nodes[{i}]"
        if not isinstance(rec, dict) or "id" not in rec:
            raise InputError(f"{where}: each node needs an 'id'")
        node = _hashable_id(rec["id"], where)
        if node in graph.nodes:
            raise InputError(f"{where}: duplicate node id {json.dumps(rec['id'])}")
        attrs: dict[str, Any] = {}
        for dim in ("width", "height"):
            if dim in rec:
                attrs[dim] = _number(rec[dim], f"{where}.{dim}")
        graph.nodes[node] = attrs
    for i, rec in enumerate(edges):
        where = f"{key}[{i}]"
        if not isinstance(rec, dict) or "source" not in rec or "target" not in rec:
            raise InputError(f"{where}: each edge needs 'source' and 'target'")
        u, v = _hashable_id(rec["source"], where), _hashable_id(rec["target"], where)
        for end, name in ((u, "source"), (v, "target")):
            if end not in graph.nodes:
                raise InputError(f"{where}: {name} {json.dumps(rec[name])} is not a node id")
        attrs = {}
        if isinstance(rec.get("index"), (int, float)) and not isinstance(rec.get("index"), bool):
            attrs["index"] = rec["index"]
        if not multi:
            graph.edges.setdefault((u, v), {}).update(attrs)  # a repeated pair is one edge
            continue
        slot = _edge_key(rec, i, where)
        if (u, v, slot) in graph.edges:
            raise InputError(
                f"{where}: a second link {json.dumps(rec['source'])} -> {json.dumps(rec['target'])} "
                f"with key {json.dumps(rec.get('key', i))}"
            )
        graph.edges[(u, v, slot)] = attrs
    return graph, nodes, edges


def main(argv: list[str] | None = None) -> int:
    # Reading, laying out and writing a large graph allocates millions of objects and no cycles:
    # the cyclic collector's scans of them would cost a sixth of the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(argv)
    finally:
        if collecting:
            gc.enable()


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="gradviz layout", description="Lay out a node-link JSON graph.")
    parser.add_argument("input", help="node-link JSON file ('-' for stdin)")
    parser.add_argument("-o", "--output", required=True, help="where to write the laid-out JSON ('-' for stdout)")
    parser.add_argument("--direction", choices=("TB", "LR"), default="TB")
    parser.add_argument("--node-gap", type=float, default=30.0)
    parser.add_argument("--rank-gap", type=float, default=60.0)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return int(exc.code or 0)
    try:
        if args.input == "-":
            text = sys.stdin.read()
        else:
            with open(args.input, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        print(f"gradviz layout: cannot read {args.input}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"gradviz layout: {args.input} is not UTF-8 text", file=sys.stderr)
        return 2
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        print(
            f"gradviz layout: {args.input} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            file=sys.stderr,
        )
        return 2
    try:
        graph, nodes, edges = read_graph(doc)
        result = layout_records(
            graph.nodes.items(),
            graph.edge_items(),
            multigraph=graph.multigraph,
            direction=args.direction,
            node_gap=args.node_gap,
            rank_gap=args.rank_gap,
        )
    except (InputError, ValueError) as exc:
        print(f"gradviz layout: {args.input}: {exc}", file=sys.stderr)
        return 2
    for rec in nodes:
        node = _hashable_id(rec["id"], "")
        x, y = result.positions[node]
        w, h = result.sizes[node]
        rec.update(x=x, y=y, width=w, height=h, rank=result.ranks[node])
    for i, rec in enumerate(edges):
        u, v = _hashable_id(rec["source"], ""), _hashable_id(rec["target"], "")
        at = (u, v, _edge_key(rec, i, "")) if graph.multigraph else (u, v)
        rec["points"] = [[x, y] for x, y in result.edge_points[at]]
    meta = doc.get("graph") if isinstance(doc.get("graph"), dict) else {}
    doc["graph"] = dict(meta, width=result.width, height=result.height, direction=args.direction)
    # One line, written by json's C encoder (indenting falls back to the pure-Python one, which
    # took seconds on a 10,000-node drawing).
    out = json.dumps(doc, separators=(",", ":"))
    try:
        if args.output == "-":
            sys.stdout.write(out + "\n")
        else:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(out + "\n")
    except OSError as exc:
        print(f"gradviz layout: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
