"""GraphView: the zoomable, pannable canvas over a GraphScene, with a minimap in its corner.

Interaction: wheel or pinch zooms around the pointer, dragging the background pans, a click
selects (``node_selected`` carries the id; a click on empty canvas sends ""), double-clicking a
collapsed group expands it, F fits the whole graph, R zooms to a readable size, +/- zoom.

The camera follows the backward player: when a node starts running it is panned into view
(smoothly) unless the learner switched following off to hold the view; ``running_node_changed``
tells the window so the inspector can follow too. Fitting the whole graph never refuses: when the
text would be too small to read, a note over the canvas says so and offers the readable size.
GraphPanel puts a toolbar over it for the window;
the backward player paints on it through ui.protocols.PlaybackCanvas (set_node_states,
set_edge_grad, animate_marker, set_buffer_freed, set_badge).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEasingCurve,
    QEvent,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGestureEvent,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPinchGesture,
    QToolButton,
    QToolTip,
    QWidget,
)

from ui.graph.items import GroupItem, NodeItem
from ui.graph.minimap import Minimap
from ui.graph.module_frames import GroupFrameItem
from ui.graph.scene import GraphScene
from ui.graph.style import fonts, palette_for
from ui.theme import Theme, current_theme

__all__ = ["MAX_SCALE", "MIN_SCALE", "READABLE_SECONDARY_PX", "READABLE_TITLE_PX", "GraphView"]

translate = QCoreApplication.translate

MIN_SCALE = 0.02
MAX_SCALE = 6.0
READABLE_FIT_MAX_NODES = 150  # larger graphs fit whole: an overview matters more there
# On-screen text sizes below which a learner cannot read the graph (WCAG-minded, measured in tests).
READABLE_TITLE_PX = 11.0
READABLE_SECONDARY_PX = 9.0
FOLLOW_MARGIN_PX = 24  # a followed node is kept this far inside the viewport's edge
FOLLOW_PAN_MS = 220  # the camera glides to the running node over this long
MINIMAP_MARGIN_PX = 10  # between the overview and the canvas's edges


class ViewNote(QFrame):
    """A one-line note over the canvas's top edge with an action link ("Readable size")."""

    readable_requested = Signal()

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.setObjectName("graphViewNote")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        self.label = QLabel(self)
        self.button = QToolButton(self)
        self.button.setAutoRaise(True)
        self.button.clicked.connect(self.readable_requested)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.hide()

    def show_message(self, text: str, action: str) -> None:
        """Show ``text``; ``action`` names the button (an empty action shows no button)."""
        self.label.setText(text)
        self.button.setText(action)
        self.button.setVisible(bool(action))
        self.adjustSize()
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        parent = self.parentWidget()
        if isinstance(parent, QGraphicsView):
            # Bottom left: the fitted graph starts at the top, the minimap sits bottom right.
            area = parent.viewport().geometry()
            self.move(area.left() + 8, area.bottom() - self.height() - 8)


