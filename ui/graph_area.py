"""The central slot that hosts the graph canvas (ui/graph/, installed after the first paint) beside
the outline.

MainWindow.set_graph_widget hands the canvas to :meth:`GraphArea.set_graph_widget`; what the
window calls on it is ui.protocols.GraphCanvas.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QTabWidget, QWidget

from ui.outline import GraphOutline

translate = QCoreApplication.translate


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
