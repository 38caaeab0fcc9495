"""Replay over the seed notebook's backward calls (run with gradviz's own engine)."""

from __future__ import annotations

import copy
import itertools

import pytest

from gradviz.backward.replay import Ledger, Replay, find_freeing_call, format_grad, short_name, vjp_view
from gradviz.runner import cells
from gradviz.runner.session import Session
from tests.paths import SEED_NOTEBOOK


@pytest.fixture(scope="module")
def seed():
    session = Session()
    results = session.run_cells(cells.split_percent_cells(SEED_NOTEBOOK.read_text(encoding="utf-8")))
    return {r.index: r for r in results}


def _only_call(result):
    assert len(result.backward_calls) == 1
    return result.backward_calls[0]


def _names(replay: Replay) -> list[str]:
    return [short_name(replay.nodes[n]["name"]) for n in replay.node_order]


def test_cell7_order_and_grads_at_every_step(seed):
    replay = Replay(_only_call(seed[7]), seed[7].graph)
    assert _names(replay) == ["SumBackward0", "MulBackward0", "AddBackward0", "PowBackward0", "AccumulateGrad"]
    ids = {short_name(replay.nodes[n]["name"]): n for n in replay.node_order}
    summ, mul, add, pow_, acc = (
        ids[k] for k in ["SumBackward0", "MulBackward0", "AddBackward0", "PowBackward0", "AccumulateGrad"]
    )
    first = replay.state(0)
    assert first.node_states == {summ: "ready", mul: "pending", add: "pending", pow_: "pending", acc: "pending"}
    # MulBackward0 (z = (y+1)*y) sends grad*y = 1 to AddBackward0 and grad*(y+1) = 2 to PowBackward0.
    after_mul = replay.state(replay.step_of("node_finished", mul))
    assert format_grad(after_mul.edge_grads[(mul, add, 0)]) == "1"
    assert format_grad(after_mul.edge_grads[(mul, pow_, 1)]) == "2"
    assert after_mul.node_states[add] == "ready"
    assert after_mul.node_states[pow_] == "pending"  # waits for its second dependency (from Add)
    after_add = replay.state(replay.step_of("node_finished", add))
    assert after_add.node_states[pow_] == "ready"
    started_pow = replay.state(replay.step_of("node_started", pow_))
    assert format_grad(started_pow.grads_in[pow_][0]) == "3"  # 1 + 2 summed before it runs
    # its input buffer shows the two arrivals adding up: 2 from the multiply, then 1 via the add
    assert started_pow.buffers_of(pow_)[0].text() == "2 + 1 = 3"
    assert started_pow.current_node == pow_ and started_pow.node_states[pow_] == "running"
    after_pow = replay.state(replay.step_of("node_finished", pow_))
    assert format_grad(after_pow.edge_grads[(pow_, acc, 0)]) == "6"
    end = replay.state(len(replay) - 1)
    assert end.finished and end.ok and end.error is None
    assert set(end.node_states.values()) == {"done"}
    x_id = seed[7].graph and next(n["id"] for n in seed[7].graph["nodes"] if n.get("name") == "x")
    assert [e.text() for e in end.ledger] == ["None -> +6 -> 6"]
    assert end.ledger[0].tensor_id == x_id


def test_freed_buffers_and_memory_lane(seed):
    replay = Replay(_only_call(seed[7]), seed[7].graph)
    freed = [(replay.nodes[e["node_id"]]["name"], e["attr"]) for e in replay.events if e["type"] == "buffer_freed"]
    assert freed == [("MulBackward0", "_saved_other"), ("MulBackward0", "_saved_self"), ("PowBackward0", "_saved_self")]
    lane = replay.memory_lane()
    assert lane[0] == 3 * 24 and lane[-1] == 0
    assert all(a >= b for a, b in itertools.pairwise(lane))
    for k in range(len(replay)):
        state = replay.state(k)
        assert state.live_bytes == lane[k]
        assert sum(1 for alive in state.buffers.values() if not alive) == sum(
            1 for e in replay.events[: k + 1] if e["type"] == "buffer_freed"
        )


def test_step_back_equals_fresh_replay(seed):
    call = _only_call(seed[7])
    replay = Replay(call)
    forward = [replay.state(k) for k in range(len(replay))]
    for k in reversed(range(len(replay))):
        again = replay.state(k)
        fresh = Replay(call).state(k)
        assert again.node_states == fresh.node_states == forward[k].node_states
        assert again.live_bytes == fresh.live_bytes
        assert [e.text() for e in again.ledger] == [e.text() for e in fresh.ledger]


def test_second_backward_error_at_mul(seed):
    assert seed[6].error is not None
    replay = Replay(_only_call(seed[6]))
    end = replay.state(-1)
    assert end.finished and end.ok is False
    assert end.error is not None and short_name(replay.nodes[end.error["node_id"]]["name"]) == "MulBackward0"
    assert end.node_states[end.error["node_id"]] == "error"
    assert "second time" in end.error["message"]
    # The earlier call (cell 5) freed MulBackward0's buffers.
    calls = seed[5].backward_calls + seed[6].backward_calls
    found = find_freeing_call(calls, 1, end.error["node_id"])
    assert found is not None and found[0] == 0 and sorted(found[1]) == ["_saved_other", "_saved_self"]


