"""Names for tensors the learner never named: the source text of the expression that made them.

``z = y * y * 3`` makes an intermediate ``y * y`` with no variable of its own; the snapshot records
the expression's span, and the runner holds the cell's text, so the node can read ``y * y``
instead of "(unnamed)". The name lives in the node's ``source_text`` (the label's first line too),
never in ``name``: ``name`` stays a variable the learner can write in code.

Inside gradviz's own layers every op's span is the learner's call of the layer (``model(x)``), so
a value made there reads by where it was made: "output of model.0", "in model.0", and a layer's
transposed weight as ``model.0.weight.T``. Those titles are kept as data (``module_title``) too,
so a front end can show them in the learner's language (``localize_labels``).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_SOURCE_CHARS", "UNNAMED_LABEL", "localize_labels", "module_title_text", "name_by_source", "span_text"]

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
            # Made and used inside one of gradviz's layers: its span is the call's (``model(x)``),
            # not its own expression, so it reads as the layer that made it: "output of model.0".
            path, internal, transposed = inside[node["id"]]
            label = str(node.get("label") or "")
            if label.startswith(UNNAMED_LABEL):
                if transposed is not None:
                    node["source_text"] = f"{transposed}.T"
                    node["label"] = node["source_text"] + label[len(UNNAMED_LABEL) :]
                elif path:
                    node["module_title"] = {"role": "in" if internal else "output", "path": path}
                    node["label"] = module_title_text(node["module_title"], "en") + label[len(UNNAMED_LABEL) :]
            continue
        text = span_text(sources, node.get("span"))
        if text is None:
            continue
        node["source_text"] = text
        label = str(node.get("label") or "")
        if label.startswith(UNNAMED_LABEL):
            node["label"] = text + label[len(UNNAMED_LABEL) :]
    return snapshot


_MODULE_TITLES = {
    "en": {"output": "output of {path}", "in": "in {path}"},
    "zh": {"output": "{path} 的输出", "in": "{path} 内部"},
}


def module_title_text(title: Mapping[str, Any], lang: str) -> str:
    """ "output of model.0" / "in model.0" (``title`` is a node's ``module_title``) in ``lang``."""
    words = _MODULE_TITLES.get(lang, _MODULE_TITLES["en"])
    return words.get(str(title.get("role")), words["output"]).format(path=title.get("path"))


def localize_labels(snapshot: dict[str, Any] | None, lang: str) -> bool:
    """Rewrite the first line of every label titled by its module into ``lang``, in place; True if
    any label changed. Everything else in a label is code or numbers, the same in any language."""
    changed = False
    for node in (snapshot or {}).get("nodes", []) or []:
        title = node.get("module_title")
        if not isinstance(title, Mapping):
            continue
        label = str(node.get("label") or "")
        first, newline, rest = label.partition("\n")
        text = module_title_text(title, lang)
        if first != text:
            node["label"] = text + newline + rest
            changed = True
    return changed


def _made_inside_modules(snapshot: dict[str, Any]) -> dict[str, tuple[str | None, bool, str | None]]:
    """Tensor id -> (the module path of the op that made it, whether only that same call reads it,
    the name of the tensor it transposes if it is a layer's ``weight.t()``), for every value one of
    gradviz's layers made and another op of the same outermost call reads (a layer's output inside
    a Sequential; a transposed weight, internal to its Linear): values whose span is the call site,
    not their own expression. Ops a learner's own ``forward`` called are left out: their spans are
    their own expressions."""
    rows = [r for r in (snapshot.get("graph") or {}).get("modules") or [] if isinstance(r, dict)]
    parent = {r.get("id"): r.get("parent") for r in rows}
    learner_forward = {r.get("id") for r in rows if r.get("forward_in_cell")}

    def root(call: Any) -> Any:
        seen = 0
        while parent.get(call) is not None and seen < len(parent):
            call, seen = parent[call], seen + 1
        return call

    nodes = {n["id"]: n for n in snapshot.get("nodes", [])}
    ops = {i: n for i, n in nodes.items() if n.get("kind") == "op"}
    readers: dict[str, list[Any]] = {}
    for op in ops.values():
        for t in op.get("inputs") or []:
            readers.setdefault(t, []).append(op.get("module"))
    found: dict[str, tuple[str | None, bool, str | None]] = {}
    for node in snapshot.get("nodes", []):
        maker = ops.get(node.get("grad_fn")) if node.get("kind") == "tensor" else None
        if maker is None or not maker.get("module") or maker["module"] in learner_forward:
            continue
        top = root(maker["module"])
        users = readers.get(node["id"], [])
        if any(m is not None and root(m) == top for m in users):
            found[node["id"]] = (
                maker.get("module_path"),
                all(m == maker["module"] for m in users),
                _transposed_name(maker, nodes),
            )
    return found


def _transposed_name(maker: Mapping[str, Any], nodes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The name of the tensor ``maker`` transposes (``TBackward0`` of a named weight), else None."""
    inputs = maker.get("inputs") or []
    if maker.get("name") != "TBackward0" or len(inputs) != 1:
        return None
    name = (nodes.get(inputs[0]) or {}).get("name")
    return str(name) if name else None
