"""The real main window, driven like a learner would: type, run, read output, inspect, switch."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from ui import files
from ui.app import prepare_look
from ui.i18n import language_switcher
from ui.main_window import MainWindow, worker_limits
from ui.runner import RunController
from ui.settings import Preferences, RunnerLimits
from ui.theme import DARK, LIGHT, theme_manager

SAMPLE = json.loads(Path(__file__).with_name("sample_snapshot.json").read_text(encoding="utf-8"))
RUN_TIMEOUT_MS = 30_000
# How long to wait for a state the event loop will reach: generous, waitUntil returns as soon as it holds.
STATE_TIMEOUT_MS = 30_000


@pytest.fixture
def prefs(tmp_path):
    QStandardPaths.setTestModeEnabled(True)  # autosaves go to a test location, never the user's
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, prefs):
    prepare_look(prefs, theme="light", language="en")
    limits = worker_limits(RunnerLimits(time_s=20.0))
    win = MainWindow(prefs, runner=RunController(limits), autosave=False)
    win.show()
    win.documents.load_text("", None)
    yield win
    win.editor.document().setModified(False)  # closing must not prompt
    win.close()
    win.runner.shutdown()
    win.deleteLater()
    language_switcher().apply("en")
    theme_manager().apply("light")


def type_into(widget, text: str) -> None:
    for n, chunk in enumerate(text.split("\n")):
        if n:
            QTest.keyClick(widget, Qt.Key.Key_Return)
        if chunk:
            QTest.keyClicks(widget, chunk)


def run_with_keys(qtbot, window, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        QTest.keyClick(window.editor, Qt.Key.Key_Return, modifiers)


def test_type_a_cell_run_it_with_ctrl_enter_and_see_the_output(qtbot, window):
    window.editor.setFocus()
    type_into(window.editor, "# %%\nimport torch as t\nx = t.ones(2, requires_grad=True)\nprint(x)\nx.sum()")
    run_with_keys(qtbot, window)
    text = window.output.plain_text_for(0)
    assert "tensor([1., 1.], requires_grad=True)" in text
    assert "tensor(2., grad_fn=<SumBackward0>)" in text  # the echoed trailing expression
    assert window.output.result_for(0).error is None
    assert "requires_grad=True" in window.output.toPlainText()


def test_error_is_shown_in_red_with_its_line_and_marked_in_the_editor(qtbot, window):
    window.editor.setFocus()
    type_into(window.editor, "# %%\na = 1\n# %%\nb = a + 1\nc = undefined_name * 2")
    run_with_keys(qtbot, window, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    result = window.output.result_for(1)
    assert result.error is not None and result.error.type == "NameError"
    assert window.output.plain_text_for(1) == "line 5: NameError: name 'undefined_name' is not defined"
    assert window.editor.error_markers() == [(5, "NameError: name 'undefined_name' is not defined")]
    # Clicking the error in the output moves the caret to the failing line.
    window.editor.goto_line(1)
    window.output.line_activated.emit(5, 0)
    assert window.editor.current_line() == 5
    # Fixing the code and re-running clears the marker.
    window.editor.goto_line(5)
    cursor = window.editor.textCursor()
    cursor.select(cursor.SelectionType.LineUnderCursor)
    cursor.insertText("c = b * 2")
    run_with_keys(qtbot, window)
    assert window.editor.error_markers() == []
    assert window.output.result_for(1).error is None


def test_shift_enter_runs_and_moves_to_the_next_cell(qtbot, window):
    window.documents.load_text("# %%\nv = 3\n# %%\nprint(v * 2)\n", None)
    window.editor.goto_line(2)
    run_with_keys(qtbot, window, Qt.KeyboardModifier.ShiftModifier)
    assert window.editor.current_cell().index == 1
    run_with_keys(qtbot, window, Qt.KeyboardModifier.ShiftModifier)
    assert window.output.plain_text_for(1) == "6"


def test_run_all_from_the_menu_action(qtbot, window):
    window.documents.load_text("# %%\np = 2\n# %%\nq = p ** 3\n# %%\nprint(q)\n", None)
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.actions_.run_all.trigger()
    assert window.output.plain_text_for(2) == "8"


def test_cancel_a_runaway_cell_keeps_the_window_responsive_and_replays_earlier_cells(qtbot, window):
    window.documents.load_text("# %%\nkeep = 41\n# %%\nwhile True:\n    pass\n# %%\nprint(keep + 1)\n", None)
    window.editor.goto_line(2)
    run_with_keys(qtbot, window)
    window.editor.goto_line(5)
    QTest.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.runner.busy and window.cancel_button.isVisible(), timeout=STATE_TIMEOUT_MS)
    # The GUI thread is free while the worker spins: timers fire (the cell only ends when cancelled).
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=STATE_TIMEOUT_MS)
    timer.stop()
    assert window.runner.busy
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        QTest.keyClick(window, Qt.Key.Key_Escape)
    result = window.output.result_for(1)
    assert result.error is not None and result.error.type == "Cancelled"
    assert not window.cancel_button.isVisible()
    # The worker was restarted; running the next cell first replays cell 0 so `keep` exists.
    window.editor.goto_line(7)
    run_with_keys(qtbot, window)
    assert window.output.plain_text_for(2) == "42"


def test_selecting_a_node_in_the_outline_fills_the_inspector_and_shows_its_line(qtbot, window):
    window.documents.load_text(SAMPLE["source"], None)
    window.set_snapshot(SAMPLE["snapshot"])
    outline = window.outline
    item = outline._items["t1"]
    with qtbot.waitSignal(window.node_selected) as blocker:
        outline.setCurrentItem(item)
        item.setSelected(True)
    assert blocker.args == ["t1"]
    rows = window.inspector.rows()
    assert rows["Tensor/shape"] == "[3, 2]"
    assert rows["Tensor/dtype"] == "float32"
    assert rows["Tensor/requires_grad"] == "True"
    assert rows["Tensor/is_leaf"] == "True"
    assert rows["Tensor/grad_fn"] == "None"
    assert rows[".grad/mean"] == "6"
    assert window.inspector.values_heatmap.grid_size() == (3, 2)
    assert window.inspector.grad_heatmap.isVisible()
    assert window.editor.current_line() == 1  # x was created on line 1

    window.select_node("t2")
    rows = window.inspector.rows()
    assert rows["Tensor/grad_fn"].startswith("PowBackward0")
    assert rows[".grad/.grad"] == "None"
    assert "non_leaf" in rows[".grad/why None"] or rows[".grad/why None"]
    assert window.editor.current_line() == 2

    window.select_node("n5")
    rows = window.inspector.rows()
    assert rows["Autograd node/sequence number"] == "2"
    assert rows["Inputs (forward)/[0]"].startswith("(y + 1)")
    assert rows["next_functions/[1]"] == "PowBackward0"
    assert "freed" in rows["Saved buffers/_saved_self"] and "24 B" in rows["Saved buffers/_saved_self"]


def test_inspector_links_select_other_nodes(qtbot, window):
    window.documents.load_text(SAMPLE["source"], None)
    window.set_snapshot(SAMPLE["snapshot"])
    window.select_node("t6")
    tree = window.inspector.tree
    grad_fn_item = next(
        tree.topLevelItem(0).child(i)
        for i in range(tree.topLevelItem(0).childCount())
        if tree.topLevelItem(0).child(i).text(0) == "grad_fn"
    )
    rect = tree.visualItemRect(grad_fn_item)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.selected_node == "n5"
    assert window.outline.selected_id() == "n5"


def test_moving_the_caret_emits_the_nodes_created_on_that_line(qtbot, window):
    window.documents.load_text(SAMPLE["source"], None)
    window.set_snapshot(SAMPLE["snapshot"])
    window.editor.goto_line(1)
    seen = []
    window.nodes_for_line.connect(seen.append)
    QTest.keyClick(window.editor, Qt.Key.Key_Down)
    QTest.keyClick(window.editor, Qt.Key.Key_Down)
    assert seen == [["t2", "n3"], ["n4", "t4", "n5", "t6"]]
    assert window.outline._highlighted == {"n4", "t4", "n5", "t6"}


def test_graph_slot_receives_snapshot_selection_and_routes_clicks(qtbot, window):
    from PySide6.QtCore import Signal
    from PySide6.QtWidgets import QWidget

    class RecordingCanvas(QWidget):
        node_selected = Signal(str)
        running_node_changed = Signal(str)

        def __init__(self):
            super().__init__()
            self.calls = []

        def set_snapshot(self, snapshot):
            self.calls.append(("snapshot", len(snapshot["nodes"]) if snapshot else 0))

        def select_node(self, node_id):
            self.calls.append(("select", node_id))

        def highlight_nodes(self, ids):
            self.calls.append(("highlight", tuple(ids)))

        def set_theme(self, theme):
            pass

        def fit_to_view(self):
            pass

    canvas = RecordingCanvas()
    window.set_graph_widget(canvas)
    assert window.graph_area.currentWidget() is canvas
    assert window.graph_area.tabText(1) == "Outline"
    window.documents.load_text(SAMPLE["source"], None)
    window.set_snapshot(SAMPLE["snapshot"])
    assert ("snapshot", 8) in canvas.calls
    canvas.node_selected.emit("n3")  # a click on the canvas
    assert window.selected_node == "n3" and window.inspector.node_id == "n3"
    assert ("select", "n3") in canvas.calls


def test_switching_language_retranslates_the_window(qtbot, window):
    assert window.actions_.file_menu.title() == "&File"
    window.actions_.language_actions["zh_CN"].trigger()
    # Qt delivers LanguageChange to the widgets through the event loop.
    qtbot.waitUntil(lambda: window.actions_.file_menu.title() == "文件(&F)", timeout=STATE_TIMEOUT_MS)
    assert window.actions_.run_cell.text() == "运行单元格"
    assert window.inspector_dock.windowTitle() == "检查器"
    assert window.graph_area.tabText(0) == "大纲"
    assert window.prefs.language == "zh_CN"
    window.set_language("en")
    qtbot.waitUntil(lambda: window.actions_.file_menu.title() == "&File", timeout=STATE_TIMEOUT_MS)


def test_switching_theme_changes_palette_and_editor_colours(qtbot, window):
    window.actions_.theme_actions["dark"].trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    assert window.editor._theme is DARK
    assert window.prefs.theme == "dark"
    window.set_theme("light")
    assert QApplication.palette().color(QPalette.ColorRole.Base).name() == LIGHT.base


def test_open_and_save_percent_scripts_and_notebooks(qtbot, window, tmp_path):
    script = tmp_path / "lesson.py"
    script.write_text("# %% one\na = 1\n\n# %% two\nprint(a)\n", encoding="utf-8")
    assert window.documents.open_file(script)
    assert [c.title for c in window.editor.cells] == ["one", "two"]
    assert window.windowTitle().startswith("lesson.py")
    assert window.prefs.recent_files[0] == str(script.resolve())
    assert window.actions_.recent_menu.actions()[0].text() == "lesson.py"

    type_into(window.editor, "b = 2\n")
    assert window.isWindowModified()
    assert window.documents.save()
    assert not window.isWindowModified()
    # The caret starts in the first cell's body.
    assert script.read_text(encoding="utf-8") == "# %% one\nb = 2\na = 1\n\n# %% two\nprint(a)\n"

    notebook = tmp_path / "lesson.ipynb"
    assert window.documents.save_as(notebook)
    data = json.loads(notebook.read_text(encoding="utf-8"))
    assert data["nbformat"] == 4
    sources = ["".join(c["source"]) for c in data["cells"]]
    assert sources == ["b = 2\na = 1", "print(a)"]
    assert [c["metadata"].get("title") for c in data["cells"]] == ["one", "two"]

    window.documents.load_text("", None)
    assert window.documents.open_file(notebook)
    assert [c.source.strip() for c in window.editor.cells] == ["b = 2\na = 1", "print(a)"]
    assert window.windowTitle().startswith("lesson.ipynb")


def test_a_bad_file_gives_a_message_not_a_crash(qtbot, window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    window.documents.load_text("# %%\nkept = 1\n", None)
    assert not window.documents.open_file(bad)
    assert not window.documents.open_file(tmp_path / "missing.py")
    assert not window.documents.open_file(tmp_path / "picture.png")
    assert len(shown) == 3 and "broken.ipynb" in shown[0] and "missing.py" in shown[1]
    assert "kept = 1" in window.editor.toPlainText()


def test_closing_with_unsaved_changes_asks_first(qtbot, window, tmp_path, monkeypatch):
    answers = []

    def fake_warning(*args):
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "warning", fake_warning)
    target = tmp_path / "work.py"
    window.documents.load_text("# %%\n", None)
    type_into(window.editor, "w = 1")
    answers.append(QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible()

    monkeypatch.setattr("ui.window_documents.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    answers.append(QMessageBox.StandardButton.Save)
    assert window.close()
    assert target.read_text(encoding="utf-8") == "# %%\nw = 1\n"


def test_discard_closes_without_writing(qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: QMessageBox.StandardButton.Discard)
    type_into(window.editor, "lost = True")
    assert window.close()


def test_examples_menu_lists_the_seed_first_and_opens_it_as_a_copy(qtbot, window):
    actions = window.actions_.examples_menu.actions()
    assert actions and actions[0].text() == "seed_notebook.py"
    actions[0].trigger()
    assert window.documents.path is None  # saving must not overwrite the shipped example
    assert "seed_notebook.py" in window.windowTitle()
    assert window.editor.cells[0].source.strip() == "import torch as t"


def test_autosave_and_restore_after_a_crash(qtbot, prefs, monkeypatch):
    first = MainWindow(prefs, runner=RunController(None, lambda limits: None), autosave=True)
    first.documents.load_text("# %%\n", None)
    type_into(first.editor, "precious = 1")
    assert first.documents.autosaver.save_now()
    saved = first.documents.autosaver.file
    assert json.loads(saved.read_text(encoding="utf-8"))["text"] == "# %%\nprecious = 1"
    # Pretend the process died: the file now belongs to a pid that no longer runs.
    crashed = saved.with_name("session-999999999.json")
    saved.rename(crashed)
    first.editor.document().setModified(False)
    first.runner.shutdown()
    assert [r.file for r in files.find_recoveries()] == [crashed]

    second = MainWindow(prefs, runner=RunController(None, lambda limits: None), autosave=False)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    assert second.documents.offer_recovery()
    assert second.editor.toPlainText() == "# %%\nprecious = 1"
    assert second.isWindowModified()
    assert not crashed.exists()
    second.editor.document().setModified(False)
    second.runner.shutdown()


def test_preferences_are_applied_and_stored(qtbot, window):
    from ui.preferences import PreferencesDialog, PreferenceValues

    dialog = PreferencesDialog(PreferenceValues("light", "en", RunnerLimits(), 1.0), window)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.time_limit.setValue(3.5)
    dialog.speed.setValue(2.0)
    window.apply_preferences(dialog.values())
    assert window.prefs.theme == "dark" and theme_manager().theme is DARK
    assert window.prefs.limits.time_s == 3.5
    assert window.prefs.animation_speed == 2.0


def test_preferences_keep_a_pace_the_dialog_cannot_show(qtbot, window):
    """The player's "whole call in 5 s" is stored as text; OK in Preferences must not turn it into 1x."""
    from ui.preferences import PreferencesDialog, PreferenceValues

    prefs = window.prefs
    prefs.store.setValue("player/speed", "call:5")
    opened = PreferenceValues(prefs.theme, prefs.language, prefs.limits, prefs.animation_speed)
    window.apply_preferences(PreferencesDialog(opened, window).values())
    assert prefs.store.value("player/speed") == "call:5"
    dialog = PreferencesDialog(opened, window)
    dialog.speed.setValue(2.0)
    window.apply_preferences(dialog.values())
    assert prefs.animation_speed == 2.0


