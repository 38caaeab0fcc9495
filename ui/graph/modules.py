"""What module boxes and folded loops say: pure functions of plain data, no Qt.

A collapsed group is drawn as one node (``GroupItem``) whose lines come from ``group_caption``; an
expanded one as a frame around what it holds, titled by ``frame_title``. The groups themselves come
from gradviz.graph.grouping; the scene decides which are open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_CAPTION_CHARS", "frame_title", "group_caption", "shapes_text"]

MAX_CAPTION_CHARS = 48


def _cut(text: str, limit: int = MAX_CAPTION_CHARS) -> str:
    flat = " ".join(text.split())  # chain labels carry "name\n[shape]"
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def shapes_text(inputs: list[str], outputs: list[str]) -> str:
    """``[2, 4] → [2, 16]``; several inputs or outputs are listed with commas, many are counted."""

    def side(shapes: list[str]) -> str:
        if not shapes:
            return "·"
        if len(shapes) > 3:
            return f"{shapes[0]}, … ({len(shapes)})"
        return ", ".join(shapes)

    return f"{side(inputs)} → {side(outputs)}"


def group_caption(data: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """(text, font key, muted) lines of a collapsed group: its label, a module's path, and the
    shapes flowing in and out."""
    label = _cut(str(data.get("label") or ""))
    lines: list[tuple[str, str, bool]] = [(label, "title", False)]
    kind = data.get("group_kind")
    path = data.get("path")
    if kind == "module" and path:
        lines.append((_cut(str(path)), "small", True))
    ins, outs = data.get("inputs_shapes"), data.get("outputs_shapes")
    if isinstance(ins, list) and isinstance(outs, list) and (ins or outs):
        lines.append((_cut(shapes_text([str(s) for s in ins], [str(s) for s in outs])), "small", True))
    return lines


def frame_title(kind: str, label: str, path: str | None, window: tuple[int, int] | None = None) -> str:
    """The header of an open group: ``Linear(4, 16) · model.0``, ``300 x tanh(h * 1.01 + 0.1)``;
    a loop shown a page at a time says which steps the page holds: ``… · steps 11–20``."""
    text = _cut(label, 60)
    if kind == "module" and path:
        return f"{text} · {path}"
    if kind == "loop" and window is not None:
        return f"{text} · steps {window[0] + 1}–{window[1]}"
    return text
