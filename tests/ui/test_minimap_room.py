"""The overview (minimap) never hides a node after a fit, and the follow camera never leaves the
running node under it.

The overview shows only while part of the graph is off screen. After a fit or a zoom to the
readable size it goes to a corner where it covers no node (bottom right, else top right, else
bottom left); the camera that follows the backward player moves the running node out from under
it. Checked in viewport pixels against every node's box.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect

from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from ui.graph.view import GraphView
from ui.player import BackwardPlayer

MLP = """import torch
from torch import nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
x = torch.randn(5, 4)
target = torch.randn(5, 1)
loss = ((model(x) - target) ** 2).mean()
loss.backward()
"""

# Two residual blocks: a graph wider than a column, with nodes reaching the canvas's corners.
BLOCKS = """import torch
from torch import nn
torch.manual_seed(0)
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.gate = nn.Linear(3, 3)
    def forward(self, x):
        return torch.tanh(self.fc(x)) * torch.sigmoid(self.gate(x)) + x
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(), Block()])
        self.head = nn.Linear(3, 1)
    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.head(x)
net = Net()
x = torch.randn(4, 3)
loss = net(x).pow(2).mean()
loss.backward()
"""


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    out = {}
    for name, source in (("mlp", MLP), ("blocks", BLOCKS)):
        result = Session(Limits(wall_time_s=60.0)).run_cell(0, source)
        assert result.error is None and result.graph is not None
        calls = [c if isinstance(c, dict) else c.to_dict() for c in result.backward_calls]
        out[name] = (calls, result.graph)
    return out


def _under_minimap(view: GraphView, node_ids: Any = None) -> list[str]:
    """Nodes whose box, in viewport pixels, meets the shown overview's rectangle."""
    if not view.minimap.isVisible():
        return []
    overview = view.minimap.geometry().translated(-view.viewport().geometry().topLeft())
    covered = []
    for node_id, item in view.graph_scene.nodes.items():
        if node_ids is not None and node_id not in node_ids:
            continue
        box: QRect = view.mapFromScene(item.scene_box()).boundingRect()
        if box.intersects(overview):
            covered.append(node_id)
    return covered


def _view(qtbot, graph: dict[str, Any], size: tuple[int, int]) -> GraphView:
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.set_snapshot(graph)
    return view


@pytest.mark.parametrize("size", [(700, 500), (1000, 700)])
def test_no_node_is_under_the_minimap_after_a_fit(qtbot, recorded, size):
    shown = 0
    for name, (_, graph) in recorded.items():
        view = _view(qtbot, graph, size)
        for fit in (view.fit_to_view, view.fit_whole, view.readable_size):
            fit()
            view.minimap.render_now()
            assert _under_minimap(view) == [], f"{name} {size} after {fit.__name__}"
            shown += view.minimap.isVisible()
    assert shown > 0  # the readable size leaves part of these graphs off screen: the overview shows


def test_the_follow_camera_keeps_the_running_node_clear_of_the_minimap(qtbot, recorded):
    calls, graph = recorded["blocks"]
    view = _view(qtbot, graph, (700, 500))
    view.pan_duration_ms = 0  # the camera jumps: each step is checked where it ends
    view.readable_size()
    view.minimap.render_now()
    assert view.minimap.isVisible()
    player = BackwardPlayer()
    qtbot.addWidget(player)
    player.set_canvas(view)
    player.set_calls(calls, graph)
    player.select_call(len(calls) - 1)
    assert player.replay is not None
    followed = 0
    for step in range(len(player.replay)):
        player.seek(step)
        running = view.running_node
        if running and running in view.graph_scene.nodes:
            assert _under_minimap(view, {running}) == [], f"step {step}: {running}"
            followed += 1
    assert followed > 5
