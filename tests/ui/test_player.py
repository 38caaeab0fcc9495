"""BackwardPlayer driven by qtbot (offscreen) over the seed notebook's backward calls."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings, Qt

from gradviz.backward.replay import short_name
from gradviz.runner import cells
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from tests.paths import SEED_NOTEBOOK
from ui.player import BackwardPlayer, apply_screenshot_args


class RecordingCanvas:
    """Stands in for ui/graph's GraphView: records every call the player makes."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.edges: dict[tuple[str, str, int], str | None] = {}
        self.sums: dict[tuple[str, int], str | None] = {}
        self.freed: dict[tuple[str, str], bool] = {}
        self.badges: dict[str, str] = {}
        self.markers: list[tuple[str, str, int]] = []

    def set_node_states(self, states):
        self.states.update(states)

    def set_edge_grad(self, edge, text):
        self.edges[tuple(edge)] = text

    def set_input_sum(self, node_id, output_nr, text):
        self.sums[(node_id, output_nr)] = text

    def animate_marker(self, source, target, duration_ms, *, slot=None):
        self.markers.append((source, target, duration_ms))

    def set_buffer_freed(self, node_id, attr, freed):
        self.freed[(node_id, attr)] = freed

    def set_badge(self, tensor_id, text):
        self.badges[tensor_id] = text


