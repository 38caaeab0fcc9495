"""The input-slot labels ("0", "1" beside an arrowhead) never cover an open group's title strip,
a node's box or another label into the same node, on real graphs with module boxes and loop steps,
in both views and both directions."""

from __future__ import annotations

from typing import Any

import pytest

from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from ui.graph.edges import SLOT_BACK
from ui.graph.view import GraphView

MLP = """import torch
from torch import nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
x = torch.randn(5, 4)
target = torch.randn(5, 1)
loss = ((model(x) - target) ** 2).mean()
loss.backward()
"""

# Loop steps open in frames, each starting with h * w: two arrows into the step's first op, right
# under its title strip.
LOOP = """import torch
x = torch.tensor([0.5, -0.3], requires_grad=True)
w = torch.tensor([1.01, 0.99], requires_grad=True)
h = x
for _ in range(4):
    h = torch.tanh(h * w + 0.1)
loss = h.sum()
loss.backward()
"""

RNN = """import torch
from torch import nn
torch.manual_seed(0)
cell = nn.RNNCell(3, 4)
hx = torch.zeros(2, 4)
for t in range(3):
    hx = cell(torch.randn(2, 3), hx)
loss = hx.pow(2).sum()
loss.backward()
"""


@pytest.fixture(scope="module")
def graphs() -> dict[str, dict[str, Any]]:
    out = {}
    for name, source in (("mlp", MLP), ("loop", LOOP), ("rnn", RNN)):
        result = Session(Limits(wall_time_s=60.0)).run_cell(0, source)
        assert result.error is None and result.graph is not None
        out[name] = result.graph
    return out


def _overlaps(view: GraphView) -> list[str]:
    scene = view.graph_scene
    frames = list(scene.group_frames.frames.values())
    bands = scene.title_bands()
    for frame, band in zip(frames, bands):
        assert band.contains(frame.toggle_rect())  # the band is the strip the title and "−" are drawn in
    found = []
    into: dict[str, list[Any]] = {}
    for edge in scene.edges.values():
        rect = edge.label_rect()
        if rect.isEmpty():
            continue
        where = f"{edge.label_text()} on {edge.key_tuple}"
        found += [f"{where} covers the title of {f.title!r}" for f, b in zip(frames, bands) if b.intersects(rect)]
        found += [f"{where} covers {v}" for v, item in scene.nodes.items() if item.scene_box().intersects(rect)]
        found += [f"{where} covers another label" for other in into.get(edge.target, []) if other.intersects(rect)]
        into.setdefault(edge.target, []).append(rect)
    return found


@pytest.mark.parametrize("view_mode", ["dataflow", "gradfn"])
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_slot_labels_cover_no_title_node_or_label(qtbot, graphs, view_mode, direction):
    moved = 0
    for name, graph in graphs.items():
        view = GraphView()
        qtbot.addWidget(view)
        view.resize(1000, 700)
        view.set_snapshot(graph)
        view.set_view_mode(view_mode)
        view.set_direction(direction)
        scene = view.graph_scene
        assert scene.group_frames.frames, name  # module boxes or loop steps are open
        labelled = [e for e in scene.edges.values() if e.label_text()]
        assert labelled, name
        assert _overlaps(view) == [], f"{name} {view_mode} {direction}"
        moved += sum(1 for e in labelled if e.label_spot != (SLOT_BACK, 1))
    if direction == "TB":
        # top-down, the first place (just above the arrowhead) falls on a step's title strip
        assert moved > 0


def test_slot_labels_stay_clear_after_a_group_is_closed_and_opened_again(qtbot, graphs):
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.set_snapshot(graphs["loop"])
    scene = view.graph_scene
    step = next(gid for gid, frame in scene.group_frames.frames.items() if frame.spec.kind == "step")
    assert view.collapse_group(step)
    assert _overlaps(view) == []
    assert view.expand_group(step)
    qtbot.waitUntil(lambda: not scene._moves)  # the relayout's glide has ended
    assert _overlaps(view) == []
