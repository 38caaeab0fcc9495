"""Running cells from the main window: jobs for the runner, results into every view, and the
backward calls published to the player and the canvas (each call with the graph it ran on).

A mixin of MainWindow (ui/main_window.py), which owns the widgets named below.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QProgressBar, QToolButton, QWidget

from gradviz.runner.results import CellResult
from ui.editor import CodeEditor
from ui.graph_area import GraphArea, call_if_present
from ui.inspector import Inspector
from ui.output import OutputPanel
from ui.runner import CellJob, RunBatch, RunController
from ui.settings import RunnerLimits
from ui.snapshot import SnapshotIndex
from ui.window_actions import WindowActions

translate = QCoreApplication.translate


def worker_limits(limits: RunnerLimits) -> Any:
    """The worker's Limits object for the user's preferences (gradviz.runner.limits is stdlib-only)."""
    from gradviz.runner.limits import Limits

    return Limits(wall_time_s=limits.time_s, max_tensor_elements=limits.max_elements)


class WindowRunning:
    """Run, cancel and restart; what a finished cell changes in the window."""

    editor: CodeEditor
    output: OutputPanel
    inspector: Inspector
    graph_area: GraphArea
    runner: RunController
    actions_: WindowActions
    status_label: QLabel
    progress: QProgressBar
    cancel_button: QToolButton
    player: QWidget | None
    _index: SnapshotIndex
    _busy_since: float
    _last_backward: list[dict[str, Any]]
    _calls_by_cell: dict[int, list[dict[str, Any]]]
    _graphs_by_cell: dict[int, dict[str, Any]]
    _publishing: bool
    _fitted_nodes: frozenset[str]
    backward_calls_changed: Any  # Signal(object), declared on MainWindow
    set_snapshot: Callable[[dict[str, Any] | None], None]  # MainWindow's
    fit_graph: Callable[[], None]  # MainWindow's

    def _job(self, index: int) -> CellJob | None:
        cell = self.editor.cell_by_index(index)
        if cell is None or not cell.is_code:
            return None
        return CellJob(cell.index, cell.source, cell.first_line, cell.title)

    def _earlier(self, index: int) -> list[CellJob]:
        return [job for c in self.editor.cells if c.index < index and (job := self._job(c.index))]

    def run_cell(self, index: int) -> None:
        job = self._job(index)
        if job is None:
            return
        self._submit([job])

    def run_cell_and_advance(self, index: int) -> None:
        self.run_cell(index)
        self.editor.advance_to_next_cell(index)

    def _run_current(self, advance: bool) -> None:
        cell = self.editor.current_cell()
        if cell is None:
            return
        (self.run_cell_and_advance if advance else self.run_cell)(cell.index)

    def run_all(self) -> None:
        jobs = [job for c in self.editor.cells if (job := self._job(c.index))]
        if jobs:
            self.output.clear_all()
            self.editor.clear_error_markers()
            self._submit(jobs)

    def _submit(self, jobs: list[CellJob]) -> None:
        for job in jobs:
            self.editor.clear_error_markers(job.index)
        self.runner.run(RunBatch(jobs, self._earlier(jobs[0].index)))

    def cancel_run(self) -> None:
        if self.runner.busy:
            self.status_label.setText(translate("MainWindow", "Cancelling…"))
            self.runner.cancel()

    def restart_session(self) -> None:
        self.runner.reset()
        self.output.clear_all()
        self.output.show_message(translate("MainWindow", "Session restarted: all variables were cleared."))
        self.editor.clear_error_markers()
        self.set_snapshot(None)
        self._calls_by_cell.clear()
        self._graphs_by_cell.clear()
        self._publish_backward_calls()

    def _on_cell_started(self, index: int, replay: bool) -> None:
        cell = self.editor.cell_by_index(index)
        self.output.cell_started(index, cell.title if cell else "")
        if replay:
            self.status_label.setText(
                translate("MainWindow", "Session restarted: re-running cell {index}…").format(index=index)
            )
        else:
            self.status_label.setText(translate("MainWindow", "Running cell {index}…").format(index=index))

    def _on_cell_finished(self, result: CellResult, replay: bool) -> None:
        cell = self.editor.cell_by_index(result.index)
        self.output.show_result(result, cell.title if cell else "", rerun=replay)
        error = result.error
        if error is not None and error.line is not None:
            self.editor.add_error_marker(error.line, error.col, error.headline, cell=result.index)
        if result.graph is not None:
            self.set_snapshot(result.graph)
            self._graphs_by_cell[result.index] = result.graph
        self._calls_by_cell.pop(result.index, None)
        if result.backward_calls:
            self._calls_by_cell[result.index] = list(result.backward_calls)
        self._publish_backward_calls()

    def _show_graph_of_call(self, index: int) -> None:
        """A backward call picked in the player plays on the graph as it was after its cell ran
        (a later cell may have rebound the names or built a new graph)."""
        if self._publishing or not 0 <= index < len(self._last_backward):
            return
        graph = self._graphs_by_cell.get(self._last_backward[index].get("cell"))
        if graph is not None and graph is not self._index.snapshot:
            self.set_snapshot(graph)

    def _publish_backward_calls(self) -> None:
        self._publishing = True
        try:
            self._publish_calls()
        finally:
            self._publishing = False

    def _publish_calls(self) -> None:
        self._last_backward = [call for calls in self._calls_by_cell.values() for call in calls]
        if self.graph_area.canvas is not None:
            call_if_present(self.graph_area.canvas, "set_backward_calls", self._last_backward)
        if self.player is not None:
            call_if_present(self.player, "set_source", self.editor.toPlainText())
            call_if_present(self.player, "set_cell_graphs", self._graphs_by_cell)
            call_if_present(self.player, "set_calls", self._last_backward, self.snapshot)
            self._sync_buffer_states()
        self.backward_calls_changed.emit(self._last_backward)

    def _refit_if_graph_changed(self) -> None:
        """After a run, fit the canvas when the run changed which nodes exist (a new graph to see);
        a re-run that leaves the graph alone keeps the learner's zoom and scroll."""
        if frozenset(self._index.nodes) != self._fitted_nodes:
            self.fit_graph()

    def _on_client_failed(self, message: str) -> None:
        self.status_label.setText(translate("MainWindow", "The code runner failed: {error}").format(error=message))

    def _update_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.actions_.cancel.setEnabled(busy)
        if busy:
            self._busy_since = time.perf_counter()
        else:
            if self._busy_since:
                elapsed = time.perf_counter() - self._busy_since
                self.status_label.setText(translate("MainWindow", "Ready ({seconds:.2f} s)").format(seconds=elapsed))
            else:
                self.status_label.setText(translate("MainWindow", "Ready"))

    def _sync_buffer_states(self, _step: int | None = None) -> None:
        """The inspector shows saved buffers as they are at the player's step (alive until the
        step that frees them), or as the snapshot has them when no call is selected."""
        states = getattr(self.player, "buffer_states", None)
        self.inspector.set_buffer_states(states() if callable(states) else None)