class GraphView(QGraphicsView):
    node_selected = Signal(str)
    zoom_changed = Signal(float)
    running_node_changed = Signal(str)  # the node the player runs now ("" when none runs)

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
        self.note = ViewNote(self)
        self.place_minimap()
        # Following the player: on by default, a learner can hold the view instead.
        self.follow_player = True
        self.pan_duration_ms = FOLLOW_PAN_MS
        self._running: str | None = None
        self._pan = QVariantAnimation(self)
        self._pan.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._pan.valueChanged.connect(self._on_pan_value)
        self.note.readable_requested.connect(self.readable_size)
        self.zoom_changed.connect(self._on_zoom_changed)

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
        else:
            self.place_minimap()  # the new nodes may stand where the overview is

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

    def zoom_to_node(self, node_id: str) -> bool:
        """Select the node (or the collapsed group holding it) and centre it at a readable zoom:
        what search does with what it finds."""
        if not self.select_node(node_id, center=False):
            return False
        item = self.graph_scene.node_item(node_id)
        assert item is not None
        self._pan.stop()
        self.keep_user_view()
        if not self.text_is_readable():
            self.set_scale(self.readable_scale())
        self.centerOn(item)
        self._emit_zoom()
        return True

    def expand_group(self, group_id: str) -> bool:
        """Open a collapsed group in place and frame it: the whole group when its text stays
        readable, else the readable size at its start with a note saying why not all of it."""
        if not self.graph_scene.expand_group(group_id):
            return False
        self._show_group(group_id)
        return True

    def collapse_group(self, group_id: str) -> bool:
        """Close an open group back into one node, selected and centred."""
        if not self.graph_scene.collapse_group(group_id):
            return False
        self.keep_user_view()
        self.select_node(group_id)
        self.minimap.refresh()
        return True

    def _show_group(self, group_id: str) -> None:
        rect = self.graph_scene.group_rect(group_id)
        if rect.isEmpty():
            return
        self._pan.stop()
        self.keep_user_view()
        self._fit_rect(rect)
        readable = self.readable_scale()
        too_big = self.current_scale() < readable
        self._emit_zoom()  # first: a readable zoom hides the note, and this one must stay
        if too_big:
            self.set_scale(readable)
            visible = self.visible_scene_rect()
            # Start where the group's data starts: its top (top-down) or left edge.
            if self.graph_scene.direction == "TB":
                self.centerOn(QPointF(rect.center().x(), rect.top() + visible.height() / 2 - 30))
            else:
                self.centerOn(QPointF(rect.left() + visible.width() / 2 - 30, rect.center().y()))
            self.note.show_message(
                translate(
                    "GraphView", "The opened group is too big to show whole at a readable size: showing its start."
                ),
                "",
            )
        else:
            self.note.hide()
        self.minimap.sync_visibility()
        self.place_minimap()
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

    def readable_scale(self) -> float:
        """The smallest zoom at which node titles are READABLE_TITLE_PX and the secondary text
        (shapes, buffer chips) READABLE_SECONDARY_PX on screen."""
        f = fonts()
        secondary = min(self.font_pixels(f.small), self.font_pixels(f.chip))
        return max(READABLE_TITLE_PX / self.font_pixels(f.title), READABLE_SECONDARY_PX / secondary)

    def font_pixels(self, font: QFont) -> float:
        """A scene font's height in pixels at zoom 1 on this view's screen."""
        if font.pixelSize() > 0:
            return float(font.pixelSize())
        return font.pointSizeF() * self.logicalDpiY() / 72.0

    def text_is_readable(self) -> bool:
        return self.current_scale() >= self.readable_scale() - 1e-6

    def fit_to_view(self) -> None:
        """Frame the graph for reading (after a run, on resizes, on the first snapshot): the whole
        graph when its text stays readable, else the readable size around the running node, the
        selection or where the data starts, with the minimap for the overview. The view then
        follows the graph again on later snapshots."""
        self._auto_fit = True
        rect = self.graph_scene.content_rect()
        if rect.isEmpty():
            return
        self._pan.stop()
        self._fit_rect(rect)
        readable = self.readable_scale()
        if self.current_scale() < readable and len(self.graph_scene.nodes) <= READABLE_FIT_MAX_NODES:
            self.set_scale(readable)
            self.centerOn(self._fit_focus(rect))
        self.note.hide()
        self._emit_zoom()
        self.place_minimap()

    def fit_whole(self) -> None:
        """The Fit action: the whole graph, however small its text gets; when it is too small to
        read, the note over the canvas says so and offers the readable size."""
        self._auto_fit = True
        rect = self.graph_scene.content_rect()
        if rect.isEmpty():
            return
        self._pan.stop()
        self._fit_rect(rect)
        self._emit_zoom()
        if self.text_is_readable():
            self.note.hide()
        else:
            self.note.show_message(
                translate("GraphView", "The whole graph fits, but its text is too small to read."),
                translate("GraphView", "Readable size"),
            )
        self.place_minimap()

    def readable_size(self) -> None:
        """Zoom to the smallest readable size, around the running node, the selection or the start."""
        rect = self.graph_scene.content_rect()
        if rect.isEmpty():
            return
        self._pan.stop()
        self.keep_user_view()
        self.set_scale(self.readable_scale())
        self.centerOn(self._fit_focus(rect))
        self.note.hide()
        self._emit_zoom()
        self.place_minimap()

    def _fit_rect(self, rect: QRectF) -> None:
        self.fitInView(rect.adjusted(-20, -20, 20, 20), Qt.AspectRatioMode.KeepAspectRatio)
        # A tiny graph fitted would be drawn huge; never zoom in past 1.5x on fit.
        if self.current_scale() > 1.5:
            self.set_scale(1.5)
            self.centerOn(rect.center())

    def _emit_zoom(self) -> None:
        self.zoom_changed.emit(self.current_scale())
        self.minimap.sync_visibility()
        self.minimap.update()

    def _on_zoom_changed(self, _scale: float) -> None:
        if self.note.isVisible() and self.text_is_readable():
            self.note.hide()

    def _fit_focus(self, rect: QRectF) -> QPointF:
        for node_id in (self._running, self.selected_id()):
            item = self.graph_scene.node_item(node_id) if node_id else None
            if item is not None:
                return item.sceneBoundingRect().center()
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        # Start where the data starts: the top (top-down) or the left (left-to-right) edge.
        return QPointF(
            rect.center().x() if rect.width() <= visible.width() else rect.left() + visible.width() / 2,
            rect.top() + visible.height() / 2 if rect.height() > visible.height() else rect.center().y(),
        )

    # -- following the player ----------------------------------------------------------------------
    def set_follow_player(self, on: bool) -> None:
        """On: the running node is panned into view at every step. Off: the view holds still."""
        self.follow_player = on
        if on and self._running:
            self.reveal_node(self._running)

    @property
    def running_node(self) -> str | None:
        return self._running

    def reveal_node(self, node_id: str, animate: bool = True) -> bool:
        """Pan the least distance that brings the node inside the viewport (with a margin),
        gliding there unless ``animate`` is False; the zoom stays as it is."""
        item = self.graph_scene.node_item(node_id)
        if item is None:
            return False
        target = self._clear_of_minimap(item.scene_box(), self._reveal_center(self._context_rect(item)))
        if target is None:
            return True
        self._pan.stop()
        start = self.visible_scene_rect().center()
        if not animate or self.pan_duration_ms <= 0 or not self.isVisible():
            self.centerOn(target)
            return True
        self._pan.setStartValue(start)
        self._pan.setEndValue(target)
        self._pan.setDuration(self.pan_duration_ms)
        self._pan.start()
        return True

    def _on_pan_value(self, value: Any) -> None:
        # Setting a stopped animation's start or end value reports it as the current value (after
        # a finished glide: the end): only a running glide moves the camera.
        if isinstance(value, QPointF) and self._pan.state() == QVariantAnimation.State.Running:
            self.centerOn(value)

    def _context_rect(self, item: NodeItem) -> QRectF:
        """The node with its neighbours (the tensors a running op reads and writes, where
        gradients arrive and leave) when they fit in the viewport together; else the node alone."""
        rect = item.sceneBoundingRect()
        near = QRectF(rect)
        nodes = self.graph_scene.nodes
        drawn = self.graph_scene.drawn
        if item.node_id in drawn:
            for other in (*drawn.predecessors(item.node_id), *drawn.successors(item.node_id)):
                neighbour = nodes.get(other)
                if neighbour is not None:
                    near = near.united(neighbour.sceneBoundingRect())
        margin = 2 * FOLLOW_MARGIN_PX / max(self.current_scale(), 1e-9)
        visible = self.visible_scene_rect()
        fits = near.width() + margin <= visible.width() and near.height() + margin <= visible.height()
        return near if fits else rect

    def _reveal_center(self, rect: QRectF) -> QPointF | None:
        """Where the view's centre must go to show ``rect``; None when it is already in view."""
        visible = self.visible_scene_rect()
        margin = FOLLOW_MARGIN_PX / max(self.current_scale(), 1e-9)
        inner = visible.adjusted(margin, margin, -margin, -margin)
        if inner.isEmpty() or rect.width() > inner.width() or rect.height() > inner.height():
            return None if visible.contains(rect) else rect.center()
        if inner.contains(rect):
            return None
        dx = min(0.0, rect.left() - inner.left()) + max(0.0, rect.right() - inner.right())
        dy = min(0.0, rect.top() - inner.top()) + max(0.0, rect.bottom() - inner.bottom())
        return visible.center() + QPointF(dx, dy)

    def _clear_of_minimap(self, rect: QRectF, target: QPointF | None) -> QPointF | None:
        """``target`` (the view's next centre, None: stay) moved the least so that ``rect`` does not
        end up under the shown overview; unchanged when no move keeps ``rect`` in view."""
        if not self.minimap.isVisible():
            return target
        visible = self.visible_scene_rect()
        center = target if target is not None else visible.center()
        shift = center - visible.center()
        viewport_rect = self.minimap.geometry().translated(-self.viewport().geometry().topLeft())
        covered = self.mapToScene(viewport_rect).boundingRect().translated(shift)
        margin = FOLLOW_MARGIN_PX / max(self.current_scale(), 1e-9)
        if not covered.intersects(rect.adjusted(-margin / 2, -margin / 2, margin / 2, margin / 2)):
            return target
        moves = [
            QPointF(0.0, rect.bottom() + margin - covered.top()),  # the overview below it
            QPointF(0.0, rect.top() - margin - covered.bottom()),  # above it
            QPointF(rect.right() + margin - covered.left(), 0.0),  # right of it
            QPointF(rect.left() - margin - covered.right(), 0.0),  # left of it
        ]
        for move in sorted(moves, key=lambda m: abs(m.x()) + abs(m.y())):
            after = visible.translated(shift + move).adjusted(margin, margin, -margin, -margin)
            if after.contains(rect):
                return center + move
        return target

    def is_panning(self) -> bool:
        return self._pan.state() == QVariantAnimation.State.Running

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
        self._emit_zoom()

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
        running = [node_id for node_id, state in states.items() if state == "running"]
        if running:
            self._set_running(running[-1])
            return
        if self._running is not None and states.get(self._running, "running") != "running":
            self._set_running(None)  # it finished and nothing else started yet
        ready = [node_id for node_id, state in states.items() if state == "ready"]
        if ready and self._running is None and self.follow_player:
            # Between nodes (the call's first step, or one just finished) the next to run is
            # ready: show it, so the camera is already where backward starts or goes next.
            self.reveal_node(ready[-1])

    def _set_running(self, node_id: str | None) -> None:
        self._running = node_id
        if node_id is not None and self.follow_player:
            self.reveal_node(node_id)
        self.running_node_changed.emit(node_id or "")

    def set_edge_grad(self, edge: tuple[str, str] | tuple[str, str, int], text: str | None) -> bool:
        return self.graph_scene.set_edge_grad(edge, text)

    def set_edge_grads(self, grads: dict[tuple[str, str, int], str | None]) -> None:
        self.graph_scene.set_edge_grads(grads)

    def set_input_sum(self, node_id: str, output_nr: int, text: str | None) -> None:
        self.graph_scene.set_input_sum(node_id, output_nr, text)

    def animate_marker(
        self, source: str, target: str, duration_ms: int = 600, text: str | None = None, slot: int | None = None
    ) -> QVariantAnimation | None:
        return self.graph_scene.animate_marker(source, target, duration_ms, text, slot=slot)

    def set_buffer_freed(self, node_id: str, attr: str, freed: bool) -> None:
        self.graph_scene.set_buffer_freed(node_id, attr, freed)

    def set_badge(self, tensor_id: str, text: str | None, label: str | None = None) -> None:
        self.graph_scene.set_badge(tensor_id, text, label)

    def clear_player_state(self) -> None:
        self.graph_scene.clear_player_state()
        self._running = None

    # -- Qt overrides --------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.pixelDelta().y()
        if delta:
            self.zoom_by(1.0015**delta)
            event.accept()
        else:
            super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            from ui.legend import tooltip_for  # ui.legend draws on ui.graph's items: import it late

            text = tooltip_for(self.items(event.pos()), self.mapToScene(event.pos()), self._drawn_name)
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
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
            self.expand_group(item.node_id)
            event.accept()
            return
        if isinstance(item, GroupFrameItem):  # a double-click on an open group's frame closes it
            self.collapse_group(item.group_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_F:
            self.fit_whole()
        elif key == Qt.Key.Key_R:
            self.readable_size()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        at = self.mapToScene(event.position().toPoint())
        left = event.button() == Qt.MouseButton.LeftButton
        if isinstance(item, GroupFrameItem) and left and item.toggle_rect().contains(at):
            self.collapse_group(item.group_id)  # the frame's "−" button
            event.accept()
            return
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
        self.place_minimap()
        # The first snapshot often arrives before the window has its final size; a fit made then
        # would cut the graph off, so refit while the view is still following the graph.
        if self._auto_fit and self.graph_scene.nodes:
            self.fit_to_view()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        super().scrollContentsBy(dx, dy)
        self.minimap.sync_visibility()
        self.minimap.update()

    # -- internals ------------------------------------------------------------------------------
    def _drawn_name(self, node_id: str) -> str:
        from ui.legend import node_title

        item = self.graph_scene.nodes.get(node_id)
        return node_title(item) if item is not None else ""

    def place_minimap(self) -> None:
        """Size the overview and put it in the first corner where it covers no node (and no open
        group's title strip, if such a corner exists): bottom right, else top right, else bottom
        left (unless the note is there); bottom right when every corner has nodes under it. Done
        after a fit, a readable zoom, a layout and a resize, not while the learner pans (a map
        that jumps away under the pointer is no map)."""
        corners = self._minimap_corners()
        free = next((c for c in corners if not self._nodes_under(c) and not self._titles_under(c)), None)
        free = free or next((c for c in corners if not self._nodes_under(c)), corners[0])
        old = self.minimap.geometry()
        self.minimap.setGeometry(free)
        if old.size() != free.size():
            self.minimap.refresh()
        self.note.place()

    def _minimap_corners(self) -> list[QRect]:
        # At most a quarter of each side (a sixteenth of the canvas), so a small window keeps
        # most of its graph visible; never below a size that still shows the shape.
        area = self.viewport().geometry()
        w = max(60, min(200, area.width() // 4))
        h = max(40, min(140, area.height() // 4))
        right, bottom = area.right() - w - MINIMAP_MARGIN_PX, area.bottom() - h - MINIMAP_MARGIN_PX
        left, top = area.left() + MINIMAP_MARGIN_PX, area.top() + MINIMAP_MARGIN_PX
        corners = [QRect(right, bottom, w, h), QRect(right, top, w, h)]
        if not self.note.isVisible():
            corners.append(QRect(left, bottom, w, h))
        return corners

    def _nodes_under(self, rect: QRect) -> list[str]:
        """Nodes whose box shows under ``rect`` (a child widget's geometry over the viewport)."""
        in_viewport = rect.translated(-self.viewport().geometry().topLeft())
        area = self.mapToScene(in_viewport.adjusted(-2, -2, 2, 2)).boundingRect()
        return [
            item.node_id
            for item in self.graph_scene.items(area)
            if isinstance(item, NodeItem) and item.scene_box().intersects(area)
        ]

    def _titles_under(self, rect: QRect) -> bool:
        """Whether ``rect`` (over the viewport) hides an open group's title strip and its buttons."""
        area = self.mapToScene(rect.translated(-self.viewport().geometry().topLeft())).boundingRect()
        return any(band.intersects(area) for band in self.graph_scene.title_bands())

    def minimap_covers(self) -> list[str]:
        """The nodes the shown overview covers now (none when it is hidden)."""
        return self._nodes_under(self.minimap.geometry()) if self.minimap.isVisible() else []

    def _on_selection_changed(self) -> None:
        if self._quiet:
            return
        self.node_selected.emit(self.selected_id() or "")

    def _on_layout_changed(self) -> None:
        self.minimap.refresh()
