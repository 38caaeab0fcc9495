"""A node a failed re-run left behind (drawn faded) says it is from before the edit, in its tooltip
and in the inspector; the Legend toggle is kept with the app's settings (issue 15)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

import gradviz.torch as t
from gradviz.graph.snapshot import build_snapshot
from ui.extensions import install_graph_panel
from ui.graph import GraphPanel
from ui.i18n import language_switcher
from ui.inspector import Inspector
from ui.legend import stale_text, tooltip_for
from ui.main_window import MainWindow, worker_limits
from ui.runner import RunController
from ui.settings import Preferences, RunnerLimits
from ui.snapshot import SnapshotIndex
from ui.theme import LIGHT


def _snapshot_with_stale_z() -> tuple[dict, str, str]:
    x = t.ones(2, requires_grad=True)
    y = x * 2
    z = y.sum()
    snapshot = build_snapshot({"x": x, "y": y, "z": z})
    z_id = next(n["id"] for n in snapshot["nodes"] if n.get("name") == "z")
    y_id = next(n["id"] for n in snapshot["nodes"] if n.get("name") == "y")
    snapshot["nodes"] = [{**n, "stale": n["id"] == z_id} for n in snapshot["nodes"]]
    return snapshot, z_id, y_id


def test_stale_node_tooltip_says_it_is_from_before_the_edit(qtbot) -> None:
    snapshot, z_id, y_id = _snapshot_with_stale_z()
    panel = GraphPanel(theme=LIGHT)
    qtbot.addWidget(panel)
    panel.resize(800, 600)
    panel.set_snapshot(snapshot)
    scene = panel.view.graph_scene
    assert z_id in scene.stale_nodes()
    names = panel.view._drawn_name
    stale, fresh = scene.nodes[z_id], scene.nodes[y_id]
    text = tooltip_for([stale], stale.sceneBoundingRect().center(), names)
    assert text.split("\n")[0] == "z" and text.split("\n")[1] == stale_text()
    assert "From before the edit" in text
    assert "before the edit" not in tooltip_for([fresh], fresh.sceneBoundingRect().center(), names)


def test_legend_explains_faded_nodes(qtbot) -> None:
    from ui.legend import LEGEND_ROWS, LegendPanel

    legend = LegendPanel()
    qtbot.addWidget(legend)
    row = LEGEND_ROWS.index(("faded", "stale"))
    assert legend.labels[row].text().startswith("Faded: from before the edit")


def test_inspector_notes_a_stale_node(qtbot) -> None:
    snapshot, z_id, y_id = _snapshot_with_stale_z()
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.show()
    inspector.set_snapshot(SnapshotIndex(snapshot))
    inspector.show_node(z_id)
    assert inspector.stale_label.isVisible()
    assert "From before the edit" in inspector.stale_label.text()
    inspector.show_node(y_id)
    assert not inspector.stale_label.isVisible()
    inspector.show_node(None)
    assert not inspector.stale_label.isVisible()


def test_stale_note_in_chinese(qtbot) -> None:
    switcher = language_switcher()
    before = switcher.language
    switcher.apply("zh_CN")
    try:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in stale_text())
    finally:
        switcher.apply(before)


def _window(qtbot, settings_file) -> MainWindow:
    prefs = Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat))
    win = MainWindow(prefs, runner=RunController(worker_limits(RunnerLimits())), autosave=False)
    qtbot.addWidget(win)
    return win


def test_legend_toggle_survives_a_settings_round_trip(qtbot, tmp_path) -> None:
    settings_file = tmp_path / "settings.ini"
    first = _window(qtbot, settings_file)
    panel = install_graph_panel(first)
    assert not panel.legend_button.isChecked()  # off by default
    panel.legend_button.setChecked(True)
    first.prefs.sync()
    first.runner.shutdown()
    assert Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat)).legend_visible

    again = _window(qtbot, settings_file)
    restored = install_graph_panel(again)
    assert restored.legend_button.isChecked() and not restored.legend.isHidden()
    restored.legend_button.setChecked(False)
    again.prefs.sync()
    again.runner.shutdown()
    assert not Preferences(QSettings(str(settings_file), QSettings.Format.IniFormat)).legend_visible


def test_legend_setting_reads_what_ini_files_store(tmp_path) -> None:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    prefs = Preferences(store)
    assert not prefs.legend_visible  # unset: off
    for value, expected in (("true", True), ("false", False), ("1", True), ("0", False), (True, True)):
        store.setValue("graph/legend", value)
        assert prefs.legend_visible is expected, value
