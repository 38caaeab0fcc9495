"""A small overview of the whole graph with the main view's visible rectangle; click or drag in it
to move the main view there.

The overview is a cached image re-rendered (debounced) when the layout or the theme changes, not on
every repaint: panning only redraws the rectangle over the cached picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.graph.view import GraphView

__all__ = ["Minimap"]


class Minimap(QWidget):
    def __init__(self, view: GraphView) -> None:
        super().__init__(view)
        self._view = view
        self._image = QImage()
        self._source = QRectF()  # scene rect shown
        self._target = QRectF()  # where it sits in the widget
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.render_now)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # paintEvent fills every pixel: redrawing the overview (on every pan) must not make the
        # canvas underneath repaint that corner too.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setToolTip(QCoreApplication.translate("Minimap", "Overview: click or drag to move the view"))

    def sync_visibility(self) -> None:
        """Show the overview only while part of the graph is off screen: over a fitted graph it
        would only hide nodes in the corner."""
        wanted = self._view.minimap_wanted()
        if wanted != self.isVisible():
            self.setVisible(wanted)
            if wanted:
                self._view.place_minimap()  # in a corner where it covers no node, if there is one
                self.render_now()

    def refresh(self) -> None:
        """Re-render soon (several layout changes in a row cost one render)."""
        self._timer.start()

    def render_now(self) -> None:
        scene = self._view.graph_scene
        rect = scene.content_rect()
        shown = self.isVisible()
        self.setVisible(self._view.minimap_wanted())
        if self.isVisible() and not shown:
            self._view.place_minimap()
        if not self.isVisible() or rect.isEmpty() or self.width() < 4 or self.height() < 4:
            self._image = QImage()
            self.update()
            return
        ratio = self.devicePixelRatioF()
        image = QImage(int(self.width() * ratio), int(self.height() * ratio), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(scene.graph_palette.background)
        scale = min((self.width() - 8) / rect.width(), (self.height() - 8) / rect.height())
        w, h = rect.width() * scale, rect.height() * scale
        self._target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        self._source = QRectF(rect)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        scene.render(painter, self._target, self._source, Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        self._image = image
        self.update()

    def _to_widget(self, p: QPointF) -> QPointF:
        s = self._target.width() / max(self._source.width(), 1e-9)
        return QPointF(
            self._target.left() + (p.x() - self._source.left()) * s,
            self._target.top() + (p.y() - self._source.top()) * s,
        )

    def _to_scene(self, p: QPointF) -> QPointF:
        s = self._source.width() / max(self._target.width(), 1e-9)
        return QPointF(
            self._source.left() + (p.x() - self._target.left()) * s,
            self._source.top() + (p.y() - self._target.top()) * s,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self._view.graph_scene.graph_palette
        painter.fillRect(self.rect(), palette.background)
        if not self._image.isNull():
            painter.drawImage(0, 0, self._image)
            visible = self._view.visible_scene_rect()
            top_left = self._to_widget(visible.topLeft())
            bottom_right = self._to_widget(visible.bottomRight())
            frame = QRectF(top_left, bottom_right).intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1))
            fill = QColor(palette.selected)
            fill.setAlpha(40)
            painter.setBrush(fill)
            painter.setPen(QPen(palette.selected, 1.5))
            painter.drawRect(frame)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(palette.border, 1.0))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._move_view(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move_view(event.position())
        event.accept()

    def _move_view(self, pos: QPointF) -> None:
        if self._image.isNull():
            return
        self._view.keep_user_view()
        self._view.centerOn(self._to_scene(pos))
        self.update()
