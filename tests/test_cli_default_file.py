"""Without FILE, ``gradviz run``, ``trace`` and ``export`` run the seed notebook, as the app opens it,
and say so on stderr; their output is the same as with the seed named explicitly.

Traces and graphs name tensors by a counter of the process that ran the script, so the runs
compared there each get their own worker process (the commands' default).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gradviz.cli.export import export_main
from gradviz.cli.main import main
from gradviz.cli.run import file_or_seed, run_main, trace_main
from gradviz.resources import seed_notebook
from gradviz.runner.capture import normalize_addresses

REPO = Path(__file__).resolve().parent.parent
SEED_NOTEBOOK = seed_notebook()
SEED_NOTE = f"no FILE given, running the seed notebook {SEED_NOTEBOOK}\n"
SEED_STDOUT = "".join(
    cell["stdout"]
    for cell in json.loads((REPO / "tests" / "goldens" / "seed_expected.json").read_text(encoding="utf-8"))["cells"]
)


def cli(command, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = command(list(args), out=out, err=err)
    return status, normalize_addresses(out.getvalue()), err.getvalue()


def test_file_or_seed_keeps_a_given_file_and_names_the_seed_otherwise() -> None:
    err = io.StringIO()
    assert file_or_seed("mine.py", "gradviz run", err) == "mine.py" and err.getvalue() == ""
    assert file_or_seed(None, "gradviz run", err) == str(SEED_NOTEBOOK)
    assert err.getvalue() == "gradviz run: " + SEED_NOTE


def test_run_without_file_prints_what_pytorch_prints_for_the_seed() -> None:
    status, out, err = cli(run_main, "--in-process")
    assert status == 1  # two seed cells raise, as under PyTorch
    assert out == SEED_STDOUT
    named = cli(run_main, str(SEED_NOTEBOOK), "--in-process")
    assert err == "gradviz run: " + SEED_NOTE + named[2]


def test_trace_without_file_is_the_seeds_trace() -> None:
    status, out, err = cli(trace_main, "--json")
    named = cli(trace_main, str(SEED_NOTEBOOK), "--json")
    assert status == named[0] == 1
    assert out == named[1] and out.count('"type": "call_started"') >= 2
    assert err == "gradviz trace: " + SEED_NOTE + named[2]


def test_export_without_file_draws_the_seeds_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    default, named = tmp_path / "default.dot", tmp_path / "named.dot"
    assert export_main(["-o", str(default)]) == 0
    assert capsys.readouterr().err == f"gradviz export: {SEED_NOTE}wrote {default}\n"
    assert export_main([str(SEED_NOTEBOOK), "-o", str(named)]) == 0
    assert default.read_text(encoding="utf-8") == named.read_text(encoding="utf-8")
    assert "digraph" in default.read_text(encoding="utf-8")


def test_the_gradviz_command_dispatches_run_without_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--in-process"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("gradviz run: " + SEED_NOTE)
    assert normalize_addresses(captured.out) == SEED_STDOUT
