"""The "Run to…" menu: the node selected in the graph, or any node of the call found by typing.

The menu is filled as it opens (the call's nodes in the order they run, named as the order line
names them) and says which node was chosen through ``node_chosen``; the player does the running.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QMenu, QVBoxLayout, QWidget, QWidgetAction

from ui.player.widgets import tr

__all__ = ["RunToMenu"]


class RunToMenu(QMenu):
    node_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selected_action = QAction(self)
        self.selected_action.triggered.connect(self._run_to_selected)
        self.addAction(self.selected_action)
        self.addSeparator()
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 2, 6, 4)
        self.filter = QLineEdit(body)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._choose_first_shown)
        self.list = QListWidget(body)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumSize(320, 240)
        self.list.itemActivated.connect(self._choose)
        self.list.itemClicked.connect(self._choose)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        holder = QWidgetAction(self)
        holder.setDefaultWidget(body)
        self.addAction(holder)
        self._selected: str | None = None
        self.aboutToShow.connect(self.filter.setFocus)

    def set_choices(self, selected: tuple[str, str] | None, nodes: list[tuple[str, str]]) -> None:
        """``selected``: (id, label) of the graph's selection when the call runs it; ``nodes``:
        (id, label) of every node of the call, in the order they run."""
        self._selected = selected[0] if selected else None
        if selected is not None:
            self.selected_action.setText(tr("Run to the selected node: {name}").format(name=selected[1]))
        else:
            self.selected_action.setText(tr("Select a node in the graph to run to it"))
        self.selected_action.setEnabled(selected is not None)
        self.filter.setPlaceholderText(tr("Find a node of this call…"))
        self.filter.setToolTip(tr("Type part of a node's name; Enter runs to the first match"))
        self.list.setToolTip(tr("The call's nodes in the order they run; pick one to run to it"))
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self.list.clear()
        for k, (node_id, label) in enumerate(nodes, start=1):
            item = QListWidgetItem(f"{k}. {label}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, node_id)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _choose_first_shown(self) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if not item.isHidden():
                self._choose(item)
                return

    def _choose(self, item: QListWidgetItem) -> None:
        self.close()
        self.node_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _run_to_selected(self) -> None:
        if self._selected is not None:
            self.node_chosen.emit(self._selected)
