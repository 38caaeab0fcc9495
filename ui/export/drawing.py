"""A laid-out picture of one graph view that paints itself on any QPainter (image, SVG, PDF).

Export draws with plain QPainter calls rather than through a QGraphicsScene: ``drawText`` keeps
labels as real ``<text>`` in SVG and selectable text in PDF, the same code paints every target,
and a 1,000-node frame costs one pass over precomputed geometry. The layout (gradviz.graph.layout.sugiyama) is
computed once per drawing; each frame of an animation only changes colours (a FrameState).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from gradviz.graph.layout.sugiyama import layout
from gradviz.graph.snapshot import from_node_link, view_subgraph
from ui.export.caption import CaptionBand
from ui.export.steps import DONE, ERROR, RUNNING, FrameState
from ui.theme import Theme

__all__ = ["FONT_PX", "MARGIN", "GraphDrawing"]

FONT_PX = 13  # label size in scene pixels (1 scene unit = 1 px at scale 1, = 0.75 pt in SVG/PDF)
PAD_X, PAD_Y = 10.0, 6.0
MARGIN = 16.0
BADGE = 7.0
BUFFER_STRIP = 7.0  # extra height under an op's label for its saved-buffer marks
SUM_GAP = 8.0  # between a node and its input-buffer sum
SUM_PAD = 4.0  # inside a number chip
CHIP_MAX_WIDTH = 170.0  # a grad chip wider than this shows its first numbers and "…"
CHIP_SPOTS = (0.5, 0.35, 0.65, 0.22, 0.78)  # where along its edge a grad chip may sit, in order
CHIP_REACH = 400.0  # a chip centred this far outside a frame's window may still reach into it


@dataclass
class _Node:
    id: str
    kind: str
    role: str
    lines: list[str]
    rect: QRectF
    saved: list[str]  # saved buffer attrs, for freed/alive marks


def _label_lines(data: Mapping[str, Any], node_id: str) -> list[str]:
    label = str(data.get("label") or data.get("name") or node_id)
    if data.get("kind") == "accumulate":
        label = "AccumulateGrad"
    return label.split("\n")[:4]


class GraphDrawing:
    """Geometry of ``snapshot`` in ``view``; ``paint`` draws it with a theme and a frame state."""

    def __init__(self, snapshot: Mapping[str, Any], view: str = "dataflow", *, font_family: str | None = None) -> None:
        graph = from_node_link(snapshot)
        sub = view_subgraph(graph, view)
        self.view = view
        self.font = QFont(font_family or "DejaVu Sans")
        self.font.setPixelSize(FONT_PX)
        self.captions = CaptionBand(self.font)
        metrics = QFontMetricsF(self.font)
        line_h = metrics.height()
        for v, data in sub.nodes(data=True):
            lines = _label_lines(data, v)
            width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * PAD_X
            data["width"] = max(width, 48.0)
            marks = BUFFER_STRIP if data.get("kind") == "op" and data.get("saved") else 0.0
            data["height"] = line_h * len(lines) + 2 * PAD_Y + marks
        result = layout(sub, direction="TB", node_gap=24, rank_gap=44)
        self.nodes: dict[str, _Node] = {}
        for v, data in sub.nodes(data=True):
            x, y = result.positions[v]
            w, h = result.sizes[v]
            saved = [str(b.get("attr")) for b in data.get("saved") or []] if data.get("kind") == "op" else []
            self.nodes[str(v)] = _Node(
                str(v),
                str(data.get("kind", "")),
                str(data.get("role", "")),
                _label_lines(data, v),
                QRectF(x - w / 2, y - h / 2, w, h),
                saved,
            )
        # one drawn edge per input slot, keyed (u, v, key): y * y shows two curves into the multiply
        self.edges: list[tuple[tuple[str, str, int], list[QPointF], bool]] = []
        for (u, v, key), points in result.edge_points.items():
            derived = bool(sub.edges[u, v, key].get("derived")) if sub.has_edge(u, v, key) else False
            slot = key if isinstance(key, int) else 0
            self.edges.append(((str(u), str(v), slot), [QPointF(x, y) for x, y in points], derived))
        self.edge_boxes = [_box(points) for _key, points, _derived in self.edges]
        self.grad_edge_map = _grad_edges_in_view(graph, sub, view)
        # An AccumulateGrad the view does not draw is shown through its leaf tensor.
        self.stand_in = {
            str(v): str(d["variable"])
            for v, d in graph.nodes(data=True)
            if d.get("kind") == "accumulate" and v not in sub and d.get("variable") in sub
        }
        self.graph_rect = QRectF(0, 0, result.width, result.height)
        self.edge_points = {key: points for key, points, _derived in self.edges}
        self.edge_middles = {key: _midpoint(points) for key, points, _derived in self.edges if len(points) >= 2}
        # Where a node's input buffer sum (2.25 + 2.25 = 4.5) is written: in the data-flow view
        # beside the tensor whose grad it is (the op's output, an AccumulateGrad's leaf), as the
        # app's canvas shows it; in the grad_fn view beside the node itself.
        self.sum_anchor: dict[str, str] = {}
        for v, d in graph.nodes(data=True):
            if d.get("kind") not in ("op", "accumulate"):
                continue
            target = d.get("variable") if d.get("kind") == "accumulate" else next(iter(d.get("outputs") or []), None)
            anchor = str(target) if view != "gradfn" and target is not None and target in sub else str(v)
            if anchor in self.nodes:
                self.sum_anchor[str(v)] = anchor
        # room on the right for a sum beside a node that can receive several grads
        fan_in = {
            str(v)
            for v in graph.nodes
            if sum(1 for *_e, d in graph.in_edges(v, data=True) if d.get("view") == "gradfn") > 1
        }
        sample = metrics.horizontalAdvance("0.0000 + 0.0000 = 0.0000") + 2 * SUM_PAD
        reach = [self.nodes[a].rect.right() + SUM_GAP + sample for n, a in self.sum_anchor.items() if n in fan_in]
        if reach and max(reach) > self.graph_rect.right():
            self.graph_rect.setRight(max(reach))

    # -- geometry ----------------------------------------------------------------------------
    def bounds(self, captions: Sequence[str | None] = ()) -> QRectF:
        """The rectangle a full export covers: the graph plus margins, and a caption band wide
        enough for the longest of ``captions`` (the graph stays centred when the band is wider)."""
        rect = self.graph_rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        width, height = self.captions.size(captions)
        if not height:
            return rect
        extra = max(0.0, width - rect.width()) / 2
        return rect.adjusted(-extra, -height, extra, 0)

    def node_rect(self, node_id: str | None) -> QRectF | None:
        """Where a trace node is drawn (an AccumulateGrad the view hides: its leaf), or None."""
        if node_id is None:
            return None
        node = self.nodes.get(self.stand_in.get(node_id, node_id))
        return QRectF(node.rect) if node is not None else None

    def node_label(self, node_id: str) -> str:
        node = self.nodes.get(self.stand_in.get(node_id, node_id))
        return node.lines[0] if node is not None and node.lines else ""

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
        """Draw into scene coordinates; the caller maps the export rectangle onto its device."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        rect = area or self.bounds([caption])
        if background:
            painter.fillRect(rect, QColor(theme.canvas_bg))
        grads = self._travelled(state)
        # a frame that follows the running node shows a window of a big graph: what lies wholly
        # outside it is skipped, so a frame of a 2,400-node loop costs what its window holds
        for (key, points, derived), box in zip(self.edges, self.edge_boxes, strict=True):
            if box.intersects(rect):
                self._paint_edge(painter, theme, points, derived, key in grads)
        painter.setFont(self.font)
        for node in self.nodes.values():
            if node.rect.intersects(rect):
                self._paint_node(painter, theme, node, state)
        if state is not None:
            self._paint_numbers(painter, theme, state, rect)
        if caption is not None:
            error = state is not None and bool(state.error)
            self.captions.paint(painter, theme, caption, rect, error=error, background=background)

    def _paint_numbers(self, painter: QPainter, theme: Theme, state: FrameState, visible: QRectF) -> None:
        """The grad on every edge it travelled (as the canvas labels it) and each input buffer
        adding up beside its node, as text on a background chip so lines do not cross it. Chips
        far outside ``visible`` (a camera frame's window) are not laid out at all."""
        metrics = QFontMetricsF(self.font)
        reach = visible.adjusted(-CHIP_REACH, -CHIP_REACH, CHIP_REACH, CHIP_REACH)
        labels: dict[tuple[str, str], list[tuple[int, list[QPointF], str]]] = {}
        for hop, text in state.edge_texts.items():
            for drawn in self.grad_edge_map.get(hop, ()):
                middle = self.edge_middles.get(drawn)
                if middle is not None and reach.contains(middle):
                    short = _chip_text(text, metrics)
                    labels.setdefault((drawn[0], drawn[1]), []).append((drawn[2], self.edge_points[drawn], short))
        placed: list[QRectF] = []
        height = metrics.height() + 2
        # left to right, so labels pushed aside keep the order of their edges
        for group in sorted(labels.values(), key=lambda g: _point_along(g[0][1], 0.5).x()):
            # parallel edges (y * y) meet at nearly the same midpoint: set their labels side by side
            group.sort(key=lambda item: item[0])
            widths = [metrics.horizontalAdvance(text) + 2 * SUM_PAD for _, _, text in group]
            span = sum(widths) + 4 * (len(group) - 1)
            # edges converging on one node have their midpoints side by side: slide a label along its
            # edge until it clears the labels placed before, else set it to their right
            for fraction in CHIP_SPOTS:
                centre = _mean([_point_along(points, fraction) for _, points, _ in group])
                box = QRectF(centre.x() - span / 2, centre.y() - height / 2, span, height)
                if not any(box.intersects(other) for other in placed):
                    break
            else:
                centre = _mean([_point_along(points, 0.5) for _, points, _ in group])
                box = QRectF(centre.x() - span / 2, centre.y() - height / 2, span, height)
                while hits := [other for other in placed if box.intersects(other)]:
                    box.moveLeft(max(other.right() for other in hits) + 4)
                centre = box.center()
            placed.append(box)
            x = box.left()
            for (_, _, text), width in zip(group, widths, strict=True):
                spot = QPointF(x + width / 2, centre.y()) if len(group) > 1 else centre
                self._chip(painter, theme, spot, text, metrics, centred=True)
                x += width + 4
        for receiver, text in state.input_sums.items():
            anchor = self.sum_anchor.get(receiver)
            if anchor is None or not self.nodes[anchor].rect.intersects(reach):
                continue
            rect = self.nodes[anchor].rect
            self._chip(painter, theme, QPointF(rect.right() + SUM_GAP, rect.center().y()), text, metrics, centred=False)

    @staticmethod
    def _chip(
        painter: QPainter, theme: Theme, at: QPointF, text: str, metrics: QFontMetricsF, *, centred: bool
    ) -> None:
        width, height = metrics.horizontalAdvance(text) + 2 * SUM_PAD, metrics.height() + 2
        left = at.x() - width / 2 if centred else at.x()
        box = QRectF(left, at.y() - height / 2, width, height)
        painter.setPen(QPen(QColor(theme.grad_flow), 1.0))
        painter.setBrush(QBrush(QColor(theme.canvas_bg)))
        painter.drawRoundedRect(box, 4.0, 4.0)
        painter.setPen(QColor(theme.text))
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)

    def _travelled(self, state: FrameState | None) -> set[tuple[str, str, int]]:
        if state is None:
            return set()
        out: set[tuple[str, str, int]] = set()
        for hop in state.edge_grads:
            out.update(self.grad_edge_map.get(hop, ()))
        return out

    def _paint_edge(self, painter: QPainter, theme: Theme, points: list[QPointF], derived: bool, hot: bool) -> None:
        if len(points) < 2:
            return
        colour = QColor(
            theme.grad_flow if hot else (theme.edge_gradfn if self.view == "gradfn" else theme.edge_dataflow)
        )
        pen = QPen(colour, 2.6 if hot else 1.3)
        if derived:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath(points[0])
        for p in points[1:]:
            path.lineTo(p)
        painter.drawPath(path)
        tip, before = points[-1], points[-2]
        angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
        size = 8.0 if hot else 7.0
        left = QPointF(tip.x() - size * math.cos(angle - 0.4), tip.y() - size * math.sin(angle - 0.4))
        right = QPointF(tip.x() - size * math.cos(angle + 0.4), tip.y() - size * math.sin(angle + 0.4))
        painter.setBrush(QBrush(colour))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(QPolygonF([tip, left, right]))

    def _paint_node(self, painter: QPainter, theme: Theme, node: _Node, state: FrameState | None) -> None:
        fill_field = {"op": "node_op", "accumulate": "node_accumulate"}.get(node.kind)
        if fill_field is None:
            fill_field = {"leaf": "node_leaf", "constant": "node_constant"}.get(node.role, "node_intermediate")
        status = state.node_states.get(node.id) if state is not None else None
        current = state.current if state is not None else None
        current = self.stand_in.get(current, current) if current is not None else None
        if state is not None and node.id == current and status != ERROR and state.event != "call_finished":
            status = RUNNING  # the node this step is about, whatever its bookkeeping state
        border, width = QColor(theme.node_border), 1.0
        if status == RUNNING:
            border, width = QColor(theme.node_highlight), 3.0
        elif status == DONE:
            border, width = QColor(theme.grad_flow), 1.8
        elif status == ERROR:
            border, width = QColor(theme.error), 3.0
        fill = QColor(theme.__getattribute__(fill_field))
        if state is not None and status is None and node.kind != "tensor":
            fill.setAlphaF(0.55)  # not part of this backward call
        pen = QPen(border, width)
        if node.role == "constant":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        radius = 8.0 if node.kind == "tensor" else 3.0
        painter.drawRoundedRect(node.rect, radius, radius)
        painter.setPen(QColor(theme.node_text))
        text_rect = node.rect.adjusted(0, 0, 0, -BUFFER_STRIP) if node.saved else node.rect
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignCenter), "\n".join(node.lines))
        if state is not None and node.id in state.accumulated:
            self._badge(painter, QPointF(node.rect.right() - 2, node.rect.top() + 2), QColor(theme.grad_flow))
        if node.saved:
            freed = set(state.freed.get(node.id, [])) if state is not None else set()
            for i, attr in enumerate(node.saved[:6]):
                colour = QColor(theme.buffer_freed if attr in freed else theme.buffer_alive)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(colour))
                painter.drawRect(QRectF(node.rect.left() + 5 + i * 8, node.rect.bottom() - 8, 6, 4))

    @staticmethod
    def _badge(painter: QPainter, centre: QPointF, colour: QColor) -> None:
        painter.setPen(QPen(QColor("#ffffff"), 1.2))
        painter.setBrush(QBrush(colour))
        painter.drawEllipse(centre, BADGE, BADGE)


