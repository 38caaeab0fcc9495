"""TrainingPanel driven by qtbot (offscreen) over forgot_zero_grad.py's two loops."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QDockWidget

from gradviz.runner.cells import load_cells
from gradviz.runner.session import Session
from tests.paths import EXAMPLES_DIR
from ui.player import BackwardPlayer
from ui.training import TrainingPanel, install_training_panel

EXAMPLE = EXAMPLES_DIR / "forgot_zero_grad.py"


@pytest.fixture(scope="module")
def session_run():
    results = Session().run_cells(load_cells(EXAMPLE))
    calls = [c for r in results for c in r.backward_calls]
    return calls, [r.graph for r in results]


@pytest.fixture
def wired(qtbot, session_run):
    """A player and a panel wired like the window does: snapshots, then calls to both."""
    calls, graphs = session_run
    player = BackwardPlayer()
    panel = TrainingPanel(language="en")
    qtbot.addWidget(player)
    qtbot.addWidget(panel)
    panel.set_player(player)
    for graph in graphs:
        panel.set_snapshot(graph)
    player.set_calls(calls, graphs[-1])
    panel.set_calls(calls)
    panel.resize(520, 420)
    panel.show()
    qtbot.waitExposed(panel)
    return player, panel, calls


def test_two_loops_with_a_point_per_iteration(wired) -> None:
    player, panel, calls = wired
    assert len(panel.loops) == 2 and panel.loop_box.count() == 2
    assert panel.current_loop == 1  # the latest loop, at its last iteration (what the player shows)
    assert panel.current_iteration == 7 and player.current_call == len(calls) - 1
    assert panel.curve.point_count == 8 and panel.curve.current == 7
    assert panel.loop_box.itemText(0).startswith("⚠") and not panel.loop_box.itemText(1).startswith("⚠")
    panel.select_loop(0)
    assert panel.curve.point_count == 8
    assert panel.current_iteration == 0 and player.current_call == panel.loops[0].iterations[0].call_index


def test_selecting_an_iteration_selects_its_backward_call(qtbot, wired) -> None:
    player, panel, _ = wired
    loop = panel.loops[1]
    panel.select_iteration(2)
    assert player.current_call == loop.iterations[2].call_index
    assert "iteration 3 of 8" in panel.position.text()
    panel.slider.setValue(5)
    assert player.current_call == loop.iterations[5].call_index and panel.curve.current == 5
    point = panel.curve.point_at(1)
    assert point is not None
    with qtbot.waitSignal(panel.iteration_selected) as blocker:
        qtbot.mouseClick(panel.curve, Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert blocker.args == [1] and player.current_call == loop.iterations[1].call_index
    qtbot.mouseClick(panel.prev_button, Qt.MouseButton.LeftButton)
    assert panel.current_iteration == 0 and not panel.prev_button.isEnabled()


def test_the_player_choosing_a_call_moves_the_panel(wired) -> None:
    player, panel, _ = wired
    target = panel.loops[0].iterations[4]
    player.select_call(target.call_index)
    assert panel.current_loop == 0 and panel.current_iteration == 4
    assert panel.slider.value() == 4 and panel.loop_box.currentIndex() == 0


def test_banner_appears_for_the_loop_that_forgot_zero_grad(wired) -> None:
    _, panel, _ = wired
    assert panel.banner.isHidden()  # the fixed loop resets its grads
    panel.select_loop(0)
    assert not panel.banner.isHidden()
    text = panel.banner.text()
    assert text.startswith("model.bias.grad kept adding up: iterations 1–8")
    assert "optimizer.zero_grad() is never called" in text
    assert "model.weight.grad too, iterations 1–8: None -> +(-1.27) -> -1.27; -1.27 -> +(-1.052) -> -2.322" in text
    panel.set_language("zh_CN")
    assert "model.bias.grad 一直在累加" in panel.banner.text()
    panel.select_loop(1)
    assert panel.banner.isHidden()


def test_no_loop_shows_the_hint(qtbot) -> None:
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    result = Session().run_cell(0, "import torch\nw = torch.ones(2, requires_grad=True)\n(w * 2).sum().backward()\n")
    panel.set_calls(result.backward_calls)
    assert panel.loops == [] and not panel.empty.isHidden() and panel.curve.isHidden()


def test_installed_dock_shows_itself_when_a_loop_is_detected(qtbot, tmp_path, session_run) -> None:
    from ui.main_window import MainWindow
    from ui.runner import RunController
    from ui.settings import Preferences

    QStandardPaths.setTestModeEnabled(True)
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(prefs, runner=RunController(None, lambda limits: None), autosave=False)
    qtbot.addWidget(window)
    player = BackwardPlayer()
    window.set_player_widget(player)
    panel = install_training_panel(window)
    assert isinstance(panel, TrainingPanel)
    dock = window.findChild(QDockWidget, "trainingDock")
    assert dock is not None and dock.isHidden()
    calls, graphs = session_run
    window.set_snapshot(graphs[2])
    player.set_calls(calls[:8], graphs[2])  # what the window does before it emits
    window.backward_calls_changed.emit(calls[:8])  # only the buggy loop so far
    assert not dock.isHidden()
    assert len(panel.loops) == 1 and not panel.banner.isHidden()
    panel.select_iteration(3)
    assert player.current_call == 3
    window.backward_calls_changed.emit([])
    assert panel.loops == [] and panel.banner.isHidden()
    window.runner.shutdown()
