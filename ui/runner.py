"""Runs cells in gradviz.runner.worker.SessionClient from a background QThread so the window never blocks.

The controller (GUI thread) queues batches of cells; the executor (worker thread) owns the client
and calls its blocking ``run_cell`` one cell at a time. ``cancel()`` goes straight to the client,
which is thread-safe, so a runaway ``while True: pass`` stops while ``run_cell`` is still blocked.

If the worker process restarted (its ``generation`` changed: a cancel that had to kill it, a crash,
a limit), the namespace is gone; before the next cell the executor replays the cells that had run
in the lost session, with their current text, so ``x`` still exists when the learner goes on.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult, ErrorInfo

translate = QCoreApplication.translate


# Errors after which the worker process was replaced (gradviz.runner.worker), so the namespace is empty.
_LOST_NAMESPACE_ERRORS = frozenset({"Cancelled", "WorkerError"})


@dataclass(frozen=True)
class CellJob:
    index: int
    source: str
    first_line: int
    title: str = ""


@dataclass
class RunBatch:
    jobs: list[CellJob]
    # Current text of every cell before the first job: what gets replayed after a restart.
    earlier: list[CellJob] = field(default_factory=list)


class CellClient(Protocol):
    """What the runner calls on a session: gradviz.runner.worker.SessionClient in the app,
    ui.screenshot.InProcessClient in tests. ``run_cell`` blocks; ``cancel`` is thread-safe."""

    @property
    def generation(self) -> int:
        """Moves on when the worker process was replaced: its namespace is then empty."""

    @property
    def alive(self) -> bool:
        """False once the worker process died (its namespace is gone)."""

    def run_cell(self, index: int, source: str, first_line: int) -> CellResult: ...

    def cancel(self) -> object: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


ClientFactory = Callable[[Limits | None], CellClient]


def default_client_factory(limits: Limits | None) -> CellClient:
    """Create the real worker client. Imported here so the GUI thread never pays for it."""
    from gradviz.runner.worker import SessionClient

    return SessionClient(limits=limits)


class _Executor(QObject):
    """Lives in the runner thread; every slot here may block."""

    cell_started = Signal(int, bool)  # index, replay
    cell_finished = Signal(object, bool)  # CellResult, replay
    batch_done = Signal(bool)  # cancelled
    client_failed = Signal(str)
    client_ready = Signal()

    def __init__(self, factory: ClientFactory, limits: Limits | None) -> None:
        super().__init__()
        self._factory = factory
        self._limits = limits
        self._client: CellClient | None = None
        self._client_lock = threading.Lock()
        self._generation: int | None = None  # the worker generation the cells in _history ran in
        self._history: dict[int, CellJob] = {}  # cells whose effects live in the worker now
        self._lost = False
        self.cancel_event = threading.Event()

    @property
    def client(self) -> CellClient | None:
        with self._client_lock:
            return self._client

    def _ensure_client(self) -> CellClient:
        with self._client_lock:
            if self._client is not None:
                return self._client
        client = self._factory(self._limits)
        with self._client_lock:
            self._client = client
        self.client_ready.emit()
        return client

    @Slot()
    def warm_up(self) -> None:
        try:
            self._ensure_client()
        except Exception as exc:  # noqa: BLE001 - starting a worker fails in many ways; reported once, the next run retries
            self.client_failed.emit(f"{type(exc).__name__}: {exc}")

    @Slot(object)
    def set_limits(self, limits: Limits | None) -> None:
        """New limits apply to the next client; an existing one is restarted with them."""
        self._limits = limits
        client = self.client
        if client is not None:
            with self._client_lock:
                self._client = None
            self._close_client(client)
            self._history.clear()
            self._generation = None
            self._lost = False

    @Slot(object)
    def run_batch(self, batch: RunBatch) -> None:
        self.cancel_event.clear()
        try:
            client = self._ensure_client()
        except Exception as exc:  # noqa: BLE001 - whatever stopped the worker, every cell reports it
            message = translate("Runner", "The code runner could not start: {error}").format(
                error=f"{type(exc).__name__}: {exc}"
            )
            for job in batch.jobs:
                self.cell_finished.emit(CellResult(job.index, error=ErrorInfo("RunnerError", message)), False)
            self.batch_done.emit(False)
            return
        if self._lost or self._restarted_since_last_run(client):
            self._replay(client, batch)
        for job in batch.jobs:
            if self.cancel_event.is_set():
                break
            self._run_one(client, job, replay=False)
        self.batch_done.emit(self.cancel_event.is_set())

    def _restarted_since_last_run(self, client: CellClient) -> bool:
        """A new worker process (generation moved on) has an empty namespace."""
        return self._generation is not None and client.generation != self._generation

    def _replay(self, client: CellClient, batch: RunBatch) -> None:
        lost = dict(self._history)
        self._history.clear()
        self._lost = False
        self._generation = None  # the replayed cells record the new generation
        first = batch.jobs[0].index if batch.jobs else 0
        for job in batch.earlier:
            if job.index < first and job.index in lost and not self.cancel_event.is_set():
                self._run_one(client, job, replay=True)

    def _run_one(self, client: CellClient, job: CellJob, replay: bool) -> None:
        self.cell_started.emit(job.index, replay)
        start = time.perf_counter()
        try:
            result = client.run_cell(job.index, job.source, job.first_line)
        except Exception as exc:  # noqa: BLE001 - the client's own failure (pipe broke, ...) ends the cell with a message
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            result = CellResult(
                job.index, error=ErrorInfo("RunnerError", detail), duration_s=time.perf_counter() - start
            )
        cancelled = self.cancel_event.is_set()
        if cancelled and result.error is None:
            result.error = ErrorInfo("Cancelled", translate("Runner", "cancelled by the user"))
        if self._namespace_lost(client, result):
            # The worker was killed (cancel, watchdog) or died: what earlier cells defined is gone.
            # Remember to replay them before the next cell.
            self._lost = True
        elif not cancelled:
            self._history[job.index] = job
            self._generation = client.generation
        self.cell_finished.emit(result, replay)

    def _namespace_lost(self, client: CellClient, result: CellResult) -> bool:
        if result.error is not None and result.error.type in _LOST_NAMESPACE_ERRORS:
            return True
        if not client.alive:
            return True
        return self._restarted_since_last_run(client)

    @Slot()
    def reset(self) -> None:
        client = self.client
        self._history.clear()
        self._lost = False
        self._generation = None
        if client is None:
            return
        try:
            client.reset()
        except Exception as exc:  # noqa: BLE001 - a failed restart is reported; the next run starts afresh
            self.client_failed.emit(f"{type(exc).__name__}: {exc}")

    def cancel(self) -> None:
        """Called from the GUI thread."""
        self.cancel_event.set()
        client = self.client
        if client is not None:
            with contextlib.suppress(Exception):
                client.cancel()

    @Slot()
    def shutdown(self) -> None:
        client = self.client
        with self._client_lock:
            self._client = None
        if client is not None:
            self._close_client(client)

    @staticmethod
    def _close_client(client: CellClient) -> None:
        with contextlib.suppress(Exception):
            client.close()


class RunController(QObject):
    """GUI-side facade: queue batches, cancel, reset; emits results on the GUI thread."""

    cell_started = Signal(int, bool)
    cell_finished = Signal(object, bool)
    busy_changed = Signal(bool)
    client_failed = Signal(str)
    idle = Signal()
    _submit = Signal(object)
    _warm = Signal()
    _reset = Signal()
    _limits = Signal(object)
    _shutdown = Signal()

    def __init__(
        self, limits: Limits | None = None, client_factory: ClientFactory | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("gradviz-runner")
        self._executor = _Executor(client_factory or default_client_factory, limits)
        self._executor.moveToThread(self._thread)
        self._submit.connect(self._executor.run_batch)
        self._warm.connect(self._executor.warm_up)
        self._reset.connect(self._executor.reset)
        self._limits.connect(self._executor.set_limits)
        self._shutdown.connect(self._executor.shutdown)
        self._executor.cell_started.connect(self.cell_started)
        self._executor.cell_finished.connect(self.cell_finished)
        self._executor.client_failed.connect(self.client_failed)
        self._executor.batch_done.connect(self._on_batch_done)
        self._pending: deque[RunBatch] = deque()
        self._busy = False
        self._closed = False
        self._current_limits = limits
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def containment(self) -> object | None:
        """How the worker is contained (gradviz.runner.containment.Containment: active,
        mechanisms, reason) once it has said so; None before that or for a client without a wall."""
        return getattr(self._executor.client, "containment", None)

    @property
    def limits(self) -> Limits | None:
        """The limits the next worker starts with (None: the defaults)."""
        return self._current_limits

    @property
    def random_seeds(self) -> tuple[int, int, int] | None:
        """The seeds the current worker's sessions start their random streams from (a re-run
        given them computes the same numbers); None before one started or for a client without."""
        seeds = getattr(self._executor.client, "random_seeds", None)
        return seeds if isinstance(seeds, tuple) else None

    def warm_up(self) -> None:
        """Start the worker in the background (at app start) so the first run is fast."""
        self._warm.emit()

    def run(self, batch: RunBatch) -> None:
        if self._closed or not batch.jobs:
            return
        self._pending.append(batch)
        self._dispatch()

    def cancel(self) -> None:
        self._pending.clear()
        if self._busy:
            self._executor.cancel()

    def reset(self) -> None:
        self.cancel()
        self._reset.emit()

    def set_limits(self, limits: Limits | None) -> None:
        self._current_limits = limits
        self._limits.emit(limits)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        if self._closed:
            return
        self._closed = True
        self.cancel()
        self._shutdown.emit()
        self._thread.quit()
        self._thread.wait(timeout_ms)

    def _dispatch(self) -> None:
        if self._busy or not self._pending:
            return
        self._busy = True
        self.busy_changed.emit(True)
        self._submit.emit(self._pending.popleft())

    def _on_batch_done(self, _cancelled: bool) -> None:
        self._busy = False
        if self._pending and not self._closed:
            self._dispatch()
            return
        self.busy_changed.emit(False)
        self.idle.emit()
