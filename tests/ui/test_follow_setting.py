"""The graph's Follow toggle is kept with the app's settings: switched off, it is still off after a
restart (a new window on the same settings file), and the view then holds still."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ui.extensions import install_graph_panel
from ui.main_window import MainWindow, worker_limits
from ui.runner import RunController
from ui.settings import Preferences, RunnerLimits


def _window(qtbot, settings_file) -> MainWindow:
    prefs = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
    win = MainWindow(prefs, runner=RunController(worker_limits(RunnerLimits())), autosave=False)
    qtbot.addWidget(win)
    return win


def test_follow_survives_a_restart(qtbot, tmp_path):
    settings_file = tmp_path / "settings.ini"
    first = _window(qtbot, settings_file)
    panel = install_graph_panel(first)
    assert panel.follow_button.isChecked() and panel.view.follow_player  # on by default
    panel.follow_button.setChecked(False)
    first.prefs.sync()
    first.runner.shutdown()

    again = _window(qtbot, settings_file)
    restored = install_graph_panel(again)
    assert not restored.follow_button.isChecked()
    assert not restored.view.follow_player
    restored.follow_button.setChecked(True)
    again.prefs.sync()
    again.runner.shutdown()
    assert Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat)).follow_player


def test_follow_setting_reads_what_ini_files_store(tmp_path):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    prefs = Preferences(store)
    assert prefs.follow_player  # unset: on
    for value, expected in (("false", False), ("true", True), ("0", False), (False, False), (True, True)):
        store.setValue("player/follow", value)
        assert prefs.follow_player is expected, value
