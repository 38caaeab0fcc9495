"""``gradviz run`` / ``gradviz trace``: console-faithful output, exit status, trace formats."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

from gradviz.cli.run import format_trace, run_main, trace_json_lines, trace_main
from gradviz.runner.capture import normalize_addresses
from gradviz.runner.cells import split_percent_cells, write_ipynb
from tests.paths import SEED_NOTEBOOK

REPO = Path(__file__).resolve().parent.parent
SEED_EXPECTED = REPO / "tests" / "goldens" / "seed_expected.json"


def cli(main, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_run_plain_script_in_process(tmp_path: Path) -> None:
    script = tmp_path / "plain.py"
    script.write_text("print('hello')\n1 + 1\n", encoding="utf-8")
    status, out, err = cli(run_main, str(script), "--in-process")
    assert (status, out, err) == (0, "hello\n2\n", "")


def test_run_reports_failures_on_stderr_and_exit_status(tmp_path: Path) -> None:
    script = tmp_path / "cells.py"
    script.write_text("# %%\nprint('a')\n# %%\nraise ValueError('bad')\n# %%\nprint('still runs')\n", encoding="utf-8")
    status, out, err = cli(run_main, str(script), "--in-process")
    assert status == 1
    assert out == "a\nstill runs\n"
    assert err == "ValueError: bad\n"


def test_run_ipynb(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(write_ipynb(split_percent_cells("# %%\nx = 2\n# %%\nx * 21\n")), encoding="utf-8")
    assert cli(run_main, str(notebook), "--in-process") == (0, "42\n", "")


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    status, _, err = cli(run_main, str(tmp_path / "nope.py"), "--in-process")
    assert status == 2 and "cannot read" in err


def test_limits_are_options(tmp_path: Path) -> None:
    script = tmp_path / "big.py"
    script.write_text("x = [0] * 50\n", encoding="utf-8")
    status, _, err = cli(run_main, str(script), "--in-process", "--max-sequence", "10")
    assert status == 1 and "max_sequence_length=10" in err and "--max-sequence" in err


def test_seed_notebook_output_matches_pytorch_through_the_worker() -> None:
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["cells"]
    status, out, err = cli(run_main, str(SEED_NOTEBOOK))
    assert status == 1  # two cells raise, as under PyTorch
    assert normalize_addresses(out) == "".join(cell["stdout"] for cell in expected)
    want_err = "".join(w + "\n" for cell in expected for w in cell["warnings"])
    want_err += "".join(cell["exception"] + "\n" for cell in expected if cell["exception"])
    assert sorted(err.splitlines()) == sorted(want_err.splitlines())


def test_trace_readable_and_json(tmp_path: Path) -> None:
    script = tmp_path / "bw.py"
    script.write_text(
        "import torch as t\nx = t.ones(2, requires_grad=True)\n(x * 3).sum().backward()\n", encoding="utf-8"
    )
    status, out, err = cli(trace_main, str(script), "--in-process")
    assert status == 0 and err == ""
    assert out.startswith("backward call ") and "(cell 0, line 3)" in out.splitlines()[0]
    status, out, _ = cli(trace_main, str(script), "--in-process", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert records and all(r["cell"] == 0 and r["line"] == 3 for r in records)
    assert [r["index"] for r in records] == list(range(len(records)))
    assert records[0]["type"] == "call_started" and records[-1]["type"] == "call_finished"


def test_trace_formatters_cover_every_event_type() -> None:
    call = {
        "call_id": 7,
        "cell": 1,
        "line": 3,
        "events": [
            {
                "type": "call_started",
                "kind": "backward",
                "roots": ["t1"],
                "root_grads": [None],
                "retain_graph": True,
                "create_graph": False,
                "inputs": [],
                "nodes": [],
            },
            {
                "type": "node_started",
                "node_id": "n2",
                "name": "MulBackward0",
                "sequence_nr": 0,
                "grads_in": [{"shape": [], "dtype": "float32", "values": 1.0, "min": 1.0, "max": 1.0, "mean": 1.0}],
            },
            {"type": "hook_called", "node_id": "n2", "hook": "tensor", "tensor_id": "t1", "replaced": True},
            {
                "type": "node_finished",
                "node_id": "n2",
                "grads_out": [{"index": 0, "target": None, "value": None, "reduced_from": None}],
            },
            {
                "type": "grad_accumulated",
                "node_id": "n3",
                "tensor_id": "t0",
                "before": None,
                "contribution": {"shape": [2], "dtype": "float32", "values": [1.0, 2.0]},
                "after": {"shape": [2], "dtype": "float32", "values": [1.0, 2.0]},
            },
            {"type": "grad_captured", "tensor_id": "t4", "node_id": None, "value": None},
            {
                "type": "buffer_freed",
                "node_id": "n2",
                "attr": "_saved_self",
                "nbytes": 8,
                "shape": [2],
                "dtype": "float32",
            },
            {"type": "error_raised", "node_id": "n2", "error_type": "RuntimeError", "message": "boom"},
            {"type": "something_new", "value": 1},
            {"type": "call_finished", "ok": False},
        ],
    }
    text = format_trace(call)
    assert text.splitlines()[0] == "backward call 7 (cell 1, line 3)"
    assert (
        "retain_graph" in text
        and "replaced the grad" in text
        and "(unnamed).grad: None + [1.0, 2.0] = [1.0, 2.0]" in text
    )
    assert "run MulBackward0 (seq 0) grad in" in text and "freed MulBackward0 (seq 0)._saved_self" in text
    assert "error at MulBackward0 (seq 0): RuntimeError: boom" in text
    assert not re.search(r"\b[tn]\d+\b", text)  # internal ids never reach the text
    named = format_trace(call, {"t0": "x", "t1": "`x * 2`"})
    assert "start backward() from `x * 2`" in named and "x.grad: None + [1.0, 2.0]" in named
    assert 'something_new {"value": 1}' in text and text.endswith("stopped by the error")
    assert len(trace_json_lines(call)) == 10
    # steps numbered as the player and exports number them: 0 (start) .. 9 (finished) of 9
    assert text.splitlines()[1].startswith("[0/9]  start") and text.splitlines()[-1].startswith("[9/9]")
    assert [json.loads(line)["index"] for line in trace_json_lines(call)] == list(range(10))


def test_module_entry_point_runs_headless(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text("print('ok')\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from gradviz.cli.run import main\n"
        f"status = main(['run', {str(script)!r}])\n"
        "assert 'PySide6' not in sys.modules, 'Qt imported'\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"
