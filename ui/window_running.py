"""Running cells from the main window: jobs for the runner, results into the editor and output,
and the session's results (each cell's graph, every backward call) for the graph views.

MainWindow (ui/main_window.py) owns one :class:`RunningController` as ``window.running``. The
controller knows the editor, the output panel and the background runner; what the graph views
show it announces by signals (``graph_changed``, ``backward_calls_changed``), which the window
routes to the outline, inspector, canvas and player.

Re-running a cell retires what its previous run left behind: its backward calls leave the player,
graph nodes its previous run made that are still reachable (a name the failed re-run did not get
to rebind, a later cell's tensor built from them) are marked ``"stale": true`` in every snapshot
the views get (the canvas dims them), and later cells that ran before it changed keep their output
marked "ran before cell N changed", their backward calls marked ``"stale_since": N``, until they
run again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from gradviz.backward.training import TrainingLoop, detect_loops, iteration_graph
from gradviz.graph.naming import localize_labels
from gradviz.language import language_for
from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult
from ui.editor import CodeEditor
from ui.i18n import language_switcher
from ui.output import OutputPanel
from ui.runner import CellJob, RunBatch, RunController
from ui.settings import RunnerLimits

translate = QCoreApplication.translate


def worker_limits(limits: RunnerLimits) -> Limits:
    """The worker's Limits for the user's preferences."""
    return Limits(wall_time_s=limits.time_s, max_tensor_elements=limits.max_elements)


class RunningController(QObject):
    """Run, cancel and restart; what a finished cell changes; the session's graphs and calls."""

    status_message = Signal(str)
    busy_changed = Signal(bool)
    graph_changed = Signal(object)  # dict | None: the graph a cell left behind, None after a reset
    # list[dict]: every backward call of the session, in run order (object: no Qt conversion of big ints)
    backward_calls_changed = Signal(object)

    def __init__(
        self, editor: CodeEditor, output: OutputPanel, runner: RunController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._editor = editor
        self._output = output
        self._runner = runner
        self._busy_since = 0.0
        self._backward_calls: list[dict[str, Any]] = []  # every backward call of the session so far
        self._calls_by_cell: dict[int, list[dict[str, Any]]] = {}  # in run order (re-run moves last)
        self._graphs_by_cell: dict[int, dict[str, Any]] = {}
        self._ran: set[int] = set()  # cells that ran in this session (their results are on screen)
        self._stale_since: dict[int, int] = {}  # later cell -> the earlier cell that changed after it ran
        self._seen_ids: set[str] = set()  # graph ids of every snapshot so far (ids are never reused)
        self._stale_ids: set[str] = set()  # graph nodes made by runs that a re-run retired
        self._loops: list[TrainingLoop] = []  # the training loops among the backward calls
        # call index -> (the cell graph it was cut from, what the call draws)
        self._call_graphs: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._iterations_merged = False  # draw a loop's kept iterations together, as its cell left them
        runner.cell_started.connect(self._on_cell_started)
        runner.cell_finished.connect(self._on_cell_finished)
        runner.busy_changed.connect(self._on_busy_changed)
        runner.client_failed.connect(self._on_client_failed)

    # ----- the session's results ---------------------------------------------------------------
    @property
    def backward_calls(self) -> list[dict[str, Any]]:
        """Every backward call of the session (trace dicts), cell by cell in run order."""
        return self._backward_calls

    @property
    def cell_graphs(self) -> Mapping[int, dict[str, Any]]:
        """The graph snapshot each cell left behind (cell index -> snapshot)."""
        return self._graphs_by_cell

    def localize_labels(self, lang: str) -> bool:
        """Title every kept graph's layer-made values in ``lang`` ("output of model.0"), in place
        (each call's drawing too, cut from its cell's graph); True if any label changed."""
        graphs = [*self._graphs_by_cell.values(), *(shown for _, shown in self._call_graphs.values())]
        changed = [localize_labels(graph, lang) for graph in graphs]
        return any(changed)

    def stale_since(self, cell: int) -> int | None:
        """The earlier cell that was re-run after ``cell`` ran (so its results may be out of date)."""
        return self._stale_since.get(cell)

    def graph_of_call(self, index: int) -> dict[str, Any] | None:
        """The graph backward call ``index`` ran on; None if unknown.

        An iteration of a training loop draws its own graph (gradviz.backward.training.iteration_graph):
        one iteration, the parameters one node each; an iteration kept only as a summary draws
        nothing (an empty graph saying so in ``graph.iteration``) rather than another iteration's.
        With set_iterations_merged(True) it draws its cell's whole graph instead: every kept
        iteration together.
        Any other call draws the graph as it was after its cell ran (a later cell may have rebound
        the names or built a new graph).
        """
        if not 0 <= index < len(self._backward_calls):
            return None
        cell = self._backward_calls[index].get("cell")
        graph = self._graphs_by_cell.get(cell) if isinstance(cell, int) else None
        if graph is None:
            return None
        cached = self._call_graphs.get(index)
        if cached is not None and cached[0] is graph:
            return cached[1]  # the same object again: the window redraws nothing
        shown = self._iteration_graph(index, graph)
        self._call_graphs[index] = (graph, shown)
        return shown

    @property
    def iterations_merged(self) -> bool:
        """Whether a loop's iteration draws every kept iteration together (the cell's whole graph)."""
        return self._iterations_merged

    def set_iterations_merged(self, merged: bool) -> None:
        """Draw a training loop's iterations one at a time (the default) or all kept ones together:
        then graph_of_call gives every call its cell's whole graph, as before loops were cut, and
        the player replays the chosen iteration on it. The caller redraws (graph_of_call again)."""
        if merged != self._iterations_merged:
            self._iterations_merged = merged
            self._call_graphs.clear()

    def replay_graph(self, shown: dict[str, Any] | None) -> dict[str, Any] | None:
        """The graph the player replays calls on while ``shown`` is drawn: the cell's whole graph
        when ``shown`` is one iteration cut from it (every kept iteration's nodes, so the rules,
        names and badges of any call find theirs), else ``shown`` itself."""
        for cell_graph, cut in self._call_graphs.values():
            if cut is shown:
                return cell_graph
        return shown

    def _iteration_graph(self, index: int, graph: dict[str, Any]) -> dict[str, Any]:
        if self._iterations_merged:
            return graph
        found = iteration_graph(graph, self._backward_calls, index, self._loops)
        if found is None:
            return graph
        if found.snapshot is not None:
            return found.snapshot
        about = {"loop": found.loop, "index": found.iteration, "count": found.count, "nearest": found.nearest}
        return {
            "directed": True,
            "multigraph": True,
            "graph": {**(graph.get("graph") or {}), "iteration": {**about, "summarized": found.summarized}},
            "nodes": [],
            "links": [],
        }

    def _graph_after_run(self, index: int, graph: dict[str, Any]) -> dict[str, Any]:
        """What cell ``index``'s run shows: the player then selects the session's last call, so
        when that is an iteration of a loop this cell ran, its own graph; else the cell's."""
        last = len(self._backward_calls) - 1
        if last < 0 or self._backward_calls[last].get("cell") != index:
            return graph
        shown = self.graph_of_call(last)
        return shown if shown is not None and shown.get("nodes") else graph

    # ----- running -----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._runner.busy

    def run_cell(self, index: int) -> None:
        job = self._job(index)
        if job is None:
            return
        self._submit([job])

    def run_cell_and_advance(self, index: int) -> None:
        self.run_cell(index)
        self._editor.advance_to_next_cell(index)

    def run_current(self, advance: bool) -> None:
        """Run the cell under the caret (and move to the next one when ``advance``)."""
        cell = self._editor.current_cell()
        if cell is None:
            return
        (self.run_cell_and_advance if advance else self.run_cell)(cell.index)

    def run_all(self) -> None:
        jobs = [job for c in self._editor.cells if (job := self._job(c.index))]
        if jobs:
            self._output.clear_all()
            self._editor.clear_error_markers()
            self._submit(jobs)

    def cancel(self) -> None:
        if self._runner.busy:
            self.status_message.emit(translate("MainWindow", "Cancelling…"))
            self._runner.cancel()

    def restart_session(self) -> None:
        self._runner.reset()
        self._output.clear_all()
        self._output.show_message(translate("MainWindow", "Session restarted: all variables were cleared."))
        self._editor.clear_error_markers()
        self._forget_results()

    def clear_results(self) -> None:
        """The editor holds another document: drop the output, error marks, graphs and calls."""
        self._output.clear_all()
        self._editor.clear_error_markers()
        self._forget_results()

    def ready_text(self) -> str:
        """The status bar's text while idle: how long the last run took, if there was one."""
        if self._busy_since:
            elapsed = time.perf_counter() - self._busy_since
            return translate("MainWindow", "Ready ({seconds:.2f} s)").format(seconds=elapsed)
        return translate("MainWindow", "Ready")

    # ----- internals ---------------------------------------------------------------------------
    def _job(self, index: int) -> CellJob | None:
        cell = self._editor.cell_by_index(index)
        if cell is None or not cell.is_code:
            return None
        return CellJob(cell.index, cell.source, cell.first_line, cell.title)

    def _earlier(self, index: int) -> list[CellJob]:
        return [job for c in self._editor.cells if c.index < index and (job := self._job(c.index))]

    def _submit(self, jobs: list[CellJob]) -> None:
        for job in jobs:
            self._editor.clear_error_markers(job.index)
        self._runner.run(RunBatch(jobs, self._earlier(jobs[0].index)))

    def _forget_results(self) -> None:
        self.graph_changed.emit(None)
        self._calls_by_cell.clear()
        self._graphs_by_cell.clear()
        self._ran.clear()
        self._stale_since.clear()
        self._seen_ids.clear()
        self._stale_ids.clear()
        self._publish_backward_calls()

    def _retire_previous_run(self, index: int) -> None:
        """Cell ``index`` ran again: later cells that ran before it are now out of date."""
        for later in sorted(c for c in self._ran if c > index):
            if later not in self._stale_since:
                self._stale_since[later] = index
                self._output.mark_stale(
                    later, translate("MainWindow", "ran before cell {cell} changed").format(cell=index)
                )

    def _mark_stale_nodes(self, index: int, graph: dict[str, Any]) -> dict[str, Any]:
        """The snapshot with ``"stale": true`` on nodes an earlier run of this cell, or of a cell
        now out of date, made (they existed before this run); every stored graph is re-marked."""
        sources = {index, *self._stale_since}
        for node in graph.get("nodes", []):
            span = node.get("span")
            if node.get("id") in self._seen_ids and span and span[0] in sources:
                self._stale_ids.add(str(node["id"]))
        self._seen_ids.update(str(n.get("id")) for n in graph.get("nodes", []))
        for cell, stored in list(self._graphs_by_cell.items()):
            self._graphs_by_cell[cell] = self._with_stale(stored)
        return self._with_stale(graph)

    def _with_stale(self, graph: dict[str, Any]) -> dict[str, Any]:
        nodes = graph.get("nodes", [])
        if all(bool(n.get("stale")) == (n.get("id") in self._stale_ids) for n in nodes):
            return graph  # unchanged: keep the object, so the views see the same snapshot
        marked = [{**n, "stale": n.get("id") in self._stale_ids} for n in nodes]
        return {**graph, "nodes": marked}

    def _on_cell_started(self, index: int, replay: bool) -> None:
        cell = self._editor.cell_by_index(index)
        self._output.cell_started(index, cell.title if cell else "")
        if replay:
            self.status_message.emit(
                translate("MainWindow", "Session restarted: re-running cell {index}…").format(index=index)
            )
        else:
            self.status_message.emit(translate("MainWindow", "Running cell {index}…").format(index=index))

    def _on_cell_finished(self, result: CellResult, replay: bool) -> None:
        cell = self._editor.cell_by_index(result.index)
        self._output.show_result(result, cell.title if cell else "", rerun=replay)
        error = result.error
        if error is not None and error.line is not None:
            self._editor.add_error_marker(error.line, error.col, error.headline, cell=result.index)
        if not replay:
            self._stale_since.pop(result.index, None)  # it ran again: up to date
            self._retire_previous_run(result.index)
        self._ran.add(result.index)
        graph = None
        if result.graph is not None:
            graph = self._mark_stale_nodes(result.index, result.graph)
            localize_labels(graph, language_for(language_switcher().language).text)
            self._graphs_by_cell[result.index] = graph
        # the calls of its previous run are retired: the player replays only this run's
        self._calls_by_cell.pop(result.index, None)
        if result.backward_calls:
            self._calls_by_cell[result.index] = list(result.backward_calls)
        self._collect_backward_calls()
        if graph is not None:
            self.graph_changed.emit(self._graph_after_run(result.index, graph))
        self.backward_calls_changed.emit(self._backward_calls)

    def _publish_backward_calls(self) -> None:
        self._collect_backward_calls()
        self.backward_calls_changed.emit(self._backward_calls)

    def _collect_backward_calls(self) -> None:
        # A call of a cell that ran before an earlier cell changed says so (the player marks it).
        self._backward_calls = [
            {**call, "stale_since": self._stale_since[cell]} if cell in self._stale_since else call
            for cell, calls in self._calls_by_cell.items()
            for call in calls
        ]
        self._loops = detect_loops(self._backward_calls)
        self._call_graphs.clear()

    def _on_client_failed(self, message: str) -> None:
        self.status_message.emit(translate("MainWindow", "The code runner failed: {error}").format(error=message))

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_since = time.perf_counter()
        self.busy_changed.emit(busy)
