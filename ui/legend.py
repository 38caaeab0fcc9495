"""What the graph's marks mean: the legend panel over the canvas and the hover tooltips of nodes,
edges and buffer chips.

Both read the same words, so a border colour is explained the same way in the legend and on the
node the pointer rests on. Every string goes through ``QCoreApplication.translate`` ("Legend").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QGraphicsItem, QGridLayout, QLabel, QSizePolicy, QWidget

from ui.graph.edges import EdgeItem
from ui.graph.items import GroupItem, NodeItem, OpItem
from ui.graph.module_frames import PageButtonItem
from ui.graph.style import GraphPalette, mix

__all__ = ["LegendPanel", "node_title", "stale_text", "state_text", "tooltip_for"]

translate = QCoreApplication.translate

# (sample kind, key): the rows of the legend, in reading order.
LEGEND_ROWS: tuple[tuple[str, str], ...] = (
    ("border", "running"),
    ("border", "ready"),
    ("border", "done"),
    ("border", "pending"),
    ("border", "error"),
    ("dashed", "constant"),
    ("faded", "stale"),
    ("glow", "highlight"),
    ("chip", "alive"),
    ("chip", "freed"),
    ("edge", "grad"),
    ("edge", "index"),
)


def state_text(state: str) -> str:
    """A player state in a learner's words (legend row and node tooltip)."""
    words = {
        "running": translate("Legend", "Red border: running now (its backward function is computing)"),
        "ready": translate("Legend", "Blue border: ready (every gradient it waits for has arrived)"),
        "done": translate("Legend", "Green border: done (it has passed its gradients on)"),
        "pending": translate("Legend", "Dotted border: waiting for gradients from later nodes"),
        "error": translate("Legend", "Thick red border: backward failed here"),
    }
    return words.get(state, "")


def stale_text() -> str:
    """Why a node is drawn faded after a failed re-run (its tooltip and the inspector's note)."""
    return translate(
        "Legend",
        "From before the edit: an earlier run of its cell made it, and the re-run stopped before replacing it, "
        "so its values are old. Run the cell again once it works.",
    )


def row_text(kind: str, key: str) -> str:
    if kind == "border":
        return state_text(key)
    words = {
        ("dashed", "constant"): translate("Legend", "Dashed grey box: a constant, no gradient flows into it"),
        ("faded", "stale"): translate("Legend", "Faded: from before the edit (a re-run stopped before replacing it)"),
        ("glow", "highlight"): translate("Legend", "Orange glow: made on the editor's current line"),
        ("chip", "alive"): translate("Legend", "Chip: a saved buffer backward still needs"),
        ("chip", "freed"): translate(
            "Legend", "Red dashed chip (struck through in the player): a saved buffer already freed"
        ),
        ("edge", "grad"): translate("Legend", "Red edge with a number: the gradient it carries now"),
        ("edge", "index"): translate("Legend", "Small number on an edge: which input slot it feeds"),
    }
    return words.get((kind, key), "")