def _seed_window(qtbot, prefs):
    from ui.extensions import install_all
    from ui.screenshot import InProcessClient

    prepare_look(prefs, theme="light", language="en")
    win = MainWindow(prefs, runner=RunController(None, InProcessClient), autosave=False)
    installed = install_all(win)
    win.resize(1280, 800)
    win.show()
    assert win.documents.open_seed()
    return win, installed


@contextlib.contextmanager
def seed_window(qtbot, prefs):
    """A window on the seed notebook with the canvas, player and export installed; closed (and its
    runner shut down) afterwards whatever the test did."""
    win, installed = _seed_window(qtbot, prefs)
    try:
        yield win, installed
    finally:
        win.editor.document().setModified(False)
        win.close()
        win.runner.shutdown()
        win.deleteLater()


def _shift_enter(qtbot, win, cell) -> None:
    win.editor.goto_line(cell.first_line)
    with qtbot.waitSignal(win.run_idle, timeout=RUN_TIMEOUT_MS):
        QTest.keyClick(win.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)


def test_seed_notebook_cell_by_cell_then_fix_the_second_backward(qtbot, prefs):
    """A learner's path through the seed: Shift+Enter on each cell from a fresh app; every view
    follows; cell 4's error is red with its line and explained; cell 6 fails at MulBackward0 with
    the freed chip, and the fix edits cell 5's backward() as one undo step."""
    with seed_window(qtbot, prefs) as (win, installed):
        canvas_view = installed["graph"].view
        code_cells = [c for c in win.editor.cells if c.is_code]
        seen_calls = []
        for cell in code_cells[:7]:  # cells 0..6
            _shift_enter(qtbot, win, cell)
            result = win.output.result_for(cell.index)
            assert result is not None, f"cell {cell.index} did not report"
            seen_calls.append(len(win.player._calls))
            if cell.index >= 1:
                assert win.snapshot is not None and win.outline._items
                drawn = set(canvas_view.graph_scene.nodes)  # the data-flow view folds AccumulateGrad away
                tensors = {n["id"] for n in win.snapshot["nodes"] if n.get("kind") == "tensor"}
                assert tensors <= drawn <= set(win._index.nodes)
            if cell.index == 4:
                assert result.error is not None and result.error.line == 23
                html_text = win.output.toHtml()
                assert "line 23: RuntimeError" in win.output.toPlainText()
                assert "#cf222e" in html_text.lower() or current_error_colour() in html_text.lower()
                assert "z.sum().backward()" in win.output.toPlainText()  # the explanation
                assert any(m.cell == 4 for m in win.editor._markers)  # the editor marks the line too
        assert seen_calls == [0, 0, 0, 0, 0, 1, 2]  # cell 5 and cell 6 each made one call
        leaf = next(n["id"] for n in win.snapshot["nodes"] if n.get("role") == "leaf" and n.get("name") == "x")
        win.select_node(leaf)
        assert win.inspector.node_id == leaf and win.inspector.rows()

        player = win.player
        assert player.current_call == 1 and "✗" in player.call_box.currentText()
        assert "z[0][0].backward()" in player.call_box.currentText()
        player.seek(-1)
        assert player.error_box.isVisible() and "MulBackward0" in player.error_label.text()
        node = player.replay.state(-1).error["node_id"]
        chip = player.chips.chip((node, "_saved_other")) or player.chips.chip((node, "_saved_self"))
        assert chip is not None and "#1" in chip.text()
        assert player.fix_button.isVisible()
        before = win.editor.toPlainText()
        qtbot.mouseClick(player.fix_button, Qt.MouseButton.LeftButton)
        lines = win.editor.toPlainText().splitlines()
        assert lines[24] == "z[0][0].backward(retain_graph=True)"  # cell 5's call, line 25
        assert lines[27] == "z[0][0].backward()"  # the failing call itself is left alone
        win.editor.undo()
        assert win.editor.toPlainText() == before  # one undo step takes the whole fix back


