"""The whole window as a learner has it (every extension installed, a real worker), for tests that
drive it end to end: settings in the test's own folder, light theme, English, 1600x1000."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths

from gradviz.runner.limits import Limits
from ui.app import prepare_look
from ui.extensions import install_all
from ui.i18n import language_switcher
from ui.main_window import MainWindow, worker_limits
from ui.runner import RunController
from ui.settings import Preferences, RunnerLimits
from ui.theme import theme_manager

__all__ = ["full_window"]


@contextmanager
def full_window(
    qtbot: Any, folder: Path, *, time_s: float = 20.0, limits: Limits | None = None
) -> Iterator[MainWindow]:
    """Open the window with the graph and player docks; close it, stop its worker and put the
    process-wide language and theme back afterwards, whatever the test did. ``limits``: the
    worker's own (how many backward calls it keeps in full, ...) instead of the defaults with
    ``time_s``."""
    QStandardPaths.setTestModeEnabled(True)
    prefs = Preferences(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    prepare_look(prefs, theme="light", language="en")
    runner = RunController(limits if limits is not None else worker_limits(RunnerLimits(time_s=time_s)))
    win = MainWindow(prefs, runner=runner, autosave=False)
    installed = install_all(win)
    assert "graph" in installed and "player" in installed
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    try:
        yield win
    finally:
        win.editor.document().setModified(False)
        win.close()
        win.runner.shutdown()
        win.deleteLater()
        language_switcher().apply("en")
        theme_manager().apply("light")
