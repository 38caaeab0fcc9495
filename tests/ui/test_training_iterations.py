"""A training loop in the window reads as one iteration at a time: the training panel's slider
moves between iterations, the canvas draws the chosen iteration's own graph with its numbers,
parameters stay put, and an iteration kept only as a summary says so and offers the nearest one."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt

from gradviz.runner.limits import Limits
from tests.test_call_graph import MLP_LOOP, ONE_ITERATION, STEPS
from tests.ui.full_window import full_window
from ui.training import TrainingPanel

RUN_TIMEOUT_MS = 60_000
STATE_TIMEOUT_MS = 10_000


@pytest.fixture
def window(qtbot, tmp_path):
    # The first and last four iterations keep their graphs (0..3, 16..19), the others only their loss.
    with full_window(qtbot, tmp_path, limits=Limits(wall_time_s=30.0, max_detailed_calls=8, detail_budget=0)) as win:
        win.documents.load_text("# %%\n" + MLP_LOOP, None)
        with qtbot.waitSignal(win.run_idle, timeout=RUN_TIMEOUT_MS):
            win.running.run_all()
        yield win


def _ops(snapshot) -> dict[str, int]:
    return dict(Counter(n["label"] for n in (snapshot or {}).get("nodes", []) if n["kind"] in ("op", "accumulate")))


def _iteration(window) -> int | None:
    about = ((window.snapshot or {}).get("graph") or {}).get("iteration") or {}
    return about.get("index")


def _root(window) -> dict:
    call = window.running.backward_calls[window.player.current_call]
    root = call["events"][0]["roots"][0]
    return next(n for n in window.snapshot["nodes"] if n["id"] == root)


def _positions(window) -> dict[str, tuple[float, float]]:
    """Where each drawn node stands, by its place in the loop body (its counterpart key)."""
    scene = window.canvas.view.graph_scene
    out = {}
    for node in window.snapshot["nodes"]:
        item = scene.node_item(node["id"])
        if item is not None:
            out[node["counterpart"]] = (round(item.pos().x()), round(item.pos().y()))
    return out


def _same_picture(now: dict, before: dict) -> bool:
    """Same nodes by place in the loop body, each where its counterpart stood (within 2 px)."""
    if now.keys() != before.keys():
        return False
    return all(abs(now[k][0] - before[k][0]) <= 2 and abs(now[k][1] - before[k][1]) <= 2 for k in now)


def test_the_slider_moves_between_iterations_one_graph_at_a_time(qtbot, window) -> None:
    panel = window.findChild(TrainingPanel)
    assert panel is not None and len(panel.loops) == 1
    # After the run: the last iteration, alone (not the 8 kept iterations merged)
    assert panel.current_iteration == STEPS - 1 and window.player.current_call == STEPS - 1
    assert _ops(window.snapshot) == ONE_ITERATION and _iteration(window) == STEPS - 1
    qtbot.waitUntil(lambda: len(window.canvas.view.graph_scene.nodes) > 0, timeout=STATE_TIMEOUT_MS)
    last_loss = _root(window)["values"]["preview"]
    scene = window.canvas.view.graph_scene
    last_badge = scene.nodes[_root(window)["id"]].badge
    assert last_badge  # why loss.grad is None, from the player
    last_positions = _positions(window)
    params = {n["id"] for n in window.snapshot["nodes"] if n.get("is_param")}
    assert len(params) == 6 and params <= set(last_positions)

    panel.slider.setValue(0)
    qtbot.waitUntil(lambda: _iteration(window) == 0, timeout=STATE_TIMEOUT_MS)
    assert window.player.current_call == 0 and "iteration 1 of 20" in panel.position.text()
    assert _ops(window.snapshot) == ONE_ITERATION
    first_loss = _root(window)["values"]["preview"]
    # the player replays on the cell's whole graph, so iteration 1's nodes have their badges and rules too
    assert scene.nodes[_root(window)["id"]].badge == last_badge
    assert first_loss != last_loss and first_loss == pytest.approx(panel.loops[0].losses[0], rel=1e-6)
    shown = {n["id"] for n in window.snapshot["nodes"]}
    other_iterations = {n["id"] for n in window.running.cell_graphs[0]["nodes"]} - shown
    assert other_iterations and not other_iterations & set(window.canvas.view.graph_scene.nodes)
    # the same picture: parameters stay, and every op and tensor takes its counterpart's place
    qtbot.waitUntil(lambda: _same_picture(_positions(window), last_positions), timeout=STATE_TIMEOUT_MS)

    panel.slider.setValue(2)
    qtbot.waitUntil(lambda: _iteration(window) == 2, timeout=STATE_TIMEOUT_MS)
    assert window.player.current_call == 2 and _root(window)["values"]["preview"] not in (first_loss, last_loss)
    assert panel.detail_note.isHidden()


def test_an_iteration_without_detail_says_so_and_offers_the_nearest(qtbot, window) -> None:
    panel = window.findChild(TrainingPanel)
    assert panel is not None
    panel.slider.setValue(9)  # iterations 5..16 were kept as summaries (Limits.max_detailed_calls = 8)
    qtbot.waitUntil(lambda: not panel.detail_note.isHidden(), timeout=STATE_TIMEOUT_MS)
    assert window.player.current_call == 9 and "summary" in window.player.step_label.text()
    assert "Iteration 10" in panel.detail_note.text()
    assert window.snapshot is not None and window.snapshot["nodes"] == []  # no other iteration's graph
    assert window.snapshot["graph"]["iteration"]["summarized"] is True
    qtbot.waitUntil(lambda: not window.canvas.view.graph_scene.nodes, timeout=STATE_TIMEOUT_MS)
    assert panel.nearest_button.text() == "Show iteration 4" and not panel.nearest_button.isHidden()
    qtbot.mouseClick(panel.nearest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _iteration(window) == 3, timeout=STATE_TIMEOUT_MS)
    assert panel.current_iteration == 3 and window.player.current_call == 3
    assert _ops(window.snapshot) == ONE_ITERATION and panel.detail_note.isHidden()


def test_record_it_in_full_gives_a_summarised_iteration_its_graph(qtbot, window) -> None:
    panel = window.findChild(TrainingPanel)
    assert panel is not None
    panel.slider.setValue(9)
    qtbot.waitUntil(lambda: not panel.record_button.isHidden(), timeout=STATE_TIMEOUT_MS)
    assert panel.record_button.text() == "Record it in full"
    with qtbot.waitSignal(window.call_recording.call_ready, timeout=RUN_TIMEOUT_MS) as ready:
        qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert ready.args == [9]
    assert not window.running.backward_calls[9].get("summarized")
    qtbot.waitUntil(lambda: window.player.current_call == 9 and panel.current_iteration == 9, timeout=STATE_TIMEOUT_MS)
    qtbot.waitUntil(lambda: bool(window.snapshot and window.snapshot["nodes"]), timeout=STATE_TIMEOUT_MS)
    assert _ops(window.snapshot) == ONE_ITERATION and panel.record_button.isHidden()


def _frames(window) -> dict[str, tuple[float, float, float, float]]:
    """Every open box's frame (module boxes keep their ids from one iteration to the next)."""
    scene = window.canvas.view.graph_scene
    return {g: scene.group_rect(g).getRect() for g in scene.frame_specs}


