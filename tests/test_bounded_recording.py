"""Bounded recording of long training loops (issue 14, item 5): the first and last backward calls
of a cell keep full detail, as many as fit a size budget (so a small loop is kept whole), every
other call a light summary the loss curve still plots."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.autograd import trace as tr
from gradviz.backward.training import detect_loops
from gradviz.runner.limits import Limits
from gradviz.runner.recording import CallRecorder, recorded_size
from gradviz.runner.session import Session

LOOP = """
import torch
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
x = torch.tensor([0.5, 1.5, -1.0])
for step in range({n}):
    loss = ((w * x).sum() - 3.0) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    w.grad.zero_()
"""


def _losses(n: int) -> list[float]:
    """The loop's losses computed by hand (float64 here; compared loosely)."""
    w = [1.0, -2.0, 0.5]
    x = [0.5, 1.5, -1.0]
    out = []
    for _ in range(n):
        r = sum(a * b for a, b in zip(w, x)) - 3.0
        out.append(r * r)
        w = [a - 0.01 * 2 * r * b for a, b in zip(w, x)]
    return out


def _run(n: int, limits: Limits) -> list[dict]:
    session = Session(limits)
    result = session.run_cell(0, LOOP.format(n=n))
    assert result.error is None, result.error
    return result.backward_calls


@pytest.mark.parametrize(("n", "detailed"), [(1, 8), (8, 8), (9, 8), (50, 8), (50, 5), (50, 1), (50, 0)])
def test_detail_for_exactly_the_first_and_last_calls(n: int, detailed: int) -> None:
    calls = _run(n, Limits(max_detailed_calls=detailed, detail_budget=0))
    assert len(calls) == n
    first = (detailed + 1) // 2
    last = detailed - first
    expected_full = set(range(min(first, n))) | set(range(max(first, n - last), n))
    full = {i for i, c in enumerate(calls) if not c.get("summarized")}
    assert full == expected_full
    for i, call in enumerate(calls):
        if i in expected_full:
            types = [e["type"] for e in call["events"]]
            assert types[0] == "call_started" and types[-1] == "call_finished"
            assert "grad_accumulated" in types
        else:
            assert call["events"] == []
            assert call["summary"]["kind"] == "backward" and call["summary"]["ok"] is True
            assert call["summary"]["node_count"] > 0
        assert call["line"] == 7  # the loss.backward() line


def test_every_iteration_keeps_its_loss_for_the_curve() -> None:
    n = 40
    calls = _run(n, Limits(max_detailed_calls=4, detail_budget=0))
    (loop,) = detect_loops(calls)
    assert len(loop.iterations) == n
    assert [it.loss for it in loop.iterations] == pytest.approx(_losses(n), rel=1e-5)


def test_kept_tail_shows_grads_as_they_were_before_zero_() -> None:
    """The tail window is serialised at the end of the cell; `w.grad.zero_()` ran after each call."""
    calls = _run(12, Limits(max_detailed_calls=4, detail_budget=0))
    last = calls[-1]
    after = next(e for e in last["events"] if e["type"] == "grad_accumulated")["after"]
    assert any(v != 0.0 for v in after["values"])


def test_summaries_over_the_budget_are_counted_not_kept() -> None:
    calls = _run(30, Limits(max_detailed_calls=4, max_summarized_calls=5, detail_budget=0))
    assert len(calls) == 4 + 5
    assert [c.get("summarized", False) for c in calls] == [False, False] + [True] * 5 + [False, False]


def _fake_trace(n: int, *, with_events: bool) -> tr.BackwardTrace:
    trace = tr.BackwardTrace(cell=0, line=1)
    if with_events:
        trace.events.append(tr.CallStarted("backward", ["t1"], [None], False, False, [], [], root_values=[float(n)]))
        trace.events.append(tr.CallFinished(ok=True))
    else:
        trace.summary = {"kind": "backward", "roots": ["t1"], "root_values": [float(n)], "node_count": 3, "ok": True}
    return trace


@pytest.mark.parametrize("calls", [10, 1_000, 10_000])
def test_kept_size_is_bounded_by_construction(calls: int) -> None:
    recorder = CallRecorder(max_detailed=6, max_summaries=100)
    for n in range(calls):
        recorder.add(_fake_trace(n, with_events=recorder.wants_detail()))
    kept = recorder.calls
    assert sum(1 for c in kept if not c.get("summarized")) == min(6, calls)
    assert len(kept) == min(calls, 6 + 100)
    assert recorder.dropped == calls - len(kept)
    assert len(recorder.roots) <= 6
    assert recorder.detailed_positions == [i for i, c in enumerate(kept) if not c.get("summarized")]


