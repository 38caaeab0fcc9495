"""The live canvas as an export source: a QGraphicsScene painted exactly as the window shows it.

The dialog exports "the current step" and "the visible part" from the graph view itself, so the
file matches the screen (theme, selection, player state). SceneDrawing has GraphDrawing's
``bounds``/``paint`` shape, so the same writers handle both.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from ui.export.steps import FrameState
from ui.theme import Theme

__all__ = ["SceneDrawing", "visible_rect"]

SCENE_MARGIN = 16.0


def visible_rect(view: QGraphicsView) -> QRectF:
    """The scene rectangle the user currently sees in ``view``."""
    return view.mapToScene(view.viewport().rect()).boundingRect()


class SceneDrawing:
    """Paints ``scene`` (or its ``area``); frame states and captions are the canvas's own business."""

    def __init__(self, scene: QGraphicsScene, area: QRectF | None = None) -> None:
        self.scene = scene
        self.area = area

    def bounds(self, captions: Sequence[str | None] = ()) -> QRectF:
        if self.area is not None:
            return QRectF(self.area)
        return self.scene.itemsBoundingRect().adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)

    def paint(
        self,
        painter: QPainter,
        theme: Theme,
        state: FrameState | None = None,
        caption: str | None = None,
        background: bool = True,
        area: QRectF | None = None,
    ) -> None:
        rect = area or self.bounds()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if background:
            painter.fillRect(rect, QColor(theme.canvas_bg))
        self.scene.render(painter, rect, rect)
