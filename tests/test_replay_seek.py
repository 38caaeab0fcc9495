"""Seeking in a long recorded call: ``Replay.state(k)`` reached by any path of seeks equals the state
after stepping k times, and the step indexes the player jumps by (node starts, event types).

The call is a real 300-iteration loop run through gradviz's engine (903 nodes, 2,710 steps), so
seeks cross many checkpoints in both directions.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.backward.replay import CHECKPOINT_EVERY, Replay, short_name
from gradviz.runner.session import Session

LOOP = """import torch
x = torch.tensor([0.5, -0.3], requires_grad=True)
w = torch.tensor([1.01, 0.99], requires_grad=True)
h = x
for _ in range(300):
    h = torch.tanh(h * w + 0.1)
loss = h.sum()
loss.backward()
"""


@pytest.fixture(scope="module")
def loop_call():
    result = Session().run_cell(0, LOOP)
    assert result.error is None, result.error
    (call,) = result.backward_calls
    return (call if isinstance(call, dict) else call.to_dict()), result.graph


def test_the_loop_is_long(loop_call):
    replay = Replay(*loop_call)
    assert len(replay) > 2400 and len(replay.nodes) > 900
    assert len(replay) > 30 * CHECKPOINT_EVERY


@settings(max_examples=25)
@given(data=st.data())
def test_seeking_anywhere_equals_stepping(loop_call, data):
    trace, graph = loop_call
    last = len(trace["events"]) - 1
    targets = data.draw(st.lists(st.integers(0, last), min_size=1, max_size=6), label="seeks")
    seeker = Replay(trace, graph)
    seen = {k: seeker.state(k) for k in targets}  # the states as a seek in this order gave them
    stepper = Replay(trace, graph)
    for k in range(max(targets) + 1):
        state = stepper.state(k)  # one event further each time: stepping k times
        if k in seen:
            assert seen[k] == state, f"seek to {k} after {targets} differs from stepping"
            assert seen[k].step == k


def test_a_handed_out_state_never_changes(loop_call):
    """States are shared with the player: a later seek must not mutate one handed out earlier."""
    replay = Replay(*loop_call)
    early = replay.state(CHECKPOINT_EVERY * 3)
    before = early.copy()
    replay.state(CHECKPOINT_EVERY * 3 + 5)
    replay.state(len(replay) - 1)
    replay.state(CHECKPOINT_EVERY * 3 - 1)
    assert early == before


def test_step_indexes(loop_call):
    replay = Replay(*loop_call)
    events = replay.events
    starts = replay.steps_of("node_started")
    assert starts == [k for k, e in enumerate(events) if e["type"] == "node_started"]
    for node_id in replay.node_order[:: len(replay.node_order) // 7]:
        k = replay.start_step(node_id)
        assert k is not None and events[k]["type"] == "node_started" and events[k]["node_id"] == node_id
    assert replay.start_step("not a node") is None
    accumulations = [k for k, e in enumerate(events) if e["type"] == "grad_accumulated"]
    assert replay.next_step(0, "grad_accumulated") == accumulations[0]
    assert replay.next_step(accumulations[0], "grad_accumulated") == accumulations[1]
    assert replay.next_step(accumulations[-1], "grad_accumulated") is None
    node = events[accumulations[0]]["node_id"]
    assert short_name(replay.nodes[node]["name"]) == "AccumulateGrad"


def test_checkpoints_made_ahead_give_the_same_states(loop_call):
    trace, graph = loop_call
    ahead = Replay(trace, graph)
    rounds = 0
    while not ahead.extend_checkpoints(500):
        rounds += 1
        assert rounds < 10
    assert ahead.extend_checkpoints(500)  # nothing left to make
    last = len(ahead) - 1
    assert last // 500 <= rounds <= last // (500 - CHECKPOINT_EVERY)  # about 500 steps a round
    plain = Replay(trace, graph)
    for k in (len(ahead) - 1, 7, CHECKPOINT_EVERY * 20 + 3, CHECKPOINT_EVERY * 20):
        assert ahead.state(k) == plain.state(k)