def _same_frames(now: dict, before: dict) -> bool:
    return now.keys() == before.keys() and all(
        all(abs(a - b) <= 2 for a, b in zip(now[g], before[g], strict=True)) for g in now
    )


def test_open_module_boxes_keep_every_node_and_frame_in_place_across_iterations(qtbot, window) -> None:
    panel = window.findChild(TrainingPanel)
    assert panel is not None
    view = window.canvas.view
    scene = view.graph_scene
    qtbot.waitUntil(lambda: bool(scene.frame_specs), timeout=STATE_TIMEOUT_MS)
    boxes = {g.path: gid for gid, g in scene.grouping.groups.items()}
    # The learner closes the Sequential and its first Linear, then opens them again.
    assert view.collapse_group(boxes["model"]) and boxes["model"] not in scene.frame_specs
    assert view.expand_group(boxes["model"]) and view.collapse_group(boxes["model.0"])
    assert view.expand_group(boxes["model.0"])
    assert {boxes["model"], boxes["model.0"]} <= set(scene.frame_specs)
    nodes, frames = _positions(window), _frames(window)
    assert len(nodes) == 32 and len(frames) == 7  # every op, tensor and parameter; 7 module boxes
    # Dragging the slider from iteration 20 to 1 passes every iteration, also those kept only as a
    # summary (nothing drawn, iterations 5..16): each one with a graph is the same picture.
    drawn = []
    for value in range(STEPS - 2, -1, -1):
        panel.slider.setValue(value)
        qtbot.waitUntil(lambda value=value: _iteration(window) == value, timeout=STATE_TIMEOUT_MS)
        if window.snapshot["nodes"]:
            drawn.append(value)
            qtbot.waitUntil(lambda: _same_picture(_positions(window), nodes), timeout=STATE_TIMEOUT_MS)
            assert _same_frames(_frames(window), frames), value
    assert drawn == [18, 17, 16, 3, 2, 1, 0]
    # A box closed while stepping and opened again: its nodes take their places again.
    assert view.collapse_group(boxes["model.0"])
    panel.slider.setValue(STEPS - 1)
    qtbot.waitUntil(lambda: _iteration(window) == STEPS - 1, timeout=STATE_TIMEOUT_MS)
    assert view.expand_group(boxes["model.0"])
    qtbot.waitUntil(lambda: _same_picture(_positions(window), nodes), timeout=STATE_TIMEOUT_MS)
    assert _same_frames(_frames(window), frames)
