"""``gradviz export --call K`` on a training loop writes iteration K alone."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from gradviz.cli.export import export_main
from tests.test_call_graph import MLP_LOOP, ONE_ITERATION, PARAMS, STEPS


@pytest.fixture()
def loop_script(tmp_path: Path) -> Path:
    path = tmp_path / "train.py"
    path.write_text(MLP_LOOP, encoding="utf-8")
    return path


def _export_json(script: Path, out: Path, *args: str) -> dict:
    assert export_main([str(script), "-o", str(out), "--in-process", *args]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _ops(data: dict) -> dict[str, int]:
    return dict(Counter(n["label"] for n in data["nodes"] if n["kind"] in ("op", "accumulate")))


def test_call_k_writes_that_iteration_only(loop_script: Path, tmp_path: Path) -> None:
    data = _export_json(loop_script, tmp_path / "third.json", "--call", "3")
    assert _ops(data) == ONE_ITERATION
    assert sorted(n["name"] for n in data["nodes"] if n.get("is_param")) == sorted(PARAMS)
    assert data["graph"]["iteration"] == {"loop": 0, "index": 2, "count": STEPS}
    assert data["graph"]["call"]["index"] == 2
    ids = {n["id"] for n in data["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in data["links"])
    assert all("x" in n and "y" in n for n in data["nodes"] if n["kind"] in ("op", "tensor"))  # dataflow, laid out


def test_the_default_call_is_the_last_iteration(loop_script: Path, tmp_path: Path) -> None:
    data = _export_json(loop_script, tmp_path / "last.json")
    assert _ops(data) == ONE_ITERATION
    assert data["graph"]["iteration"]["index"] == STEPS - 1
    dot = tmp_path / "last.dot"
    assert export_main([str(loop_script), "-o", str(dot), "--in-process", "--call", str(STEPS)]) == 0
    assert dot.read_text(encoding="utf-8").count('label="MseLossBackward0"') == 1


def test_a_summarised_iteration_is_refused_with_the_nearest_one(
    loop_script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tenth.json"
    argv = [str(loop_script), "-o", str(out), "--in-process", "--detail-budget", "0", "--call", "10"]
    assert export_main(argv) == 2
    err = capsys.readouterr().err
    assert "iteration 10 of 20" in err and "kept as a summary to save memory" in err
    assert "add --record-call 10 to run the script again keeping it in full" in err
    assert "the nearest iteration with its graph, 4 (--call 4)" in err
    assert "Limits." not in err  # no internal name in what a learner reads
    assert not out.exists()


def test_record_call_exports_an_iteration_the_budget_kept_as_a_summary(loop_script: Path, tmp_path: Path) -> None:
    """--record-call N keeps call N in full, and --call defaults to it."""
    data = _export_json(loop_script, tmp_path / "tenth.json", "--detail-budget", "0", "--record-call", "10")
    assert _ops(data) == ONE_ITERATION
    assert data["graph"]["iteration"] == {"loop": 0, "index": 9, "count": STEPS}
    same = _export_json(loop_script, tmp_path / "again.json", "--detail-budget", "0", "--record-call", "0:10")
    assert same["graph"]["iteration"]["index"] == 9


def test_a_small_loop_keeps_every_iteration_by_default(loop_script: Path, tmp_path: Path) -> None:
    """The size budget keeps a 20-step MLP's every iteration: the middle one exports too."""
    data = _export_json(loop_script, tmp_path / "tenth.json", "--call", "10")
    assert _ops(data) == ONE_ITERATION and data["graph"]["iteration"]["index"] == 9
