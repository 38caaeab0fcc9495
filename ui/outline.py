"""The graph outline: every node of the snapshot in a tree, grouped by kind, in creation order.

It is the graph view until the canvas lands and stays as a tab beside it afterwards: a quick,
searchable, keyboard-friendly list of tensors and autograd nodes. Selecting a row emits the node id;
the window routes it through the shared selection so editor, inspector and canvas follow.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from gradviz.graph.summary import format_shape
from ui.snapshot import SnapshotIndex
from ui.theme import Theme, current_theme

translate = QCoreApplication.translate

ID_ROLE = Qt.ItemDataRole.UserRole + 1

# (kind, translated group title)
_GROUPS = ("tensor", "op", "accumulate")


def _group_title(kind: str) -> str:
    if kind == "tensor":
        return translate("GraphOutline", "Tensors")
    if kind == "op":
        return translate("GraphOutline", "Backward functions")
    return translate("GraphOutline", "Gradient accumulators")


def _role_text(role: str) -> str:
    return {
        "leaf": translate("GraphOutline", "leaf"),
        "intermediate": translate("GraphOutline", "intermediate"),
        "constant": translate("GraphOutline", "constant"),
    }.get(role, role)


class GraphOutline(QTreeWidget):
    node_selected = Signal(str)  # node id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = SnapshotIndex(None)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._highlighted: set[str] = set()
        self._theme: Theme = current_theme()
        self._syncing = False
        self.setColumnCount(4)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setRootIsDecorated(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.itemSelectionChanged.connect(self._on_selection)
        self._retranslate()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._apply_highlight()

    def set_snapshot(self, index: SnapshotIndex) -> None:
        selected = self.selected_id()
        self._index = index
        self._syncing = True
        self.clear()
        self._items.clear()
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        for kind in _GROUPS:
            ids = index.ordered_ids(kind)
            if not ids:
                continue
            group = QTreeWidgetItem(self, [f"{_group_title(kind)}  ({len(ids)})"])
            group.setData(0, ID_ROLE, "")
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFirstColumnSpanned(True)
            group.setFont(0, bold)
            group.setData(0, Qt.ItemDataRole.UserRole + 2, kind)
            for node_id in ids:
                item = QTreeWidgetItem(group, self._row(node_id))
                item.setData(0, ID_ROLE, node_id)
                item.setToolTip(0, node_id)
                self._items[node_id] = item
            group.setExpanded(True)
        self._syncing = False
        if selected and selected in self._items:
            self.select_node(selected)
        self._apply_highlight()

    def _row(self, node_id: str) -> list[str]:
        node = self._index.node(node_id) or {}
        kind = node.get("kind")
        span = node.get("span")
        line = str(span[1]) if span and len(span) > 1 else ""
        if kind == "tensor":
            name = node.get("name") or node.get("label") or node_id
            details = f"{format_shape(node.get('shape'))} {node.get('dtype', '')}".strip()
            extra = _role_text(str(node.get("role", "")))
            if node.get("requires_grad"):
                extra += " · requires_grad"
            return [str(name), details, extra, line]
        if kind == "op":
            return [str(node.get("name") or node_id), f"seq {node.get('sequence_nr', '')}", "", line]
        variable = node.get("variable")
        target = self._index.label(str(variable)) if variable else ""
        return [str(node.get("name") or "AccumulateGrad"), "→ " + target if target else "", "", line]

    def selected_id(self) -> str | None:
        items = self.selectedItems()
        if not items:
            return None
        value = items[0].data(0, ID_ROLE)
        return str(value) if value else None

    def select_node(self, node_id: str | None) -> None:
        """Reflect a selection made elsewhere (canvas, inspector link) without re-emitting it."""
        self._syncing = True
        self.clearSelection()
        item = self._items.get(node_id or "")
        if item is not None:
            item.setSelected(True)
            self.scrollToItem(item)
        self._syncing = False

    def highlight_nodes(self, ids: list[str]) -> None:
        """Tint the rows of nodes created on the editor's current line."""
        self._highlighted = set(ids)
        self._apply_highlight()

    def _apply_highlight(self) -> None:
        tint = QColor(self._theme.span_highlight)
        for node_id, item in self._items.items():
            brush = QBrush(tint) if node_id in self._highlighted else QBrush()
            for column in range(self.columnCount()):
                item.setBackground(column, brush)

    def _on_selection(self) -> None:
        if self._syncing:
            return
        node_id = self.selected_id()
        if node_id:
            self.node_selected.emit(node_id)

    def _retranslate(self) -> None:
        self.setHeaderLabels(
            [
                translate("GraphOutline", "Node"),
                translate("GraphOutline", "Shape / order"),
                translate("GraphOutline", "Role"),
                translate("GraphOutline", "Line"),
            ]
        )
        for i in range(self.topLevelItemCount()):
            group = self.topLevelItem(i)
            if group is None:
                continue
            kind = group.data(0, Qt.ItemDataRole.UserRole + 2)
            group.setText(0, f"{_group_title(str(kind))}  ({group.childCount()})")
        for item in self._items.values():
            node = self._index.node(str(item.data(0, ID_ROLE))) or {}
            if node.get("kind") == "tensor":
                item.setText(2, self._row(str(item.data(0, ID_ROLE)))[2])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
