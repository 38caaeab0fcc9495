"""Names for tensors the learner never named: the source text of the expression that made them.

``z = y * y * 3`` makes an intermediate ``y * y`` with no variable of its own; the snapshot records
the expression's span, and the runner holds the cell's text, so the node can read ``y * y``
instead of "(unnamed)". The name lives in the node's ``source_text`` (the label's first line too),
never in ``name``: ``name`` stays a variable the learner can write in code.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_SOURCE_CHARS", "UNNAMED_LABEL", "name_by_source", "span_text"]

MAX_SOURCE_CHARS = 28
UNNAMED_LABEL = "(unnamed)"  # snapshot.py's title for a tensor with neither a name nor a span


def span_text(sources: Mapping[int, tuple[str, int]], span: Any, limit: int = MAX_SOURCE_CHARS) -> str | None:
    """The expression at ``span`` ([cell, line, col, end_line, end_col], file lines, 0-based
    columns) on one line, cut to ``limit`` characters with an ellipsis; None when the cell's text is
    unknown or the span does not hold an expression (a whole statement, a stale span)."""
    if not span or len(span) < 5:
        return None
    cell, line, col, end_line, end_col = (int(v) for v in span[:5])
    found = sources.get(cell)
    if found is None:
        return None
    source, first_line = found
    lines = source.splitlines()
    first, last = line - first_line, end_line - first_line
    if not (0 <= first <= last < len(lines)):
        return None
    if first == last:
        text = lines[first][col:end_col]
    else:
        text = "\n".join([lines[first][col:], *lines[first + 1 : last], lines[last][:end_col]])
    try:
        ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return None
    flat = " ".join(text.split())
    if not flat:
        return None
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def name_by_source(snapshot: dict[str, Any], sources: Mapping[int, tuple[str, int]]) -> dict[str, Any]:
    """Give every unnamed tensor node with a span its ``source_text`` and a label that starts
    with it. Works in place and returns the snapshot (chained after build_snapshot)."""
    inside = _made_inside_modules(snapshot)
    for node in snapshot.get("nodes", []):
        if node.get("kind") != "tensor" or node.get("name") or node.get("wrapped_number"):
            continue
        if node["id"] in inside:
            # Made and used inside one module call: its span is the call's (``model(x)``), not its
            # own expression, so it reads as the layer that made it: "output of model.0".
            path, internal = inside[node["id"]]
            label = str(node.get("label") or "")
            if path and label.startswith(UNNAMED_LABEL):
                title = f"in {path}" if internal else f"output of {path}"
                node["label"] = title + label[len(UNNAMED_LABEL) :]
            continue
        text = span_text(sources, node.get("span"))
        if text is None:
            continue
        node["source_text"] = text
        label = str(node.get("label") or "")
        if label.startswith(UNNAMED_LABEL):
            node["label"] = text + label[len(UNNAMED_LABEL) :]
    return snapshot


def _made_inside_modules(snapshot: dict[str, Any]) -> dict[str, tuple[str | None, bool]]:
    """Tensor id -> (the module path of the op that made it, whether only that same call reads it),
    for every value an nn.Module call made and another op of the same outermost call reads (a
    layer's output inside a Sequential; a transposed weight, internal to its Linear): values whose
    span is the call site, not their own expression."""
    rows = (snapshot.get("graph") or {}).get("modules") or []
    parent = {r.get("id"): r.get("parent") for r in rows if isinstance(r, dict)}

    def root(call: Any) -> Any:
        seen = 0
        while parent.get(call) is not None and seen < len(parent):
            call, seen = parent[call], seen + 1
        return call

    ops = {n["id"]: n for n in snapshot.get("nodes", []) if n.get("kind") == "op"}
    readers: dict[str, list[Any]] = {}
    for op in ops.values():
        for t in op.get("inputs") or []:
            readers.setdefault(t, []).append(op.get("module"))
    found: dict[str, tuple[str | None, bool]] = {}
    for node in snapshot.get("nodes", []):
        maker = ops.get(node.get("grad_fn")) if node.get("kind") == "tensor" else None
        if maker is None or not maker.get("module"):
            continue
        top = root(maker["module"])
        users = readers.get(node["id"], [])
        if any(m is not None and root(m) == top for m in users):
            found[node["id"]] = (maker.get("module_path"), all(m == maker["module"] for m in users))
    return found
