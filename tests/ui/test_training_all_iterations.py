"""After a training loop, "All iterations" (the training panel's box, View > All Iterations of a
Loop) draws every iteration kept in full together, as the loop's cell left them, and the player
replays the chosen iteration on that graph; unchecked, each iteration draws its own graph again.
The choice is kept between sessions. Driven on the shipped MLP example (a 60-step SGD loop)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction

from gradviz.graph.calls import call_node_ids
from gradviz.runner.limits import Limits
from tests.paths import EXAMPLES_DIR
from tests.ui.full_window import full_window
from ui.i18n import language_switcher
from ui.settings import Preferences
from ui.training import TrainingPanel

EXAMPLE = EXAMPLES_DIR / "mlp_training.py"
RUN_TIMEOUT_MS = 60_000
STATE_TIMEOUT_MS = 10_000
ITERATIONS = 60
# The first and last four iterations keep their graphs (no size budget); the others are kept only as summaries.
LIMITS = Limits(wall_time_s=30.0, max_detailed_calls=8, detail_budget=0)
KEPT = LIMITS.max_detailed_calls


def _run(qtbot: Any, win: Any) -> None:
    win.documents.load_text(EXAMPLE.read_text(encoding="utf-8"), None)
    with qtbot.waitSignal(win.run_idle, timeout=RUN_TIMEOUT_MS):
        win.running.run_all()


@pytest.fixture
def window(qtbot, tmp_path):
    with full_window(qtbot, tmp_path, limits=LIMITS) as win:
        _run(qtbot, win)
        yield win


def _losses(snapshot: dict[str, Any] | None) -> int:
    """How many iterations' losses a graph holds (one NllLossBackward0 per cross_entropy)."""
    return Counter(n["label"] for n in (snapshot or {}).get("nodes", []))["NllLossBackward0"]


def _iteration(window: Any) -> int | None:
    return (((window.snapshot or {}).get("graph") or {}).get("iteration") or {}).get("index")


def _action(window: Any) -> QAction:
    action = window.findChild(QAction, "allIterationsAction")
    assert action is not None
    return action


def test_all_iterations_draws_every_kept_iteration_and_the_player_replays_the_chosen_one(qtbot, window) -> None:
    panel = window.findChild(TrainingPanel)
    assert panel is not None and len(panel.loops) == 1
    loop = panel.loops[0]
    assert len(loop.iterations) == ITERATIONS and sum(not it.summarized for it in loop.iterations) == KEPT
    action = _action(window)
    assert action.isEnabled() and not action.isChecked() and not panel.all_button.isChecked()
    assert "replays" in panel.all_button.toolTip() and action.toolTip() == panel.all_button.toolTip()

    # The run ends on a later cell's call while the panel stays on the loop's last iteration:
    # picking that iteration brings its call back.
    last = loop.iterations[-1]
    assert panel.current_iteration == last.index and window.player.current_call > last.call_index
    panel.select_iteration(last.index)
    qtbot.waitUntil(lambda: _iteration(window) == last.index, timeout=STATE_TIMEOUT_MS)
    assert window.player.current_call == last.call_index

    # One iteration at a time (the default): iteration 3 draws its own graph.
    call = loop.iterations[2].call_index
    panel.select_iteration(2)
    qtbot.waitUntil(lambda: _iteration(window) == 2, timeout=STATE_TIMEOUT_MS)
    assert window.player.current_call == call and _losses(window.snapshot) == 1
    assert panel.merged_note.isHidden()

    qtbot.mouseClick(panel.all_button, Qt.MouseButton.LeftButton)
    merged = window.running.cell_graphs[loop.cell]
    qtbot.waitUntil(lambda: window.snapshot is merged, timeout=STATE_TIMEOUT_MS)
    assert _losses(window.snapshot) == KEPT and _iteration(window) is None
    assert action.isChecked() and window.prefs.all_iterations and window.running.iterations_merged
    assert panel.merged_note.text() == (
        f"Drawn: the {KEPT} of {ITERATIONS} iterations kept in full, together. "
        "The player replays iteration 3's backward() on them."
    )
    # The player still replays iteration 3's call, now on the merged graph: every node it runs is
    # there, among the other iterations'.
    assert window.player.current_call == call
    plan = call_node_ids(window.running.backward_calls[call])
    assert plan is not None and set(plan) < {n["id"] for n in window.snapshot["nodes"]}
    scene = window.canvas.view.graph_scene
    window.player.seek(1)
    qtbot.waitUntil(lambda: bool(window.canvas.view.running_node), timeout=STATE_TIMEOUT_MS)
    running = window.canvas.view.running_node
    assert running in plan and scene.drawn_id(running) in scene.nodes  # drawn itself, or the folded loop holding it

    # The slider picks the call the player replays; the drawing stays the same.
    panel.slider.setValue(ITERATIONS - 1)
    qtbot.waitUntil(lambda: window.player.current_call == loop.iterations[-1].call_index, timeout=STATE_TIMEOUT_MS)
    assert window.snapshot is merged and "iteration 60's backward()" in panel.merged_note.text()
    panel.slider.setValue(30)  # kept only as a summary: said so, and the merged graph stays drawn
    qtbot.waitUntil(lambda: window.player.current_call == loop.iterations[30].call_index, timeout=STATE_TIMEOUT_MS)
    assert window.snapshot is merged and "Iteration 31 has no graph among them." in panel.merged_note.text()

    # View > All Iterations of a Loop switches back: iteration 60 draws its own graph again.
    panel.slider.setValue(ITERATIONS - 1)
    action.trigger()
    qtbot.waitUntil(lambda: _iteration(window) == ITERATIONS - 1, timeout=STATE_TIMEOUT_MS)
    assert _losses(window.snapshot) == 1 and window.player.current_call == loop.iterations[-1].call_index
    assert not panel.all_button.isChecked() and not window.prefs.all_iterations and panel.merged_note.isHidden()

    language_switcher().apply("zh_CN")  # full_window puts English back
    qtbot.waitUntil(lambda: panel.all_button.text() == "全部迭代", timeout=STATE_TIMEOUT_MS)
    assert action.text() == "循环的全部迭代" and "backward()" in action.toolTip()


def test_the_choice_is_kept_for_the_next_session(qtbot, tmp_path) -> None:
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    prefs.all_iterations = True
    prefs.sync()
    with full_window(qtbot, tmp_path, limits=LIMITS) as win:
        panel = win.findChild(TrainingPanel)
        assert panel is not None and panel.all_button.isChecked() and _action(win).isChecked()
        _run(qtbot, win)
        loop, player = panel.loops[0], win.player
        assert player is not None and loop.cell is not None
        merged = win.running.cell_graphs[loop.cell]
        panel.select_iteration(5)  # the run ends on a later cell's call; back to the loop
        qtbot.waitUntil(lambda: player.current_call == loop.iterations[5].call_index, timeout=STATE_TIMEOUT_MS)
        qtbot.waitUntil(lambda: win.snapshot is merged, timeout=STATE_TIMEOUT_MS)
        assert _losses(win.snapshot) == KEPT
