"""Edges (polylines from the layout, with arrowheads), the marker that carries a gradient and
the chip that shows a node's input buffer adding up.

An edge's path is built once per layout (``set_points``); colours in ``set_state``. There is one
EdgeItem per input slot (``key``): ``y * y`` draws two, each with its own grad. The grad marker is
a separate item so the backward player can slide it along any edge path without the edge
repainting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ui.graph.style import LOD_TEXT, GraphPalette, fonts, mix, text_on

__all__ = ["GRAD_SPOTS", "SLOT_BACK", "EdgeItem", "GradMarkerItem", "InputSumItem", "polyline_path", "slot_label_rect"]

ARROW = 7.0
SLOT_BACK = 16.0  # a slot label ("0", "1") sits this far back from the arrowhead's tip...
SLOT_GAP = 3.0  # ...and this far beside the line
# Grad pills on edges into one node would meet at their middles (w and b into a folded loop):
# a pill moves along its edge to the first of these fractions where it covers no other pill.
GRAD_SPOTS = (0.5, 0.32, 0.68, 0.2, 0.8, 0.42, 0.58)
# Where else a slot label may go when the first place is taken (a module box's title strip, a
# node, another label into the same node): nearest to the arrowhead first, on either side.
SLOT_BACKS = (SLOT_BACK, 12.0, 20.0, 8.0, 24.0, 28.0, 34.0, 40.0, 48.0, 56.0, 64.0, 72.0)


def polyline_path(points: Sequence[tuple[float, float]] | Sequence[QPointF]) -> QPainterPath:
    """A path through the points; interior bends are rounded so long edges read as one stroke."""
    pts = [p if isinstance(p, QPointF) else QPointF(*p) for p in points]
    path = QPainterPath()
    if not pts:
        return path
    path.moveTo(pts[0])
    if len(pts) <= 2:
        for p in pts[1:]:
            path.lineTo(p)
        return path
    for i in range(1, len(pts) - 1):
        a, b, c = pts[i - 1], pts[i], pts[i + 1]
        # Cut the corner at b with a quadratic through b's neighbourhood.
        before = b + (a - b) * min(0.5, 12.0 / max(_dist(a, b), 1e-6))
        after = b + (c - b) * min(0.5, 12.0 / max(_dist(b, c), 1e-6))
        path.lineTo(before)
        path.quadTo(b, after)
    path.lineTo(pts[-1])
    return path


def _dist(a: QPointF, b: QPointF) -> float:
    return math.hypot(a.x() - b.x(), a.y() - b.y())


def _back_along(points: Sequence[tuple[float, float]], back: float) -> tuple[float, float, float, float]:
    """The point ``back`` along the polyline from its end, and the unit direction of travel there."""
    remaining = back
    for i in range(len(points) - 1, 0, -1):
        (x1, y1), (x2, y2) = points[i - 1], points[i]
        length = math.hypot(x2 - x1, y2 - y1)
        if length <= 1e-9:
            continue
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        if remaining <= length or i == 1:
            t = min(remaining, length)
            return x2 - ux * t, y2 - uy * t, ux, uy
        remaining -= length
    x, y = points[-1]
    return x, y, 0.0, 1.0


def slot_label_rect(points: Sequence[tuple[float, float]], text: str, back: float, side: int) -> QRectF:
    """Where a slot label is drawn: ``back`` along the edge from its tip, SLOT_GAP beside the line
    on the right of the direction of travel (``side`` 1; -1 is the left), in scene coordinates."""
    fm = fonts().fm("chip")
    w, h = float(fm.horizontalAdvance(text)), float(fm.height())
    x, y, ux, uy = _back_along(points, back)
    nx, ny = uy * side, -ux * side  # right of travel: (0, 1) down -> (1, 0)
    reach = SLOT_GAP + abs(nx) * w / 2 + abs(ny) * h / 2
    cx, cy = x + nx * reach, y + ny * reach
    return QRectF(cx - w / 2, cy - h / 2, w, h)


def _polyline_length(points: Sequence[tuple[float, float]]) -> float:
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in pairwise(points))


class EdgeItem(QGraphicsItem):
    def __init__(
        self,
        source: str,
        target: str,
        data: dict[str, Any],
        palette: GraphPalette,
        show_index: bool = False,
        key: Any = None,
        parallel: bool = False,
    ) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.key = data.get("index", 0) if key is None else key  # the input slot: parallel edges differ here
        self.parallel = parallel  # one of several edges between the same two nodes (fanned out)
        self.edge_data = data
        self.palette = palette
        self.show_index = show_index
        self.grad_text: str | None = None
        self.active = False
        self.setZValue(0.0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.points: list[tuple[float, float]] = []
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._bounds = QRectF()
        self._label_rect = QRectF()
        self._label_text = ""
        self.label_spot: tuple[float, int] = (SLOT_BACK, 1)  # (distance back from the tip, side)
        self._grad_rect = QRectF()
        self.grad_at = GRAD_SPOTS[0]  # where along the path the grad pill sits (a fraction of it)
        self.set_state()

    @property
    def key_tuple(self) -> tuple[str, str, Any]:
        """(source, target, key): how the scene keys this edge."""
        return (self.source, self.target, self.key)

    def set_points(self, points: Sequence[tuple[float, float]]) -> None:
        self.prepareGeometryChange()
        self.points = [(float(x), float(y)) for x, y in points]
        self._path = polyline_path(self.points)
        self._arrow = QPolygonF()
        if len(self.points) >= 2:
            (x1, y1), (x2, y2) = self.points[-2], self.points[-1]
            angle = math.atan2(y2 - y1, x2 - x1)
            tip = QPointF(x2, y2)
            left = QPointF(x2 - ARROW * math.cos(angle - 0.4), y2 - ARROW * math.sin(angle - 0.4))
            right = QPointF(x2 - ARROW * math.cos(angle + 0.4), y2 - ARROW * math.sin(angle + 0.4))
            self._arrow = QPolygonF([tip, left, right])
        self._label_text = str(self.edge_data.get("index", self.key)) if self.show_index else ""
        self._place_label()
        self._place_grad()
        self._update_bounds()
        self.update()

    def _place_label(self) -> None:
        # Just before the arrowhead, beside the line, so "0"/"1" name the input slot.
        if self._label_text and len(self.points) >= 2:
            self._label_rect = slot_label_rect(self.points, self._label_text, *self.label_spot)
        else:
            self._label_rect = QRectF()

    def label_rect(self) -> QRectF:
        """Where the slot label is drawn (scene coordinates; empty without one)."""
        return QRectF(self._label_rect)

    def label_text(self) -> str:
        return self._label_text

    def label_candidates(
        self, points: Sequence[tuple[float, float]] | None = None
    ) -> list[tuple[tuple[float, int], QRectF]]:
        """The places the slot label may take along ``points`` (the edge's own by default), the
        preferred first: (spot, rect) with spot = (distance back from the tip, side)."""
        pts = list(self.points if points is None else points)
        if not self._label_text or len(pts) < 2:
            return []
        room = _polyline_length(pts) - 4.0
        backs = [b for b in SLOT_BACKS if b <= room] or [max(room, 0.0)]
        return [((b, side), slot_label_rect(pts, self._label_text, b, side)) for b in backs for side in (1, -1)]

    def set_label_spot(self, spot: tuple[float, int]) -> None:
        """Move the slot label to ``spot`` (one of ``label_candidates``), now and after relayouts."""
        if spot != self.label_spot:
            self.prepareGeometryChange()
            self.label_spot = spot
            self._place_label()
            self._update_bounds()
            self.update()

    def _place_grad(self) -> None:
        if self.grad_text and not self._path.isEmpty():
            f = fonts()
            w, h = f.advance("chip", self.grad_text) + 10, f.fm("chip").height() + 4
            self._grad_rect = self._grad_rect_at(self.grad_at, w, h)
            if self.parallel and len(self.points) == 3:
                # A fanned parallel edge (y * y) bows to one side at its bend: the chip goes on the
                # outside of the bow, so the two edges' grads sit side by side instead of stacked.
                (x0, y0), (bx, by), (x2, y2) = self.points
                dx, dy = bx - (x0 + x2) / 2, by - (y0 + y2) / 2
                if abs(dx) > 1 and abs(dx) >= abs(dy):
                    left = bx - w - 2 if dx < 0 else bx + 2
                    self._grad_rect = QRectF(left, by - h / 2, w, h)
                elif abs(dy) > 1:
                    top = by - h - 2 if dy < 0 else by + 2
                    self._grad_rect = QRectF(bx - w / 2, top, w, h)
        else:
            self._grad_rect = QRectF()

    def _grad_rect_at(self, fraction: float, w: float, h: float) -> QRectF:
        at = self._path.pointAtPercent(fraction)
        return QRectF(at.x() - w / 2, at.y() - h / 2, w, h)

    def grad_candidates(self) -> list[tuple[float, QRectF]]:
        """The places the grad pill may take along the path, (fraction, rect) in scene coordinates,
        the middle first; none for a fanned parallel edge, whose pill sits outside its bow."""
        if not self.grad_text or self._path.isEmpty() or (self.parallel and len(self.points) == 3):
            return []
        f = fonts()
        w, h = f.advance("chip", self.grad_text) + 10, f.fm("chip").height() + 4
        return [(at, self.mapRectToScene(self._grad_rect_at(at, w, h))) for at in GRAD_SPOTS]

    def grad_scene_rect(self) -> QRectF:
        return self.mapRectToScene(self._grad_rect) if not self._grad_rect.isNull() else QRectF()

    def set_grad_at(self, fraction: float) -> None:
        """Move the grad pill to ``fraction`` of the path (one of ``GRAD_SPOTS``)."""
        if fraction != self.grad_at:
            self.prepareGeometryChange()
            self.grad_at = fraction
            self._place_grad()
            self._update_bounds()
            self.update()

    def _update_bounds(self) -> None:
        rect = self._path.boundingRect().united(self._arrow.boundingRect()).adjusted(-4, -4, 4, 4)
        if not self._label_rect.isNull():
            rect = rect.united(self._label_rect.adjusted(-1, -1, 1, 1))
        if not self._grad_rect.isNull():
            rect = rect.united(self._grad_rect.adjusted(-1, -1, 1, 1))
        self._bounds = rect

    def set_palette(self, palette: GraphPalette) -> None:
        self.palette = palette
        self.set_state()

    def set_grad_text(self, text: str | None) -> None:
        """Show (or clear) the gradient travelling on this edge; the edge is drawn active meanwhile."""
        self.prepareGeometryChange()
        self.grad_text = text or None
        self.active = self.grad_text is not None
        self._place_grad()
        self._update_bounds()
        self.set_state()

    def set_active(self, on: bool) -> None:
        if on != self.active:
            self.active = on
            self.set_state()

    def set_state(self) -> None:
        p = self.palette
        color = QColor(p.edge.get(str(self.edge_data.get("view", "dataflow")), p.border))
        width = 1.3
        style = Qt.PenStyle.DashLine if self.edge_data.get("derived") else Qt.PenStyle.SolidLine
        if self.active:
            color, width = p.grad_flow, 2.6
        # Shared by every edge with the same look: building pens per edge was a visible share of
        # populating a thousand-node scene.
        looks = p.styles
        key = ("edge", color.rgba(), width, style)
        look = looks.get(key)
        if look is None:
            look = looks[key] = (
                QPen(color, width, style, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin),
                QBrush(color),
            )
        pen: QPen
        arrow_brush: QBrush
        pen, arrow_brush = look
        self._pen, self._arrow_brush = pen, arrow_brush
        grad = looks.get("edge_grad")
        if grad is None:
            # the label text picks black or white for contrast on the grad colour of the theme
            grad = looks["edge_grad"] = (mix(p.muted, p.background, 0.1), QBrush(p.grad_flow), text_on(p.grad_flow))
        label_color: QColor
        grad_brush: QBrush
        grad_text_color: QColor
        label_color, grad_brush, grad_text_color = grad
        self._label_color, self._grad_brush, self._grad_text_color = label_color, grad_brush, grad_text_color
        self.update()

    def path(self) -> QPainterPath:
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(6)
        return stroker.createStroke(self._path)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setPen(self._pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._arrow_brush)
        painter.drawPolygon(self._arrow)
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < LOD_TEXT:
            return
        if self._label_text:
            painter.setFont(fonts().chip)
            painter.setPen(self._label_color)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self._label_text)
        if self.grad_text:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._grad_brush)
            painter.drawRoundedRect(self._grad_rect, 5, 5)
            painter.setPen(self._grad_text_color)
            painter.setFont(fonts().chip)
            painter.drawText(self._grad_rect, Qt.AlignmentFlag.AlignCenter, self.grad_text)


class GradMarkerItem(QGraphicsItem):
    """A small pill (a dot when it has no text) that the player moves along an edge path."""

    def __init__(self, palette: GraphPalette, text: str | None = None) -> None:
        super().__init__()
        self.setZValue(3.0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.text = ""
        self._rect = QRectF()
        self.set_palette(palette)
        self.set_text(text)

    def set_text(self, text: str | None) -> None:
        self.prepareGeometryChange()
        self.text = text or ""
        if self.text:
            fm = fonts().fm("chip")
            w, h = fm.horizontalAdvance(self.text) + 10, fm.height() + 4
        else:
            w = h = 10.0
        self._rect = QRectF(-w / 2, -h / 2, w, h)
        self.update()

    def set_palette(self, palette: GraphPalette) -> None:
        self.palette = palette
        self._pen = QPen(palette.background, 1.0)
        self._brush = QBrush(palette.grad_flow)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setPen(self._pen)
        painter.setBrush(self._brush)
        radius = min(self._rect.height(), self._rect.width()) / 2
        painter.drawRoundedRect(self._rect, radius, radius)
        if self.text:
            painter.setPen(text_on(self.palette.grad_flow))
            painter.setFont(fonts().chip)
            painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


class InputSumItem(QGraphicsItem):
    """A pill beside a node: its input buffer adding up, ``2.25 + 2.25 = 4.5``.

    Attached to a node item and placed by its side (right of it in a top-down drawing, below it in
    a left-to-right one), it follows the node when a relayout moves it.
    """

    def __init__(self, palette: GraphPalette) -> None:
        super().__init__()
        self.setZValue(2.5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.text = ""
        self._rect = QRectF()
        self._node: QGraphicsItem | None = None
        self._beside = True
        self.spot = 0  # which of ``positions`` it takes (the scene moves it off other nodes and chips)
        self.set_palette(palette)

    def set_text(self, text: str) -> None:
        if text == self.text:
            return
        self.prepareGeometryChange()
        self.text = text
        fm = fonts().fm("chip")
        w, h = fm.horizontalAdvance(text) + 12, fm.height() + 6
        self._rect = QRectF(0, -h / 2, w, h)
        self.setToolTip(text)
        self.update()

    def attach(self, node: QGraphicsItem, beside: bool) -> None:
        self._node, self._beside = node, beside
        self.follow()

    def positions(self) -> list[QPointF]:
        """Where the chip may stand by its node, the usual place first: beside it (right, then
        left) in a top-down drawing, under it (then above) left to right, then the other two
        sides, then further out in the first direction."""
        node = self._node
        if node is None:
            return []
        box = node.sceneBoundingRect()
        w, h, gap = self._rect.width(), self._rect.height(), 6.0
        right = QPointF(box.right() + gap, box.center().y())
        left = QPointF(box.left() - gap - w, box.center().y())
        below = QPointF(box.center().x() - w / 2, box.bottom() + gap + h / 2)
        above = QPointF(box.center().x() - w / 2, box.top() - gap - h / 2)
        if self._beside:
            return [right, left, below, above, *(right + QPointF(0, k * (h + 2)) for k in (1, 2, 3))]
        return [below, above, right, left, *(below + QPointF(0, k * (h + 2)) for k in (1, 2, 3))]

    def rect_at(self, position: QPointF) -> QRectF:
        """The chip's scene rectangle if it stood at ``position``."""
        return self._rect.translated(position)

    def follow(self) -> None:
        node = self._node
        if node is None or node.scene() is None:
            return
        places = self.positions()
        self.setPos(places[self.spot if self.spot < len(places) else 0])

    def set_palette(self, palette: GraphPalette) -> None:
        self.palette = palette
        self._pen = QPen(palette.grad_flow, 1.4)
        self._brush = QBrush(palette.background)
        self._text_color = QColor(palette.text)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setPen(self._pen)
        painter.setBrush(self._brush)
        radius = self._rect.height() / 2
        painter.drawRoundedRect(self._rect, radius, radius)
        painter.setPen(self._text_color)
        painter.setFont(fonts().chip)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)
