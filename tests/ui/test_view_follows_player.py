"""The camera follows the backward player: at every step of every call the running node is inside
the canvas's viewport, and the inspector shows it; with following off the view holds still."""

from __future__ import annotations

import pytest

from tests.ui.full_window import full_window
from ui import files

RUN_TIMEOUT_MS = 60_000
STATE_TIMEOUT_MS = 10_000

CLASSIC = """# %%
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
"""


@pytest.fixture
def window(qtbot, tmp_path):
    with full_window(qtbot, tmp_path, time_s=20.0) as win:
        win.balance_layout()
        yield win


def _run(qtbot, window, text: str) -> None:
    window.documents.load_text(text, None)
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.running.run_all()
    assert window.player is not None and window.player.call_count > 0


def _running_node_in_view(view) -> bool:
    running = view.running_node
    item = view.graph_scene.node_item(running) if running else None
    if item is None:
        return True  # the finished step: nothing runs
    viewport = view.mapToScene(view.viewport().rect()).boundingRect()
    return viewport.contains(item.sceneBoundingRect()) and not view.is_panning()


def _walk_every_step(qtbot, window) -> int:
    player, view = window.player, window.canvas.view
    checked = 0
    for call in range(player.call_count):
        player.select_call(call)
        for step in range(len(player.replay)):
            player.seek(step)
            qtbot.waitUntil(lambda: _running_node_in_view(view), timeout=STATE_TIMEOUT_MS)
            running = view.running_node
            if running and view.graph_scene.node_item(running) is not None:
                checked += 1
                if running in window._index.nodes:
                    assert window.inspector.node_id == running  # the inspector follows
    return checked


def test_the_running_node_is_on_screen_at_every_step_of_the_classic_example(qtbot, window):
    _run(qtbot, window, CLASSIC)
    view = window.canvas.view
    assert view.text_is_readable()
    assert _walk_every_step(qtbot, window) >= 5  # MeanBackward0, two MulBackward0, AddBackward0, x
    # backward starts at MeanBackward0, next to `out`: both are on screen at the call's first step
    view.centerOn(view.graph_scene.content_rect().topLeft())  # the learner looked elsewhere
    window.player.select_call(0)
    window.player.seek(1)
    window.player.seek(0)
    scene = view.graph_scene
    mean = scene.node_item(scene.search("MeanBackward0")[0])
    out = scene.node_item(scene.search("out")[0])

    def start_in_view() -> bool:
        viewport = view.mapToScene(view.viewport().rect()).boundingRect()
        return (
            not view.is_panning()
            and viewport.contains(mean.sceneBoundingRect())
            and viewport.contains(out.sceneBoundingRect())
        )

    qtbot.waitUntil(start_in_view, timeout=STATE_TIMEOUT_MS)


def test_the_running_node_is_on_screen_at_every_step_of_the_seed(qtbot, window):
    _run(qtbot, window, files.seed_path().read_text(encoding="utf-8"))
    assert _walk_every_step(qtbot, window) >= 10


def test_holding_the_view_keeps_it_still_while_the_player_steps(qtbot, window):
    _run(qtbot, window, files.seed_path().read_text(encoding="utf-8"))
    panel, view, player = window.canvas, window.canvas.view, window.player
    panel.follow_button.setChecked(False)
    assert not view.follow_player
    player.select_call(player.call_count - 1)
    centre = view.visible_scene_rect().center()
    moved = False
    for step in range(len(player.replay)):
        player.seek(step)
        moved = moved or not _running_node_in_view(view)
    assert view.visible_scene_rect().center() == centre  # the learner's view stays where it is
    panel.follow_button.setChecked(True)  # following again brings the running node back
    qtbot.waitUntil(lambda: _running_node_in_view(view), timeout=STATE_TIMEOUT_MS)
