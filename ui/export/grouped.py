"""The window's own picture of a graph, drawn offscreen for export: module boxes and folded loops.

The app's canvas (ui.graph.scene.GraphScene) groups a snapshot before it draws it: module boxes
framed with their titles (``Sequential · model``), a loop folded into one node
(``300 x tanh(h * w + b)``), chains folded in a graph still too big, all by the default rules it
applies when it opens a graph (gradviz.graph.grouping.default_collapsed). Exports use that same
scene, built here without a window, so a file shows what the learner saw; only the frame states
differ, and they go through the player's own hooks (``set_node_states``, ``set_edge_grads``,
``set_input_sum``, ``set_buffer_freed``), so a step running inside a folded loop lights the loop.

Items paint uncached: a cached item would reach an SVG or PDF as a picture of its text; uncached,
every label is a ``drawText`` and stays text. Each frame's chips are measured before any frame is
painted (``fit``), so the picture's bounds hold every sum and grad chip of every frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QGraphicsItem

from ui.export.caption import CaptionBand
from ui.export.drawing import FONT_PX, MARGIN
from ui.export.steps import ERROR, RUNNING, FrameState, short_values
from ui.graph.edges import InputSumItem
from ui.graph.scene import GraphScene
from ui.graph.style import palette_for
from ui.theme import Theme

__all__ = ["GroupedDrawing"]


@dataclass(frozen=True)
class _Placed:
    """A drawn node's place, as the camera (ui.export.camera) reads it."""

    rect: QRectF


