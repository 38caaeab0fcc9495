"""``y * y`` is a multigraph on screen: two edges from the multiply into y's node, each with its own
2.25, and the node's input buffer adding up to ``2.25 + 2.25 = 4.5`` at the step the grads arrive."""

from __future__ import annotations

import pytest

from gradviz.backward.replay import short_name
from tests.ui.full_window import full_window

RUN_TIMEOUT_MS = 60_000

CLASSIC = """# %%
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
"""


@pytest.fixture
def window(qtbot, tmp_path):
    with full_window(qtbot, tmp_path, time_s=20.0) as win:
        yield win


def _run(qtbot, window, text: str) -> None:
    window.documents.load_text(text, None)
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.running.run_all()
    assert window.player is not None and window.player.call_count > 0


def _square_and_add(replay) -> tuple[str, str]:
    """The multiply that squares y (both next_functions are y's AddBackward0) and that AddBackward0."""
    add = next(n for n in replay.node_order if short_name(replay.nodes[n]["name"]) == "AddBackward0")
    square = next(n for n in replay.node_order if replay.nodes[n]["next"] == [[add, 0], [add, 0]])
    return square, add


@pytest.mark.parametrize("view_mode", ["dataflow", "gradfn"])
def test_two_edges_two_grads_and_the_sum(qtbot, window, view_mode):
    _run(qtbot, window, CLASSIC)
    player, panel = window.player, window.canvas
    panel.view.set_view_mode(view_mode)
    scene = panel.view.graph_scene
    replay = player.replay
    square, add = _square_and_add(replay)
    y = next(n["id"] for n in window.running.cell_graphs[0]["nodes"] if n.get("name") == "y")
    # two edge items between the same two nodes, one per input slot
    ends = (y, square) if view_mode == "dataflow" else (add, square)
    parallel = sorted(k for k in scene.edges if k[:2] == ends)
    assert parallel == [(*ends, 0), (*ends, 1)]
    first, second = (scene.edges[k] for k in parallel)
    assert first.points != second.points  # distinct curves, not one drawn twice

    # before the multiply sends, neither edge carries a number and nothing adds up
    player.seek(replay.step_of("node_started", square))
    assert first.grad_text is None and second.grad_text is None
    assert not scene._sum_items
    # the step it sends its grads: 2.25 on each edge, and y's buffer reads 2.25 + 2.25 = 4.5
    sent = replay.step_of("node_finished", square)
    player.seek(sent)
    assert (first.grad_text, second.grad_text) == ("2.25", "2.25")
    chips = list(scene._sum_items.values())
    assert [c.text for c in chips] == ["2.25 + 2.25 = 4.5"]
    assert chips[0].isVisible() and chips[0].scene() is scene
    assert player.step_label.text().startswith(f"step {sent}/{len(replay) - 1}:")
    # stepping back before the arrival takes the sum away again
    player.seek(sent - 1)
    assert not scene._sum_items and first.grad_text is None


def test_app_export_screenshot_and_trace_number_steps_alike(qtbot, window):
    """One numbering (gradviz.backward.replay.step_position): step k of 0..last, 0 = the start."""
    from gradviz.cli.run import format_trace
    from ui.export.api import frames_for
    from ui.player import apply_screenshot_args

    _run(qtbot, window, CLASSIC)
    trace = window.running.backward_calls[0]
    snapshot = window.running.cell_graphs[0]
    last = len(trace["events"]) - 1
    assert last == 15  # the classic example: 16 events
    for step in (0, 7, last):
        player = apply_screenshot_args(window, 1, step)  # what `gradviz screenshot --call 1 --step N` does
        assert player.step_label.text().startswith(f"step {step}/{last}:")
        ((state, caption),) = frames_for(trace, 1, "step", step, snapshot)  # `gradviz export --step N`
        assert (state.step, state.steps) == (step, last) and f"step {step}/{last}:" in caption
        assert format_trace(trace).splitlines()[1 + step].startswith(f"[{step:>2}/{last}]")  # `gradviz trace`
    # an animation has a frame per step, the last captioned as the player's last step
    frames = frames_for(trace, 1, "all", None, snapshot)
    assert len(frames) == last + 1 and f"step {last}/{last}:" in frames[-1][1]
    player.seek(-1)
    assert player.step_label.text().startswith(f"step {last}/{last}:")