def current_error_colour() -> str:
    return theme_manager().theme.error.lower()


def test_graph_is_fitted_after_a_run_changes_it(qtbot, prefs):
    with seed_window(qtbot, prefs) as (win, installed):
        view = installed["graph"].view
        fits = []
        original = view.fit_to_view
        view.fit_to_view = lambda: (fits.append(1), original())[1]
        cells = [c for c in win.editor.cells if c.is_code]
        _shift_enter(qtbot, win, cells[3])  # cell 3 builds x -> y -> z
        assert fits, "a run that creates a graph fits it"
        rect = view.mapFromScene(view.graph_scene.itemsBoundingRect()).boundingRect()
        assert view.viewport().rect().adjusted(-2, -2, 2, 2).contains(rect)
        count = len(fits)
        win.editor.goto_line(cells[3].first_line)
        with qtbot.waitSignal(win.run_idle, timeout=RUN_TIMEOUT_MS):
            win.running.run_cell(0)  # same graph: the learner's zoom stays
        assert len(fits) == count


def test_picking_an_earlier_backward_call_shows_the_graph_it_ran_on(qtbot, prefs):
    """Cell 7 rebinds x, y, z; picking cell 6's call in the player brings back cell 6's graph,
    with the temporary z[0][0] (SelectBackward0 nodes) the call started from."""
    with seed_window(qtbot, prefs) as (win, installed):
        code_cells = [c for c in win.editor.cells if c.is_code]
        for cell in code_cells[:9]:  # cells 0..8: calls from cells 5, 6, 7, 8
            _shift_enter(qtbot, win, cell)
        latest = {n["id"] for n in win.snapshot["nodes"]}
        assert not any(n.get("name") == "SelectBackward0" for n in win.snapshot["nodes"])
        win.player.select_call(1)  # cell 6: z[0][0].backward()
        names = [n.get("name") for n in win.snapshot["nodes"]]
        assert names.count("SelectBackward0") == 2
        assert {n["id"] for n in win.snapshot["nodes"]} != latest
        drawn = set(installed["graph"].view.graph_scene.nodes)
        error_node = win.player.replay.state(-1).error["node_id"]
        assert error_node in drawn  # the failing MulBackward0 is on the canvas