class GroupedDrawing:
    """``snapshot`` as the window draws it in ``view``; paints itself with a theme and a frame state
    on any QPainter in scene coordinates (the Drawing protocol of ui.export.writers)."""

    def __init__(self, snapshot: Mapping[str, Any], view: str = "dataflow", theme: Theme | None = None) -> None:
        self.view = view
        self.scene = GraphScene(palette_for(theme))
        self.scene.animate_changes = False
        self.scene.set_view_mode(view)
        self.scene.set_snapshot(dict(snapshot))
        self._theme = theme
        self._uncache(self.scene.items())
        font = QFont("DejaVu Sans")
        font.setPixelSize(FONT_PX)
        self.captions = CaptionBand(font)
        self.graph_rect = self.scene.content_rect()
        self._shown: FrameState | None = None
        self._drawn_once = False
        # what the scene shows now (what _show sent), so the next frame sends only the difference
        self._sent_states: dict[str, str] = {}
        self._sent_edges: dict[tuple[str, str, int], str] = {}
        self._sent_sums: dict[tuple[str, int], str] = {}
        self._sent_freed: set[tuple[str, str]] = set()

    # -- geometry ----------------------------------------------------------------------------
    @property
    def nodes(self) -> dict[str, _Placed]:
        """Every drawn node (a folded group is one) and where it stands."""
        return {v: _Placed(item.sceneBoundingRect()) for v, item in self.scene.nodes.items()}

    def fit(self, states: Iterable[FrameState | None]) -> None:
        """Grow the drawing's extent to hold every chip ``states`` put on it (a long sum beside a
        node on the right edge), so no frame cuts one off and all frames keep one size."""
        rect = QRectF(self.graph_rect)
        for state in states:
            self._show(state)
            rect = rect.united(self.scene.itemsBoundingRect())
        self.graph_rect = rect

    def bounds(self, captions: Sequence[str | None] = ()) -> QRectF:
        """The graph plus margins, under a caption band wide enough for the longest of ``captions``."""
        rect = self.graph_rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        width, height = self.captions.size(captions)
        if not height:
            return rect
        extra = max(0.0, width - rect.width()) / 2
        return rect.adjusted(-extra, -height, extra, 0)

    def node_rect(self, node_id: str | None) -> QRectF | None:
        """Where a trace node is drawn: its own node, the folded group or module box holding it, or
        (an AccumulateGrad the view hides) its leaf; None if nothing stands for it."""
        if node_id is None:
            return None
        item = self.scene.node_item(node_id)
        return QRectF(item.sceneBoundingRect()) if item is not None else None

    def node_label(self, node_id: str) -> str:
        item = self.scene.node_item(node_id)
        if item is None:
            return ""
        return str(item.node_data.get("label") or item.node_data.get("name") or item.node_id).split("\n")[0]

    def loop_step(self, node_id: str | None) -> tuple[str, int, int] | None:
        """(loop label, step from 1, steps) when ``node_id`` belongs to a step of a loop, the
        innermost such loop: a frame inside a folded ``300 x tanh(...)`` says which step runs."""
        grouping = self.scene.grouping
        if node_id is None or grouping is None:
            return None
        for gid in grouping.chain(grouping.owner.get(node_id)):
            group = grouping.groups[gid]
            if group.kind == "step" and group.parent is not None and group.index is not None:
                loop = grouping.groups[group.parent]
                return loop.label, group.index + 1, loop.count
        return None

    def group_titles(self) -> list[tuple[str, QRectF]]:
        """The open module boxes' and loops' titles and frames (what the export shows as boxes)."""
        frames = self.scene.group_frames.frames
        return [(spec.title, frames[g].frame_rect()) for g, spec in self.scene.frame_specs.items() if g in frames]

    def chip_rects(self) -> list[QRectF]:
        """Where the shown frame's sum chips are (scene coordinates)."""
        return [chip.sceneBoundingRect() for chip in self._chips()]

    def _chips(self) -> list[InputSumItem]:
        return [item for item in self.scene.items() if isinstance(item, InputSumItem) and item.text]

    # -- painting ----------------------------------------------------------------------------
    def paint(
        self,
        painter: QPainter,
        theme: Theme,
        state: FrameState | None = None,
        caption: str | None = None,
        background: bool = True,
        area: QRectF | None = None,
    ) -> None:
        """Draw the scene in the frame's state; the caller maps the export rectangle onto its device."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        rect = area or self.bounds([caption])
        if theme is not self._theme:
            self._theme = theme
            self.scene.set_palette(palette_for(theme))
        self._show(state)
        if background:
            painter.fillRect(rect, QColor(theme.canvas_bg))
        brush = self.scene.backgroundBrush()
        self.scene.setBackgroundBrush(QBrush(Qt.BrushStyle.NoBrush))
        try:
            self.scene.render(painter, rect, rect)
        finally:
            self.scene.setBackgroundBrush(brush)
        if caption is not None:
            error = state is not None and bool(state.error)
            self.captions.paint(painter, theme, caption, rect, error=error, background=background)

    def _show(self, state: FrameState | None) -> None:
        """Put ``state`` on the scene through the player's hooks. Like the player, only what changed
        since the frame shown last is sent: consecutive frames of a 2,700-step call differ in a
        few nodes and grads, and re-routing every grad of every frame would cost seconds."""
        if self._drawn_once and state is self._shown:
            return
        scene = self.scene
        self._shown, self._drawn_once = state, True
        states: dict[str, str] = {}
        edges: dict[tuple[str, str, int], str] = {}
        sums: dict[tuple[str, int], str] = {}
        freed: set[tuple[str, str]] = set()
        if state is not None:
            states = dict(state.node_states)
            current = state.current
            if current is not None and states.get(current) != ERROR and state.event != "call_finished":
                states[current] = RUNNING  # the node this step is about (its group, if folded)
            # converging edges' pills sit side by side: a vector keeps its first numbers
            edges = {key: short_values(text) for key, text in state.edge_texts.items()}
            sums = dict(state.buffer_sums)
            freed = {(node, attr) for node, attrs in state.freed.items() for attr in attrs}
        node_changes = {k: v for k, v in states.items() if self._sent_states.get(k) != v}
        node_changes.update({k: "idle" for k in self._sent_states if k not in states})
        if node_changes:
            scene.set_node_states(node_changes)
        edge_changes: dict[tuple[str, str, int], str | None] = {
            k: v for k, v in edges.items() if self._sent_edges.get(k) != v
        }
        edge_changes.update({k: None for k in self._sent_edges if k not in edges})
        if edge_changes:
            scene.set_edge_grads(edge_changes)
        for key in [k for k in self._sent_sums if k not in sums]:
            scene.set_input_sum(key[0], key[1], None)
        for key, text in sums.items():
            if self._sent_sums.get(key) != text:
                scene.set_input_sum(key[0], key[1], text)
        for node, attr in freed ^ self._sent_freed:
            scene.set_buffer_freed(node, attr, (node, attr) in freed)
        self._sent_states, self._sent_edges, self._sent_sums, self._sent_freed = states, edges, sums, freed
        self._place_chips()

    def _place_chips(self) -> None:
        """The canvas's own placement of sum chips (off nodes and off each other), on every chip of
        the frame; drawn uncached so SVG and PDF keep their text."""
        self._uncache(self._chips())
        self.scene.place_sum_chips()

    @staticmethod
    def _uncache(items: Iterable[QGraphicsItem]) -> None:
        for item in items:
            if item.cacheMode() != QGraphicsItem.CacheMode.NoCache:
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
