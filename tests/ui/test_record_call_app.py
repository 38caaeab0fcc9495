"""Run > Record Call in Full: a summarised backward call selected in the player comes back in full
after the app runs the script again from the same random seeds (ui/record_call.py)."""

from __future__ import annotations

import pytest

from gradviz.runner.limits import Limits
from tests.ui.full_window import full_window

RUN_TIMEOUT_MS = 60_000

# Never seeds: only the session's seeds make the re-run compute the same numbers.
LOOP = """# %%
import torch
w = torch.randn(3, requires_grad=True)
x = torch.randn(20, 3)
y = x @ torch.tensor([1.0, -2.0, 0.5])
# %%
for step in range(20):
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.05 * w.grad
        w.grad.zero_()
"""


@pytest.fixture
def window(qtbot, tmp_path):
    # no size budget: only the first and last four calls are kept in full, call 10 is a summary
    with full_window(qtbot, tmp_path, limits=Limits(wall_time_s=20.0, detail_budget=0)) as win:
        yield win


def _loss(call: dict) -> float:
    if call.get("summarized"):
        return float(call["summary"]["root_values"][0])
    return float(call["events"][0]["root_values"][0])


def test_a_summarised_call_is_recorded_in_full_with_the_same_numbers(qtbot, window) -> None:
    window.documents.load_text(LOOP, None)
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.running.run_all()
    calls = window.running.backward_calls
    assert len(calls) == 20 and calls[9]["summarized"]
    losses = [_loss(c) for c in calls]
    action = window.actions_.record_call
    window.player.select_call(19)
    assert not action.isEnabled()  # a call kept in full needs nothing
    window.player.select_call(9)
    assert action.isEnabled()
    assert "Call #10 was kept as a summary" in window.status_label.text()

    with qtbot.waitSignal(window.call_recording.call_ready, timeout=RUN_TIMEOUT_MS) as ready:
        action.trigger()
    assert ready.args == [9]
    again = window.running.backward_calls
    assert window.player.current_call == 9
    assert not again[9].get("summarized") and again[9]["call_in_cell"] == 10
    assert [_loss(c) for c in again] == losses  # the same run: unseeded, yet the same numbers
    assert window.runner.limits is not None and window.runner.limits.record_calls == ((1, 10),)
