"""A step of the backward player repaints only what it changed, and stepping ends on the same
picture as drawing that step from scratch.

The canvas keeps player state incrementally (GraphScene.set_node_states / set_edge_grads /
set_input_sum / set_buffer_freed): each step re-derives the state of the drawn nodes and edges the
step touched, not of every item. These tests count which items were asked to repaint during each
step (``update`` / ``prepareGeometryChange``) and compare that set with the items whose look
actually changed; and they compare the look of every item after walking the call (forward, then
back) with a fresh canvas jumped straight to that step and with the scene's full re-derivation.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QGraphicsItem

from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from ui.graph.edges import EdgeItem, InputSumItem
from ui.graph.items import NodeItem, OpItem
from ui.graph.scene import GraphScene
from ui.graph.view import GraphView
from ui.player import BackwardPlayer

# A loop long enough to start folded into one box (its members' states meet on the box), a leaf
# used at every step (its input buffer adds up), y * y (two parallel edges, each with its grad)
# and saved tensors that backward frees.
FOLDED = """import torch
x = torch.tensor([0.5, -0.3], requires_grad=True)
w = torch.tensor([1.01, 0.99], requires_grad=True)
h = x
for _ in range(8):
    h = torch.tanh(h * w + 0.1)
y = h * h
loss = y.sum() + (w * 2.0).sum()
loss.backward()
"""

# A module box drawn open, around its ops.
MODULE = """import torch
from torch import nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
x = torch.randn(2, 3)
loss = (model(x) ** 2).mean()
loss.backward()
"""


@pytest.fixture(scope="module", params=[FOLDED, MODULE], ids=["folded-loop", "module"])
def recorded(request) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    result = Session(Limits(wall_time_s=60.0)).run_cell(0, request.param)
    assert result.error is None
    calls = [c if isinstance(c, dict) else c.to_dict() for c in result.backward_calls]
    assert calls and result.graph is not None
    return calls, result.graph


def _canvas(qtbot, recorded) -> tuple[GraphView, BackwardPlayer]:
    calls, graph = recorded
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.set_snapshot(graph)
    view.set_follow_player(False)  # the camera holds still: only the step's own items repaint
    player = BackwardPlayer()
    qtbot.addWidget(player)
    player.set_canvas(view)
    player.set_calls(calls, graph)
    player.select_call(len(calls) - 1)
    return view, player


def _looks(view: GraphView) -> dict[Any, tuple]:
    """What the learner sees of every node, edge and input-sum chip (markers are transient)."""
    scene = view.graph_scene
    looks: dict[tuple[str, Any], tuple] = {}
    for node_id, item in scene.nodes.items():
        looks[("node", node_id)] = (
            item.run_state,
            item.highlighted,
            item.badge,
            item.toolTip(),
            item._pen.color().rgba(),
            item._pen.widthF(),
            item._pen.style(),
            item._fill.color().rgba(),
            tuple((chip.attr, chip.freed) for chip in item._chips),
        )
    for key, edge in scene.edges.items():
        looks[("edge", key)] = (edge.active, edge.grad_text, edge._pen.color().rgba(), edge._pen.widthF())
    for where, chip in scene._sum_items.items():
        looks[("sum", where)] = (chip.text, chip.pos().x(), chip.pos().y())
    return looks


def _name(item: QGraphicsItem) -> Any:
    if isinstance(item, NodeItem):
        return ("node", item.node_id)
    if isinstance(item, EdgeItem):
        return ("edge", item.key_tuple)
    scene = item.scene()
    if isinstance(item, InputSumItem) and isinstance(scene, GraphScene):
        for key, chip in scene._sum_items.items():
            if chip is item:
                return ("sum", key)
    return None


class Recorder:
    """The items asked to repaint (``update`` or a geometry change) and the items whose player
    state setters ran, since the last ``clear``."""

    SETTERS: dict[type, tuple[str, ...]] = {
        NodeItem: ("set_run_state", "set_highlighted", "set_badge"),
        OpItem: ("set_buffer_freed",),
        EdgeItem: ("set_active", "set_grad_text"),
        InputSumItem: ("set_text", "attach"),
    }

    def __init__(self, monkeypatch) -> None:
        self.repainted: set[Any] = set()
        self.set: set[Any] = set()
        for painted in (NodeItem, EdgeItem, InputSumItem):
            monkeypatch.setattr(painted, "update", self._recording(QGraphicsItem.update, self.repainted))
            monkeypatch.setattr(
                painted, "prepareGeometryChange", self._recording(QGraphicsItem.prepareGeometryChange, self.repainted)
            )
        for cls, names in self.SETTERS.items():
            for name in names:
                monkeypatch.setattr(cls, name, self._recording(getattr(cls, name), self.set))

    @staticmethod
    def _recording(original, into: set[Any]):
        def record(item, *args):
            name = _name(item)
            if name is not None:
                into.add(name)
            return original(item, *args)

        return record

    def clear(self) -> None:
        self.repainted.clear()
        self.set.clear()


def _steps(player: BackwardPlayer) -> int:
    assert player.replay is not None
    return len(player.replay)


def _walk(player: BackwardPlayer) -> list[int]:
    """Every step forward, then back to the middle two steps at a time, then a far jump."""
    last = _steps(player) - 1
    return [*range(1, last + 1), *range(last - 2, last // 2, -2), 1, last]


def test_a_step_touches_and_repaints_only_the_items_whose_look_changed(qtbot, recorded, monkeypatch):
    view, player = _canvas(qtbot, recorded)
    player.seek(0)
    scene = view.graph_scene
    # a box standing for several nodes re-derives its state when any of them changes
    groups = {("node", v) for v in scene.nodes if len(scene._stand_ins.get(v, ())) > 1}
    recorder = Recorder(monkeypatch)
    total = len(_looks(view))
    busiest, previous = 0, 0
    for step in _walk(player):
        before = _looks(view)
        recorder.clear()
        player.seek(step)
        after = _looks(view)
        changed = {k for k in after if before.get(k) != after[k]}
        # a chip that went away is no item any more: nothing is asked of it after its removal
        repainted = {k for k in recorder.repainted if k in after}
        assert repainted == changed, f"step {step}"
        assert recorder.set <= changed | groups | set(before) - set(after), f"step {step}"
        if abs(step - previous) == 1:
            busiest = max(busiest, len(recorder.set))
        previous = step
    # a single step touches a handful of the drawing's items, not every one
    assert 0 < busiest < total / 2


def test_stepping_ends_on_the_picture_drawn_from_scratch(qtbot, recorded):
    view, player = _canvas(qtbot, recorded)
    walk = _walk(player)
    checkpoints = {_steps(player) // 2, walk[-3], _steps(player) - 1}
    for step in walk:
        player.seek(step)
        if step not in checkpoints:
            continue
        stepped = _looks(view)
        fresh_view, fresh_player = _canvas(qtbot, recorded)
        fresh_player.seek(step)  # one jump: every state sent at once
        assert _looks(fresh_view) == stepped, f"step {step}"
        view.graph_scene._apply_player_state()  # the scene's full re-derivation changes nothing
        assert _looks(view) == stepped, f"step {step}"


class _PaintRegions(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QPaintEvent):
            self.rects.append(event.region().boundingRect())
        return False


def _rects(view: GraphView) -> dict[Any, QRect]:
    scene = view.graph_scene
    items: dict[Any, QGraphicsItem] = {("node", k): v for k, v in scene.nodes.items()}
    items.update({("edge", k): v for k, v in scene.edges.items()})
    items.update({("sum", k): v for k, v in scene._sum_items.items()})
    return {k: view.mapFromScene(item.sceneBoundingRect()).boundingRect() for k, item in items.items()}


def test_a_step_repaints_only_the_viewport_around_the_changed_items(qtbot, recorded):
    view, player = _canvas(qtbot, recorded)
    view.show()
    qtbot.waitExposed(view)
    player.seek(0)
    QApplication.processEvents()
    regions = _PaintRegions()
    qtbot.waitUntil(lambda: not view.minimap._timer.isActive())  # the overview drawn: it stays put
    view.viewport().installEventFilter(regions)
    viewport = view.viewport().rect()
    checked = 0
    # two steps at a time: a single step forward also slides a grad marker, which is not the state
    for step in range(2, _steps(player), 2):
        before, rects_before = _looks(view), _rects(view)
        regions.rects.clear()
        player.seek(step)
        after, rects_after = _looks(view), _rects(view)
        QApplication.processEvents()
        changed = {k for k in after if before.get(k) != after[k]} | {k for k in before if k not in after}
        if not changed or not regions.rects:
            continue
        allowed = QRect()
        for key in changed:
            for rect in (rects_before.get(key), rects_after.get(key)):
                if rect is not None:
                    allowed = allowed.united(rect)
        allowed = allowed.adjusted(-4, -4, 4, 4).intersected(viewport)
        for rect in regions.rects:
            assert allowed.contains(rect.intersected(viewport)), f"step {step}: {rect} outside {allowed}"
        checked += 1
    assert checked > 0
