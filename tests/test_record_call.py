"""A summarised backward call, asked for in full (issue 14, item 5: "plus any they ask for").

Limits.record_calls names calls as (cell, n) or (None, n) for the run's n-th call; the recorder
keeps them in full on top of the first/last policy, and Limits.random_seeds starts a fresh
session's random streams where an earlier run started them, so the re-run computes the same
numbers even for a script that never seeds."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from gradviz.cli.run import call_request, run_main, trace_main
from gradviz.runner.cells import load_cells
from gradviz.runner.limits import Limits
from gradviz.runner.recording import CallRecorder, RandomSeeds, wanted_in_cell
from gradviz.runner.results import CellResult
from gradviz.runner.session import Session

# Never seeds: its numbers come from wherever the random streams stand when it starts.
LOOP = """\
# %%
import random
import numpy as np
import torch
w = torch.randn(3, requires_grad=True)
x = torch.randn(20, 3) + float(np.random.rand()) + random.random()
y = x @ torch.tensor([1.0, -2.0, 0.5])
# %%
for step in range(30):
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.05 * w.grad
        w.grad.zero_()
print(loss.item(), w)
"""

SEEDS = (123456789, 42, 987654321)


def _run(tmp_path: Path, **changes: Any) -> list[CellResult]:
    path = tmp_path / "loop.py"
    path.write_text(LOOP, encoding="utf-8")
    limits = Limits(detail_budget=0).with_changes(random_seeds=SEEDS, **changes)
    return Session(limits, snapshots=False).run_cells(load_cells(path))


def _loss(call: dict[str, Any]) -> float:
    if call.get("summarized"):
        return float(call["summary"]["root_values"][0])
    return float(call["events"][0]["root_values"][0])


def test_a_summarised_call_asked_for_comes_in_full_with_the_same_numbers(tmp_path: Path) -> None:
    plain = _run(tmp_path)
    calls = plain[1].backward_calls
    assert [c["call_in_cell"] for c in calls] == list(range(1, 31))
    assert calls[11]["summarized"]  # call 12 of the loop: a light summary by default

    again = _run(tmp_path, record_calls=((1, 12),))
    assert [r.stdout for r in again] == [r.stdout for r in plain]  # the same run, the same numbers
    full = again[1].backward_calls[11]
    assert full["call_in_cell"] == 12 and not full.get("summarized")
    assert [e["type"] for e in full["events"]][-1] == "call_finished"
    assert _loss(full) == _loss(calls[11])
    detailed = [c["call_in_cell"] for c in again[1].backward_calls if not c.get("summarized")]
    assert detailed == [1, 2, 3, 4, 12, 27, 28, 29, 30]  # the policy's 8, and the one asked for


def test_a_run_wide_call_number_counts_every_cell(tmp_path: Path) -> None:
    # cell 0 makes no backward call, so the run's call 5 is the loop's 5th; (None, 31) is past the end
    results = _run(tmp_path, record_calls=((None, 5), (None, 31), (0, 1)))
    detailed = [c["call_in_cell"] for c in results[1].backward_calls if not c.get("summarized")]
    assert 5 in detailed and 6 not in detailed
    assert wanted_in_cell(((None, 5), (None, 31), (0, 1)), 1, 0) == frozenset({5, 31})
    assert wanted_in_cell(((None, 5), (2, 3)), 2, 10) == frozenset({3})
    assert wanted_in_cell(((None, 5),), 2, 10) == frozenset()


def test_the_same_seeds_give_the_same_numbers_to_a_script_that_never_seeds(tmp_path: Path) -> None:
    first = _run(tmp_path)
    second = _run(tmp_path)
    assert first[1].stdout == second[1].stdout
    other = Session(Limits().with_changes(random_seeds=(1, 2, 3)), snapshots=False)
    path = tmp_path / "loop.py"
    assert [r.stdout for r in other.run_cells(load_cells(path))] != [r.stdout for r in first]


def test_seeds_are_what_a_fresh_process_draws_from() -> None:
    import gradviz.torch as torch_twin

    seeds = RandomSeeds.fresh()
    assert RandomSeeds.of(seeds.as_tuple()) == seeds
    seeds.apply()
    assert torch_twin.initial_seed() == seeds.torch  # as torch.initial_seed() reports the entropy seed
    assert RandomSeeds.of((-1, 1 << 40, 5)).as_tuple() == ((1 << 64) - 1, 0, 5)


def test_with_no_detail_policy_only_the_asked_call_is_built_in_full() -> None:
    assert CallRecorder(max_detailed=0, max_summaries=100, wanted={2}).wants_detail() is False
    policy = CallRecorder(max_detailed=0, max_summaries=100, wanted={2})
    policy.seen = 1
    assert policy.wants_detail() is True


@pytest.mark.parametrize("text, expected", [("12", (None, 12)), ("3:7", (3, 7)), ("0:1", (0, 1))])
def test_call_requests_parse(text: str, expected: tuple[int | None, int]) -> None:
    assert call_request(text) == expected


@pytest.mark.parametrize("text", ["0", "x", "1:0", "-1:2", "a:b"])
def test_bad_call_requests_are_usage_errors(text: str) -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError):
        call_request(text)


def test_cli_run_prints_the_asked_call_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "loop.py"
    path.write_text(
        "# %%\nimport torch\ntorch.manual_seed(0)\nw = torch.randn(3, requires_grad=True)\n"
        "x = torch.randn(20, 3)\ny = x @ torch.tensor([1.0, -2.0, 0.5])\n" + "# %%\n" + LOOP.split("# %%\n", 2)[2],
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_main([str(path), "--in-process", "--detail-budget", "0"], out, err) == 0
    plain_out = out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert run_main([str(path), "--in-process", "--detail-budget", "0", "--record-call", "1:12"], out, err) == 0
    assert out.getvalue() == plain_out  # stdout stays the script's
    text = err.getvalue()
    assert "(cell 1, line 10)" in text and "kept as a summary" not in text
    assert text.rstrip().endswith("finished")
    out, err = io.StringIO(), io.StringIO()
    assert run_main([str(path), "--in-process", "--detail-budget", "0", "--record-call", "1:99"], out, err) == 0
    assert "gradviz: no backward call 1:99 was made" in err.getvalue()


def test_cli_trace_shows_the_asked_call_in_full(tmp_path: Path) -> None:
    path = tmp_path / "loop.py"
    path.write_text(
        "# %%\nimport torch\ntorch.manual_seed(0)\nw = torch.randn(3, requires_grad=True)\n"
        "for step in range(12):\n    (w * w).sum().backward()\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert trace_main([str(path), "--in-process", "--detail-budget", "0"], out, io.StringIO()) == 0
    assert out.getvalue().count("kept as a summary") == 4  # calls 5-8 of 12
    out = io.StringIO()
    argv = [str(path), "--in-process", "--detail-budget", "0", "--record-call", "0:6"]
    assert trace_main(argv, out, io.StringIO()) == 0
    blocks = out.getvalue().split("\n\n")
    assert "kept as a summary" not in blocks[5] and "kept as a summary" in blocks[4]
    with pytest.raises(SystemExit) as stopped:
        trace_main([str(path), "--record-call", "nope"], io.StringIO(), io.StringIO())
    assert stopped.value.code == 2


def test_the_worker_names_its_seeds_and_a_client_given_them_repeats_the_run() -> None:
    from gradviz.runner.worker import SessionClient

    source = "import torch\nprint(torch.randn(3), torch.initial_seed())\n"
    with SessionClient() as client:
        seeds = client.random_seeds
        assert seeds is not None
        first = client.run_cell(0, source)
    assert first.error is None and first.stdout.split()[-1] == str(seeds[0])
    with SessionClient(Limits().with_changes(random_seeds=seeds, record_calls=((0, 1),))) as again:
        assert again.random_seeds == seeds
        assert again.run_cell(0, source).stdout == first.stdout


def test_restarting_the_session_draws_new_seeds_as_a_kernel_restart_does() -> None:
    from gradviz.runner.worker import SessionClient

    source = "import torch\nprint(torch.initial_seed())\n"
    with SessionClient() as client:
        before = client.random_seeds
        assert before is not None
        first = client.run_cell(0, source)
        client.reset()
        after = client.random_seeds
        assert after is not None and after != before
        second = client.run_cell(0, source)
    assert first.stdout == f"{before[0]}\n"
    assert second.stdout == f"{after[0]}\n"


def _tail_call(source: str) -> dict[str, Any]:
    """The last call of a 12-call cell (kept in the tail window, serialised when the cell ends)."""
    result = Session(Limits(detail_budget=0), snapshots=False).run_cell(0, source)
    assert result.error is None, result.error
    calls = result.backward_calls
    assert len(calls) == 12 and not calls[-1].get("summarized")
    return calls[-1]


def _values(call: dict[str, Any], kind: str, field: str) -> list[Any]:
    return [e[field]["values"] for e in call["events"] if e["type"] == kind and e.get(field) is not None]


def test_a_tail_call_shows_a_given_gradient_as_it_was_when_the_learner_changes_it_later() -> None:
    call = _tail_call(
        "import torch\nw = torch.ones(3, requires_grad=True)\ng = torch.tensor([1.0, 2.0, 3.0])\n"
        "for i in range(12):\n    (w + 1).backward(g)\n    w.grad.zero_()\ng.mul_(100)\n"
    )
    # AddBackward0 hands the given gradient on as it is: every copy of it shows the values it had
    assert call["events"][0]["root_grads"][0]["values"] == [1.0, 2.0, 3.0]
    assert _values(call, "grad_accumulated", "after") == [[1.0, 2.0, 3.0]]
    sent = [
        edge["value"]["values"]
        for e in call["events"]
        if e["type"] == "node_finished"
        for edge in e["grads_out"]
        if edge["value"] is not None
    ]
    assert sent == [[1.0, 2.0, 3.0]]
    assert _values(call, "grad_accumulated", "contribution") == [[1.0, 2.0, 3.0]]


def test_a_tail_call_shows_what_autograd_grad_returned_as_it_was() -> None:
    call = _tail_call(
        "import torch\nw = torch.ones(2, requires_grad=True)\n"
        "for i in range(12):\n    (g,) = torch.autograd.grad((w * 3).sum(), w)\n    g.zero_()\n"
    )
    assert _values(call, "grad_captured", "value") == [[3.0, 3.0]]


def test_a_tail_call_seen_by_a_hook_is_kept_whole() -> None:
    call = _tail_call(
        "import torch\nw = torch.ones(2, requires_grad=True)\nseen = []\n"
        "w.register_hook(lambda g: seen.append(g))\n"
        "for i in range(12):\n    (w * 5).sum().backward()\n    w.grad = None\nfor g in seen:\n    g.zero_()\n"
    )
    assert [5.0, 5.0] in _values(call, "grad_accumulated", "contribution")


def test_trace_json_gives_a_summarised_call_one_line(tmp_path: Path) -> None:
    import json

    path = tmp_path / "loop.py"
    path.write_text(
        "import torch\nw = torch.ones(2, requires_grad=True)\nfor i in range(10):\n    (w * i).sum().backward()\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert trace_main([str(path), "--in-process", "--detail-budget", "0", "--json"], out, io.StringIO()) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    summaries = [r for r in records if r["type"] == "call_summary"]
    assert [r["call_in_cell"] for r in summaries] == [5, 6]
    first = summaries[0]
    assert list(first) == [
        "call_id", "cell", "line", "index", "type", "call_in_cell",
        "kind", "roots", "root_values", "node_count", "ok", "error",
    ]  # fmt: skip
    assert (first["cell"], first["line"], first["index"], first["kind"]) == (0, 4, None, "backward")
    assert first["root_values"] == [8.0] and first["node_count"] == 3 and first["ok"] and first["error"] is None
    assert sum(r["type"] == "call_started" for r in records) == 8