def _box(points: list[QPointF]) -> QRectF:
    """An edge's bounding box with room for its arrow head and line width."""
    if not points:
        return QRectF()
    xs, ys = [p.x() for p in points], [p.y() for p in points]
    return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(-10, -10, 10, 10)


def _chip_text(text: str, metrics: QFontMetricsF) -> str:
    """A grad as a chip shows it: a long vector keeps its first numbers (``[0.031, -0.016, …]``)
    so converging edges' labels stay apart and readable; the inspector has every value."""
    if metrics.horizontalAdvance(text) + 2 * SUM_PAD <= CHIP_MAX_WIDTH or ", " not in text:
        return text
    closers = "]" * (len(text) - len(text.lstrip("[")))
    head = text
    while ", " in head:
        head = head.rsplit(", ", 1)[0]
        short = f"{head}, …{closers}"
        if metrics.horizontalAdvance(short) + 2 * SUM_PAD <= CHIP_MAX_WIDTH:
            return short
    return f"{head}, …{closers}"


def _mean(points: list[QPointF]) -> QPointF:
    return QPointF(sum(p.x() for p in points) / len(points), sum(p.y() for p in points) / len(points))


def _midpoint(points: list[QPointF]) -> QPointF:
    """The point halfway along a polyline (by length), where an edge's grad label sits."""
    return _point_along(points, 0.5)