class _Sample(QWidget):
    """A drawn example of one mark, in the canvas's own colours."""

    def __init__(self, kind: str, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind, self.key = kind, key
        self.palette_: GraphPalette | None = None
        self.setFixedSize(QSize(34, 18))

    def sizeHint(self) -> QSize:
        return QSize(34, 18)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = self.palette_
        if p is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(3, 3, 28, 12)
        fill = QColor(p.fills.get("intermediate", p.background))
        if self.kind == "border":
            style = Qt.PenStyle.DotLine if self.key == "pending" else Qt.PenStyle.SolidLine
            width = {"running": 3.0, "error": 3.0, "pending": 1.4}.get(self.key, 2.2)
            painter.setBrush(fill)
            painter.setPen(QPen(p.states.get(self.key, p.border), width, style))
            painter.drawRoundedRect(box, 3, 3)
        elif self.kind == "dashed":
            painter.setBrush(QColor(p.fills.get("constant", p.background)))
            painter.setPen(QPen(p.border, 1.2, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(box, 3, 3)
        elif self.kind == "faded":
            painter.setOpacity(0.35)  # as the canvas draws a node a failed re-run left behind
            painter.setBrush(fill)
            painter.setPen(QPen(p.border, 1.2))
            painter.drawRoundedRect(box, 3, 3)
            painter.setOpacity(1.0)
        elif self.kind == "glow":
            halo = QColor(p.highlight)
            halo.setAlpha(120)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawRoundedRect(box.adjusted(-3, -3, 3, 3), 5, 5)
            painter.setBrush(fill)
            painter.setPen(QPen(p.border, 1.2))
            painter.drawRoundedRect(box, 3, 3)
        elif self.kind == "chip":
            freed = self.key == "freed"
            op_fill = QColor(p.fills.get("op", p.background))
            painter.setBrush(mix(p.buffer_freed, op_fill, 0.75) if freed else mix(op_fill, p.background, 0.5))
            painter.setPen(
                QPen(
                    p.buffer_freed if freed else p.buffer_alive,
                    1.0,
                    Qt.PenStyle.DashLine if freed else Qt.PenStyle.SolidLine,
                )
            )
            painter.drawRoundedRect(box.adjusted(2, 1, -2, -1), 3, 3)
        elif self.kind == "edge":
            grad = self.key == "grad"
            color = p.grad_flow if grad else p.edge.get("dataflow", p.border)
            painter.setPen(QPen(color, 2.6 if grad else 1.3))
            painter.drawLine(QPointF(2, 9), QPointF(32, 9))
            font = QFont(self.font())
            font.setPixelSize(9)
            painter.setFont(font)
            if grad:
                painter.fillRect(QRectF(11, 3, 12, 12), color)
                painter.setPen(QColor("#ffffff") if color.lightnessF() < 0.6 else QColor("#000000"))
                painter.drawText(QRectF(11, 3, 12, 12), Qt.AlignmentFlag.AlignCenter, "1")
            else:
                painter.setPen(p.text)
                painter.drawText(QRectF(20, 0, 14, 9), Qt.AlignmentFlag.AlignCenter, "0")
        painter.end()


class LegendPanel(QFrame):
    """A small panel over the canvas's top-left corner; the toolbar's Legend button toggles it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphLegend")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        self.title = QLabel(self)
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        grid.addWidget(self.title, 0, 0, 1, 2)
        self.samples: list[_Sample] = []
        self.labels: list[QLabel] = []
        for row, (kind, key) in enumerate(LEGEND_ROWS, start=1):
            sample = _Sample(kind, key, self)
            label = QLabel(self)
            grid.addWidget(sample, row, 0)
            grid.addWidget(label, row, 1)
            self.samples.append(sample)
            self.labels.append(label)
        self._retranslate()
        self.hide()

    def set_graph_palette(self, palette: GraphPalette) -> None:
        for sample in self.samples:
            sample.palette_ = palette
            sample.update()

    def _retranslate(self) -> None:
        self.title.setText(translate("Legend", "What the marks mean"))
        for label, (kind, key) in zip(self.labels, LEGEND_ROWS):
            label.setText(row_text(kind, key))
        self.adjustSize()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


# -- tooltips ------------------------------------------------------------------------------------
def _node_kind_text(data: dict[str, Any]) -> str:
    kind = str(data.get("kind", ""))
    role = str(data.get("role", ""))
    if kind == "tensor" and role == "leaf":
        return translate("Legend", "Leaf tensor: its .grad is filled by backward()")
    if kind == "tensor" and role == "constant":
        return translate("Legend", "Constant: no gradient flows into it")
    if kind == "tensor":
        return translate("Legend", "Intermediate tensor: its .grad stays None unless retain_grad()")
    if kind == "accumulate":
        return translate("Legend", "AccumulateGrad: adds the arriving gradient into the leaf's .grad")
    if kind == "group":
        return translate("Legend", "A collapsed group: double-click to expand it")
    return translate("Legend", "Backward function: turns the gradient of its output into gradients of its inputs")


def tooltip_for(items: Iterable[QGraphicsItem], scene_pos: QPointF, name_of: Callable[[str], str]) -> str:
    """The tooltip for what lies under the pointer (topmost first): a node's badge keeps its own
    full explanation; a chip, a node or an edge say what they are and what their look means."""
    for item in items:
        if isinstance(item, PageButtonItem):  # a paged loop's ‹ or › says which way it turns
            return item.toolTip()
        node = item if isinstance(item, NodeItem) else None
        if node is None and item.parentItem() is not None and isinstance(item.parentItem(), NodeItem):
            node = item.parentItem()  # type: ignore[assignment]
        if isinstance(node, NodeItem):
            local = node.mapFromScene(scene_pos)
            if node.badge and node.badge_rect().contains(local) and node.toolTip():
                return node.toolTip()
            chip = node.chip_at(local) if isinstance(node, OpItem) else None
            if chip is not None:
                attr, freed = chip
                return (
                    translate("Legend", "{attr}: freed after this node ran (retain_graph=False)")
                    if freed
                    else translate("Legend", "{attr}: saved for backward, still alive")
                ).format(attr=attr)
            lines = [node_title(node), _node_kind_text(node.node_data)]
            if node.node_data.get("stale"):
                lines.insert(1, stale_text())
            if not isinstance(node, GroupItem) and node.run_state != "idle":
                lines.append(state_text(node.run_state))
            if node.highlighted:
                lines.append(row_text("glow", "highlight"))
            return "\n".join(line for line in lines if line)
        if isinstance(item, EdgeItem):
            lines = [
                translate("Legend", "Edge {source} → {target}").format(
                    source=name_of(item.source), target=name_of(item.target)
                )
            ]
            if item.grad_text:
                lines.append(translate("Legend", "Gradient carried now: {grad}").format(grad=item.grad_text))
            if item.show_index:
                lines.append(row_text("edge", "index"))
            return "\n".join(lines)
    return ""


def node_title(node: NodeItem) -> str:
    """The name a learner knows a drawn node by (never an internal id)."""
    data = node.node_data
    name = data.get("name") or str(data.get("label", "")).split("\n")[0]
    return str(name or data.get("grad_fn") or "")
