"""Frames around open groups: a module box (``Linear(4, 16) · model.0``), a loop opened into its
steps, a step opened into its ops, a chain of ops opened on request.

``GroupFrames`` owns the frame items of one scene. ``sync`` is given, after each layout, every open
group with the drawn items inside it (at any depth) and its parent; a frame is the union of its
items' boxes and its child frames, plus padding and a title strip, so nested frames nest. The
title's "−" (or a double-click anywhere on the frame) collapses the group back to one node; a
loop shown a page at a time (gradviz.graph.loop_pages) has "‹" and "›" beside it to turn its pages.
``follow`` re-fits the frames to where the items are now, every animation step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from gradviz.graph.grouping import Group
from gradviz.graph.loop_pages import page_number
from ui.graph.items import NodeItem
from ui.graph.modules import frame_title
from ui.graph.style import LOD_TEXT, GraphPalette, fonts, mix

__all__ = ["FRAME_PAD", "FRAME_Z", "FrameSpec", "GroupFrameItem", "GroupFrames", "PageButtonItem"]

FRAME_PAD = 8.0  # room between the items inside (badges included) and the frame
FRAME_Z = -2.0  # behind edges (0) and nodes (1); inner frames sit above outer ones
TOGGLE = 14.0  # side of the "−" button in a frame's title strip (and of "‹" and "›")
BUTTON_GAP = 4.0
BUTTON_Z = 3.0  # page buttons: above edges (0) and nodes (1)


def _title_height() -> float:
    return fonts().fm("chip").height() + 4.0


@dataclass
class FrameSpec:
    """One open group to frame: its title, the drawn items inside it and its open parent."""

    title: str
    members: list[str]
    parent: str | None
    kind: str  # "module" | "loop" | "step" | "page" | "chain"
    pages: tuple[int, int] | None = None  # a loop shown a page at a time: (page from 0, pages)

    @classmethod
    def for_group(cls, group: Group, members: list[str]) -> FrameSpec:
        """The frame of an open group of gradviz.graph.grouping (a paged loop's says its page)."""
        pages = None
        if group.kind == "loop" and group.window is not None:
            pages = page_number(group.count, group.window[0], group.window[1] - group.window[0])
        title = frame_title(group.kind, group.label, group.path, group.window)
        return cls(title, members, group.parent, group.kind, pages)

    def chrome_width(self) -> float:
        """The title strip's width besides the title: padding, the page buttons and the "−"."""
        buttons = 2 * (TOGGLE + BUTTON_GAP) if self.pages is not None else 0.0
        return 3 * FRAME_PAD + TOGGLE + buttons

    def min_width(self) -> float:
        """The width the title strip needs."""
        return fonts().advance("chip", self.title) + self.chrome_width()


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
        self.frames: GroupFrames | None = None  # the set this frame belongs to (page buttons ask it)
        self._rect = QRectF()
        self.page_buttons: list[PageButtonItem] = []
        if spec.pages is not None:
            number, pages = spec.pages
            self.page_buttons = [PageButtonItem(self, -1, number > 0), PageButtonItem(self, 1, number < pages - 1)]
        self.set_palette(palette)

    def set_palette(self, palette: GraphPalette) -> None:
        self.palette = palette
        loop = self.spec.kind in ("loop", "step", "chain")
        tint = palette.fills.get("group", palette.border) if loop else palette.border
        self._fill = QBrush(mix(palette.background, tint, 0.10 + 0.04 * (self.depth % 3)))
        self._pen = QPen(mix(palette.background, palette.muted, 0.55), 1.0)
        self._text = mix(palette.background, palette.text, 0.85)
        for button in self.page_buttons:
            button.update()
        self.update()

    def frame_rect(self) -> QRectF:
        return QRectF(self._rect)

    def toggle_rect(self) -> QRectF:
        """The "−" button at the title strip's right end (scene coordinates)."""
        h = _title_height()
        return QRectF(self._rect.right() - FRAME_PAD - TOGGLE, self._rect.top() + (h - TOGGLE) / 2 + 1, TOGGLE, TOGGLE)

    def button_rect(self, delta: int) -> QRectF:
        """The "‹" (``delta`` -1) or "›" (+1) page button, right after the title (scene
        coordinates): a loop laid out left to right is a wide frame, and buttons at its far end
        would be out of view beside the title that says which steps are shown."""
        room = max(self._rect.width() - self.spec.chrome_width(), 10.0)
        text = min(fonts().advance("chip", self.title), room)
        left = self._rect.left() + 2 * FRAME_PAD + text + (TOGGLE + BUTTON_GAP if delta > 0 else 0.0)
        return QRectF(left, self.toggle_rect().top(), TOGGLE, TOGGLE)

    def set_frame(self, content: QRectF) -> None:
        rect = content.adjusted(-FRAME_PAD, -FRAME_PAD - _title_height(), FRAME_PAD, FRAME_PAD)
        title_w = self.spec.min_width()
        if rect.width() < title_w:
            rect.setWidth(title_w)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
            for button in self.page_buttons:
                button.place()

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
        room = self._rect.width() - self.spec.chrome_width()
        text = fm.elidedText(self.title, Qt.TextElideMode.ElideRight, max(room, 10.0))
        painter.drawText(QPointF(self._rect.left() + FRAME_PAD, self._rect.top() + 3 + fm.ascent()), text)
        toggle = self.toggle_rect()
        painter.setPen(self._pen)
        painter.setBrush(QBrush(self.palette.background))
        painter.drawRoundedRect(toggle, 3, 3)
        painter.setPen(QPen(self._text, 1.4))
        y = toggle.center().y()
        painter.drawLine(QPointF(toggle.left() + 3.5, y), QPointF(toggle.right() - 3.5, y))


class PageButtonItem(QGraphicsItem):
    """The "‹" or "›" button in a paged loop's title strip: shows the previous or next page of its
    steps. An item of its own, so a quick second click turns another page instead of reaching the
    frame (where a double-click closes the loop), and stacked above the edges and nodes, so an edge
    crossing the title strip neither hides it nor takes its click."""

    def __init__(self, frame: GroupFrameItem, delta: int, enabled: bool) -> None:
        super().__init__()
        self.setZValue(BUTTON_Z)
        self.frame = frame
        self.delta = delta
        self.enabled = enabled
        self._rect = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton if enabled else Qt.MouseButton.NoButton)
        self.setToolTip(
            QCoreApplication.translate("GraphCanvas", "Next page of steps")
            if delta > 0
            else QCoreApplication.translate("GraphCanvas", "Previous page of steps")
        )

    def place(self) -> None:
        rect = self.frame.button_rect(self.delta)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def rect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < LOD_TEXT:
            return
        frame = self.frame
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(frame._pen)
        painter.setBrush(QBrush(frame.palette.background))
        painter.drawRoundedRect(self._rect, 3, 3)
        ink = frame._text if self.enabled else mix(frame.palette.background, frame.palette.muted, 0.45)
        painter.setPen(QPen(ink, 1.4))
        c = self._rect.center()
        d = 2.5 * self.delta  # the chevron points the way the pages turn
        tip = QPointF(c.x() + d, c.y())
        painter.drawPolyline([QPointF(c.x() - d, c.y() - 4.0), tip, QPointF(c.x() - d, c.y() + 4.0)])

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        # Turning the page rebuilds the scene, this item included: do it once the click is handled.
        frames = self.frame.frames
        if frames is not None and frames.on_page is not None:
            on_page, group_id, delta = frames.on_page, self.frame.group_id, self.delta
            QTimer.singleShot(0, lambda: on_page(group_id, delta))


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
        # What a page button does: turn loop ``group_id`` ``delta`` pages on (the scene sets it).
        self.on_page: Callable[[str, int], object] | None = None

    def clear(self) -> None:
        for item in self.frames.values():
            for part in (item, *item.page_buttons):
                if part.scene() is self.scene:
                    self.scene.removeItem(part)
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
            item.frames = self
            self.scene.addItem(item)
            for button in item.page_buttons:
                self.scene.addItem(button)
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
