"""A training loop in the player: the .grad ledger opens on the chosen iteration's rows, earlier
iterations' rows say which iteration they belong to and are dimmed, ``zero_grad()`` reads as such,
and the inspector shows a parameter's .grad as of the player's step (learner review 16, P1-4, P3-4,
P3-5). Driven on the 20-step MLP with Adam (tests/test_call_graph.py)."""

from __future__ import annotations

from typing import Any

import pytest

from gradviz.backward.replay import format_grad
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from tests.test_call_graph import MLP_LOOP, STEPS
from ui.inspector import Inspector
from ui.player import BackwardPlayer
from ui.snapshot import SnapshotIndex

CALL = 3  # iteration 4, as the review looked at it


@pytest.fixture(scope="module")
def loop_run() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    result = Session(Limits()).run_cell(0, MLP_LOOP)
    assert result.error is None and result.graph is not None
    assert len(result.backward_calls) == STEPS
    return result.backward_calls, result.graph


@pytest.fixture
def player(qtbot, loop_run) -> BackwardPlayer:
    calls, graph = loop_run
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_calls(calls, graph)
    return widget


def _rows(player: BackwardPlayer) -> list[str]:
    view = player.ledger_view
    return [view.item(i).text() for i in range(view.count())]


def _bias_id(graph: dict[str, Any]) -> str:
    (node,) = [n for n in graph["nodes"] if n.get("name") == "model.4.bias"]
    return str(node["id"])


def _accumulated(call: dict[str, Any], tensor_id: str) -> dict[str, Any]:
    (event,) = [e for e in call["events"] if e["type"] == "grad_accumulated" and e["tensor_id"] == tensor_id]
    return event


def test_the_ledger_opens_on_this_iterations_rows_and_marks_the_earlier_ones(qtbot, player, loop_run) -> None:
    calls, graph = loop_run
    player.select_call(CALL)
    player.seek(-1)
    view = player.ledger_view
    rows = _rows(player)
    start = view.current_start
    assert rows[start] == "This call (iteration 4):"
    earlier, current = rows[:start], rows[start + 1 :]
    # every earlier row names its iteration; iterations 1-3 each left rows
    assert {row.split(" · ", 1)[0] for row in earlier} == {"iteration 1", "iteration 2", "iteration 3"}
    # this iteration's rows carry no mark, and its bias row shows this call's value, not iteration 1's
    bias = _bias_id(graph)
    after = format_grad(_accumulated(calls[CALL], bias)["after"])
    first_after = format_grad(_accumulated(calls[0], bias)["after"])
    assert after != first_after
    bias_rows = [row for row in current if row.startswith("model.4.bias.grad: None → +")]
    assert bias_rows == [f"model.4.bias.grad: None → +{after} → {after}"]
    assert all(" · " not in row.split(".grad")[0] for row in current)
    # earlier rows are dimmed: another colour than this call's rows
    assert view.item(0).foreground().color() != view.item(start + 1).foreground().color()


def test_the_ledger_is_scrolled_to_this_call_at_every_iteration(qtbot, player) -> None:
    view = player.ledger_view
    for call in (CALL, STEPS - 1):
        player.select_call(call)
        player.seek(0)
        qtbot.waitUntil(lambda: view.verticalScrollBar().value() > 0)
        heading = view.item(view.current_start)
        assert heading.text() == f"This call (iteration {call + 1}):"
        top, bottom = view.visualItemRect(heading).top(), view.viewport().height()
        assert 0 <= top < bottom  # in view, not scrolled out at the bottom
    player.select_call(0)  # the first iteration has nothing before it: no heading
    player.seek(-1)
    assert view.current_start == 0 and not _rows(player)[0].startswith("This call")


def test_zero_grad_reads_as_clearing_the_grad(qtbot, player) -> None:
    player.select_call(CALL)
    player.seek(0)
    rows = _rows(player)
    current = rows[player.ledger_view.current_start + 1 :]
    # Adam's zero_grad() before iteration 4's forward set every parameter's .grad to None
    cleared = [row for row in current if row.endswith("→ None (cleared, as zero_grad() does)")]
    assert len(cleared) == 6 and cleared[0].startswith("model.4.bias.grad: ")
    assert not any("= None" in row for row in rows)


def test_the_inspector_shows_the_grad_as_of_the_players_step(qtbot, player, loop_run) -> None:
    calls, graph = loop_run
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.set_snapshot(SnapshotIndex(graph))
    bias = _bias_id(graph)
    inspector.show_node(bias)
    player.select_call(CALL)
    event = _accumulated(calls[CALL], bias)
    runs_at = calls[CALL]["events"].index(event)

    player.seek(0)  # every node pending: zero_grad() left None, as in PyTorch
    inspector.set_grad_states(player.grad_states())
    rows = inspector.rows()
    assert rows[".grad/.grad"] == "None"
    assert rows[".grad/at the player's step"] == "before this call's AccumulateGrad"
    assert "why None" not in " ".join(rows)  # the snapshot's reason is about after the cell

    player.seek(runs_at)  # AccumulateGrad(model.4.bias) has run: this call's value
    inspector.set_grad_states(player.grad_states())
    rows = inspector.rows()
    assert rows[".grad/at the player's step"] == "after this call's AccumulateGrad"
    assert float(rows[".grad/mean"]) == pytest.approx(event["after"]["values"][0], rel=1e-3)
    assert format_grad(event["after"]) in player.ledger_view.item(player.ledger_view.count() - 1).text()

    inspector.set_grad_states(None)  # no call selected: the snapshot's .grad (after the cell ran)
    node = next(n for n in graph["nodes"] if n["id"] == bias)
    assert float(inspector.rows()[".grad/mean"]) == pytest.approx(node["grad"]["mean"], rel=1e-3)


def test_the_ledger_rows_read_in_chinese(qtbot, player) -> None:
    from ui.i18n import language_switcher

    language_switcher().apply("zh_CN")
    try:
        player.select_call(CALL)
        player.seek(0)
        rows = _rows(player)
        start = player.ledger_view.current_start
        assert rows[start] == "本次调用（第 4 次迭代）："
        assert rows[0].startswith("第 1 次迭代 · ")
        assert rows[start + 1].startswith("model.4.bias.grad：") and rows[start + 1].endswith(
            "→ None（已清空，如 zero_grad() 所做）"
        )
    finally:
        language_switcher().apply("en")