def test_ledger_across_cells_7_to_9(seed):
    calls = seed[7].backward_calls + seed[8].backward_calls
    x = next(n for n in seed[9].graph["nodes"] if n.get("name") == "x")
    ledger = Ledger.from_traces(calls, final_grads={x["id"]: x["grad"]})
    assert ledger.texts(x["id"]) == ["None -> +6 -> 6", "6 -> +6 -> 12", "12 -> zero_() -> 0"]
    # Without the final snapshot only the accumulations are known.
    assert Ledger.from_traces(calls).texts(x["id"]) == ["None -> +6 -> 6", "6 -> +6 -> 12"]
    # A zero between calls is detected from the next call's ``before``.
    second = copy.deepcopy(seed[8].backward_calls[0])
    for e in second["events"]:
        if e["type"] == "grad_accumulated":
            e["before"] = {"shape": [3, 2], "dtype": "float32", "values": [[0.0] * 2] * 3}
    assert seed[8].backward_calls[0] != second  # the recorded call is untouched
    texts = Ledger.from_traces([calls[0], second]).texts(x["id"])
    assert texts[1] == "6 -> zero_() -> 0"


def test_vjp_view_numbers_and_rules(seed):
    call = _only_call(seed[7])
    replay = Replay(call)
    by_name = {short_name(replay.nodes[n]["name"]): n for n in replay.node_order}
    pow_view = vjp_view(call, by_name["PowBackward0"])
    assert pow_view["rule"] == "self: grad * exponent * self ** (exponent - 1)"
    assert pow_view["upstream_text"] == ["3"] and [o["text"] for o in pow_view["outputs"]] == ["6"]
    mul_view = vjp_view(call, by_name["MulBackward0"])
    assert [(o["target_name"], o["text"]) for o in mul_view["outputs"]] == [
        ("AddBackward0", "1"),
        ("PowBackward0", "2"),
    ]
    add_view = vjp_view(call, by_name["AddBackward0"])
    assert add_view["outputs"][1]["target"] is None  # the constant 1 needs no grad
    acc_view = vjp_view(call, by_name["AccumulateGrad"])
    assert acc_view["rule"].startswith("x.grad") and format_grad(acc_view["accumulated"]["after"]) == "6"


def test_broadcast_reduction_and_dataclass_trace():
    import gradviz.torch as t
    from gradviz.autograd import trace as trace_module

    got = []
    unsubscribe = trace_module.subscribe(got.append)
    try:
        a = t.ones(2, 3, requires_grad=True)
        b = t.ones(3, requires_grad=True)
        (a * b).sum().backward()
    finally:
        unsubscribe()
    replay = Replay(got[0])  # the dataclass form is accepted too
    mul = next(n for n in replay.node_order if short_name(replay.nodes[n]["name"]) == "MulBackward0")
    view = vjp_view(got[0], mul)
    reduced = [o for o in view["outputs"] if o["reduced_from"]]
    assert len(reduced) == 1 and reduced[0]["reduced_from"] == [2, 3] and reduced[0]["reduced_to"] == [3]
    assert reduced[0]["text"] == "2"
    end = replay.state(-1)
    assert any(list(v) == [2, 3] for v in end.reduced.values())


def test_rejects_non_traces():
    with pytest.raises(TypeError):
        Replay(42)
    with pytest.raises(ValueError):
        Replay({"events": []})


CLASSIC = """import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
"""


def test_parallel_edges_keep_their_own_grads_and_the_buffer_adds_them_up():
    """``y * y``: the multiply sends 2.25 along each of its two slots into y's AddBackward0,
    whose input buffer reads ``2.25 + 2.25 = 4.5``, the value the engine hands the node."""
    results = Session().run_cells(cells.split_percent_cells(CLASSIC))
    replay = Replay(results[-1].backward_calls[0], results[-1].graph)
    ids = {short_name(replay.nodes[n]["name"]): n for n in replay.node_order}
    square = next(n for n in replay.node_order if replay.nodes[n]["next"] == [[ids["AddBackward0"], 0]] * 2)
    add = ids["AddBackward0"]
    sent = replay.state(replay.step_of("node_finished", square))
    assert format_grad(sent.edge_grads[(square, add, 0)]) == "2.25"
    assert format_grad(sent.edge_grads[(square, add, 1)]) == "2.25"
    (buffer,) = sent.buffers_of(add)
    assert [(c.sender, c.slot, format_grad(c.value)) for c in buffer.contributions] == [
        (square, 0, "2.25"),
        (square, 1, "2.25"),
    ]
    assert buffer.received is None and buffer.text() == "2.25 + 2.25 = 4.5"
    started = replay.state(replay.step_of("node_started", add))
    (buffer,) = started.buffers_of(add)
    assert buffer.received == started.grads_in[add][0] and buffer.text() == "2.25 + 2.25 = 4.5"
    # before the multiply runs, nothing has arrived at y's node
    assert replay.state(replay.step_of("node_started", square)).buffers_of(add) == []


def test_step_numbering_is_one_source():
    """Step k is the state after trace event k: 0 is the start, the last is CallFinished."""
    from gradviz.backward.replay import step_position

    results = Session().run_cells(cells.split_percent_cells(CLASSIC))
    trace = results[-1].backward_calls[0]
    replay = Replay(trace)
    assert len(replay) == 16 and replay.last_step == 15
    assert len(trace["events"]) == 16  # `gradviz trace --json` numbers them 0..15 ("index")
    assert replay.step_position(0) == (0, 15) and replay.step_position(15) == (15, 15)
    assert replay.step_position(-1) == (15, 15) and step_position(3, 16) == (3, 15)
    assert replay.state(0).event["type"] == "call_started" and replay.state(15).event["type"] == "call_finished"
    with pytest.raises(IndexError):
        replay.step_position(16)
