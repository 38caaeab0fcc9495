"""A small diverging heatmap of an ArraySummary preview (at most 2-d, at most 64 values).

Blue is negative, red positive, the theme's neutral colour zero; the scale is symmetric around zero
so the sign of a gradient is readable at a glance. Each cell prints its value as precisely as
its width allows (4 significant digits, then 3, 2, 1); a cell too narrow for even one digit keeps
its colour and shows the value on hover. Numbers are written by gradviz.backward.numbers, so a
cell never reads ``-0``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gradviz.backward.numbers import format_number
from ui.snapshot import preview_rows
from ui.theme import Theme, current_theme


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    t = min(1.0, max(0.0, t))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def cell_texts(value: Any) -> list[str]:
    """The ways a cell can write ``value``, most precise first, each no longer than the last:
    ``0.1667``, ``0.167``, ``0.17``, ``0.2``; the widest one that fits is drawn."""
    texts: list[str] = []
    for digits in (4, 3, 2, 1):
        # exponents written short for a cell: 1.2e+05 -> 1.2e5, 2.5e-07 -> 2.5e-7
        text = format_number(value, digits).replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
        if not texts or len(text) < len(texts[-1]):
            texts.append(text)
    return texts


def _as_float(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


class Heatmap(QWidget):
    CELL_MAX = 40
    CELL_MIN = 10
    ROW_MAX = 28
    # A tall preview (a 16x2 weight) must not make the inspector taller than a laptop screen:
    # rows shrink to fit this budget (down to CELL_MIN) instead of growing the widget.
    HEIGHT_BUDGET = 170

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []
        self._scale = 1.0
        self._theme: Theme = current_theme()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.update()

    def set_preview(self, preview: Any) -> None:
        self._rows = preview_rows(preview)
        values = [abs(v) for row in self._rows for v in map(_as_float, row) if v is not None]
        self._scale = max(values) if values and max(values) > 0 else 1.0
        self.setVisible(bool(self._rows))
        self.updateGeometry()
        self.update()

    def grid_size(self) -> tuple[int, int]:
        return (len(self._rows), max((len(r) for r in self._rows), default=0))

    def _cell_size(self) -> float:
        _rows, cols = self.grid_size()
        if not cols:
            return self.CELL_MAX
        return max(self.CELL_MIN, min(self.CELL_MAX, (self.width() - 2) / cols))

    def _row_height(self, cell: float) -> float:
        rows, _ = self.grid_size()
        budget = (self.HEIGHT_BUDGET - 2) / rows if rows else self.ROW_MAX
        return max(self.CELL_MIN, min(cell, self.ROW_MAX, budget))

    def sizeHint(self) -> QSize:
        rows, _ = self.grid_size()
        return QSize(200, int(rows * self._row_height(self.CELL_MAX)) + 2)

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        rows, cols = self.grid_size()
        if not cols:
            return 0
        cell = max(self.CELL_MIN, min(self.CELL_MAX, (width - 2) / cols))
        return int(rows * self._row_height(cell)) + 2

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def color_for(self, value: Any) -> QColor:
        v = _as_float(value)
        t = self._theme
        if v is None:
            return QColor(t.border)
        end = QColor(t.heat_positive if v >= 0 else t.heat_negative)
        return _mix(QColor(t.heat_zero), end, abs(v) / self._scale)

    def _cell_rect(self, r: int, c: int) -> QRectF:
        w = self._cell_size()
        h = self._row_height(w)
        return QRectF(1 + c * w, 1 + r * h, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._rows:
            return
        painter = QPainter(self)
        font = painter.font()
        font.setPointSizeF(max(6.5, font.pointSizeF() - 2))
        painter.setFont(font)
        fm = painter.fontMetrics()
        for r, row in enumerate(self._rows):
            for c, value in enumerate(row):
                rect = self._cell_rect(r, c)
                color = self.color_for(value)
                painter.fillRect(rect.adjusted(0, 0, -1, -1), color)
                text = self.cell_text(value, rect, fm.horizontalAdvance)
                if text is not None and fm.height() <= rect.height() + 2:
                    luminance = 0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue()
                    painter.setPen(QColor("#111111") if luminance > 140 else QColor("#f5f5f5"))
                    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.end()

    @staticmethod
    def cell_text(value: Any, rect: QRectF, advance: Callable[[str], int]) -> str | None:
        """The most precise writing of ``value`` that fits ``rect`` (None: colour only)."""
        for text in cell_texts(value):
            if advance(text) + 2 <= rect.width():
                return text
        return None

    def tooltip_text(self, r: int, c: int) -> str:
        return f"[{r}, {c}] = {format_number(self._rows[r][c], 8)}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = QPointF(event.pos())
            for r, row in enumerate(self._rows):
                for c in range(len(row)):
                    if self._cell_rect(r, c).contains(pos):
                        QToolTip.showText(event.globalPos(), self.tooltip_text(r, c), self)
                        return True
            QToolTip.hideText()
            return True
        return super().event(event)
