"""Numbers on the canvas never cover each other or a node: grad pills on edges that converge on
one node move apart along their edges, and an input-buffer sum stands where it covers no node and
no other sum (in a 300-step loop, w's long sum lay on b and its pill hid b's: '3.415e-1' for
3.415e-14)."""

from __future__ import annotations

from typing import Any

import pytest

from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from ui.graph.view import GraphView
from ui.player import BackwardPlayer

LOOP = """import torch
w = torch.tensor(1.01, requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
h = torch.zeros(3)
for i in range(60):
    h = torch.tanh(h * w + b)
loss = h.sum()
loss.backward()
"""


@pytest.fixture(scope="module")
def recorded() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    result = Session(Limits(wall_time_s=60.0)).run_cell(0, LOOP)
    assert result.error is None and result.graph is not None
    return [c if isinstance(c, dict) else c.to_dict() for c in result.backward_calls], result.graph


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_pills_and_sums_cover_no_number_and_no_node(qtbot, recorded, direction) -> None:
    calls, graph = recorded
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.graph_scene.set_direction(direction)
    view.set_snapshot(graph)
    player = BackwardPlayer()
    qtbot.addWidget(player)
    player.set_canvas(view)
    player.set_calls(calls, graph)
    player.select_call(0)
    scene = view.graph_scene
    checked = 0
    for step in range(0, len(calls[0]["events"]), 7):
        player.seek(step)
        pills = [e.grad_scene_rect() for e in scene.edges.values() if e.grad_text]
        pills = [r for r in pills if not r.isNull()]
        chips = [c.sceneBoundingRect().adjusted(1, 1, -1, -1) for c in scene._sum_items.values()]
        boxes = [item.scene_box() for item in scene.nodes.values()]
        for i, pill in enumerate(pills):
            assert not any(pill.intersects(other) for other in pills[i + 1 :]), (step, pill)
        for i, chip in enumerate(chips):
            assert not any(chip.intersects(other) for other in chips[i + 1 :]), (step, chip)
            assert not any(chip.intersects(box) for box in boxes), (step, chip)
        checked += len(pills) >= 2 and len(chips) >= 2
    assert checked  # steps where w's and b's grads and sums were all on screen
