"""Read-only lookups over a graph snapshot dict (docs: notes/graph_schema.md); no Qt.

The UI never recomputes autograd state: it only indexes what gradviz.graph.snapshot.build_snapshot produced
(node-link data) so the outline, inspector and editor can ask "what is node X", "what feeds op Y",
"which nodes were created on line N".
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from gradviz.backward import numbers

_ID_NUMBER = re.compile(r"(\d+)$")


def _id_order(node_id: str) -> tuple[int, str]:
    match = _ID_NUMBER.search(node_id)
    return (int(match.group(1)) if match else 1 << 60, node_id)


class SnapshotIndex:
    def __init__(self, snapshot: dict[str, Any] | None) -> None:
        self.snapshot = snapshot or {}
        nodes = self.snapshot.get("nodes", []) or []
        links = self.snapshot.get("links", self.snapshot.get("edges", [])) or []
        self.nodes: dict[str, dict[str, Any]] = {str(n["id"]): n for n in nodes if "id" in n}
        self._in: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        self._out: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for link in links:
            source, target = str(link.get("source")), str(link.get("target"))
            view = str(link.get("view", "dataflow"))
            index = int(link.get("index", 0) or 0)
            self._in[(target, view)].append((index, source))
            self._out[(source, view)].append((index, target))
        for bucket in (self._in, self._out):
            for key in bucket:
                bucket[key].sort()

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def node(self, node_id: str) -> dict[str, Any] | None:
        return self.nodes.get(node_id)

    def ordered_ids(self, kind: str | None = None) -> list[str]:
        """Node ids in creation order (the number in "t12"/"n7"), optionally of one kind."""
        ids = [i for i, n in self.nodes.items() if kind is None or n.get("kind") == kind]
        return sorted(ids, key=_id_order)

    def inputs(self, op_id: str) -> list[str]:
        """Tensors feeding an op in the data-flow view, by input position."""
        return [source for _, source in self._in.get((op_id, "dataflow"), [])]

    def outputs(self, op_id: str) -> list[str]:
        node = self.nodes.get(op_id) or {}
        listed = node.get("outputs")
        if listed:
            return [str(x) for x in listed]
        return [target for _, target in self._out.get((op_id, "dataflow"), [])]

    def next_functions(self, node_id: str) -> list[str]:
        """PyTorch's ``next_functions`` of a node: gradfn edges run next_function -> consumer."""
        return [source for _, source in self._in.get((node_id, "gradfn"), [])]

    def consumers(self, node_id: str, view: str = "dataflow") -> list[str]:
        return [target for _, target in self._out.get((node_id, view), [])]

    def label(self, node_id: str) -> str:
        node = self.nodes.get(node_id)
        if node is None:
            return node_id
        return str(node.get("name") or node.get("label") or node_id)

    def nodes_on_line(self, line: int) -> list[str]:
        """Ids of nodes whose source span covers 1-based ``line``, in creation order."""
        hits = []
        for node_id, node in self.nodes.items():
            span = node.get("span")
            if span and len(span) >= 4 and span[1] <= line <= max(span[1], span[3]):
                hits.append(node_id)
        return sorted(hits, key=_id_order)

    def span(self, node_id: str) -> tuple[int, int, int, int, int] | None:
        node = self.nodes.get(node_id) or {}
        span = node.get("span")
        if not span or len(span) < 5:
            return None
        return tuple(int(v) for v in span[:5])  # type: ignore[return-value]


def format_bytes(nbytes: Any) -> str:
    try:
        value = float(nbytes)
    except (TypeError, ValueError):
        return ""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""


def format_number(value: Any) -> str:
    """Numbers as every view writes them (gradviz.backward.numbers: 4 significant digits, no -0)."""
    return numbers.format_number(value)


def preview_rows(preview: Any) -> list[list[Any]]:
    """ArraySummary.preview as rows of a 2-d grid (a scalar is 1x1, a vector one row)."""
    if preview is None:
        return []
    if not isinstance(preview, list):
        return [[preview]]
    if not preview:
        return []
    if all(isinstance(r, list) for r in preview):
        return [list(r) for r in preview]
    return [list(preview)]
