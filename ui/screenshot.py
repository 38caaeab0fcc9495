"""`gradviz screenshot`: run a file's cells in the real window, offscreen, and save it as a PNG.

Uses the same window, runner and worker as the app, with a throw-away settings file so the user's
preferences, recent files and autosaves are neither read nor touched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from gradviz.language import language_for
from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult
from ui.app import build_window, ensure_application, prepare_look
from ui.runner import RunController
from ui.settings import Preferences

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class InProcessClient:
    """gradviz.runner.session.Session behind the SessionClient interface, for tests that drive the
    window without a worker process. It has no hard deadline and no operating-system wall, so
    the app and ``gradviz screenshot`` never use it: they run code in the worker
    (gradviz.runner.worker.SessionClient), where a crashing cell cannot take the window down.
    """

    def __init__(self, limits: Limits | None = None) -> None:
        from gradviz.runner.session import Session

        self._session = Session(limits)
        self.generation = 0
        self.alive = True

    def run_cell(self, index: int, source: str, first_line: int) -> CellResult:
        return self._session.run_cell(index, source, first_line)

    def cancel(self) -> None:
        """Nothing to interrupt from outside; the session's wall-time cap ends runaway cells."""

    def reset(self) -> None:
        self._session.reset()
        self.generation += 1

    def close(self) -> None:
        self.alive = False


class PlayerArgumentError(ValueError):
    """``--call``/``--step`` name a backward call or step the script did not make."""


def render_screenshot(
    file: str | None,
    out: str,
    size: tuple[int, int] = (1440, 900),
    theme: str = "light",
    language: str = "en",
    select: str | None = None,
    timeout_s: float = 60.0,
    call: int | None = None,
    step: int | None = None,
    record_calls: tuple[tuple[int | None, int], ...] = (),
) -> tuple[bool, str]:
    """Returns (ok, message). Without ``file`` the window opens the seed notebook, as the app does.
    ``select`` picks a node to show in the inspector (default: the first
    named leaf tensor, so the picture shows the inspector at work). ``call``/``step`` show the
    backward player at that call and step (0-based, negatives from the end; see
    ui.player.apply_screenshot_args); a call or step that does not exist raises
    PlayerArgumentError and writes nothing. ``record_calls`` keeps those calls in full whatever
    the recording policy (``gradviz run --record-call``), so any iteration of a loop can be shown."""
    ensure_application()
    with tempfile.TemporaryDirectory() as tmp:
        prefs = Preferences(QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat))
        prepare_look(prefs, theme=theme, language=language_for(language).qt)
        # the app's worker: contained, and a crash ends only it
        runner = RunController(Limits(record_calls=record_calls) if record_calls else None)
        window, error = build_window(prefs, file, autosave=False, runner=runner)
        if error:
            window.runner.shutdown()
            window.deleteLater()
            return False, error
        from ui.extensions import install_all

        install_all(window)
        window.resize(*size)
        window.show()
        ensure_application().processEvents()
        window.balance_layout()
        loop = QEventLoop()
        window.run_idle.connect(loop.quit)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        window.running.run_all()
        if window.runner.busy:
            loop.exec()
        timed_out = window.runner.busy
        window.balance_layout()
        try:
            running = _show_player_step(window, call, step)
        except PlayerArgumentError:
            window.editor.document().setModified(False)
            window.close()
            raise
        if running not in ((window.snapshot and {n["id"] for n in window.snapshot.get("nodes", [])}) or ()):
            running = None  # the call ran on an older graph than the one drawn now
        window.select_node(select or running or _default_selection(window))
        cell = window.editor.cells[0] if window.editor.cells else None
        if cell is not None:
            window.editor.goto_line(cell.first_line)
        for _ in range(3):
            ensure_application().processEvents()
        window.fit_graph()  # after the selection centred on its node: show the whole graph
        ensure_application().processEvents()
        # Let the canvas finish its short fade/glide animations (a new graph fades in over
        # ~260 ms) so the picture shows the settled state, not a half-transparent one.
        settle = QEventLoop()
        QTimer.singleShot(450, settle.quit)
        settle.exec()
        ok = window.grab().save(out, "PNG")
        window.editor.document().setModified(False)
        window.close()
        if timed_out:
            return ok, f"wrote {out} (the run did not finish within {timeout_s:.0f} s)"
        return ok, f"wrote {out}" if ok else f"could not write {out}"


def _show_player_step(window: MainWindow, call: int | None, step: int | None) -> str | None:
    """Put the player at the call and step; returns the node running there (the picture then
    selects it, so the inspector and the VJP panel tell the same story), or None."""
    if call is None and step is None:
        return None
    from ui.player import apply_screenshot_args

    try:
        player = apply_screenshot_args(window, call, step)
    except LookupError as exc:  # IndexError is a LookupError too; the message names the valid range
        raise PlayerArgumentError(str(exc).strip("'\"")) from None
    replay = player.replay
    return replay.state(player.current_step).current_node if replay is not None else None


def _default_selection(window: MainWindow) -> str | None:
    snapshot = window.snapshot or {}
    tensors = [n for n in snapshot.get("nodes", []) if n.get("kind") == "tensor"]
    for node in tensors:
        if node.get("name") and node.get("role") == "leaf" and node.get("grad"):
            return str(node["id"])
    for node in tensors:
        if node.get("name"):
            return str(node["id"])
    return None
