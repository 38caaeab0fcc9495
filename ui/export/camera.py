"""Which part of a big drawing each exported frame shows: the camera follows the running node.

A graph that fits in ``max_side`` pixels (at the export's scale) is drawn whole, as before. A
bigger one (a training step's 3,000-px-wide graph, a 300-iteration loop 148,000 px tall) would
make a picture nobody can read or a file nobody can open; instead every frame is a window of at
most ``max_side`` x ``max_side`` * 9/16 pixels at the export's scale (so text stays its readable size)
that follows the node the step is about, as the app's view follows the player. The window moves
only when that node leaves its middle part, so consecutive frames keep their place and the eye can
follow the grads travelling. The caption band stays on top of every frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF

from ui.export.drawing import FONT_PX, MARGIN
from ui.export.steps import FrameState

__all__ = ["ASPECT", "MAX_SIDE", "MAX_STILL_SIDE", "READABLE_PX", "Framed", "Framing", "frame_areas"]

MAX_SIDE = 1920  # px, each side of an animation frame (the default; ExportRequest.max_size changes it)
MAX_STILL_SIDE = 8192  # px, each side of a single PNG picture
ASPECT = 9 / 16  # height : width of a following frame at most
DEAD_ZONE = 0.2  # the camera moves once the followed node comes this close (as a share) to an edge
READABLE_PX = 9.0  # smallest label size on screen a learner reads without zooming (issue 15's floor)


class _Placed(Protocol):
    @property
    def rect(self) -> QRectF: ...


class Framed(Protocol):
    """What the camera reads of a drawing (ui.export.drawing.GraphDrawing, ui.export.grouped.GroupedDrawing)."""

    @property
    def graph_rect(self) -> QRectF: ...

    @property
    def nodes(self) -> Mapping[str, _Placed]: ...

    def bounds(self, captions: Sequence[str | None] = ()) -> QRectF: ...

    def node_rect(self, node_id: str | None) -> QRectF | None: ...

    def node_label(self, node_id: str) -> str: ...


@dataclass(frozen=True)
class Framing:
    """The scene rectangle of each frame (all the same size), the scale to draw them at (below the
    requested one when the whole drawing was shrunk to fit) and whether they follow a node."""

    areas: list[QRectF]
    follows: bool
    scale: float
    full_px: tuple[int, int]  # what the whole drawing would have been, in pixels
    around: str = ""  # the node the first frame is centred on (for the message of a still)

    @property
    def frame_px(self) -> tuple[int, int]:
        if not self.areas:
            return (0, 0)
        area = self.areas[0]
        return max(1, round(area.width() * self.scale)), max(1, round(area.height() * self.scale))


def _target(drawing: Framed, state: FrameState | None) -> QRectF | None:
    return drawing.node_rect(state.current) if state is not None else None


def _outputs_rect(drawing: Framed) -> QRectF | None:
    """Where backward starts when no step says so: the lowest node (the layout runs top to bottom,
    the loss is drawn last)."""
    if not drawing.nodes:
        return None
    return QRectF(max(drawing.nodes.values(), key=lambda node: node.rect.bottom()).rect)


def _clamp(centre: float, half: float, low: float, high: float) -> float:
    if high - low <= 2 * half:
        return (low + high) / 2
    return min(max(centre, low + half), high - half)


def frame_areas(
    drawing: Framed,
    states: Sequence[FrameState | None],
    captions: Sequence[str | None],
    scale: float,
    max_side: int,
    aspect: float | None = ASPECT,
) -> Framing:
    """One scene rectangle per frame: the whole drawing when it fits in ``max_side`` px at
    ``scale``, or when it fits shrunk with labels still at least ``READABLE_PX``; else a window at
    ``scale`` that follows each step's node (see the module's doc), at most ``aspect`` times as
    tall as wide (None: a still picture may use the whole limit both ways)."""
    full = drawing.bounds(captions)
    full_px = (max(1, round(full.width() * scale)), max(1, round(full.height() * scale)))
    if full_px[0] <= max_side and full_px[1] <= max_side:
        return Framing([QRectF(full)] * len(states), False, scale, full_px)
    # a little too big: the whole drawing, smaller, while its labels stay readable
    fitted = scale * min(max_side / full_px[0], max_side / full_px[1])
    if fitted * FONT_PX >= READABLE_PX:
        return Framing([QRectF(full)] * len(states), False, fitted, full_px)
    band = drawing.graph_rect.top() - MARGIN - full.top()
    width = min(full.width(), max_side / scale)
    # a window, not a strip: at most 16:9 of the limit (1920 x 1080 by default), so a tall chain's
    # frame shows a few loop iterations at full size instead of a 1920-px column
    height = min(full.height(), max_side * (aspect or 1.0) / scale)
    view_h = max(1.0, height - band)
    content = drawing.graph_rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    first = next((r for r in (_target(drawing, s) for s in states) if r is not None), None) or _outputs_rect(drawing)
    centre = first.center() if first is not None else content.center()
    areas: list[QRectF] = []
    around = ""
    for state in states:
        target = _target(drawing, state)
        if target is not None:
            inner = QRectF(centre.x() - width / 2, centre.y() - view_h / 2, width, view_h).adjusted(
                width * DEAD_ZONE, view_h * DEAD_ZONE, -width * DEAD_ZONE, -view_h * DEAD_ZONE
            )
            if not inner.contains(target):
                centre = target.center()
        centre = QPointF(
            _clamp(centre.x(), width / 2, content.left(), content.right()),
            _clamp(centre.y(), view_h / 2, content.top(), content.bottom()),
        )
        if not areas and state is not None and state.current is not None:
            around = drawing.node_label(state.current)
        areas.append(QRectF(centre.x() - width / 2, centre.y() - view_h / 2 - band, width, height))
    return Framing(areas, True, scale, full_px, around)
