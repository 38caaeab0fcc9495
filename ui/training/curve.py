"""LossCurve: the loss of each iteration of one training loop, painted with QPainter.

The curve only draws what it is handed (iteration index -> loss, the current iteration, the
iterations whose grads carried over); clicking picks the nearest iteration and emits
``iteration_clicked``. Geometry is computed in one place (``_geometry``) so tests can ask where a
point is drawn (``point_at``) instead of guessing pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import Theme, current_theme, theme_manager

CONTEXT = "TrainingPanel"
_MARGIN_LEFT = 76  # room for the axis title and the y labels ("0.6051" was clipped at 62)
_MARGIN_RIGHT = 10
_MARGIN_TOP = 10
_MARGIN_BOTTOM = 20  # room for the x labels
_DOTS_UP_TO = 120  # beyond this many points the curve is a line with only the current point marked


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def format_loss(value: float) -> str:
    """Losses as a learner reads them: four significant digits."""
    return f"{value:.4g}"


@dataclass(frozen=True)
class _Geometry:
    plot: QRectF
    count: int  # iterations on the x axis (including ones without a finite loss)
    low: float
    high: float

    def x(self, index: int) -> float:
        if self.count <= 1:
            return self.plot.center().x()
        return self.plot.left() + self.plot.width() * index / (self.count - 1)

    def y(self, value: float) -> float:
        span = self.high - self.low
        if span <= 0:
            return self.plot.center().y()
        return self.plot.bottom() - self.plot.height() * (value - self.low) / span


class LossCurve(QWidget):
    iteration_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lossCurve")
        self._count = 0
        self._points: list[tuple[int, float]] = []
        self._current = -1
        self._flagged: set[int] = set()
        self._theme: Theme = current_theme()
        theme_manager().changed.connect(self._on_theme)
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:
        return QSize(300, 150)

    # -- state -----------------------------------------------------------------------------
    def set_curve(self, count: int, points: list[tuple[int, float]], flagged: set[int] | None = None) -> None:
        """``count`` iterations; ``points`` (iteration, finite loss); ``flagged`` iterations whose
        grads carried over from the previous one (drawn in the warning colour)."""
        self._count = count
        self._points = sorted(points)
        self._flagged = set(flagged or ())
        if self._current >= count:
            self._current = -1
        self.setToolTip(tr("Loss per iteration: click a point to replay that iteration's backward()"))
        self.update()

    def set_current(self, index: int) -> None:
        if index != self._current:
            self._current = index
            self.update()

    @property
    def point_count(self) -> int:
        return len(self._points)

    @property
    def current(self) -> int:
        return self._current

    def point_at(self, index: int) -> QPointF | None:
        """Where iteration ``index``'s point is drawn (widget coordinates), or None if not drawn."""
        geometry = self._geometry()
        for i, value in self._points:
            if i == index and geometry is not None:
                return QPointF(geometry.x(i), geometry.y(value))
        return None

    def _on_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def _geometry(self) -> _Geometry | None:
        if not self._points:
            return None
        plot = QRectF(self.rect()).adjusted(_MARGIN_LEFT, _MARGIN_TOP, -_MARGIN_RIGHT, -_MARGIN_BOTTOM)
        values = [v for _, v in self._points]
        low, high = min(values), max(values)
        if low >= 0 and high > 0 and low < 0.25 * high:
            low = 0.0  # a loss that fell close to zero reads better against a zero baseline
        if high == low:
            pad = abs(high) * 0.1 or 1.0
            low, high = low - pad, high + pad
        return _Geometry(plot, max(self._count, 1), low, high)

    # -- interaction -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        geometry = self._geometry()
        if geometry is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        x = event.position().x()
        nearest = min(self._points, key=lambda p: abs(geometry.x(p[0]) - x))[0]
        self.iteration_clicked.emit(nearest)
        event.accept()
        return None

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        t = self._theme
        painter.fillRect(QRectF(self.rect()), t.color("base"))
        geometry = self._geometry()
        if geometry is None:
            painter.setPen(t.color("muted_text"))
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, tr("No loss values to plot"))
            painter.end()
            return
        self._paint_axes(painter, geometry)
        self._paint_curve(painter, geometry)
        painter.end()

    def _paint_axes(self, painter: QPainter, g: _Geometry) -> None:
        t = self._theme
        plot = g.plot
        painter.setPen(QPen(t.color("canvas_grid"), 1, Qt.PenStyle.DashLine))
        mid = (g.low + g.high) / 2
        for value in (g.high, mid):
            painter.drawLine(QPointF(plot.left(), g.y(value)), QPointF(plot.right(), g.y(value)))
        painter.setPen(QPen(t.color("border"), 1))
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.setPen(t.color("muted_text"))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for value in (g.high, mid, g.low):  # right of the rotated axis title
            painter.drawText(QRectF(18, g.y(value) - 8, _MARGIN_LEFT - 24, 16), right, format_loss(value))
        painter.save()
        painter.translate(10, plot.center().y())
        painter.rotate(-90)
        painter.drawText(QRectF(-40, -8, 80, 16), Qt.AlignmentFlag.AlignCenter, tr("loss"))
        painter.restore()
        below = plot.bottom() + 3
        for index in self._x_ticks(g.count):
            painter.drawText(QRectF(g.x(index) - 30, below, 60, 16), Qt.AlignmentFlag.AlignCenter, str(index + 1))
        painter.drawText(QRectF(plot.left(), below, plot.width(), 16), Qt.AlignmentFlag.AlignCenter, tr("iteration"))

    @staticmethod
    def _x_ticks(count: int) -> list[int]:
        """First and last iteration (the axis title sits in the middle)."""
        return [0] if count <= 1 else [0, count - 1]

    def _paint_curve(self, painter: QPainter, g: _Geometry) -> None:
        t = self._theme
        path = QPainterPath()
        previous = None
        for i, value in self._points:
            point = QPointF(g.x(i), g.y(value))
            # A gap in the iterations (a loss that was not finite) breaks the line.
            if previous is None or i != previous + 1:
                path.moveTo(point)
            else:
                path.lineTo(point)
            previous = i
        painter.setPen(QPen(t.color("accent"), 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if 0 <= self._current < g.count:
            painter.setPen(QPen(t.color("grad_flow"), 1, Qt.PenStyle.DotLine))
            x = g.x(self._current)
            painter.drawLine(QPointF(x, g.plot.top()), QPointF(x, g.plot.bottom()))
        dots = len(self._points) <= _DOTS_UP_TO
        radius = 3.2 if len(self._points) <= 40 else 2.2
        for i, value in self._points:
            current = i == self._current
            if not dots and not current:
                continue
            point = QPointF(g.x(i), g.y(value))
            colour = t.color("warning") if i in self._flagged else t.color("accent")
            if current:
                painter.setPen(QPen(t.color("grad_flow"), 2))
                painter.setBrush(t.color("base"))
                painter.drawEllipse(point, radius + 3, radius + 3)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(point, radius, radius)
        if 0 <= self._current < g.count:
            loss = dict(self._points).get(self._current)
            text = format_loss(loss) if loss is not None and math.isfinite(loss) else "—"
            painter.setPen(t.color("text"))
            painter.drawText(
                QRectF(g.plot.left() + 6, g.plot.top(), g.plot.width() - 12, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                tr("iteration {n}: loss {loss}").format(n=self._current + 1, loss=text),
            )
