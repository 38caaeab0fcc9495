"""What the player's text panels say: the local rule with numbers, the end summary, the order line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from gradviz.runner.session import Session
from ui.player import BackwardPlayer
from ui.player.player import bounded_order

CLASSIC = """import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
"""

LONG_CHAIN = """import torch
w = torch.ones(2, requires_grad=True)
h = w
for _ in range(300):
    h = h * 1.0
h.sum().backward()
"""


def _player(qtbot, source: str) -> BackwardPlayer:
    QSettings().remove("player/speed")
    result = Session().run_cell(0, source)
    assert result.error is None, result.error
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.set_calls(result.backward_calls, result.graph)
    return widget


def _step_where(player: BackwardPlayer, event_type: str, name: str, nth: int = 0) -> int:
    assert player.replay is not None
    found = [
        k
        for k, e in enumerate(player.replay.events)
        if e["type"] == event_type and player.replay.nodes[e["node_id"]]["name"].endswith(name)
    ]
    return found[nth]


def test_rule_with_numbers_at_each_node_of_the_classic_example(qtbot):
    player = _player(qtbot, CLASSIC)
    panel = player.vjp_panel
    player.seek(_step_where(player, "node_finished", "MeanBackward0"))
    assert "grad_self = grad / numel = 1 / 4 = 0.25   (every element)" in panel.rule_lines
    player.seek(_step_where(player, "node_finished", "MulBackward0", 0))
    assert panel.rule_lines[0] == "grad_self = grad × other = 0.25 × 3 = 0.75   (every element)"
    assert "grad × other = 0.25 × 3 = 0.75" in panel.rule.text()
    assert panel.title.text() == "<b>MulBackward0 (z)</b> is running"  # the learner's name, no internal id
    player.seek(_step_where(player, "node_finished", "MulBackward0", 1))
    assert panel.rule_lines == [
        "grad_self = grad × other = 0.75 × 3 = 2.25   (every element)",
        "grad_other = grad × self = 0.75 × 3 = 2.25   (every element)",
    ]
    # when the node has only started, the rule shows the arriving grad, not yet the result
    player.seek(_step_where(player, "node_started", "MulBackward0", 1))
    assert panel.rule_lines[0] == "grad_self = grad × other = 0.75 × 3   (every element)"


def test_finished_step_says_what_each_leaf_holds_and_nothing_is_running(qtbot):
    player = _player(qtbot, CLASSIC)
    player.seek(-1)
    panel = player.vjp_panel
    assert "is running" not in panel.title.text()
    assert panel.summary_lines[0] == "finished: x.grad = [[4.5, 4.5], [4.5, 4.5]]"
    order = panel.summary_lines[-1]
    first = "Order of this call: ✓ MeanBackward0 (out)  →  ✓ MulBackward0 (z)  →  ✓ MulBackward0 (y * y)"
    assert order.startswith(first)
    assert "✓ AccumulateGrad (x)" in order


def test_order_of_a_long_call_is_bounded_and_keeps_the_current_node(qtbot):
    player = _player(qtbot, LONG_CHAIN)
    assert player.replay is not None
    nodes = len(player.replay.node_order)
    assert nodes > 300
    player.seek(-1)  # the finished step shows the order line
    line = next(t for t in player.vjp_panel.summary_lines if t.startswith("Order of this call"))
    names = line.removeprefix("Order of this call: ").split("  →  ")
    assert len(names) == 12 + 1 + 4
    assert names[12] == f"… {nodes - 16} more"
    # while a node in the middle runs, the line keeps it between two gaps
    middle = _step_where(player, "node_started", "MulBackward0", 150)
    line = player._order_lines(player.replay.state(middle))[0]
    names = line.removeprefix("Order of this call: ").split("  →  ")
    gaps = [n for n in names if n.startswith("… ")]
    assert len(names) == 12 + 4 + 1 + 2 and len(gaps) == 2
    assert sum(int(g.split()[1]) for g in gaps) + len(names) - len(gaps) == nodes
    assert "▶ MulBackward0 (h * 1.0)" in names
    assert not any(part.split(" ", 1)[-1].startswith("n") for part in names)  # no internal ids


def test_bounded_order_positions():
    assert bounded_order(5, 12, 4, None) == [("node", i) for i in range(5)]
    shown = bounded_order(900, 12, 4, 400)
    assert shown[:12] == [("node", i) for i in range(12)]
    assert shown[12] == ("gap", 388) and shown[13] == ("node", 400) and shown[14] == ("gap", 495)
    assert shown[15:] == [("node", i) for i in range(896, 900)]


@pytest.mark.parametrize("language", ["zh_CN"])
def test_rule_lines_follow_the_language(qtbot, language):
    player = _player(qtbot, CLASSIC)
    player.set_language(language)
    player.seek(_step_where(player, "node_finished", "MeanBackward0"))
    assert "grad_self = grad / numel = 1 / 4 = 0.25   (每个元素)" in player.vjp_panel.rule_lines