def test_no_detail_wanted_means_no_events_are_built() -> None:
    """A call outside the window is never built event by event (no grad arrays held)."""
    recorder = CallRecorder(max_detailed=2, max_summaries=100)
    wanted = []
    for n in range(5):
        wanted.append(recorder.wants_detail())
        recorder.add(_fake_trace(n, with_events=wanted[-1]))
    assert wanted == [True, True, True, True, True]  # head of 1, then the tail window of 1
    head_only = CallRecorder(max_detailed=1, max_summaries=100)
    asked = []
    for n in range(4):
        asked.append(head_only.wants_detail())
        head_only.add(_fake_trace(n, with_events=asked[-1]))
    assert asked == [True, False, False, False]


def test_engine_records_a_summary_when_no_listener_wants_detail() -> None:
    from gradviz.autograd.factories import tensor

    got: list[tr.BackwardTrace] = []
    unsubscribe = tr.subscribe(got.append, lambda: False)
    try:
        w = tensor([1.0, 2.0], requires_grad=True)
        (w * w).sum().backward()
    finally:
        unsubscribe()
    (trace,) = got
    assert trace.events == []
    assert trace.summary is not None and trace.summary["root_values"] == [5.0]
    assert trace.to_dict()["summarized"] is True


def test_gradviz_trace_prints_a_summarised_call_as_its_summary() -> None:
    from gradviz.cli.run import format_trace

    calls = _run(10, Limits(max_detailed_calls=2, detail_budget=0))
    text = format_trace(calls[4])
    assert text.splitlines()[1].startswith("  kept as a summary: loss ")
    assert text.endswith("nodes, ok")


def _sized_trace(n: int, grad_elements: int) -> tr.BackwardTrace:
    """A detailed call of known size: two events (32) and one accumulated grad of ``grad_elements``
    numbers listed three times (before, contribution, after)."""
    trace = tr.BackwardTrace(cell=0, line=1)
    grad = tr.GradValue(np.zeros(grad_elements), "float32")
    trace.events.append(tr.CallStarted("backward", ["t1"], [None], False, False, [], [], root_values=[float(n)]))
    trace.events.append(tr.GradAccumulated("n1", "t2", grad, grad, grad))
    trace.events.append(tr.CallFinished(ok=True))
    return trace


def test_recorded_size_counts_grad_numbers_events_and_nodes() -> None:
    trace = _sized_trace(0, 10)
    assert recorded_size(trace) == 3 * 16 + 3 * 10
    trace.events[0].nodes.append(tr.NodeInfo("n1", "AccumulateGrad", 0, [], 1))
    assert recorded_size(trace) == 3 * 16 + 3 * 10 + 4
    # a grad too large to list serialises its statistics only, and costs that much
    assert recorded_size(_sized_trace(0, 100_000)) == 3 * 16 + 3 * 4


@pytest.mark.parametrize(("calls", "fit"), [(5, 100), (40, 100), (40, 10), (40, 3), (1_000, 7)])
def test_calls_are_kept_in_full_while_their_size_fits_the_budget(calls: int, fit: int) -> None:
    """``fit`` calls fit the budget (half at the start, half at the end); two are kept whatever
    their size (max_detailed=2); every other call is a summary."""
    size = recorded_size(_sized_trace(0, 20))
    budget = fit * size
    recorder = CallRecorder(max_detailed=2, max_summaries=10_000, budget=budget)
    for n in range(calls):
        assert recorder.wants_detail()
        recorder.add(_sized_trace(n, 20))
    kept = recorder.calls
    full = [i for i, c in enumerate(kept) if not c.get("summarized")]
    head, tail = max(1, budget // 2 // size), max(1, (budget - budget // 2) // size)
    expected = list(range(calls)) if head + tail >= calls else [*range(head), *range(calls - tail, calls)]
    assert full == expected
    assert len(kept) == calls and recorder.detailed_positions == expected
    assert len(recorder.roots) == 0  # the fake calls have no live roots to hold


def test_a_loop_that_fits_the_default_budget_is_kept_whole() -> None:
    """The default limits keep every call of a small loop in full, not only its first and last
    four (a 20-step loop showed 12 blank iterations)."""
    calls = _run(50, Limits())
    assert len(calls) == 50 and not any(c.get("summarized") for c in calls)
    assert [c["call_in_cell"] for c in calls] == list(range(1, 51))


def test_a_loop_over_the_budget_keeps_its_start_and_end_by_size() -> None:
    calls = _run(60, Limits(detail_budget=2_000))
    full = [i for i, c in enumerate(calls) if not c.get("summarized")]
    assert len(calls) == 60 and 8 <= len(full) < 60
    head = [i for i in full if i < 30]
    tail = [i for i in full if i >= 30]
    assert head == list(range(len(head))) and tail == list(range(60 - len(tail), 60))
    assert abs(len(head) - len(tail)) <= 1
