""" "Call 137 was kept as a summary: record it in full" - the app's side of a per-call request.

A long loop keeps full detail for its first and last backward calls only (gradviz.runner.recording).
To see another one, the script runs again in a fresh worker whose limits name that call
(``Limits.record_calls``, as its cell and its number in the cell) and whose random streams start
from the seeds of the session that made it (``Limits.random_seeds``, read from the worker client),
so the re-run computes the same numbers even when the script never seeds. When the run is over,
``call_ready`` says where the call now is in the session's list, so the player can select it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from gradviz.runner.limits import Limits
from ui.runner import RunController
from ui.window_running import RunningController

translate = QCoreApplication.translate

__all__ = ["CallRecording", "full_call_limits", "summarised_call"]


def summarised_call(calls: list[dict[str, Any]], index: int) -> tuple[int, int] | None:
    """(cell, number in the cell) of call ``index`` when it was kept only as a summary, else None."""
    if not 0 <= index < len(calls):
        return None
    call = calls[index]
    cell, number = call.get("cell"), call.get("call_in_cell")
    if not call.get("summarized") or not isinstance(cell, int) or not isinstance(number, int):
        return None
    return cell, number


def full_call_limits(limits: Limits | None, where: tuple[int, int], seeds: tuple[int, int, int] | None) -> Limits:
    """The limits of a re-run that keeps the call at ``where`` in full, from the same seeds."""
    base = limits or Limits()
    return base.with_changes(record_calls=(where,), random_seeds=seeds if seeds is not None else base.random_seeds)


def find_call(calls: list[dict[str, Any]], where: tuple[int, int]) -> int | None:
    """Where the call (cell, number) is among ``calls`` when it is there in full."""
    for index, call in enumerate(calls):
        if (call.get("cell"), call.get("call_in_cell")) == where and not call.get("summarized"):
            return index
    return None


class CallRecording(QObject):
    """Runs the script again so that a summarised backward call is recorded in full."""

    call_ready = Signal(int)  # the call's index in RunningController.backward_calls
    status_message = Signal(str)

    def __init__(self, runner: RunController, running: RunningController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._running = running
        self._pending: tuple[int, int] | None = None
        runner.idle.connect(self._on_idle)

    @property
    def pending(self) -> tuple[int, int] | None:
        """(cell, number) of the call being recorded, while its run is under way."""
        return self._pending

    def can_record(self, index: int) -> bool:
        return not self._runner.busy and summarised_call(self._running.backward_calls, index) is not None

    def record(self, index: int) -> bool:
        """Start the re-run for backward call ``index`` of the session; False if it is not a summary."""
        where = summarised_call(self._running.backward_calls, index)
        if where is None or self._runner.busy:
            return False
        self._pending = where
        self._runner.set_limits(full_call_limits(self._runner.limits, where, self._runner.random_seeds))
        self.status_message.emit(
            translate("MainWindow", "Running the script again to record call #{n} in full…").format(n=index + 1)
        )
        self._running.run_all()
        return True

    def _on_idle(self) -> None:
        where, self._pending = self._pending, None
        if where is None:
            return
        found = find_call(self._running.backward_calls, where)
        if found is not None:
            self.call_ready.emit(found)
