"""A backward call kept only as a summary (long training loops) is shown as such in the player."""

from __future__ import annotations

from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from ui.player import BackwardPlayer

LOOP = """import torch
w = torch.tensor([1.0, -2.0], requires_grad=True)
for step in range(12):
    loss = (w * w).sum()
    loss.backward()
"""


def _calls() -> tuple[list[dict], dict | None]:
    result = Session(Limits(max_detailed_calls=4, detail_budget=0)).run_cell(0, LOOP)
    assert result.error is None
    return result.backward_calls, result.graph


def test_a_summarised_call_says_so_and_a_detailed_one_still_replays(qtbot) -> None:
    calls, graph = _calls()
    player = BackwardPlayer()
    qtbot.addWidget(player)
    player.set_calls(calls, graph)
    assert player.call_box.count() == 12
    assert "summary" in player.call_box.itemText(5)
    assert "summary" not in player.call_box.itemText(11)
    player.select_call(5)
    assert not player.slider.isEnabled()
    assert "summary" in player.step_label.text()
    player.select_call(11)
    assert player.slider.isEnabled()
    assert player.slider.maximum() > 0


def test_the_loss_curve_plots_every_iteration_and_follows_into_summaries(qtbot) -> None:
    from ui.training import TrainingPanel

    calls, graph = _calls()
    player = BackwardPlayer()
    panel = TrainingPanel(language="en")
    qtbot.addWidget(player)
    qtbot.addWidget(panel)
    panel.set_player(player)
    panel.set_snapshot(graph)
    player.set_calls(calls, graph)
    panel.set_calls(calls)
    assert panel.curve.point_count == 12
    panel.select_iteration(6)
    assert player.current_call == 6
    assert "summary only" in panel.position.text()
    assert "summary" in player.step_label.text()
    panel.select_iteration(11)
    assert "summary only" not in panel.position.text()
    assert player.slider.isEnabled()