def _point_along(points: list[QPointF], fraction: float) -> QPointF:
    """The point ``fraction`` of the way along a polyline (by length)."""
    lengths = [math.dist((a.x(), a.y()), (b.x(), b.y())) for a, b in itertools.pairwise(points)]
    half = sum(lengths) * fraction
    for (a, b), length in zip(itertools.pairwise(points), lengths):
        if half <= length and length > 0:
            t = half / length
            return QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)
        half -= length
    return points[len(points) // 2]


def _grad_edges_in_view(
    graph: nx.MultiDiGraph, sub: nx.MultiDiGraph, view: str
) -> dict[tuple[str, str, int], list[tuple[str, str, int]]]:
    """Trace grad hops (producer node, consumer node, slot) -> the drawn edges that show that hop.

    In the gradfn view a hop is the drawn edge itself (keyed by the slot). In the data-flow view
    the grad flows back along the consumer's input edge of that slot, from the tensor that
    ``producer`` made (or, for an AccumulateGrad producer, from its leaf variable).
    """
    hops: dict[tuple[str, str, int], list[tuple[str, str, int]]] = {}
    nodes = graph.nodes
    for u, v, slot, data in graph.edges(keys=True, data=True):
        if data.get("view") != "gradfn":
            continue
        hop = (str(u), str(v), int(slot))
        if view == "gradfn":
            if sub.has_edge(u, v, slot):
                hops.setdefault(hop, []).append(hop)
            continue
        inputs = nodes[v].get("inputs") or []
        tensor_id = inputs[slot] if isinstance(slot, int) and 0 <= slot < len(inputs) else None
        for position, tid in [(slot, tensor_id), *enumerate(inputs)]:
            # the input at the slot's position, else (an op whose next_functions skip inputs) any
            # input that ``u`` made
            if tid is None or tid not in nodes:
                continue
            made_by = nodes[tid].get("grad_fn") == u
            feeds = nodes[u].get("kind") == "accumulate" and nodes[u].get("variable") == tid
            if (made_by or feeds) and sub.has_edge(tid, v, position):
                hops.setdefault(hop, []).append((str(tid), str(v), int(position)))
                break
    return hops
