"""The caption band over an exported frame: the step line, then the step's numbers.

Shared by the snapshot drawing (ui.export.drawing) and the live canvas (ui.export.scene_source),
so a frame of the current step exported from the window carries the same rule and ledger lines
as one drawn from the recorded call. Everything is ``drawText``: SVG keeps it as ``<text>``, PDF
as selectable text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from ui.theme import Theme

__all__ = ["CAPTION_PX", "MIN_CAPTION_WIDTH", "CaptionBand"]

CAPTION_PX = 14
MIN_CAPTION_WIDTH = 360.0
MARGIN = 16.0
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class CaptionBand:
    """Measures and paints captions: a bold heading line, then note lines in the body font."""

    def __init__(self, font: QFont) -> None:
        self.font = QFont(font)
        self.heading_font = QFont(font)
        self.heading_font.setPixelSize(CAPTION_PX)
        self.heading_font.setBold(True)
        self.heading_height = QFontMetricsF(self.heading_font).height() + 8
        self.line_height = QFontMetricsF(self.font).height()

    def size(self, captions: Sequence[str | None]) -> tuple[float, float]:
        """Width wanted and height of the band for ``captions``: every frame of an animation gets
        the band of the frame with the most note lines. (0, 0) without any caption."""
        texts = [c for c in captions if c is not None]
        if not texts:
            return 0.0, 0.0
        heading, body = QFontMetricsF(self.heading_font), QFontMetricsF(self.font)
        widths = [heading.horizontalAdvance(t.split("\n", 1)[0]) for t in texts]
        widths += [body.horizontalAdvance(line) for t in texts for line in t.split("\n")[1:]]
        notes = max(t.count("\n") for t in texts)
        return max(max(widths) + 2 * MARGIN, MIN_CAPTION_WIDTH), self.heading_height + notes * self.line_height

    def paint(
        self, painter: QPainter, theme: Theme, caption: str, rect: QRectF, *, error: bool = False, background: bool
    ) -> None:
        """Paint ``caption`` at the top of ``rect``. A frame that shows part of a bigger graph has
        graph under its band, so the band gets the canvas colour first (unless transparent); a line
        wider than the frame is elided, not cut."""
        heading, *notes = caption.split("\n")
        if background:
            height = self.heading_height + len(notes) * self.line_height
            painter.fillRect(QRectF(rect.left(), rect.top(), rect.width(), height), QColor(theme.canvas_bg))
        band = QRectF(rect.left() + MARGIN, rect.top() + 4, rect.width() - 2 * MARGIN, self.heading_height)
        painter.setFont(self.heading_font)
        painter.setPen(QColor(theme.error if error else theme.text))
        painter.drawText(band, _LEFT, _fitted(QFontMetricsF(self.heading_font), heading, band.width()))
        painter.setFont(self.font)
        painter.setPen(QColor(theme.text))
        metrics = QFontMetricsF(self.font)
        for i, line in enumerate(notes):
            row = QRectF(band.left(), band.bottom() - 4 + i * self.line_height, band.width(), self.line_height)
            painter.drawText(row, _LEFT, _fitted(metrics, line, band.width()))


def _fitted(metrics: QFontMetricsF, text: str, width: float) -> str:
    """``text``, elided with "…" only when it is wider than ``width`` (a band sized for the text
    itself keeps it whole despite rounding)."""
    if metrics.horizontalAdvance(text) <= width + 1.0:
        return text
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