@pytest.fixture(scope="module")
def seed_results():
    return Session().run_cells(cells.split_percent_cells(SEED_NOTEBOOK.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def seed(seed_results):
    calls = [c for r in seed_results for c in r.backward_calls]
    return calls, seed_results[8].graph


@pytest.fixture
def player(qtbot, seed):
    QSettings().remove("player/speed")
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    canvas = RecordingCanvas()
    widget.set_canvas(canvas)
    widget.set_calls(*seed)
    widget.resize(900, 560)
    widget.show()
    return widget, canvas


def test_play_to_the_end_and_step_back(qtbot, player):
    widget, canvas = player
    assert widget.current_call == 3  # the latest call is selected first
    widget._set_speed(8.0)
    steps = []
    widget.step_changed.connect(steps.append)
    widget.play()
    assert widget.is_playing
    n = len(widget.replay)
    qtbot.waitUntil(lambda: not widget.is_playing, timeout=30_000)
    assert steps == list(range(1, n))
    assert set(canvas.states.values()) == {"done"}
    assert all(canvas.freed.values()) and len(canvas.freed) == 3
    # Markers travel on gradfn edges (next function -> consumer), one per delivered grad.
    assert len(canvas.markers) == 5  # Sum->Mul, Mul->Add, Mul->Pow, Add->Pow, Pow->AccumulateGrad
    assert "+6" in widget.ledger_view.item(widget.ledger_view.count() - 1).text()
    assert widget.ledger_view.item(widget.ledger_view.count() - 1).text().endswith("12")
    widget.step_back()
    assert widget.current_step == n - 2
    widget.seek(0)
    assert list(canvas.states.values()).count("ready") == 1 and not any(canvas.freed.values())
    assert all(text is None for text in canvas.edges.values())


def test_keyboard_and_scrub(qtbot, player):
    widget, canvas = player
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_End)
    assert widget.current_step == len(widget.replay) - 1
    qtbot.keyClick(widget, Qt.Key.Key_Home)
    assert widget.current_step == 0
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    assert widget.current_step == 1
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert widget.current_step == 0
    replay = widget.replay
    mul_done = next(
        k
        for k, e in enumerate(replay.events)
        if e["type"] == "node_finished" and short_name(replay.nodes[e["node_id"]]["name"]) == "MulBackward0"
    )
    widget.slider.setValue(mul_done)  # scrubbing is moving the slider
    assert widget.current_step == mul_done
    assert sorted(t for t in canvas.edges.values() if t) == ["1", "1", "2"]
    assert any("PowBackward0: 2" in text for text in widget.vjp_panel.output_texts)


def test_pick_another_call_and_apply_fix(qtbot, player):
    widget, canvas = player
    with qtbot.waitSignal(widget.call_selected) as picked:
        widget.call_box.setCurrentIndex(1)
    assert picked.args == [1]
    widget.seek(-1)
    assert widget.error_box.isVisible()
    assert "MulBackward0" in widget.error_label.text()
    error_node = widget.replay.state(-1).error["node_id"]
    assert canvas.states[error_node] == "error"
    chip = widget.chips.chip((error_node, "_saved_other")) or widget.chips.chip((error_node, "_saved_self"))
    assert chip is not None and "#1" in chip.text()
    with qtbot.waitSignal(widget.apply_fix_requested) as fix:
        qtbot.mouseClick(widget.fix_button, Qt.MouseButton.LeftButton)
    edit = json.loads(fix.args[0])
    assert edit["replace"] == "backward(retain_graph=True)" and edit["cell"] == 5


def test_badges_in_both_languages(player):
    widget, canvas = player
    assert any("retain_grad()" in text for text in canvas.badges.values())
    widget.set_language("zh_CN")
    assert any("叶子" in text for text in canvas.badges.values())


def test_screenshot_args_and_render(qtbot, player, tmp_path):
    widget, _ = player
    apply_screenshot_args(widget, 3, 9)  # call #3, as the player numbers calls
    assert widget.current_call == 2 and widget.current_step == 9
    out = tmp_path / "player.png"
    assert widget.grab().save(str(out)) and out.stat().st_size > 0
    with pytest.raises(IndexError):
        apply_screenshot_args(widget, 7, 0)
    with pytest.raises(IndexError):
        apply_screenshot_args(widget, 0, 0)  # calls are numbered from 1


def test_screenshot_step_of_a_summarised_call_names_the_calls_kept_in_full(qtbot):
    source = "import torch\nw = torch.ones(2, requires_grad=True)\nfor _ in range(12):\n    (w * 2).sum().backward()\n"
    result = Session(Limits(detail_budget=0)).run_cell(0, source, 1)
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.set_calls(result.backward_calls, result.graph)
    apply_screenshot_args(widget, 2, 1)  # kept in full
    assert widget.current_call == 1 and widget.current_step == 1
    with pytest.raises(IndexError) as raised:
        apply_screenshot_args(widget, 6, 1)
    assert str(raised.value) == (
        "--step 1: call 6 was kept as a summary to save memory (its loss only), so it has no steps to show; "
        "add --record-call 6 to run the script again keeping it in full, or pick a call kept in full: 1-4, 9-12"
    )


def test_speed_default_from_settings(qtbot, seed):
    QSettings().setValue("player/speed", 4.0)
    try:
        widget = BackwardPlayer()
        qtbot.addWidget(widget)
        assert widget.speed_box.currentData() == 4.0
    finally:
        QSettings().remove("player/speed")


def test_stepping_reuses_the_panels_widgets(player):
    """A step rewrites labels and heatmaps in place: no widget is created after the first pass."""
    from PySide6.QtWidgets import QLabel

    widget, _ = player
    for k in range(len(widget.replay)):
        widget.seek(k)
    labels = set(map(id, widget.findChildren(QLabel)))
    for k in range(len(widget.replay) - 1, -1, -1):
        widget.seek(k)
        assert widget.vjp_panel.output_texts == [] or all(widget.vjp_panel.output_texts)
    assert set(map(id, widget.findChildren(QLabel))) == labels
    mul_done = next(
        k
        for k, e in enumerate(widget.replay.events)
        if e["type"] == "node_finished" and short_name(widget.replay.nodes[e["node_id"]]["name"]) == "MulBackward0"
    )
    widget.seek(mul_done)
    shown = [row.label.text() for row in widget.vjp_panel._rows if not row.label.isHidden()]
    assert shown == widget.vjp_panel.output_texts[: len(shown)] and len(shown) == 2


def test_ledger_names_a_rebound_leaf_as_the_learner_knew_it(player, seed, seed_results):
    """Cell 7 rebinds x: the cell-3 x (3x3) that cell 5's call filled is "x (cell 3)", not its id."""
    widget, _ = player
    calls, graph = seed
    widget.seek(-1)
    first = widget.ledger_view.item(0).text()
    mark, _, row = first.partition(" · ")  # an earlier call's row names its call
    assert mark.startswith("call #")
    old_x = row.split(".grad:")[0]
    assert old_x == "an unnamed tensor"  # no cell graphs given: no name, and never an internal id
    widget.set_cell_graphs({r.index: r.graph for r in seed_results if r.graph is not None})
    widget.set_calls(calls, graph)
    widget.seek(-1)
    texts = [widget.ledger_view.item(i).text() for i in range(widget.ledger_view.count())]
    assert texts[0].partition(" · ")[2].startswith("x (cell 3).grad: None → +[6, 0, 0")
    assert texts[-1].startswith("x.grad: ")  # the current x keeps its plain name
    assert widget._tensor_label("t999999", 0) == "an unnamed tensor"  # never named: no id
