"""The live canvas as an export source: a QGraphicsScene painted exactly as the window shows it.

The dialog exports "the current step" and "the visible part" from the graph view itself, so the
file matches the screen (theme, selection, player state). SceneDrawing has GraphDrawing's
``bounds``/``paint`` shape, so the same writers handle both; a caption (the step line, the rule
with its numbers and the .grad ledger, ui.export.api.frames_for) goes in a band above the scene,
as in frames drawn from the recorded call.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from ui.export.caption import CaptionBand
from ui.export.drawing import FONT_PX
from ui.export.steps import FrameState
from ui.theme import Theme

__all__ = ["SceneDrawing", "visible_rect"]

SCENE_MARGIN = 16.0


def visible_rect(view: QGraphicsView) -> QRectF:
    """The scene rectangle the user currently sees in ``view``."""
    return view.mapToScene(view.viewport().rect()).boundingRect()


class SceneDrawing:
    """Paints ``scene`` (or its ``area``) under the frame's caption; frame states are the canvas's
    own business (the player has painted the step already)."""

    def __init__(self, scene: QGraphicsScene, area: QRectF | None = None) -> None:
        self.scene = scene
        self.area = area
        font = QFont("DejaVu Sans")
        font.setPixelSize(FONT_PX)
        self.captions = CaptionBand(font)

    def scene_rect(self) -> QRectF:
        """The part of the scene the export shows."""
        if self.area is not None:
            return QRectF(self.area)
        return self.scene.itemsBoundingRect().adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)

    def bounds(self, captions: Sequence[str | None] = ()) -> QRectF:
        rect = self.scene_rect()
        width, height = self.captions.size(captions)
        if not height:
            return rect
        extra = max(0.0, width - rect.width()) / 2
        return rect.adjusted(-extra, -height, extra, 0)

    def paint(
        self,
        painter: QPainter,
        theme: Theme,
        state: FrameState | None = None,
        caption: str | None = None,
        background: bool = True,
        area: QRectF | None = None,
    ) -> None:
        rect = area or self.bounds([caption])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if background:
            painter.fillRect(rect, QColor(theme.canvas_bg))
        shown = self.scene_rect()
        self.scene.render(painter, shown, shown)
        if caption is not None:
            self.captions.paint(painter, theme, caption, rect, background=background)
