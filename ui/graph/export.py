"""Render a whole graph scene (not just the visible part) to an image, for export and tests."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

__all__ = ["MAX_IMAGE_SIDE", "render_scene_to_image", "scene_content_rect"]

MAX_IMAGE_SIDE = 16384  # QImage and most viewers refuse larger; the scale is reduced to fit


def scene_content_rect(scene: QGraphicsScene, margin: float = 16.0) -> QRectF:
    """Everything drawn (nodes, edges, badges, markers) plus a margin."""
    return scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin)


def render_scene_to_image(
    scene: QGraphicsScene,
    scale: float = 2.0,
    *,
    margin: float = 16.0,
    background: QColor | None = None,
    source: QRectF | None = None,
) -> QImage:
    """The whole scene (or ``source``) at ``scale`` pixels per scene unit, on the canvas colour.

    Items paint at the level of detail the scale implies, so a scale of 1 or more gives full
    text; a huge graph is scaled down so neither side exceeds MAX_IMAGE_SIDE pixels.
    """
    rect = QRectF(source) if source is not None else scene_content_rect(scene, margin)
    if rect.isEmpty():
        rect = QRectF(0, 0, 1, 1)
    scale = max(1e-3, float(scale))
    scale = min(scale, MAX_IMAGE_SIDE / rect.width(), MAX_IMAGE_SIDE / rect.height())
    width, height = max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale))
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    fill = background if background is not None else scene.backgroundBrush().color()
    image.fill(fill)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, width, height), rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    return image
