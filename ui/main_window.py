"""The gradviz main window: editor + output on the left, the graph area in the middle, the inspector
on the right; a toolbar and a status bar with the busy indicator and Cancel.

Selection is one id routed through :meth:`MainWindow.select_node`, whoever starts it (outline,
canvas, inspector link); the window then tells every view and emits ``node_selected``. Moving the
editor's caret emits ``nodes_for_line`` with the ids of the nodes created on that line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QToolButton,
    QWidget,
)

from ui import files
from ui.editor import CodeEditor
from ui.graph_area import GraphArea, call_if_present
from ui.i18n import language_switcher
from ui.inspector import Inspector
from ui.outline import GraphOutline
from ui.output import OutputPanel
from ui.preferences import PreferencesDialog, PreferenceValues
from ui.runner import RunController
from ui.settings import Preferences
from ui.snapshot import SnapshotIndex
from ui.theme import Theme, theme_manager
from ui.window_actions import (
    WindowActions,
    apply_text_fix,
    backward_line_after,
    balance_columns,
    icon,
    insert_line_before,
)
from ui.window_documents import WindowDocuments
from ui.window_running import WindowRunning, worker_limits

__all__ = ["MainWindow", "worker_limits"]

translate = QCoreApplication.translate


class MainWindow(QMainWindow, WindowRunning, WindowDocuments):
    """The window and its views; running cells (WindowRunning) and files (WindowDocuments) are
    mixins in their own modules."""

    node_selected = Signal(str)  # "" when the selection is cleared
    nodes_for_line = Signal(object)  # list[str]: nodes created on the editor's caret line
    snapshot_changed = Signal(object)  # dict | None
    backward_calls_changed = Signal(
        object
    )  # list[dict]: every backward call of the session (object: no Qt conversion of big ints)
    run_idle = Signal()

    def __init__(
        self, prefs: Preferences | None = None, runner: RunController | None = None, autosave: bool = True
    ) -> None:
        super().__init__()
        self.prefs = prefs or Preferences()
        self.setObjectName("gradvizMainWindow")
        self.setWindowIcon(icon("gradviz"))
        self.document_path: Path | None = None
        self._display_name = ""
        self._index = SnapshotIndex(None)
        self._selected: str | None = None
        self._busy_since = 0.0
        self._last_backward: list[dict[str, Any]] = []  # every backward call of the session so far
        self._calls_by_cell: dict[int, list[dict[str, Any]]] = {}  # in run order (re-run moves last)
        self._graphs_by_cell: dict[int, dict[str, Any]] = {}
        self._publishing = False
        self.player: QWidget | None = None
        self._fitted_nodes: frozenset[str] = frozenset()  # the node ids the canvas was last fitted to
        self._shown_once = False

        self.editor = CodeEditor()
        self.output = OutputPanel()
        self.outline = GraphOutline()
        self.graph_area = GraphArea(self.outline)
        self.inspector = Inspector()

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.editor)
        left.addWidget(self.output)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setChildrenCollapsible(False)
        # The middle column: the graph area, and the backward player under it once installed.
        self.graph_column = QSplitter(Qt.Orientation.Vertical)
        self.graph_column.addWidget(self.graph_area)
        self.graph_column.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.graph_column)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.inspector_dock = QDockWidget(self)
        self.inspector_dock.setObjectName("inspectorDock")
        self.inspector_dock.setWidget(self.inspector)
        self.inspector_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector_dock)

        self.actions_ = WindowActions(self)
        self.actions_.view_menu.insertAction(self.actions_.panels_anchor, self.inspector_dock.toggleViewAction())
        self._build_status_bar()

        self.runner = runner or RunController(worker_limits(self.prefs.limits))
        self.autosaver = files.Autosaver(self._autosave_state, parent=self) if autosave else None
        self._connect()
        self._apply_theme_to_views(theme_manager().theme)
        self._refresh_recent_menu()
        self._refresh_examples_menu()
        self._update_busy(False)
        self._retranslate()
        self._display_name = translate("MainWindow", "Untitled")
        self._update_title()
        self.resize(1440, 900)
        balance_columns(self, self.COLUMN_SHARES)

    # ----- construction helpers ---------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel()
        self.position_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: cells have no known length
        self.progress.setFixedWidth(120)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton(objectName="cancelButton")
        self.cancel_button.setDefaultAction(self.actions_.cancel)
        self.cancel_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.position_label)

    def _connect(self) -> None:
        a = self.actions_
        a.new.triggered.connect(self.new_document)
        a.open.triggered.connect(lambda: self.open_dialog())
        a.save.triggered.connect(lambda: self.save())
        a.save_as.triggered.connect(lambda: self.save_as())
        a.quit.triggered.connect(self.close)
        a.clear_recent.triggered.connect(self._clear_recent)
        a.preferences.triggered.connect(self.show_preferences)
        a.run_cell.triggered.connect(lambda: self._run_current(advance=False))
        a.run_advance.triggered.connect(lambda: self._run_current(advance=True))
        a.run_all.triggered.connect(self.run_all)
        a.cancel.triggered.connect(self.cancel_run)
        a.restart.triggered.connect(self.restart_session)
        a.about.triggered.connect(self._about)
        a.theme_group.triggered.connect(lambda action: self.set_theme(str(action.data())))
        a.language_group.triggered.connect(lambda action: self.set_language(str(action.data())))

        self.editor.run_cell_requested.connect(self.run_cell)
        self.editor.run_cell_and_advance_requested.connect(self.run_cell_and_advance)
        self.editor.run_all_requested.connect(self.run_all)
        self.editor.cursor_line_changed.connect(self._on_cursor_line)
        self.editor.cursorPositionChanged.connect(self._update_position_label)
        self.editor.document().modificationChanged.connect(self._on_modified)
        self.output.line_activated.connect(self.editor.goto_line)
        self.outline.node_selected.connect(self.select_node)
        self.inspector.node_activated.connect(self.select_node)
        self.inspector.line_activated.connect(self.editor.goto_line)
        self.inspector.fix_requested.connect(self.apply_inspector_fix)

        self.runner.cell_started.connect(self._on_cell_started)
        self.runner.cell_finished.connect(self._on_cell_finished)
        self.runner.busy_changed.connect(self._update_busy)
        self.runner.client_failed.connect(self._on_client_failed)
        self.runner.idle.connect(self._refit_if_graph_changed)
        self.runner.idle.connect(self.run_idle)
        theme_manager().changed.connect(self._apply_theme_to_views)

    # ----- graph slot ------------------------------------------------------------------------
    def set_graph_widget(self, widget: QWidget) -> None:
        """Install the graph canvas (see ui.graph_area.GraphCanvas for what it may implement)."""
        self.graph_area.set_graph_widget(widget)
        signal = getattr(widget, "node_selected", None)
        if signal is not None:
            signal.connect(self.select_node)
        call_if_present(widget, "set_theme", theme_manager().theme)
        call_if_present(widget, "set_snapshot", self._index.snapshot or None)
        call_if_present(widget, "set_backward_calls", self._last_backward)
        call_if_present(widget, "select_node", self._selected)

    def set_player_widget(self, widget: QWidget) -> None:
        """Put the backward player under the graph area (it drives the canvas itself)."""
        if self.player is not None:
            self._player_host.takeWidget()
            self.player.setParent(None)
        else:
            # A scroll area, so content that grows wide (many buffer chips) scrolls instead of
            # squeezing the editor column.
            self._player_host = QScrollArea()
            self._player_host.setWidgetResizable(True)
            self._player_host.setFrameShape(QScrollArea.Shape.NoFrame)
            self.graph_column.addWidget(self._player_host)
        self.player = widget
        self._player_host.setWidget(widget)
        picked = getattr(widget, "call_selected", None)
        if picked is not None:
            picked.connect(self._show_graph_of_call)
        stepped = getattr(widget, "step_changed", None)
        if stepped is not None:
            stepped.connect(self._sync_buffer_states)
        self.graph_column.setStretchFactor(0, 3)
        self.graph_column.setStretchFactor(1, 2)
        call_if_present(widget, "set_source", self.editor.toPlainText())
        call_if_present(widget, "set_cell_graphs", self._graphs_by_cell)
        call_if_present(widget, "set_calls", self._last_backward, self.snapshot)
        self._sync_buffer_states()
        self.balance_layout()

    # Share of the window's width: editor/output, graph (+ player under it), inspector.
    COLUMN_SHARES = (0.35, 0.45, 0.20)

    def balance_layout(self) -> None:
        """Editor/output ~35%, graph ~45%, inspector ~20% of the width; graph ~60% of its column."""
        balance_columns(self, self.COLUMN_SHARES)
        self.fit_graph()

    def fit_graph(self) -> None:
        """Fit the whole graph into the canvas (its Fit button); no-op before the canvas exists."""
        canvas = self.graph_area.canvas
        view = getattr(canvas, "view", canvas)
        call_if_present(view, "fit_to_view")
        self._fitted_nodes = frozenset(self._index.nodes)

    def apply_fix(self, fix: str) -> bool:
        """Apply a suggested edit {"line", "find", "replace"} (JSON, from the player) as one undo step."""
        line = apply_text_fix(self.editor, fix)
        if line is None:
            return False
        self.status_label.setText(
            translate("MainWindow", "Changed line {line}: {code}").format(line=line, code=json.loads(fix)["replace"])
        )
        return True

    def apply_inspector_fix(self, fix: str) -> bool:
        """Insert the inspector's suggested code ({"code", "after_line"}) above the first backward()
        call after the tensor was created, as one undo step; the learner then re-runs the cell."""
        data = json.loads(fix)
        line = backward_line_after(self._last_backward, int(data["after_line"]))
        if line is None or not insert_line_before(self.editor, line, str(data["code"])):
            self.status_label.setText(
                translate("MainWindow", "No backward() call after that line to put {code} before").format(
                    code=data["code"]
                )
            )
            return False
        self.status_label.setText(
            translate("MainWindow", "Inserted {code} before line {line}: run the cell again").format(
                code=data["code"], line=line
            )
        )
        return True

    @property
    def snapshot(self) -> dict[str, Any] | None:
        return self._index.snapshot or None

    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        self._index = SnapshotIndex(snapshot)
        self.outline.set_snapshot(self._index)
        self.inspector.set_snapshot(self._index)
        if self.graph_area.canvas is not None:
            call_if_present(self.graph_area.canvas, "set_snapshot", snapshot)
        if self._selected and self._selected not in self._index.nodes:
            self.select_node(None)
        self.snapshot_changed.emit(snapshot)
        self._on_cursor_line(self.editor.current_line())

    # ----- selection -------------------------------------------------------------------------
    def select_node(self, node_id: str | None) -> None:
        node_id = node_id or None
        if node_id is not None and node_id not in self._index.nodes:
            return
        self._selected = node_id
        self.outline.select_node(node_id)
        self.inspector.show_node(node_id)
        if self.graph_area.canvas is not None:
            call_if_present(self.graph_area.canvas, "select_node", node_id)
        span = self._index.span(node_id) if node_id else None
        if span is not None:
            _cell, line, col, end_line, end_col = span
            self.editor.highlight_span(line, col, end_line, end_col)
        else:
            self.editor.clear_span_highlight()
        self.node_selected.emit(node_id or "")

    @property
    def selected_node(self) -> str | None:
        return self._selected

    def _on_cursor_line(self, line: int) -> None:
        ids = self._index.nodes_on_line(line) if self._index else []
        self.outline.highlight_nodes(ids)
        if self.graph_area.canvas is not None:
            call_if_present(self.graph_area.canvas, "highlight_nodes", ids)
        self.nodes_for_line.emit(ids)

    # ----- preferences, theme, language ------------------------------------------------------
    def show_preferences(self) -> None:
        values = PreferenceValues(self.prefs.theme, self.prefs.language, self.prefs.limits, self.prefs.animation_speed)
        dialog = PreferencesDialog(values, self)
        if dialog.exec():
            self.apply_preferences(dialog.values())

    def apply_preferences(self, values: PreferenceValues) -> None:
        if values.limits != self.prefs.limits:
            self.prefs.limits = values.limits
            self.runner.set_limits(worker_limits(values.limits))
        self.prefs.animation_speed = values.animation_speed
        self.set_theme(values.theme)
        self.set_language(values.language)

    def set_theme(self, choice: str) -> None:
        self.prefs.theme = choice
        theme_manager().apply(choice)
        self._sync_checked()

    def set_language(self, language: str) -> None:
        self.prefs.language = language
        language_switcher().apply(language)  # Qt sends LanguageChange to every widget
        self.inspector.language = language
        if self.player is not None:
            call_if_present(self.player, "set_language", language)
        self._sync_checked()

    def _sync_checked(self) -> None:
        for key, action in self.actions_.theme_actions.items():
            action.setChecked(key == theme_manager().choice)
        for key, action in self.actions_.language_actions.items():
            action.setChecked(key == language_switcher().language)

    def _apply_theme_to_views(self, theme: Theme) -> None:
        self.editor.set_theme(theme)
        self.output.set_theme(theme)
        self.outline.set_theme(theme)
        self.inspector.set_theme(theme)
        if self.graph_area.canvas is not None:
            call_if_present(self.graph_area.canvas, "set_theme", theme)

    def _retranslate(self) -> None:
        self.actions_.retranslate()
        self.inspector_dock.setWindowTitle(translate("MainWindow", "Inspector"))
        self.inspector_dock.toggleViewAction().setText(translate("MainWindow", "Inspector"))
        self.actions_.toolbar.setWindowTitle(translate("MainWindow", "Toolbar"))
        if not self.document_path and self._display_name:
            pass  # example/untitled names were built in the language of the moment they opened
        self._update_busy(self.runner.busy)
        self._update_position_label()
        self._sync_checked()

    def _update_position_label(self) -> None:
        cursor = self.editor.textCursor()
        cell = self.editor.current_cell()
        text = translate("MainWindow", "Ln {line}, Col {col}").format(
            line=cursor.blockNumber() + 1, col=cursor.positionInBlock() + 1
        )
        if cell is not None:
            text = translate("MainWindow", "Cell {index}").format(index=cell.index) + "  ·  " + text
        self.position_label.setText(text)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            translate("MainWindow", "About gradviz"),
            translate(
                "MainWindow",
                "gradviz makes PyTorch's autograd visible: type PyTorch-style code, "
                "see the autograd graph, and step through backward() node by node.",
            ),
        )

    # ----- Qt events -------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:  # the real size is known only now: split it, then fit the graph
            self._shown_once = True
            QTimer.singleShot(0, self.balance_layout)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.prefs.save_window_state(self.saveGeometry(), self.saveState())
        self.prefs.sync()
        if self.autosaver is not None:
            self.autosaver.stop()
            self.autosaver.discard()
        self.runner.shutdown()
        event.accept()

    def restore_layout(self) -> None:
        geometry, state = self.prefs.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def start_background_work(self) -> None:
        """After the first paint: start the worker process so the first run is quick."""
        QTimer.singleShot(0, self.runner.warm_up)
