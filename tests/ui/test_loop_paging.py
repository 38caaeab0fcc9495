"""A 300-step loop opened in the whole window shows a page of its steps at a time (issue 16): the
drawing stays small, the ‹ › buttons and the folded runs turn the pages, the backward player lights
the folded run holding the running node and a double-click opens that node's page, search and
"Run to…" still reach steps on hidden pages, and the loop closes again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from gradviz.graph.loop_pages import PAGE_STEPS
from tests.ui.full_window import full_window
from ui.graph import GraphPanel
from ui.graph.items import GroupItem
from ui.legend import tooltip_for
from ui.player import BackwardPlayer

RUN_TIMEOUT_MS = 60_000
STATE_TIMEOUT_MS = 5_000

LOOP_300 = """# %%
import torch
h0 = torch.ones(3, requires_grad=True)
h = h0
for _ in range(300):
    h = torch.tanh(h * 1.01 + 0.1)
loss = h.sum()
loss.backward()
"""


@pytest.fixture
def window(qtbot, tmp_path):
    with full_window(qtbot, tmp_path, time_s=30.0) as win:
        win.documents.load_text(LOOP_300, None)
        with qtbot.waitSignal(win.run_idle, timeout=RUN_TIMEOUT_MS):
            win.running.run_all()
        assert isinstance(win.player, BackwardPlayer) and win.player.call_count > 0
        assert isinstance(win.canvas, GraphPanel)
        yield win


def _boxes(scene) -> dict[str, str]:
    """Drawn group boxes: id -> label."""
    return {v: str(i.node_data.get("label")) for v, i in scene.nodes.items() if isinstance(i, GroupItem)}


def _click(view, point: QPointF, double: bool = False) -> None:
    view.centerOn(point)
    at = view.mapFromScene(point)
    if double:
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    else:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def _page_box(scene, text: str) -> str:
    (found,) = [v for v, label in _boxes(scene).items() if label.startswith("steps ") and text in label]
    return found


def test_open_page_through_and_close_the_300_step_loop(qtbot, window):
    panel = window.canvas
    assert isinstance(panel, GraphPanel)
    view = panel.view
    scene = view.graph_scene
    (loop,) = [v for v, label in _boxes(scene).items() if label == "300 x tanh(h * 1.01 + 0.1)"]
    _click(view, scene.nodes[loop].sceneBoundingRect().center(), double=True)
    qtbot.waitUntil(lambda: loop in scene.group_frames.frames, timeout=STATE_TIMEOUT_MS)
    frame = scene.group_frames.frames[loop]
    assert frame.title == "300 x tanh(h * 1.01 + 0.1) · steps 1–10"
    boxes = _boxes(scene)
    steps = sorted(label.split(" ·")[0] for label in boxes.values() if label.startswith("step "))
    assert len(steps) == PAGE_STEPS + 1 and "step 300 of 300" in steps  # the page and the last step
    assert list(boxes.values()).count("steps 11–299 (289 more)") == 1
    # Bounded: the page's boxes and the values between them, not 300 steps' worth (603 nodes).
    assert len(scene.nodes) <= 3 * PAGE_STEPS and len(scene.edges) <= 3 * PAGE_STEPS

    # Hovered, the buttons say what they do (the canvas's own tooltips would skip them).
    for delta, text in ((1, "Next page of steps"), (-1, "Previous page of steps")):
        point = frame.button_rect(delta).center()
        view.centerOn(point)
        assert tooltip_for(view.items(view.mapFromScene(point)), point, str) == text

    # "›" turns to the next page, and a double-click on it turns a page too instead of reaching
    # the frame (where a double-click closes the loop); "‹" turns back.
    _click(view, frame.button_rect(1).center())
    qtbot.waitUntil(lambda: scene.group_frames.frames[loop].title.endswith("steps 11–20"), timeout=STATE_TIMEOUT_MS)
    assert set(_boxes(scene).values()) >= {"steps 2–10 (9 earlier)", "steps 21–299 (279 more)"}
    _click(view, scene.group_frames.frames[loop].button_rect(1).center(), double=True)
    qtbot.waitUntil(lambda: scene.group_frames.frames[loop].title.endswith("steps 21–30"), timeout=STATE_TIMEOUT_MS)
    _click(view, scene.group_frames.frames[loop].button_rect(-1).center())
    qtbot.waitUntil(lambda: scene.group_frames.frames[loop].title.endswith("steps 11–20"), timeout=STATE_TIMEOUT_MS)
    # A double-click on the folded run after the page shows the page after it, framed in view.
    after = _page_box(scene, "(279 more)")
    _click(view, scene.nodes[after].sceneBoundingRect().center(), double=True)
    qtbot.waitUntil(lambda: scene.group_frames.frames[loop].title.endswith("steps 21–30"), timeout=STATE_TIMEOUT_MS)
    shown = [v for v, label in _boxes(scene).items() if label.startswith("step 21 of")]
    assert shown and view.visible_scene_rect().intersects(scene.nodes[shown[0]].sceneBoundingRect())
    assert len(scene.nodes) <= 3 * PAGE_STEPS + 4

    # The frame's "−" closes the loop back into one box.
    toggle = scene.group_frames.frames[loop].toggle_rect()
    _click(view, toggle.center())
    qtbot.waitUntil(lambda: loop in scene.nodes, timeout=STATE_TIMEOUT_MS)
    assert not scene.group_frames.frames and len(scene.nodes) < 10


def test_the_player_search_and_run_to_reach_steps_on_hidden_pages(qtbot, window):
    panel, player = window.canvas, window.player
    assert isinstance(panel, GraphPanel) and isinstance(player, BackwardPlayer)
    view = panel.view
    scene = view.graph_scene
    (loop,) = [v for v, label in _boxes(scene).items() if label.startswith("300 x")]
    assert view.expand_group(loop)
    replay, grouping = player.replay, scene.grouping
    assert replay is not None and grouping is not None

    def tanh_of(step: str) -> str:
        ops = [str(v) for v in grouping.members(step) if str(v) in replay.nodes]
        return next(v for v in ops if replay.nodes[v]["name"] == "TanhBackward0")

    step_150 = grouping.groups[loop].children[149]
    tanh_150 = tanh_of(step_150)
    # Backward running inside a folded run lights the run's box; the page stays as it is.
    start = replay.start_step(tanh_150)
    assert start is not None
    player.seek(start)
    hidden = _page_box(scene, "steps 11–299")
    assert scene.drawn_id(tanh_150) == hidden and scene.nodes[hidden].run_state == "running"
    assert scene.group_frames.frames[loop].title.endswith("steps 1–10")
    # Opened then, the run shows the page of the running node, which is lit there.
    assert view.expand_group(hidden)
    assert scene.group_frames.frames[loop].title.endswith("steps 141–150")
    assert scene.drawn_id(tanh_150) == step_150 and scene.nodes[step_150].run_state == "running"
    assert view.visible_scene_rect().intersects(scene.nodes[step_150].sceneBoundingRect())

    # Search finds a step on a hidden page and selects the box holding it.
    step_40 = grouping.groups[loop].children[39]
    tanh_40 = tanh_of(step_40)
    matches = panel.search("TanhBackward0")
    assert len(matches) == 300 and tanh_40 in matches
    while panel._matches[panel._match_index] != tanh_40:
        panel.next_match()
    holder = _page_box(scene, "steps 2–140")
    assert view.selected_id() == holder
    assert panel.search_status.text().endswith("· in steps 2–140 (139 earlier)")

    # "Run to…" a node on a hidden page plays there; its run lights up.
    player._set_speed("call:5")
    assert player.run_to_node(tanh_40)
    qtbot.waitUntil(lambda: not player.is_playing, timeout=30_000)
    assert replay.state(player.current_step).current_node == tanh_40
    assert scene.nodes[holder].run_state == "running"
