"""The central slot that hosts the graph canvas (ui/graph/, written separately) beside the outline.

The canvas is plugged in with :meth:`GraphArea.set_graph_widget` (MainWindow.set_graph_widget calls
it). The window talks to the canvas through the duck-typed :class:`GraphCanvas` protocol below;
every method is optional, so a canvas can grow feature by feature.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QTabWidget, QWidget

from ui.outline import GraphOutline

translate = QCoreApplication.translate


class GraphCanvas(Protocol):
    """What the window calls on the canvas, if the canvas defines it.

    - ``set_snapshot(snapshot: dict | None)``: the latest graph snapshot (notes/graph_schema.md).
    - ``set_backward_calls(calls: list[dict])``: BackwardTrace.to_dict() of the last cell's backward
      calls, for the player.
    - ``select_node(node_id: str | None)``: reflect a selection made elsewhere; must NOT re-emit.
    - ``highlight_nodes(ids: list[str])``: nodes created on the editor's caret line.
    - ``set_theme(theme: ui.theme.Theme)``: colours changed.
    - signal ``node_selected(str)``: the user clicked a node; the window routes it to the editor,
      outline and inspector (and back to ``select_node``).
    """

    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None: ...


def call_if_present(widget: object, method: str, *args: Any) -> None:
    function = getattr(widget, method, None)
    if callable(function):
        function(*args)


class GraphArea(QTabWidget):
    """Tabs: "Graph" (the canvas, once set) and "Outline" (always present)."""

    def __init__(self, outline: GraphOutline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outline = outline
        self.canvas: QWidget | None = None
        self.setDocumentMode(True)
        self.addTab(outline, "")
        self._retranslate()

    def set_graph_widget(self, widget: QWidget) -> None:
        """Install (or replace) the canvas as the first tab and show it."""
        if self.canvas is not None:
            index = self.indexOf(self.canvas)
            if index >= 0:
                self.removeTab(index)
            self.canvas.setParent(None)
        self.canvas = widget
        self.insertTab(0, widget, "")
        self.setCurrentIndex(0)
        self._retranslate()

    def _retranslate(self) -> None:
        if self.canvas is not None:
            self.setTabText(self.indexOf(self.canvas), translate("GraphArea", "Graph"))
        self.setTabText(self.indexOf(self.outline), translate("GraphArea", "Outline"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
