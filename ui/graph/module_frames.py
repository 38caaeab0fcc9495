"""Module frames: a light rounded box, labelled "model.hidden", behind a layer's parameters.

``ModuleFrames`` owns the frame items of one scene. ``sync`` decides, after each layout, which
modules get a frame: the members must sit side by side on one rank (``adjacent_in_layout``) and
the framed rectangle, label included, must not touch any other node. A module that fails either
test gets a small tag above each member instead, so the grouping is still readable but nothing
is ever covered. ``follow`` re-fits the frames to where the members are now, every animation
step, so frames glide with their nodes.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from ui.graph.items import NodeItem
from ui.graph.modules import adjacent_in_layout, module_groups
from ui.graph.style import LOD_TEXT, GraphPalette, fonts, mix

__all__ = ["FRAME_PAD", "FRAME_Z", "ModuleFrameItem", "ModuleFrames", "ModuleTagItem"]

FRAME_PAD = 6.0  # room between the members' boxes (badges included) and the frame
FRAME_Z = -1.0  # behind edges (0) and nodes (1)
TAG_GAP = 2.0  # a fallback tag sits this far above its node's box


def _label_height() -> float:
    return fonts().fm("chip").height() + 2.0


class ModuleFrameItem(QGraphicsItem):
    """The frame itself; geometry in scene coordinates (the item stays at the origin)."""

    def __init__(self, module: str, members: list[str], palette: GraphPalette) -> None:
        super().__init__()
        self.module = module
        self.members = members
        self.setZValue(FRAME_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(module)
        self._rect = QRectF()
        self.set_palette(palette)

    def set_palette(self, palette: GraphPalette) -> None:
        self.palette = palette
        self._fill = QBrush(mix(palette.background, palette.border, 0.10))
        self._pen = QPen(mix(palette.background, palette.muted, 0.55), 1.0)
        self._text = mix(palette.background, palette.muted, 0.9)
        self.update()

    def frame_rect(self) -> QRectF:
        return QRectF(self._rect)

    def set_frame(self, members_rect: QRectF) -> None:
        rect = frame_around(members_rect)
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
        text = fm.elidedText(self.module, Qt.TextElideMode.ElideMiddle, self._rect.width() - 2 * FRAME_PAD)
        painter.drawText(QPointF(self._rect.left() + FRAME_PAD, self._rect.top() + 2 + fm.ascent()), text)


def frame_around(members_rect: QRectF) -> QRectF:
    """The frame for a union of member rectangles: padding plus a label strip on top."""
    return members_rect.adjusted(-FRAME_PAD, -FRAME_PAD - _label_height(), FRAME_PAD, FRAME_PAD)


class ModuleTagItem(QGraphicsItem):
    """Fallback when a module's members are apart: "model.hidden" in small print above a member."""

    def __init__(self, module: str, node_id: str, palette: GraphPalette) -> None:
        super().__init__()
        self.module = module
        self.node_id = node_id
        self.setZValue(FRAME_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._rect = QRectF()
        self._shown = module
        self.set_palette(palette)

    def set_palette(self, palette: GraphPalette) -> None:
        self._text = mix(palette.background, palette.muted, 0.9)
        self.update()

    def place(self, box: QRectF) -> None:
        """Above the box's left half: the right half is where a "grad: None" chip sits."""
        fm = fonts().fm("chip")
        self._shown = fm.elidedText(self.module, Qt.TextElideMode.ElideMiddle, max(box.width() / 2, 20.0))
        h = _label_height()
        rect = QRectF(box.left(), box.top() - TAG_GAP - h, fm.horizontalAdvance(self._shown) + 2, h)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def tag_rect(self) -> QRectF:
        return QRectF(self._rect)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < LOD_TEXT:
            return
        f = fonts()
        painter.setFont(f.chip)
        painter.setPen(self._text)
        painter.drawText(QPointF(self._rect.left() + 1, self._rect.top() + 1 + f.fm("chip").ascent()), self._shown)


def _box(item: NodeItem, at: tuple[float, float] | None = None) -> QRectF:
    """A node's box in scene coordinates (at ``at`` if given, else where it is now)."""
    w, h = item.size()
    x, y = at if at is not None else (item.pos().x(), item.pos().y())
    return QRectF(x - w / 2, y - h / 2, w, h)


def _members_rect(items: list[NodeItem], at: Mapping[str, tuple[float, float]] | None) -> QRectF:
    """Union of the members' drawn extent (box, halo and badge), at ``at`` or where they are."""
    rect = QRectF()
    for item in items:
        local = item.boundingRect()
        x, y = at[item.node_id] if at is not None else (item.pos().x(), item.pos().y())
        rect = rect.united(local.translated(x, y))
    return rect


class ModuleFrames:
    """Frames and tags of one scene, rebuilt after each layout and moved with the nodes."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.frames: dict[str, ModuleFrameItem] = {}
        self.tags: dict[str, ModuleTagItem] = {}  # member id -> its tag

    def clear(self) -> None:
        for item in [*self.frames.values(), *self.tags.values()]:
            if item.scene() is self.scene:
                self.scene.removeItem(item)
        self.frames.clear()
        self.tags.clear()

    def sync(
        self,
        snapshot: dict[str, Any] | None,
        nodes: Mapping[str, NodeItem],
        positions: Mapping[Hashable, tuple[float, float]],
        ranks: Mapping[Any, int],
        order: list[list[Any]],
        palette: GraphPalette,
    ) -> None:
        """Decide frames and tags for the layout whose final node centres are ``positions``."""
        self.clear()
        drawn_tensors = [v for v, item in nodes.items() if item.node_data.get("kind") == "tensor"]
        targets = {v: positions[v] for v in nodes if v in positions}
        boxes = {v: _box(item, targets.get(v)) for v, item in nodes.items()}
        for module, members in module_groups(snapshot, only=drawn_tensors).items():
            items = [nodes[m] for m in members]
            if adjacent_in_layout(members, ranks, order):
                frame = frame_around(_members_rect(items, targets))
                if not _covers_others(frame, members, boxes):
                    item = ModuleFrameItem(module, members, palette)
                    item.set_frame(_members_rect(items, None))
                    self.scene.addItem(item)
                    self.frames[module] = item
                    continue
            for m in members:
                tag = ModuleTagItem(module, m, palette)
                tag.place(boxes[m])
                if _covers_others(tag.tag_rect(), [m], boxes):
                    continue  # no room above this node: better no tag than a covered neighbour
                tag.place(_box(nodes[m]))
                self.scene.addItem(tag)
                self.tags[m] = tag

    def follow(self, nodes: Mapping[str, NodeItem]) -> None:
        """Re-fit frames and tags to the members' current positions (animation steps, badges)."""
        for frame in self.frames.values():
            items = [nodes[m] for m in frame.members if m in nodes]
            if items:
                frame.set_frame(_members_rect(items, None))
        for m, tag in self.tags.items():
            if m in nodes:
                tag.place(_box(nodes[m]))

    def set_palette(self, palette: GraphPalette) -> None:
        for frame in self.frames.values():
            frame.set_palette(palette)
        for tag in self.tags.values():
            tag.set_palette(palette)


def _covers_others(rect: QRectF, members: list[str], boxes: Mapping[str, QRectF]) -> bool:
    keep = set(members)
    return any(rect.intersects(box) for v, box in boxes.items() if v not in keep)
