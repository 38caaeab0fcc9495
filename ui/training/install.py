"""Put the TrainingPanel into the main window as a dock that appears when a loop is found.

The panel listens to the window's signals (``backward_calls_changed``, ``snapshot_changed``)
and drives the window's backward player; the window knows nothing about it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from ui.training.curve import CONTEXT
from ui.training.panel import TrainingPanel, all_iterations_tip

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)


class _DockTitle(QObject):
    """Re-sets the dock's title and the View menu's "All Iterations" when the language changes
    (docks get LanguageChange too)."""

    def __init__(self, dock: QDockWidget, all_iterations: QAction) -> None:
        super().__init__(dock)
        self._dock = dock
        self._all_iterations = all_iterations
        dock.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        self._dock.setWindowTitle(QCoreApplication.translate(CONTEXT, "Training loop"))
        self._all_iterations.setText(QCoreApplication.translate(CONTEXT, "All Iterations of a Loop"))
        self._all_iterations.setToolTip(all_iterations_tip())
        self._all_iterations.setStatusTip(all_iterations_tip())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._dock and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False


def _language() -> str:
    from ui.i18n import language_switcher

    return language_switcher().language


def install_training_panel(window: MainWindow) -> TrainingPanel | None:
    """Add the training dock under the inspector; hidden until a training loop is detected.

    Returns the panel, or None if it could not be installed (the window stays usable).
    """
    try:
        return _install(window)
    except Exception:  # logged; an optional dock must not keep the window from opening
        log.exception("training panel not installed")
        return None


def _install(window: MainWindow) -> TrainingPanel:
    panel = TrainingPanel(language=_language())
    dock = QDockWidget(window)
    dock.setObjectName("trainingDock")
    dock.setWidget(panel)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    # View > All Iterations of a Loop: the same switch as the panel's "All iterations" box.
    all_iterations = QAction(window)
    all_iterations.setObjectName("allIterationsAction")
    all_iterations.setCheckable(True)
    all_iterations.setEnabled(False)  # until a loop is found
    _DockTitle(dock, all_iterations)
    inspector = window.inspector_dock
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.splitDockWidget(inspector, dock, Qt.Orientation.Vertical)
    dock.hide()
    actions = window.actions_
    actions.view_menu.insertAction(actions.panels_anchor, dock.toggleViewAction())
    actions.view_menu.insertAction(actions.panels_anchor, all_iterations)

    panel.set_player(window.player)
    previous = {"loops": 0}

    def set_all_iterations(on: bool) -> None:
        """Draw a loop's kept iterations together, or one at a time; the panel, the View menu and
        the saved preference follow, and the canvas shows the current iteration's call that way."""
        panel.set_all_iterations(on)
        if all_iterations.isChecked() != on:
            all_iterations.blockSignals(True)
            all_iterations.setChecked(on)
            all_iterations.blockSignals(False)
        window.prefs.all_iterations = on
        window.running.set_iterations_merged(on)
        player = window.player
        call = panel.current_call
        if player is None or call is None:
            return
        if player.current_call != call:
            player.select_call(call)  # the window draws that call's graph, now merged or not
        else:
            graph = window.running.graph_of_call(call)
            if graph is not None and graph is not window.snapshot:
                window.set_snapshot(graph)
        window.fit_graph()  # a different picture: all of it in view

    merged = window.prefs.all_iterations
    panel.set_all_iterations(merged)
    all_iterations.setChecked(merged)
    window.running.set_iterations_merged(merged)
    panel.all_iterations_changed.connect(set_all_iterations)
    all_iterations.toggled.connect(set_all_iterations)

    def on_loops(count: int) -> None:
        all_iterations.setEnabled(count > 0)
        # Show the dock when a loop first appears, not on every run: a learner who closed it
        # keeps it closed until the loops go away and come back.
        if count and not previous["loops"]:
            dock.show()
            if inspector.isVisible():
                window.resizeDocks([inspector, dock], [3, 2], Qt.Orientation.Vertical)
        previous["loops"] = count

    def on_calls(calls: list[Any]) -> None:
        if panel.language != _language():
            panel.language = _language()
        panel.set_calls(calls)

    panel.loops_changed.connect(on_loops)
    # "Record it in full" on a summarised iteration: the same re-run as Run > Record Call in Full.
    panel.record_requested.connect(window.record_call_in_full)
    panel.records_calls = True
    window.snapshot_changed.connect(panel.set_snapshot)
    window.backward_calls_changed.connect(on_calls)
    panel.set_snapshot(window.snapshot)
    return panel