def test_inspector_shows_saved_buffers_as_they_are_at_the_players_step(qtbot, prefs):
    """Cell 8's s.backward() frees PowBackward0._saved_self; the snapshot (taken after) says
    freed, but while the player stands before that step the inspector says alive."""
    win, _installed = _seed_window(qtbot, prefs)
    try:
        code_cells = [c for c in win.editor.cells if c.is_code]
        for cell in code_cells[:9]:
            _shift_enter(qtbot, win, cell)
        player = win.player
        player.select_call(3)  # cell 8: s.backward()
        replay = player.replay
        pow_id = next(n for n, info in replay.nodes.items() if info["name"].endswith("PowBackward0"))
        freed_at = next(
            k
            for k, e in enumerate(replay.events)
            if e["type"] == "buffer_freed" and e["node_id"] == pow_id and e["attr"] == "_saved_self"
        )
        win.select_node(pow_id)
        row = "Saved buffers/_saved_self"
        player.seek(freed_at - 1)
        assert win.inspector.rows()[row].endswith("alive")
        player.seek(freed_at)
        assert win.inspector.rows()[row].endswith("freed")
        player.seek(0)
        assert win.inspector.rows()[row].endswith("alive")
        win.inspector.set_buffer_states(None)  # no call selected: the snapshot's (final) state
        assert win.inspector.rows()[row].endswith("freed")
        win._sync_buffer_states()
        assert win.inspector.rows()[row].endswith("alive")
        ledger = [player.ledger_view.item(i).text() for i in range(player.ledger_view.count())]
        # cell 7 rebound x; the window gave cell graphs (an earlier call's row starts with its call)
        assert ledger[0].partition(" · ")[2].startswith("x (cell 3).grad:")
    finally:
        win.editor.document().setModified(False)
        win.close()
        win.runner.shutdown()
        win.deleteLater()


