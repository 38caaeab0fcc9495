"""The player's texts fit where they are shown: the rule panel's title wraps inside the visible
area in Chinese too, and the call number says there is no call instead of "#1 / 0" (learner
review 16, P2-4 and P3-6)."""

from __future__ import annotations

from gradviz.runner.session import Session
from ui.i18n import language_switcher
from ui.player import BackwardPlayer

SOURCE = """
import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
loss = model(torch.randn(8, 4)).pow(2).mean()
loss.backward()
"""


def test_the_call_number_says_there_is_no_call_yet(qtbot) -> None:
    player = BackwardPlayer()
    qtbot.addWidget(player)
    assert player.call_number.text() == "no backward call yet" and not player.call_number.isEnabled()
    player.set_calls([], None)
    assert player.call_number.text() == "no backward call yet"
    result = Session().run_cell(0, SOURCE)
    player.set_calls(result.backward_calls, result.graph)
    assert player.call_number.text() == "#1 / 1" and player.call_number.isEnabled()
    player.set_calls([], None)
    assert "#" not in player.call_number.text()


def test_the_rule_panel_title_wraps_inside_the_visible_area_in_chinese(qtbot) -> None:
    result = Session().run_cell(0, SOURCE)
    player = BackwardPlayer()
    qtbot.addWidget(player)
    language_switcher().apply("zh_CN")
    try:
        player.resize(620, 420)
        player.show()
        qtbot.waitExposed(player)
        player.set_calls(result.backward_calls, result.graph)
        addmm = next(
            k
            for k, e in enumerate(player.replay.events)
            if e["type"] == "node_started" and e["name"].startswith("Addmm")
        )
        player.seek(addmm)
        title = player.vjp_panel.title
        assert "AddmmBackward0" in title.text() and "正在" in title.text()
        body = player.vjp_panel.parentWidget()
        viewport = body.parentWidget()
        qtbot.waitUntil(lambda: body.width() <= viewport.width())
        assert title.wordWrap() and title.geometry().right() <= viewport.width()
        assert title.height() > title.fontMetrics().height() * 1.5  # on two lines, not cut at the edge
    finally:
        language_switcher().apply("en")
