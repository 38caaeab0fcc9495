"""Edges (polylines from the layout, with arrowheads) and the marker that carries a gradient.

An edge's path is built once per layout (``set_points``); colours in ``set_state``. The grad
marker is a separate item so the backward player can slide it along any edge path without the
edge repainting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ui.graph.style import LOD_TEXT, GraphPalette, fonts, mix, text_on

__all__ = ["EdgeItem", "GradMarkerItem", "polyline_path"]

ARROW = 7.0


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


class EdgeItem(QGraphicsItem):
    def __init__(
        self, source: str, target: str, data: dict[str, Any], palette: GraphPalette, show_index: bool = False
    ) -> None:
        super().__init__()
        self.source = source
        self.target = target
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
        self._label_pos = QPointF()
        self._label_text = ""
        self._grad_rect = QRectF()
        self.set_state()

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
        indices = self.edge_data.get("indices") or [self.edge_data.get("index", 0)]
        self._label_text = ",".join(str(i) for i in indices) if self.show_index else ""
        if self._label_text and len(self.points) >= 2:
            # Just before the arrowhead, offset sideways, so "0"/"1" name the input slot.
            at = self._path.pointAtPercent(max(0.0, 1.0 - 16.0 / max(self._path.length(), 1.0)))
            self._label_pos = at + QPointF(4, -3)
        self._place_grad()
        self._update_bounds()
        self.update()

    def _place_grad(self) -> None:
        if self.grad_text and not self._path.isEmpty():
            f = fonts()
            w, h = f.advance("chip", self.grad_text) + 10, f.fm("chip").height() + 4
            mid = self._path.pointAtPercent(0.5)
            self._grad_rect = QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h)
        else:
            self._grad_rect = QRectF()

    def _update_bounds(self) -> None:
        rect = self._path.boundingRect().united(self._arrow.boundingRect()).adjusted(-4, -4, 4, 4)
        if self._label_text:
            rect = rect.united(QRectF(self._label_pos.x() - 2, self._label_pos.y() - 12, 30, 16))
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
            painter.drawText(self._label_pos, self._label_text)
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
