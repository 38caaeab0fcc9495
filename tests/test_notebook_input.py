"""What a notebook may hold besides runnable Python, and how gradviz reads it.

Malformed ``.ipynb`` files end in one clear :class:`NotebookError` (the CLI names the file, exits 2,
prints no traceback); markdown, raw cells and metadata never become code on the way to percent
text or to the runner; IPython magics and shell lines are skipped with a note; ``display(x)``
prints ``repr(x)``. Each rule is checked through both runners: the golden recorder's plain
``exec`` (run_cells_trusted) and the app's sandboxed Session.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gradviz.cli.run import run_main
from gradviz.runner.capture import normalize_addresses, skip_ipython_lines
from gradviz.runner.cells import (
    CODE,
    Cell,
    NotebookError,
    load_cells,
    read_ipynb,
    source_lines,
    split_percent_cells,
    write_ipynb,
    write_percent,
)
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session
from gradviz.runner.trusted_run import run_cells_trusted

REPO = Path(__file__).resolve().parent.parent


def _notebook(cells: Any, **fields: Any) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **fields})


def _code(source: Any, **fields: Any) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source, **fields}


# --- malformed notebooks -----------------------------------------------------------------------

MALFORMED = {
    "cells_not_a_list": (_notebook({"0": _code("x = 1")}), "cells is an object, not an array"),
    "cells_missing": (json.dumps({"nbformat": 4, "metadata": {}}), "cells is missing, not an array"),
    "cell_is_a_string": (_notebook(["print(1)"]), "cells[0] is a string, not an object"),
    "notebook_metadata_a_list": (
        json.dumps({"nbformat": 4, "metadata": [], "cells": []}),
        "metadata is an array, not an object",
    ),
    "cell_metadata_a_list": (_notebook([_code("x = 1", metadata=["title"])]), "cells[0].metadata is an array"),
    "source_of_ints": (_notebook([_code("x = 1"), _code([1, 2])]), "cells[1].source[0] is a number, not text"),
    "source_a_number": (_notebook([_code(7)]), "cells[0].source is a number, not text"),
    "cell_type_missing": (_notebook([{"source": "x = 1"}]), "cells[0].cell_type is null, not text"),
    "deep_nesting": ("[" * 100_000 + "]" * 100_000, "its JSON is nested too deeply to read"),
    "not_json": ("# %%\nprint('a script saved as .ipynb')\n", "it is not JSON (Expecting value at line 1, column 1)"),
    "json_array": ("[1, 2]", "its JSON is an array, not a notebook object"),
    "nbformat_3": (
        json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": []}]}),
        "an nbformat 3 notebook; gradviz reads nbformat 4",
    ),
    "nbformat_missing": (json.dumps({"cells": []}), 'not an nbformat 4 notebook ("nbformat" is null)'),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_notebook_is_one_clear_error(case: str, tmp_path: Path) -> None:
    text, problem = MALFORMED[case]
    with pytest.raises(NotebookError) as info:
        read_ipynb(text)
    assert problem in str(info.value)
    path = tmp_path / f"{case}.ipynb"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NotebookError) as info:
        load_cells(path)
    assert info.value.path == str(path) and problem in info.value.problem
    assert isinstance(info.value, ValueError)  # what callers that predate the type catch


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_gradviz_run_names_the_file_and_the_problem(case: str, tmp_path: Path) -> None:
    text, problem = MALFORMED[case]
    path = tmp_path / "bad.ipynb"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = run_main([str(path), "--in-process"], out=out, err=err)
    assert status == 2 and out.getvalue() == ""
    message = err.getvalue()
    assert message.startswith(f"gradviz: cannot read {path}: ") and problem in message
    assert message.count("\n") == 1 and "Traceback" not in message


def test_gradviz_command_on_a_deeply_nested_notebook_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.ipynb"
    path.write_text('{"nbformat": 4, "cells": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "gradviz.cli.main", "run", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"gradviz: cannot read {path}: its JSON is nested too deeply to read\n"


def test_a_well_formed_notebook_with_unknown_cell_types_and_extra_fields_reads() -> None:
    text = _notebook(
        [
            _code(["a = 1\n", "b = 2"], id="x1", metadata={"tags": ["setup"], "collapsed": True}),
            {"cell_type": "heading", "metadata": {}, "source": "print('not code')"},
            {"cell_type": "raw", "metadata": {"format": "text/plain"}, "source": ["print('raw')"]},
        ]
    )
    cells = read_ipynb(text)
    assert [(c.kind, c.source) for c in cells] == [
        ("code", "a = 1\nb = 2"),
        ("markdown", "print('not code')"),
        ("markdown", "print('raw')"),
    ]


# --- markdown, raw and metadata stay text ------------------------------------------------------

PAYLOAD = "print('PWNED')"
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def _hostile_notebook(separator_in_code: bool = True) -> str:
    """Every cell that is not code, and every metadata field, tries to smuggle ``PAYLOAD`` onto a
    line of its own, with each kind of line break some reader (Python, Qt, str.splitlines) knows.
    The last cell is code whose comment holds U+2028 (``separator_in_code``): Python reads one line."""
    cells: list[dict[str, Any]] = []
    for n, brk in enumerate(BREAKS):
        title = f"Intro {n}{brk}{PAYLOAD}{brk}# %%{brk}{PAYLOAD}"
        cells.append({"cell_type": "markdown", "metadata": {"title": title, "tags": [brk + PAYLOAD]}, "source": ""})
        cells.append({"cell_type": "raw", "metadata": {"title": title}, "source": [f"raw{brk}{PAYLOAD}"]})
        cells.append(
            {"cell_type": "markdown", "metadata": {}, "source": f"text{brk}%%{brk}{PAYLOAD}{brk}# %%{brk}{PAYLOAD}"}
        )
        cells.append(_code("x = 1", metadata={"title": f"setup{brk}{PAYLOAD}"}))
    last = ["# a comment\u2028", f"{PAYLOAD}\n"] if separator_in_code else []
    cells.append(_code([*last, "done = True"], metadata={"title": "[markdown]"}))
    return _notebook(cells)


def _code_sources(cells: list[Cell]) -> list[str]:
    return [c.source for c in cells if c.kind == CODE]


def test_nothing_but_code_cells_becomes_code_in_percent_text() -> None:
    cells = read_ipynb(_hostile_notebook())
    assert _code_sources(cells) == ["x = 1"] * len(BREAKS) + [f"# a comment\u2028{PAYLOAD}\ndone = True"]
    text = write_percent(cells)
    again = split_percent_cells(text)
    # The percent text holds the code cells' code and nothing else that Python would run.
    assert _code_sources(again) == _code_sources(cells)
    for line in source_lines(text):
        assert line.startswith("#") or line in ("", "x = 1", "done = True"), line
    assert split_percent_cells(write_percent(again)) == again
    # .ipynb -> percent -> .ipynb keeps the kinds and what code there is.
    back = read_ipynb(write_ipynb(again))
    assert [c.kind for c in back] == [c.kind for c in cells] and _code_sources(back) == _code_sources(cells)


def test_nothing_but_code_cells_runs(tmp_path: Path) -> None:
    path = tmp_path / "hostile.ipynb"
    path.write_text(_hostile_notebook(), encoding="utf-8")
    loaded = load_cells(path)
    converted = split_percent_cells(write_percent(loaded))  # what the app's editor holds
    for cells in (loaded, converted):
        results = Session(Limits(wall_time_s=5), snapshots=False).run_cells(cells)
        assert len(results) == len(BREAKS) + 1
        assert all(r.error is None for r in results), [r.error for r in results if r.error]
        assert "".join(r.stdout for r in results) == ""
        plain = run_cells_trusted(cells, {})
        assert "".join(r["stdout"] for r in plain) == "" and all(r["exception"] is None for r in plain)


def test_code_is_split_into_lines_where_python_splits_it() -> None:
    # A form feed or U+2028 is part of a line for Python (here: of a comment), not a line break.
    text = "# %%\nx = 1  # a\x0cb\u2028c\n# %%\ny = 2\n"
    cells = split_percent_cells(text)
    assert [(c.source, c.first_line) for c in cells] == [("x = 1  # a\x0cb\u2028c", 2), ("y = 2", 4)]
    (result,) = Session(snapshots=False).run_cells(split_percent_cells("# %%\nz = 3  # \u2028z = 4\nz\n"))
    assert result.echo == "3"


# --- IPython-only lines --------------------------------------------------------------------------

MAGIC_CELLS = (
    "# %% magics\n"
    "%matplotlib inline\n"
    "!pip install torch\n"
    "files = !ls\n"
    "s = '''\n"
    "%d percent lines inside a string stay\n"
    "'''\n"
    "for i in range(2):\n"
    "    !echo $i\n"
    "print(s.strip())\n"
    "# %% timed\n"
    "%%time\n"
    "print('timed body runs')\n"
    "2 + 3\n"
    "# %% shell cell\n"
    "%%bash\n"
    "echo never\n"
    "rm -rf /\n"
    "# %% error after a magic\n"
    "%load_ext autoreload\n"
    "x = (\n"
)

NOTE = "(IPython magics and shell commands run only in Jupyter)"


def _expected_magic_results() -> list[dict[str, Any]]:
    return [
        {
            "stdout": "%d percent lines inside a string stay\n",
            "echo": None,
            "warnings": [
                f"Note: skipped line 2: %matplotlib inline {NOTE}",
                f"Note: skipped line 3: !pip install torch {NOTE}",
                f"Note: skipped line 4: files = !ls {NOTE}",
                f"Note: skipped line 9: !echo $i {NOTE}",
            ],
        },
        {
            "stdout": "timed body runs\n",
            "echo": "5",
            "warnings": [f"Note: skipped line 12: %%time; the rest of the cell ran as plain Python {NOTE}"],
        },
        {"stdout": "", "echo": None, "warnings": [f"Note: skipped the cell: %%bash {NOTE}"]},
        {"stdout": "", "echo": None, "warnings": [f"Note: skipped line 20: %load_ext autoreload {NOTE}"]},
    ]


def test_magics_are_skipped_with_a_note_in_the_session() -> None:
    results = Session(Limits(wall_time_s=5), snapshots=False).run_cells(split_percent_cells(MAGIC_CELLS))
    got = [{"stdout": r.stdout, "echo": r.echo, "warnings": r.warnings} for r in results]
    assert got == _expected_magic_results()
    assert [r.error for r in results[:3]] == [None, None, None]
    # A real syntax error after a magic is still reported, at its own line of the file.
    assert results[3].error is not None and (results[3].error.type, results[3].error.line) == ("SyntaxError", 21)


def test_magics_are_skipped_with_a_note_by_the_recorders_runner() -> None:
    results = run_cells_trusted(split_percent_cells(MAGIC_CELLS), {})
    got = [{"stdout": r["stdout"], "echo": r["echo"], "warnings": r["warnings"]} for r in results]
    assert got == _expected_magic_results()
    assert [r["exception"] for r in results[:3]] == [None, None, None]
    assert results[3]["exception"].startswith("SyntaxError: ")


def test_ordinary_code_is_not_touched_by_the_magic_filter() -> None:
    for source in ("x = 5 % 3\ny = (1\n% 2)\n", "a = 1\nb = a != 2\n", "s = '''\n!not a shell line\n'''", ""):
        assert skip_ipython_lines(source) == (source, [])
    # A candidate that is not what stops the parser is put back.
    assert skip_ipython_lines("x = [1,\n!ls\n]")[0] == "x = [1,\n!ls\n]"


def test_display_prints_the_repr_like_a_notebook() -> None:
    source = "import torch\nt = torch.ones(2)\ndisplay(t, 'text', None)\ndisplay(t)\n"
    (session_result,) = Session(snapshots=False).run_cells(split_percent_cells(source))
    expected = "tensor([1., 1.])\n'text'\nNone\ntensor([1., 1.])\n"
    assert (session_result.stdout, session_result.echo, session_result.error) == (expected, None, None)
    import gradviz.torch

    (plain,) = run_cells_trusted(split_percent_cells(source), {"torch": gradviz.torch})
    assert (plain["stdout"], plain["echo"], plain["exception"]) == (expected, None, None)
    # It prints as IPython's display function does.
    shown = Session(snapshots=False).run_cell(0, "print(display)").stdout
    assert normalize_addresses(shown) == "<function display at 0x<ADDR>>\n"
