"""Frames around open groups: a module box (``Linear(4, 16) · model.0``), a loop opened into its
steps, a step opened into its ops, a chain of ops opened on request.

``GroupFrames`` owns the frame items of one scene. ``sync`` is given, after each layout, every open
group with the drawn items inside it (at any depth) and its parent; a frame is the union of its
items' boxes and its child frames, plus padding and a title strip, so nested frames nest. The
title's "−" (or a double-click anywhere on the frame) collapses the group back to one node.
``follow`` re-fits the frames to where the items are now, every animation step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from ui.graph.items import NodeItem
from ui.graph.style import LOD_TEXT, GraphPalette, fonts, mix

__all__ = ["FRAME_PAD", "FRAME_Z", "FrameSpec", "GroupFrameItem", "GroupFrames"]

FRAME_PAD = 8.0  # room between the items inside (badges included) and the frame
FRAME_Z = -2.0  # behind edges (0) and nodes (1); inner frames sit above outer ones
TOGGLE = 14.0  # side of the "−" button in a frame's title strip


def _title_height() -> float:
    return fonts().fm("chip").height() + 4.0


@dataclass
class FrameSpec:
    """One open group to frame: its title, the drawn items inside it and its open parent."""

    title: str
    members: list[str]
    parent: str | None
    kind: str  # "module" | "loop" | "step" | "chain"


class GroupFrameItem(QGraphicsItem):
    """The frame itself; geometry in scene coordinates (the item stays at the origin)."""

    def __init__(self, group_id: str, spec: FrameSpec, depth: int, palette: GraphPalette) -> None:
        super().__init__()
        self.group_id = group_id
        self.spec = spec
        self.title = spec.title
        self.members = spec.members
        self.depth = depth
        self.setZValue(FRAME_Z + min(depth, 50) * 0.01)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setToolTip(spec.title)
        self._rect = QRectF()
        self.set_palette(palette)

    def set_palette(self, palette: GraphPalette) -> None:
        self.palette = palette
        loop = self.spec.kind in ("loop", "step", "chain")
        tint = palette.fills.get("group", palette.border) if loop else palette.border
        self._fill = QBrush(mix(palette.background, tint, 0.10 + 0.04 * (self.depth % 3)))
        self._pen = QPen(mix(palette.background, palette.muted, 0.55), 1.0)
        self._text = mix(palette.background, palette.text, 0.85)
        self.update()

    def frame_rect(self) -> QRectF:
        return QRectF(self._rect)

    def toggle_rect(self) -> QRectF:
        """The "−" button at the title strip's right end (scene coordinates)."""
        h = _title_height()
        return QRectF(self._rect.right() - FRAME_PAD - TOGGLE, self._rect.top() + (h - TOGGLE) / 2 + 1, TOGGLE, TOGGLE)

    def set_frame(self, content: QRectF) -> None:
        rect = content.adjusted(-FRAME_PAD, -FRAME_PAD - _title_height(), FRAME_PAD, FRAME_PAD)
        title_w = fonts().advance("chip", self.title) + 3 * FRAME_PAD + TOGGLE
        if rect.width() < title_w:
            rect.setWidth(title_w)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(self._fill)
        painter.setPen(self._pen)
        painter.drawRoundedRect(self._rect, 10.0, 10.0)
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < LOD_TEXT:
            return  # unreadable this far out; the frame alone still shows the grouping
        f = fonts()
        painter.setFont(f.chip)
        painter.setPen(self._text)
        fm = f.fm("chip")
        room = self._rect.width() - 3 * FRAME_PAD - TOGGLE
        text = fm.elidedText(self.title, Qt.TextElideMode.ElideRight, max(room, 10.0))
        painter.drawText(QPointF(self._rect.left() + FRAME_PAD, self._rect.top() + 3 + fm.ascent()), text)
        toggle = self.toggle_rect()
        painter.setPen(self._pen)
        painter.setBrush(QBrush(self.palette.background))
        painter.drawRoundedRect(toggle, 3, 3)
        painter.setPen(QPen(self._text, 1.4))
        y = toggle.center().y()
        painter.drawLine(QPointF(toggle.left() + 3.5, y), QPointF(toggle.right() - 3.5, y))


def _items_rect(items: list[NodeItem]) -> QRectF:
    rect = QRectF()
    for item in items:
        rect = rect.united(item.sceneBoundingRect())
    return rect


class GroupFrames:
    """The frames of one scene, rebuilt after each layout and moved with the nodes."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.frames: dict[str, GroupFrameItem] = {}

    def clear(self) -> None:
        for item in self.frames.values():
            if item.scene() is self.scene:
                self.scene.removeItem(item)
        self.frames.clear()

    def sync(self, specs: Mapping[str, FrameSpec], nodes: Mapping[str, NodeItem], palette: GraphPalette) -> None:
        """Frames for ``specs`` (parents before children), fitted to the items where they are."""
        self.clear()
        depth: dict[str, int] = {}
        for gid, spec in specs.items():
            depth[gid] = depth[spec.parent] + 1 if spec.parent is not None and spec.parent in depth else 0
            if not any(m in nodes for m in spec.members):
                continue
            item = GroupFrameItem(gid, spec, depth[gid], palette)
            self.scene.addItem(item)
            self.frames[gid] = item
        self.follow(nodes)

    def follow(self, nodes: Mapping[str, NodeItem]) -> None:
        """Re-fit every frame (children first, so a parent wraps its children's frames)."""
        for gid in reversed(list(self.frames)):
            frame = self.frames[gid]
            rect = _items_rect([nodes[m] for m in frame.members if m in nodes])
            for child in self.frames.values():
                if child.spec.parent == gid:
                    rect = rect.united(child.frame_rect())
            frame.set_frame(rect)

    def frame_at(self, pos: QPointF) -> GroupFrameItem | None:
        """The innermost frame under a scene point."""
        best: GroupFrameItem | None = None
        for frame in self.frames.values():
            if frame.frame_rect().contains(pos) and (best is None or frame.depth > best.depth):
                best = frame
        return best

    def set_palette(self, palette: GraphPalette) -> None:
        for frame in self.frames.values():
            frame.set_palette(palette)
