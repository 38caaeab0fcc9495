"""The player on long calls: run to a node, step over a folded group, jump to the next .grad, speeds
that scale with the call, and a call chooser that stays fast with 20,000 calls.

Calls are recorded by gradviz's engine through a Session (a real 300-iteration loop); playback
is polled with qtbot.waitUntil, never slept on, and the pace is tested through the tick plan (how
many ticks a call takes), never by wall time.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from gradviz.backward.replay import Replay, short_name
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from ui.graph import GraphPanel
from ui.player import BackwardPlayer
from ui.player.schedule import MIN_TICK_MS, RUN_TO_SECONDS, SPEEDS, plan_for, speed_by_key
from ui.player.targets import SceneGroups

LOOP = """import torch
x = torch.tensor([0.5, -0.3], requires_grad=True)
w = torch.tensor([1.01, 0.99], requires_grad=True)
h = x
for _ in range({n}):
    h = torch.tanh(h * w + 0.1)
loss = h.sum()
loss.backward()
"""


def _run(source: str, limits: Limits | None = None):
    result = Session(limits).run_cell(0, source)
    assert result.error is None, result.error
    return [c if isinstance(c, dict) else c.to_dict() for c in result.backward_calls], result.graph


@pytest.fixture(scope="module")
def loop300():
    return _run(LOOP.format(n=300))


@pytest.fixture
def player(qtbot, loop300):
    QSettings().remove("player/speed")
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.set_calls(*loop300)
    widget.resize(900, 560)
    widget.show()
    return widget


def _name(replay: Replay, node_id: str) -> str:
    return short_name(replay.nodes[node_id]["name"])


def test_run_to_node_stops_exactly_where_it_starts(qtbot, player):
    replay = player.replay
    order = replay.node_order
    target = order[len(order) // 3]
    player._set_speed("call:5")
    assert player.run_to_node(target)
    assert player.is_playing
    qtbot.waitUntil(lambda: not player.is_playing, timeout=30_000)
    assert player.current_step == replay.start_step(target)
    state = replay.state(player.current_step)
    assert state.current_node == target and state.node_states[target] == "running"
    # from there a node that already ran is run to again from the start of the call
    earlier = order[10]
    assert player.run_to_node(earlier)
    qtbot.waitUntil(lambda: not player.is_playing, timeout=30_000)
    assert player.current_step == replay.start_step(earlier)


def test_run_to_a_picked_tensor_runs_to_what_computes_its_grad(qtbot, player, loop300):
    _, graph = loop300
    leaf_x = next(n["id"] for n in graph["nodes"] if n.get("name") == "x")
    player._set_speed("call:5")
    assert player.run_to_node(leaf_x)  # a leaf: its AccumulateGrad
    qtbot.waitUntil(lambda: not player.is_playing, timeout=30_000)
    replay = player.replay
    running = replay.state(player.current_step).current_node
    assert _name(replay, running) == "AccumulateGrad"
    assert str(player._snapshot_nodes()[running]["variable"]) == leaf_x
    assert not player.run_to_node("t-no-such-tensor")
    assert not player.is_playing
    assert "never runs" in player.step_label.text()


def test_run_to_is_offered_for_the_selected_node(player, loop300):
    _, graph = loop300
    loss = next(n["id"] for n in graph["nodes"] if n.get("name") == "loss")
    player.set_selected_node(loss)
    player._fill_run_to()
    menu = player.run_to_menu
    assert menu.selected_action.isEnabled() and "loss" in menu.selected_action.text()
    assert menu.list.count() == len(player.replay.node_order)
    menu.filter.setText("AccumulateGrad")
    shown = [menu.list.item(i) for i in range(menu.list.count()) if not menu.list.item(i).isHidden()]
    assert len(shown) == 2


def test_next_accumulation_lands_on_an_accumulate_grad_step(player):
    replay = player.replay
    landed = []
    while player.next_accumulation():
        landed.append(player.current_step)
    assert len(landed) == 2  # x and w
    for k in landed:
        event = replay.events[k]
        assert event["type"] == "grad_accumulated"
        assert _name(replay, event["node_id"]) == "AccumulateGrad"
    assert player.current_step == landed[-1]  # nothing left: it stays put


def test_fastest_speed_plays_any_call_in_bounded_ticks(qtbot, player):
    fastest = SPEEDS[-1]
    assert fastest.seconds == 5.0
    for steps in (16, 300, 2_710, 100_000):
        plan = plan_for(fastest, steps)
        assert plan.interval_ms >= MIN_TICK_MS
        assert plan.ticks_for(steps) * plan.interval_ms <= 5_000 + plan.interval_ms
    slowest = plan_for(SPEEDS[0], 2_710)
    assert slowest.stride == 1 and slowest.interval_ms == 2_000  # 0.25x: a step every 2 s
    # "run to" raises the pace so any distance takes at most RUN_TO_SECONDS
    far = plan_for(speed_by_key("1"), 2_710, remaining=2_700)
    assert far.ticks_for(2_700) * far.interval_ms <= RUN_TO_SECONDS * 1000 + far.interval_ms
    # the player's own ticks: driven by hand, the whole 2,710-step call in the plan's tick count
    player._set_speed("call:5")
    player.play()
    player.pause()  # the timer is not needed: _tick is what it would call
    player.seek(0)
    plan = player.tick_plan
    ticks = 0
    while player.current_step < player.replay.last_step:
        player._tick()
        ticks += 1
        assert ticks <= plan.ticks_for(player.replay.last_step)
    assert ticks == plan.ticks_for(player.replay.last_step)


def test_speed_choice_is_kept(qtbot, loop300):
    QSettings().remove("player/speed")
    try:
        first = BackwardPlayer()
        qtbot.addWidget(first)
        first.speed_box.setCurrentIndex(len(SPEEDS) - 1)
        second = BackwardPlayer()
        qtbot.addWidget(second)
        assert second.speed == SPEEDS[-1]
        assert second.speed_box.currentIndex() == len(SPEEDS) - 1
    finally:
        QSettings().remove("player/speed")


def test_step_over_runs_a_folded_group_in_one_step(qtbot):
    calls, graph = _run(LOOP.format(n=40))
    panel = GraphPanel()
    qtbot.addWidget(panel)
    panel.view.graph_scene.collapse_threshold = 40  # fold the loop body's chains at this size
    panel.resize(900, 700)
    panel.show()
    panel.set_snapshot(graph)
    scene = panel.view.graph_scene
    assert scene.groups, "the 40-iteration loop is drawn with folded groups"
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.set_canvas(panel.view)
    widget.set_groups(SceneGroups(scene))
    widget.set_calls(calls, graph)
    replay = widget.replay
    groups = SceneGroups(scene)
    # find the first step where a node drawn inside a group runs
    start = next(k for k in replay.steps_of("node_started") if groups.group_of(replay.events[k]["node_id"]))
    widget.seek(start)
    group = groups.group_of(replay.events[start]["node_id"])
    members_run = {n for n in replay.node_order if groups.group_of(n) == group}
    assert len(members_run) > 1
    widget.step_over()
    landed = widget.current_step
    state = replay.state(landed)
    assert state.event["type"] == "node_started"
    assert groups.group_of(state.current_node) != group
    # every member started before the landing step ran in between: one step over the group
    between = [replay.events[k]["node_id"] for k in replay.steps_of("node_started") if start <= k < landed]
    assert set(between) <= members_run and len(between) > 1


def test_step_over_without_groups_runs_the_next_node(player):
    replay = player.replay
    first, second, third = replay.node_order[:3]
    player.step_over()  # between nodes: runs the first node whole, lands on the second starting
    assert player.current_step == replay.start_step(second)
    player.step_over()  # the second is running: lands on the third starting
    assert player.current_step == replay.start_step(third)
    assert replay.state(player.current_step).node_states[first] == "done"


@pytest.fixture(scope="module")
def many_calls():
    """20,000 backward calls as the app receives a long loop's: the first and last in detail,
    the rest summaries (recorded: a 12-step loop; the summaries repeated with their own numbers)."""
    calls, _ = _run(
        "import torch\nw = torch.tensor(0.0, requires_grad=True)\n"
        "for i in range(12):\n    loss = (w * 2.0 - 1.0) ** 2\n    loss.backward()\n",
        Limits(max_detailed_calls=2, detail_budget=0),
    )
    detailed = [c for c in calls if not c.get("summarized")]
    summary = next(c for c in calls if c.get("summarized"))
    middle = [
        {**summary, "call_id": i + 1, "summary": {**summary["summary"], "root_values": [float(i)]}}
        for i in range(1, 19_999)
    ]
    return [detailed[0], *middle, detailed[-1]]


def test_twenty_thousand_calls_select_the_right_one(qtbot, many_calls):
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.show()
    widget.set_calls(many_calls)
    assert widget.call_count == 20_000 and widget.call_box.count() == 20_000
    assert widget.current_call == 19_999 and widget.replay is not None  # the last, in detail
    assert "#20000" in widget.call_box.currentText()
    widget.call_number.setValue(19_999)  # the number box counts from 1, as the titles do
    assert widget.current_call == 19_998
    assert "#19999" in widget.call_box.currentText() and "summary" in widget.call_box.currentText()
    assert "19998" in widget.vjp_panel.summary_lines[0]  # its own loss, not a neighbour's
    widget.call_box.setCurrentIndex(19_999)
    assert widget.current_call == 19_999 and widget.call_number.value() == 20_000
    assert widget.replay is not None and len(widget.replay) > 1


def test_a_weight_used_300_times_shows_a_short_sum(player):
    sums: dict[tuple[str, int], str | None] = {}

    class Canvas:
        """Takes every canvas call; keeps the input sums."""

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

        def set_input_sum(self, node_id, output_nr, text):
            sums[(node_id, output_nr)] = text

    player.set_canvas(Canvas())
    player.seek(-1)
    shown = {key: text for key, text in sums.items() if text}
    assert len(shown) == 1  # w's AccumulateGrad: one grad per iteration
    (text,) = shown.values()
    assert "…" in text and "(300 grads)" in text and len(text) < 120


def test_earlier_calls_ledger_is_the_same_and_bounded(qtbot, monkeypatch):
    from gradviz.backward.replay import Ledger

    calls, graph = _run(
        "import torch\nw = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "for i in range(6):\n    (w * w).sum().backward()\n    if i % 2:\n        w.grad.zero_()\n"
    )
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.set_calls(calls, graph)
    for index in range(len(calls)):
        entries = Ledger.from_traces(calls[:index]).entries
        expected = [f"{widget._call_mark(e.call)} · {widget._ledger_text(e)}" for e in entries]
        assert widget._ledger_before(index) == expected  # externals (zero_) included, dated alike
        assert all(row.startswith(f"iteration {e.call + 1} · ") for row, e in zip(expected, entries, strict=True))
    monkeypatch.setattr(BackwardPlayer, "EARLIER_LEDGER_ROWS", 3)
    rows = widget._ledger_before(len(calls) - 1)
    total = len(Ledger.from_traces(calls[:-1]).entries)
    assert len(rows) == 4 and rows[0] == f"… {total - 3} earlier changes to .grad"


def test_big_calls_show_the_running_nodes_and_latest_freed_buffers(player):
    replay = player.replay
    buffers = replay.buffers
    assert len(buffers) > player.MAX_CHIPS
    for step in range(0, len(replay), 97):
        player.seek(step)
        state = replay.state(step)
        current = [k for k in buffers if k[0] == state.current_node]
        freed = [k for k in buffers if not state.buffers[k] and k not in current]
        room = player.MAX_CHIPS - len(current)
        assert player._chip_keys == current + (freed[-room:] if room > 0 else []), step


def test_jump_keys(qtbot, player):
    from PySide6.QtCore import Qt

    replay = player.replay
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert replay.events[player.current_step]["type"] == "grad_accumulated"
    qtbot.keyClick(player, Qt.Key.Key_Home)
    qtbot.keyClick(player, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.current_step == replay.start_step(replay.node_order[1])
