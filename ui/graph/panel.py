"""GraphPanel: the canvas with its toolbar (view, direction, fit, readable size, zoom, follow the
player, minimap, legend, search by name).

This is the widget to hand to ``MainWindow.set_graph_widget``: it is the window's
ui.protocols.GraphCanvas, forwarding to its GraphView, and re-emits ``node_selected``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.graph.view import GraphView
from ui.theme import Theme

__all__ = ["GraphPanel"]

translate = QCoreApplication.translate


class GraphPanel(QWidget):
    node_selected = Signal(str)
    running_node_changed = Signal(str)  # the node the backward player runs now ("" when none)

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.view = GraphView(self, theme)
        self.view.node_selected.connect(self.node_selected)
        self.view.running_node_changed.connect(self.running_node_changed)
        self._matches: list[str] = []
        self._match_index = -1

        self.dataflow_button = self._tool(checkable=True)
        self.gradfn_button = self._tool(checkable=True)
        self.view_group = QButtonGroup(self)
        self.view_group.addButton(self.dataflow_button)
        self.view_group.addButton(self.gradfn_button)
        self.dataflow_button.setChecked(True)
        self.dataflow_button.clicked.connect(lambda: self.set_view_mode("dataflow"))
        self.gradfn_button.clicked.connect(lambda: self.set_view_mode("gradfn"))

        self.direction_button = self._tool(checkable=True)
        self.direction_button.toggled.connect(lambda lr: self.set_direction("LR" if lr else "TB"))
        self.fit_button = self._tool()
        self.fit_button.clicked.connect(self.view.fit_whole)
        self.readable_button = self._tool()
        self.readable_button.clicked.connect(self.view.readable_size)
        self.zoom_in_button = self._tool()
        self.zoom_in_button.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out_button = self._tool()
        self.zoom_out_button.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.minimap_button = self._tool(checkable=True)
        self.minimap_button.setChecked(True)
        self.minimap_button.toggled.connect(self.view.set_minimap_enabled)
        self.follow_button = self._tool(checkable=True)
        self.follow_button.setChecked(True)
        self.follow_button.toggled.connect(self.view.set_follow_player)
        self.legend_button = self._tool(checkable=True)
        self.legend_button.toggled.connect(self.set_legend_visible)
        from ui.legend import LegendPanel  # it draws with ui.graph's items: import after them

        self.legend = LegendPanel(self.view)
        self.legend.set_graph_palette(self.view.graph_scene.graph_palette)

        self.search_box = QLineEdit(self)
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(220)
        self.search_box.textChanged.connect(self._on_search_text)
        self.search_box.returnPressed.connect(self.next_match)
        self.search_status = QLabel(self)

        # A QToolBar, so a narrow window tucks the last buttons behind its ">>" extension instead
        # of forcing the whole window wider than the screen.
        bar = QToolBar(self)
        bar.setObjectName("graphToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        for w in (
            self.dataflow_button,
            self.gradfn_button,
            self.direction_button,
            self.fit_button,
            self.readable_button,
            self.zoom_in_button,
            self.zoom_out_button,
            self.follow_button,
            self.minimap_button,
            self.legend_button,
        ):
            bar.addWidget(w)
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.search_box.setMinimumWidth(90)
        bar.addWidget(self.search_box)
        bar.addWidget(self.search_status)
        self.toolbar = bar
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.view, 1)
        self._retranslate()

    def _tool(self, checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setCheckable(checkable)
        button.setAutoRaise(True)
        return button

    # -- canvas protocol ---------------------------------------------------------------------------
    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        self.view.set_snapshot(snapshot)
        if self.search_box.text():
            self._on_search_text(self.search_box.text())

    def select_node(self, node_id: str | None) -> None:
        self.view.select_node(node_id)

    def highlight_nodes(self, ids: list[str]) -> None:
        self.view.highlight_nodes(ids)

    def set_theme(self, theme: Theme) -> None:
        self.view.set_theme(theme)
        self.legend.set_graph_palette(self.view.graph_scene.graph_palette)

    def set_legend_visible(self, on: bool) -> None:
        """The legend sits in the canvas's top-left corner, over the graph, until toggled off."""
        if self.legend_button.isChecked() != on:
            self.legend_button.setChecked(on)  # re-enters through toggled
            return
        self.legend.adjustSize()
        self.legend.move(8, 8)
        self.legend.setVisible(on)
        if on:
            self.legend.raise_()

    def fit_to_view(self) -> None:
        """Show the whole graph; later snapshots are fitted again until the user zooms or pans."""
        self.view.fit_to_view()

    # -- controls ----------------------------------------------------------------------------------
    def set_view_mode(self, view: str) -> None:
        (self.dataflow_button if view == "dataflow" else self.gradfn_button).setChecked(True)
        self.view.set_view_mode(view)

    def set_direction(self, direction: str) -> None:
        lr = direction == "LR"
        if self.direction_button.isChecked() != lr:
            self.direction_button.setChecked(lr)  # re-enters through toggled
            return
        self.view.set_direction(direction)
        self._retranslate()

    def search(self, text: str) -> list[str]:
        """Select and centre the best match for ``text``; returns every match (best first)."""
        self.search_box.setText(text)
        return list(self._matches)

    def next_match(self) -> str | None:
        if not self._matches:
            return None
        self._match_index = (self._match_index + 1) % len(self._matches)
        return self._show_match()

    def _on_search_text(self, text: str) -> None:
        self._matches = self.view.search(text)
        self._match_index = 0 if self._matches else -1
        if self._matches:
            self._show_match()
        else:
            self.search_status.setText(translate("GraphPanel", "no match") if text.strip() else "")

    def _show_match(self) -> str:
        node_id = self._matches[self._match_index]
        self.view.zoom_to_node(node_id)
        self.node_selected.emit(node_id)  # the inspector follows a search like a click
        status = f"{self._match_index + 1}/{len(self._matches)}"
        scene = self.view.graph_scene
        holder = scene.drawn_id(node_id)
        if holder is not None and holder != node_id and holder in scene.nodes:
            # The match is folded away: say which box holds it (the box is what got selected).
            label = " ".join(str(scene.nodes[holder].node_data.get("label", holder)).split())
            status += " · " + translate("GraphPanel", "in {box}").format(box=label[:32])
        self.search_status.setText(status)
        return node_id

    # -- text ----------------------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.dataflow_button.setText(translate("GraphPanel", "Data flow"))
        self.dataflow_button.setToolTip(translate("GraphPanel", "Tensors and ops, inputs first"))
        self.gradfn_button.setText(translate("GraphPanel", "grad_fn"))
        self.gradfn_button.setToolTip(translate("GraphPanel", "PyTorch's graph: grad_fn nodes and next_functions"))
        lr = self.direction_button.isChecked()
        self.direction_button.setText(
            translate("GraphPanel", "Left→right") if lr else translate("GraphPanel", "Top→down")
        )
        self.direction_button.setToolTip(translate("GraphPanel", "Lay the graph out top-down or left-to-right"))
        self.fit_button.setText(translate("GraphPanel", "Fit"))
        self.fit_button.setToolTip(translate("GraphPanel", "Fit the whole graph (F)"))
        self.readable_button.setText(translate("GraphPanel", "Readable size"))
        self.readable_button.setToolTip(
            translate("GraphPanel", "Zoom so every label can be read, around the running or selected node (R)")
        )
        self.follow_button.setText(translate("GraphPanel", "Follow"))
        self.follow_button.setToolTip(
            translate("GraphPanel", "Keep the running node in view while backward plays (off: hold the view)")
        )
        self.legend_button.setText(translate("GraphPanel", "Legend"))
        self.legend_button.setToolTip(translate("GraphPanel", "What the colours, outlines and numbers mean"))
        self.zoom_in_button.setText("+")
        self.zoom_out_button.setText("−")
        self.minimap_button.setText(translate("GraphPanel", "Map"))
        self.minimap_button.setToolTip(translate("GraphPanel", "Show the overview"))
        self.search_box.setPlaceholderText(translate("GraphPanel", "Find a tensor or op…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