def test_inspector_says_why_grad_is_none_in_both_languages(qtbot, prefs):
    """y in the seed is not a leaf: the inspector explains it (the session annotates snapshots)."""
    with seed_window(qtbot, prefs) as (win, _installed):
        for cell in [c for c in win.editor.cells if c.is_code][:4]:  # cells 0..3 build y = x ** 2
            _shift_enter(qtbot, win, cell)
        y = next(n["id"] for n in win.snapshot["nodes"] if n.get("name") == "y")
        assert win.snapshot["nodes"][[n["id"] for n in win.snapshot["nodes"]].index(y)]["grad_none_reason"]
        win.select_node(y)
        assert win.inspector.why_label.isVisibleTo(win.inspector)
        assert "retain_grad()" in win.inspector.why_label.text()
        win.inspector.language = "zh_CN"
        win.select_node(None)
        win.select_node(y)
        assert "叶子" in win.inspector.why_label.text()


def test_the_retain_grad_fix_is_inserted_below_the_line_that_made_the_tensor(qtbot, prefs):
    """Cell 8 of the seed: y.grad is None; the inspector's fix puts y.retain_grad() right below
    the statement that made y (where it is certain to mean that tensor), one undo takes it back."""
    with seed_window(qtbot, prefs) as (win, _installed):
        code_cells = [c for c in win.editor.cells if c.is_code]
        for cell in code_cells[:9]:  # up to cell 8 (y = x**2 ... s.backward())
            _shift_enter(qtbot, win, cell)
        y = next(n for n in win.snapshot["nodes"] if n.get("name") == "y")
        win.select_node(y["id"])
        assert win.inspector.fix_button.isVisibleTo(win.inspector)
        assert "y.retain_grad()" in win.inspector.fix_button.text()
        before = win.editor.toPlainText()
        made_at = y["span"][3]
        assert before.splitlines()[made_at - 1].lstrip().startswith("y =")
        qtbot.mouseClick(win.inspector.fix_button, Qt.MouseButton.LeftButton)
        lines = win.editor.toPlainText().splitlines()
        assert lines[made_at] == "y.retain_grad()"
        assert lines[made_at - 1] == before.splitlines()[made_at - 1]
        win.editor.undo()
        assert win.editor.toPlainText() == before
