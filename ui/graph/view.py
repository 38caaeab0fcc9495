"""GraphView: the zoomable, pannable canvas over a GraphScene, with a minimap in its corner.

Interaction: wheel or pinch zooms around the pointer, dragging the background pans, a click
selects (``node_selected`` carries the id; a click on empty canvas sends ""), double-clicking a
collapsed group expands it, F fits, +/- zoom. GraphPanel puts a toolbar over it for the window;
the backward player paints on it through ui.protocols.PlaybackCanvas (set_node_states,
set_edge_grad, animate_marker, set_buffer_freed, set_badge).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QNativeGestureEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGestureEvent, QGraphicsView, QPinchGesture, QWidget

from ui.graph.items import GroupItem, NodeItem
from ui.graph.minimap import Minimap
from ui.graph.scene import GraphScene
from ui.graph.style import palette_for
from ui.theme import Theme, current_theme

__all__ = ["MAX_SCALE", "MIN_SCALE", "GraphView"]

MIN_SCALE = 0.02
MAX_SCALE = 6.0
READABLE_FIT = 0.62  # fitting never shrinks a small graph below this (labels stay readable)
READABLE_FIT_MAX_NODES = 150  # larger graphs fit whole: an overview matters more there


class GraphView(QGraphicsView):
    node_selected = Signal(str)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.graph_scene = GraphScene(palette_for(theme or current_theme()), self)
        self.setScene(self.graph_scene)
        self._quiet = False  # True while selection changes come from select_node()
        # Auto-fit: the view follows the graph (fit on the first snapshot, on resizes, and when a
        # new snapshot outgrows the view) until the user zooms or pans; then their view is kept.
        self._auto_fit = True
        self._pan_start: tuple[int, int] | None = None
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # Updates are either a handful of items (player states, a moving marker) or the whole
        # viewport (zoom, pan, relayout). SmartViewportUpdate repaints the few small regions in the
        # first case and falls back to one bounding rect in the second.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Panning is by dragging and the minimap shows where we are; scrollbars would only eat room.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.graph_scene.selectionChanged.connect(self._on_selection_changed)
        self.graph_scene.layout_changed.connect(self._on_layout_changed)
        self.minimap_enabled = True
        self.minimap = Minimap(self)
        self._place_minimap()

    # -- canvas protocol (ui/graph_area.py) ------------------------------------------------------
    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        selected = self.selected_id()
        first = not self.graph_scene.nodes
        self._quiet = True  # removing a selected item must not read as the user deselecting
        try:
            self.graph_scene.set_snapshot(snapshot)
        finally:
            self._quiet = False
        if selected and self.graph_scene.node_item(selected) is not None:
            self.select_node(selected, center=False)
        if not self.graph_scene.nodes:
            self._auto_fit = True  # an empty canvas starts over: the next graph is fitted
        elif first or (self._auto_fit and not self._content_fits()):
            self.fit_to_view()

    @property
    def auto_fit(self) -> bool:
        """True while the view still follows the graph (no manual zoom or pan since the last fit)."""
        return self._auto_fit

    def _content_fits(self) -> bool:
        rect = self.graph_scene.content_rect()
        return rect.isEmpty() or self.visible_scene_rect().contains(rect)

    def set_theme(self, theme: Theme) -> None:
        self.graph_scene.set_palette(palette_for(theme))
        self.resetCachedContent()
        self.minimap.refresh()

    def select_node(self, node_id: str | None, center: bool = True) -> bool:
        """Select (and centre on) a node without emitting ``node_selected``; None clears."""
        self._quiet = True
        try:
            self.graph_scene.clearSelection()
            item = self.graph_scene.node_item(node_id) if node_id else None
            if item is None:
                return False
            item.setSelected(True)
            if center:
                self.centerOn(item)
            return True
        finally:
            self._quiet = False

    def highlight_nodes(self, ids: list[str]) -> None:
        self.graph_scene.highlight_nodes(ids)

    # -- view controls -------------------------------------------------------------------------
    def set_view_mode(self, view: str) -> None:
        self._relayout_keeping_selection(lambda: self.graph_scene.set_view_mode(view))

    def set_direction(self, direction: str) -> None:
        self._relayout_keeping_selection(lambda: self.graph_scene.set_direction(direction))

    def _relayout_keeping_selection(self, change: Callable[[], None]) -> None:
        selected = self.selected_id()
        self._quiet = True
        try:
            change()
        finally:
            self._quiet = False
        if selected:
            self.select_node(selected, center=False)
        self.fit_to_view()

    def fit_to_view(self) -> None:
        """Show the whole graph (at most 1.5x zoom) and follow it again on later snapshots."""
        self._auto_fit = True
        rect = self.graph_scene.content_rect()
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-20, -20, 20, 20), Qt.AspectRatioMode.KeepAspectRatio)
        # A tiny graph fitted would be drawn huge; never zoom in past 1.5x on fit.
        if self.current_scale() > 1.5:
            self.set_scale(1.5)
            self.centerOn(rect.center())
        elif self.current_scale() < READABLE_FIT and len(self.graph_scene.nodes) <= READABLE_FIT_MAX_NODES:
            # A learner-sized graph squeezed below readable text helps nobody: keep the labels
            # readable, show the part around the selection (or the inputs at the top/left) and
            # let the minimap give the overview.
            self.set_scale(READABLE_FIT)
            focus = self._fit_focus(rect)
            self.centerOn(focus)
        self.zoom_changed.emit(self.current_scale())
        self.minimap.sync_visibility()
        self.minimap.update()

    def _fit_focus(self, rect: QRectF) -> QPointF:
        selected = self.selected_id()
        item = self.graph_scene.nodes.get(selected) if selected else None
        if item is not None:
            return item.sceneBoundingRect().center()
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        # Start where the data starts: the top (top-down) or the left (left-to-right) edge.
        return QPointF(
            rect.center().x() if rect.width() <= visible.width() else rect.left() + visible.width() / 2,
            rect.top() + visible.height() / 2 if rect.height() > visible.height() else rect.center().y(),
        )

    def minimap_wanted(self) -> bool:
        """The overview is shown when switched on and some of the graph is out of view."""
        return self.minimap_enabled and bool(self.graph_scene.nodes) and not self._content_fits()

    def set_minimap_enabled(self, on: bool) -> None:
        self.minimap_enabled = on
        self.minimap.render_now()

    def current_scale(self) -> float:
        return float(self.transform().m11())

    def set_scale(self, scale: float) -> None:
        scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        factor = scale / max(self.current_scale(), 1e-9)
        self.scale(factor, factor)
        self.zoom_changed.emit(self.current_scale())
        self.minimap.sync_visibility()
        self.minimap.update()

    def keep_user_view(self) -> None:
        """The user moved the view (zoom, pan, minimap): later snapshots no longer refit it."""
        self._auto_fit = False

    def zoom_by(self, factor: float) -> None:
        """A user zoom (wheel, pinch, +/-): from now on new snapshots keep this view."""
        self.keep_user_view()
        self.set_scale(self.current_scale() * factor)

    def center_on_node(self, node_id: str) -> bool:
        item = self.graph_scene.node_item(node_id)
        if item is None:
            return False
        self.centerOn(item)
        return True

    def search(self, text: str) -> list[str]:
        return self.graph_scene.search(text)

    def selected_id(self) -> str | None:
        for item in self.graph_scene.selectedItems():
            if isinstance(item, NodeItem):
                return item.node_id
        return None

    def item_view_pos(self, node_id: str) -> QPointF | None:
        """Where a node's centre is in viewport coordinates (tests click there)."""
        item = self.graph_scene.node_item(node_id)
        if item is None:
            return None
        return QPointF(self.mapFromScene(item.sceneBoundingRect().center()))

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    # -- playback hooks, forwarded to the scene (documented in ui/graph/__init__.py) ----------------
    def set_node_states(self, states: dict[str, str]) -> None:
        self.graph_scene.set_node_states(states)

    def set_edge_grad(self, edge: tuple[str, str], text: str | None) -> bool:
        return self.graph_scene.set_edge_grad(edge, text)

    def animate_marker(
        self, source: str, target: str, duration_ms: int = 600, text: str | None = None
    ) -> QVariantAnimation | None:
        return self.graph_scene.animate_marker(source, target, duration_ms, text)

    def set_buffer_freed(self, node_id: str, attr: str, freed: bool) -> None:
        self.graph_scene.set_buffer_freed(node_id, attr, freed)

    def set_badge(self, tensor_id: str, text: str | None, label: str | None = None) -> None:
        self.graph_scene.set_badge(tensor_id, text, label)

    def clear_player_state(self) -> None:
        self.graph_scene.clear_player_state()

    # -- Qt overrides --------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.pixelDelta().y()
        if delta:
            self.zoom_by(1.0015**delta)
            event.accept()
        else:
            super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                self.zoom_by(pinch.scaleFactor())
                event.accept()
                return True
        if isinstance(event, QNativeGestureEvent) and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.zoom_by(1.0 + event.value())  # trackpad pinch on macOS
            return True
        return super().viewportEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, GroupItem):
            self.graph_scene.expand_group(item.node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_F:
            self.fit_to_view()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pan_start = (self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        now = (self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        if self._pan_start is not None and now != self._pan_start:
            self.keep_user_view()  # the user dragged the canvas somewhere: keep it there
        self._pan_start = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_minimap()
        # The first snapshot often arrives before the window has its final size; a fit made then
        # would cut the graph off, so refit while the view is still following the graph.
        if self._auto_fit and self.graph_scene.nodes:
            self.fit_to_view()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        super().scrollContentsBy(dx, dy)
        self.minimap.sync_visibility()
        self.minimap.update()

    # -- internals ------------------------------------------------------------------------------
    def _place_minimap(self) -> None:
        area = self.viewport().geometry()
        w = max(90, min(200, area.width() // 4))
        h = max(60, min(140, area.height() // 4))
        self.minimap.setGeometry(area.right() - w - 10, area.bottom() - h - 10, w, h)
        self.minimap.refresh()

    def _on_selection_changed(self) -> None:
        if self._quiet:
            return
        self.node_selected.emit(self.selected_id() or "")

    def _on_layout_changed(self) -> None:
        self.minimap.refresh()
