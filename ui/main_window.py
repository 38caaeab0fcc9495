"""The gradviz main window: editor + output on the left, the graph area in the middle, the inspector
on the right; a toolbar and a status bar with the busy indicator and Cancel.

The window builds the views and routes state between them; the state with behaviour of its own
lives in controllers it owns: ``documents`` (the file, ui/window_documents.py) and ``running``
(cells, the session's graphs and backward calls, ui/window_running.py). The canvas and the player
are installed later (ui/extensions.py) and held by their Protocols (ui/protocols.py).

Selection is one id routed through :meth:`MainWindow.select_node`, whoever starts it (outline,
canvas, inspector link); the window then tells every view and emits ``node_selected``. Moving the
editor's caret emits ``nodes_for_line`` with the ids of the nodes created on that line.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEvent, QEventLoop, Qt, QTimer, Signal
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

from gradviz.graph.naming import localize_labels
from gradviz.language import language_for
from ui.editor import CodeEditor
from ui.graph_area import GraphArea
from ui.i18n import language_switcher
from ui.inspector import Inspector
from ui.outline import GraphOutline
from ui.output import OutputPanel
from ui.preferences import PreferencesDialog, PreferenceValues
from ui.protocols import BackwardPlayerView, GraphCanvas
from ui.record_call import CallRecording
from ui.runner import RunController
from ui.settings import Preferences
from ui.snapshot import SnapshotIndex
from ui.theme import Theme, theme_manager
from ui.tour import TourStep, WindowTour
from ui.window_actions import WindowActions, apply_text_fix, icon, insert_fix
from ui.window_documents import DocumentController
from ui.window_running import RunningController, worker_limits

__all__ = ["MainWindow", "worker_limits"]

translate = QCoreApplication.translate

CONTAINMENT_WAIT_MS = 30_000  # how long a run waits for a starting worker to say how it is contained


class MainWindow(QMainWindow):
    """The window and its views; files and runs are its controllers ``documents`` and ``running``."""

    node_selected = Signal(str)  # "" when the selection is cleared
    nodes_for_line = Signal(object)  # list[str]: nodes created on the editor's caret line
    snapshot_changed = Signal(object)  # dict | None
    # list[dict]: every backward call of the session, once the player has them (object: no Qt
    # conversion of big ints)
    backward_calls_changed = Signal(object)
    run_idle = Signal()

    # Share of the window's width: editor/output, graph (+ player under it), inspector.
    # The graph gets the largest share: it is what the learner came to see.
    COLUMN_SHARES = (0.29, 0.53, 0.18)
    MIN_EDITOR_WIDTH = 300  # below this the editor column clips code a learner types

    def __init__(
        self, prefs: Preferences | None = None, runner: RunController | None = None, autosave: bool = True
    ) -> None:
        super().__init__()
        self.prefs = prefs or Preferences()
        self.setObjectName("gradvizMainWindow")
        self.setWindowIcon(icon("gradviz"))
        self._index = SnapshotIndex(None)
        self._selected: str | None = None
        self._publishing = False  # the player's call_selected while it takes new calls is not a pick
        self.canvas: GraphCanvas | None = None
        self.player: BackwardPlayerView | None = None
        self._player_host: QScrollArea | None = None
        self._fitted_nodes: frozenset[str] = frozenset()  # the node ids the canvas was last fitted to
        self._shown_once = False
        self.tour: WindowTour | None = None

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
        # The inspector's longest row must not set the window's minimum width: at 1024 px the editor
        # and the graph need that room more (the inspector's rows elide and scroll instead).
        self.inspector.setMinimumWidth(160)
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
        self.running = RunningController(self.editor, self.output, self.runner, parent=self)
        # "Call #137 was kept as a summary": Run > Record Call in Full runs again and keeps it.
        self.call_recording = CallRecording(self.runner, self.running, parent=self)
        self._selected_call = -1
        self.documents = DocumentController(self, self.editor, self.prefs, self.actions_, autosave=autosave)
        self._connect()
        self._apply_theme_to_views(theme_manager().theme)
        self._show_busy(False)
        self._retranslate()
        self.resize(1440, 900)
        self._split_columns()

    # ----- construction helpers ---------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel()
        self.position_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: cells have no known length
        self.progress.setFixedWidth(120)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setDefaultAction(self.actions_.cancel)
        self.cancel_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # Says when the worker is not contained by the operating system (empty when it is).
        self.containment_label = QLabel()
        self.containment_label.setObjectName("containmentLabel")
        self.containment_label.hide()
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.containment_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.position_label)

    def _connect(self) -> None:
        a = self.actions_
        documents, running = self.documents, self.running
        a.new.triggered.connect(documents.new_document)
        a.open.triggered.connect(lambda: documents.open_dialog())
        a.save.triggered.connect(lambda: documents.save())
        a.save_as.triggered.connect(lambda: documents.save_as())
        a.quit.triggered.connect(self.close)
        a.preferences.triggered.connect(self.show_preferences)
        a.run_cell.triggered.connect(lambda: self._run_if_allowed(lambda: running.run_current(advance=False)))
        a.run_advance.triggered.connect(lambda: self._run_if_allowed(lambda: running.run_current(advance=True)))
        a.run_all.triggered.connect(lambda: self._run_if_allowed(running.run_all))
        a.cancel.triggered.connect(running.cancel)
        a.restart.triggered.connect(running.restart_session)
        a.record_call.triggered.connect(lambda: self.record_call_in_full(self._selected_call))
        self.call_recording.status_message.connect(self.status_label.setText)
        self.call_recording.call_ready.connect(lambda i: self.player.select_call(i) if self.player else None)
        a.about.triggered.connect(self._about)
        a.tour.triggered.connect(self.show_tour)
        a.theme_group.triggered.connect(lambda action: self.set_theme(str(action.data())))
        a.language_group.triggered.connect(lambda action: self.set_language(str(action.data())))

        self.editor.run_cell_requested.connect(lambda i: self._run_if_allowed(lambda: running.run_cell(i)))
        self.editor.run_cell_and_advance_requested.connect(
            lambda i: self._run_if_allowed(lambda: running.run_cell_and_advance(i))
        )
        self.editor.run_all_requested.connect(lambda: self._run_if_allowed(running.run_all))
        self.editor.cursor_line_changed.connect(self._on_cursor_line)
        self.editor.cursorPositionChanged.connect(self._update_position_label)
        self.output.line_activated.connect(self.editor.goto_line)
        self.outline.node_selected.connect(self.select_node)
        self.inspector.node_activated.connect(self.select_node)
        self.inspector.line_activated.connect(self.editor.goto_line)
        self.inspector.fix_requested.connect(self.apply_inspector_fix)

        documents.status_message.connect(self.status_label.setText)
        documents.document_replaced.connect(running.clear_results)
        running.status_message.connect(self.status_label.setText)
        running.busy_changed.connect(self._show_busy)
        running.graph_changed.connect(self.set_snapshot)
        running.backward_calls_changed.connect(self._publish_backward_calls)
        self.runner.idle.connect(self._refit_if_graph_changed)
        self.runner.idle.connect(self.run_idle)
        self.runner.idle.connect(self.show_containment)
        theme_manager().changed.connect(self._apply_theme_to_views)

    # ----- canvas and player slots -----------------------------------------------------------
    def set_graph_widget(self, canvas: GraphCanvas) -> None:
        """Install the graph canvas (a QWidget) as the graph area's first tab."""
        if not isinstance(canvas, QWidget):
            raise TypeError(f"the graph canvas must be a QWidget, not {type(canvas).__name__}")
        self.graph_area.set_graph_widget(canvas)
        self.canvas = canvas
        canvas.node_selected.connect(self.select_node)
        canvas.running_node_changed.connect(self._follow_running_node)
        canvas.set_theme(theme_manager().theme)
        canvas.set_snapshot(self.snapshot)
        canvas.select_node(self._selected)

    def set_player_widget(self, player: BackwardPlayerView) -> None:
        """Put the backward player (a QWidget) under the graph area; it drives the canvas itself."""
        if not isinstance(player, QWidget):
            raise TypeError(f"the backward player must be a QWidget, not {type(player).__name__}")
        if self._player_host is None:
            # A scroll area, so content that grows wide (many buffer chips) scrolls instead of
            # squeezing the editor column.
            self._player_host = QScrollArea()
            self._player_host.setWidgetResizable(True)
            self._player_host.setFrameShape(QScrollArea.Shape.NoFrame)
            self.graph_column.addWidget(self._player_host)
        elif self.player is not None:
            old = self._player_host.takeWidget()
            if old is not None:
                old.setParent(None)
        self.player = player
        self._player_host.setWidget(player)
        player.call_selected.connect(self._show_graph_of_call)
        player.call_selected.connect(self._offer_full_recording)
        player.step_changed.connect(self._sync_buffer_states)
        player.apply_fix_requested.connect(self.apply_fix)
        self.graph_column.setStretchFactor(0, 3)
        self.graph_column.setStretchFactor(1, 2)
        player.set_source(self.editor.toPlainText())
        player.set_cell_graphs(self.running.cell_graphs)
        player.set_calls(self.running.backward_calls, self.running.replay_graph(self.snapshot))
        self._sync_buffer_states()
        self.balance_layout()

    def _follow_running_node(self, node_id: str) -> None:
        """During playback the inspector (and the editor's span mark) follow the running node;
        the selection stays the learner's."""
        if not node_id or node_id not in self._index.nodes:
            return
        self.inspector.show_node(node_id)
        span = self._index.span(node_id)
        if span is not None:
            _cell, line, col, end_line, end_col = span
            self.editor.highlight_span(line, col, end_line, end_col)

    def _publish_backward_calls(self, calls: list[dict[str, Any]]) -> None:
        """The session's backward calls changed: the player replays them on the graph each call's
        cell left behind; then whoever else listens (training panel, export) hears of them."""
        self._publishing = True
        try:
            if self.player is not None:
                self.player.set_source(self.editor.toPlainText())
                self.player.set_cell_graphs(self.running.cell_graphs)
                self.player.set_calls(calls, self.running.replay_graph(self.snapshot))
                self._sync_buffer_states()
            self.backward_calls_changed.emit(calls)
        finally:
            self._publishing = False

    def _show_graph_of_call(self, index: int) -> None:
        """A backward call picked in the player plays on the graph as it was after its cell ran
        (a later cell may have rebound the names or built a new graph)."""
        if self._publishing:
            return
        graph = self.running.graph_of_call(index)
        if graph is not None and graph is not self._index.snapshot:
            self.set_snapshot(graph)

    def _sync_buffer_states(self, _step: int | None = None) -> None:
        """The inspector shows saved buffers and leaves' .grad as they are at the player's step
        (alive until the step that frees them; None or the previous .grad until the call's
        AccumulateGrad runs), or as the snapshot has them when no call is selected."""
        self.inspector.set_buffer_states(self.player.buffer_states() if self.player is not None else None)
        self.inspector.set_grad_states(self.player.grad_states() if self.player is not None else None)

    # ----- layout ----------------------------------------------------------------------------
    def balance_layout(self) -> None:
        """Editor/output, graph and inspector by COLUMN_SHARES; the canvas ~2/3 of the graph column."""
        self._split_columns()
        self.fit_graph()

    def _split_columns(self) -> None:
        """Split the width by COLUMN_SHARES, and the graph column between canvas and player.

        The dock takes its share through resizeDocks; the central splitter gets the rest in the
        ratio of the first two shares, so the three add up whether or not the dock is visible.
        """
        left_share, graph_share, dock_share = self.COLUMN_SHARES
        dock_visible = self.inspector_dock.isVisible() or not self.isVisible()
        dock = int(self.width() * dock_share) if dock_visible else 0
        if dock_visible:
            self.resizeDocks([self.inspector_dock], [dock], Qt.Orientation.Horizontal)
        central = max(400, self.width() - dock)
        left = int(central * left_share / (left_share + graph_share))
        left = min(max(left, self.MIN_EDITOR_WIDTH), central // 2)
        self.splitter.setSizes([left, central - left])
        if self.player is not None:
            height = max(300, self.graph_column.height() or self.height() - 120)
            canvas = int(height * 0.66)
            self.graph_column.setSizes([canvas, height - canvas])

    def fit_graph(self) -> None:
        """Fit the whole graph into the canvas (its Fit button); no-op before the canvas exists."""
        if self.canvas is not None:
            self.canvas.fit_to_view()
        self._fitted_nodes = frozenset(self._index.nodes)

    def _refit_if_graph_changed(self) -> None:
        """After a run, fit the canvas when the run changed which nodes exist (a new graph to see);
        a re-run that leaves the graph alone keeps the learner's zoom and scroll."""
        if frozenset(self._index.nodes) != self._fitted_nodes:
            self.fit_graph()

    # ----- suggested edits -------------------------------------------------------------------
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
        """Insert the inspector's suggested code ({"code", "name", "after_line"}) right below the
        statement that made the tensor, as one undo step; the learner then runs it again."""
        code = json.loads(fix).get("code", "")
        line = insert_fix(self.editor, fix)
        if line is None:
            self.status_label.setText(
                translate("MainWindow", "The script changed: no certain place for {code} any more").format(code=code)
            )
            return False
        self.status_label.setText(
            translate("MainWindow", "Inserted {code} as line {line}: run the code from there again").format(
                code=code, line=line
            )
        )
        return True

    # ----- snapshot and selection ------------------------------------------------------------
    @property
    def snapshot(self) -> dict[str, Any] | None:
        return self._index.snapshot or None

    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        localize_labels(snapshot, language_for(language_switcher().language).text)
        self._show_snapshot(snapshot)
        if self._selected and self._selected not in self._index.nodes:
            self.select_node(None)
        self.snapshot_changed.emit(snapshot)
        self._on_cursor_line(self.editor.current_line())

    def _show_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        self._index = SnapshotIndex(snapshot)
        self.outline.set_snapshot(self._index)
        self.inspector.set_snapshot(self._index)
        if self.canvas is not None:
            self.canvas.set_snapshot(snapshot)

    def select_node(self, node_id: str | None) -> None:
        node_id = node_id or None
        if node_id is not None and node_id not in self._index.nodes:
            return
        self._selected = node_id
        self.outline.select_node(node_id)
        self.inspector.show_node(node_id)
        if self.canvas is not None:
            self.canvas.select_node(node_id)
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
        if self.canvas is not None:
            self.canvas.highlight_nodes(ids)
        self.nodes_for_line.emit(ids)

    def record_call_in_full(self, index: int) -> None:
        """Run the script again keeping backward call ``index`` (kept only as a summary) in full."""
        self._run_if_allowed(lambda: self.call_recording.record(index))

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
        # The player may hold a pace the dialog cannot show ("whole call in 5 s"): only a speed the
        # learner changed in the dialog replaces it.
        if values.animation_speed != self.prefs.animation_speed:
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
        # The labels "output of model.0" are the graphs' own text: retitled before anything redraws.
        lang = language_for(language).text
        kept = self.running.localize_labels(lang)  # the graphs the player and the calls draw
        snapshot = self.snapshot
        if localize_labels(snapshot, lang) or kept:
            self._show_snapshot(snapshot)
        if self.player is not None:
            self.player.set_language(language)
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
        if self.canvas is not None:
            self.canvas.set_theme(theme)

    # ----- containment -----------------------------------------------------------------------
    def worker_contained(self) -> bool:
        """True when the worker said the operating system contains it."""
        return bool(getattr(self.runner.containment, "active", False))

    def show_containment(self) -> None:
        """Where the worker could not be contained, the status bar says so (with the reason)."""
        state = self.runner.containment
        if state is None or getattr(state, "active", False):
            self.containment_label.hide()
            return
        self.containment_label.setText(translate("MainWindow", "⚠ Code is not contained"))
        self.containment_label.setToolTip(
            translate(
                "MainWindow",
                "The operating system cannot contain the code gradviz runs ({reason}); files opened "
                "from disk run only after you confirm.",
            ).format(reason=str(getattr(state, "reason", "")) or translate("MainWindow", "unknown reason"))
        )
        self.containment_label.show()

    def _offer_full_recording(self, index: int) -> None:
        """A call kept only as a summary is selected: Run > Record Call in Full can bring it in full."""
        self._selected_call = index
        can = self.call_recording.can_record(index)
        self.actions_.record_call.setEnabled(can)
        if can:
            self.status_label.setText(
                translate(
                    "MainWindow",
                    "Call #{n} was kept as a summary: Run ▸ Record Call in Full runs the script again and keeps it",
                ).format(n=index + 1)
            )

    def _run_if_allowed(self, run: Any) -> None:
        """Typed code always runs; a file opened from disk runs uncontained only once confirmed."""
        if self.documents.needs_confirmation and self.runner.containment is None:
            self._wait_for_containment()
        self.show_containment()
        if self.documents.confirm_run(self.worker_contained()):
            run()

    def _wait_for_containment(self, timeout_ms: int = CONTAINMENT_WAIT_MS) -> None:
        """The worker says how it is contained once it has started (it warms up at launch, so
        this is rare): before asking about an opened file, give it that moment, events flowing."""
        self.runner.warm_up()
        loop = QEventLoop()
        deadline = QDeadlineTimer(timeout_ms)
        poll = QTimer(loop)
        poll.setInterval(25)
        poll.timeout.connect(
            lambda: loop.quit() if self.runner.containment is not None or deadline.hasExpired() else None
        )
        poll.start()
        loop.exec()
        poll.stop()

    # ----- status bar ------------------------------------------------------------------------
    def _show_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.actions_.cancel.setEnabled(busy)
        if not busy:
            self.status_label.setText(self.running.ready_text())

    def _update_position_label(self) -> None:
        cursor = self.editor.textCursor()
        cell = self.editor.current_cell()
        text = translate("MainWindow", "Ln {line}, Col {col}").format(
            line=cursor.blockNumber() + 1, col=cursor.positionInBlock() + 1
        )
        if cell is not None:
            text = translate("MainWindow", "Cell {index}").format(index=cell.index) + "  ·  " + text
        self.position_label.setText(text)

    def _retranslate(self) -> None:
        # An example's or an untitled document's name keeps the language it was opened in.
        self.actions_.retranslate()
        self.inspector_dock.setWindowTitle(translate("MainWindow", "Inspector"))
        self.inspector_dock.toggleViewAction().setText(translate("MainWindow", "Inspector"))
        self.actions_.toolbar.setWindowTitle(translate("MainWindow", "Toolbar"))
        self.show_containment()
        self._show_busy(self.running.busy)
        self._update_position_label()
        self._sync_checked()

    def show_tour(self) -> WindowTour:
        """Help -> Tour of the Window: editor, graph, player, inspector, one step each."""
        if self.tour is None:
            self.tour = WindowTour(
                self,
                [
                    TourStep("editor", lambda: self.editor),
                    TourStep("graph", lambda: self.graph_area),
                    TourStep("player", lambda: self._player_host),
                    TourStep("inspector", lambda: self.inspector_dock),
                ],
            )
        self.tour.start()
        return self.tour

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
        if not self.documents.maybe_save():
            event.ignore()
            return
        self.prefs.save_window_state(self.saveGeometry(), self.saveState())
        self.prefs.sync()
        self.documents.stop_autosave()
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
