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
    for node in snapshot.get("nodes", []):
        if node.get("kind") != "tensor" or node.get("name") or node.get("wrapped_number"):
            continue
        text = span_text(sources, node.get("span"))
        if text is None:
            continue
        node["source_text"] = text
        label = str(node.get("label") or "")
        if label.startswith(UNNAMED_LABEL):
            node["label"] = text + label[len(UNNAMED_LABEL) :]
    return snapshot
