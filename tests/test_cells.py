"""Cells: percent/ipynb reading and writing, and the capture semantics shared with the recorder.

Capture is tested against a tiny fake module standing in for torch, so these tests need neither
torch nor the engine.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

from gradviz.runner.capture import code_summary, format_exception_line, format_warning, normalize_addresses
from gradviz.runner.cells import Cell, load_cells, read_ipynb, split_percent_cells, write_ipynb, write_percent
from gradviz.runner.trusted_run import module_map, run_cells_trusted
from tests.paths import SEED_NOTEBOOK

# --- splitting ---------------------------------------------------------------------------------


def test_seed_notebook_splits_into_its_eleven_cells() -> None:
    cells = split_percent_cells(SEED_NOTEBOOK.read_text(encoding="utf-8"))
    assert [c.title for c in cells] == [f"cell {n}" for n in range(11)]
    assert [c.index for c in cells] == list(range(11))
    lines = SEED_NOTEBOOK.read_text(encoding="utf-8").splitlines()
    for cell in cells:
        # first_line points at the cell's first source line in the file.
        assert lines[cell.first_line - 1] == cell.source.splitlines()[0]
        assert lines[cell.first_line - 2].startswith("# %%")
    assert cells[0].source == "import torch as t"
    assert cells[3].source.splitlines()[-1] == "print(z.grad_fn, z)"


def test_file_without_markers_is_one_cell() -> None:
    cells = split_percent_cells("\n\nx = 1\nprint(x)\n\n")
    assert cells == [Cell(0, "x = 1\nprint(x)", 3, "code", "")]


def test_blank_text_has_no_cells() -> None:
    assert split_percent_cells("") == []
    assert split_percent_cells("\n  \n") == []


def test_comment_only_preamble_is_not_a_cell_but_code_is() -> None:
    assert [c.source for c in split_percent_cells("# header\n\n# %%\na = 1\n")] == ["a = 1"]
    cells = split_percent_cells("import math\n# %%\na = 1\n")
    assert [(c.index, c.source, c.first_line) for c in cells] == [(0, "import math", 1), (1, "a = 1", 3)]


def test_markdown_cells_are_uncommented_and_titles_kept() -> None:
    text = "# %% [markdown]\n# # Title\n#\n# some *text*\n# %% Setup\nx = 1\n#%% no space marker\ny = 2\n"
    cells = split_percent_cells(text)
    assert [(c.kind, c.title) for c in cells] == [("markdown", ""), ("code", "Setup"), ("code", "no space marker")]
    assert cells[0].source == "# Title\n\nsome *text*"
    assert (cells[1].first_line, cells[2].first_line) == (6, 8)


def test_jupytext_title_before_tag_and_empty_cells() -> None:
    cells = split_percent_cells("# %% Intro [markdown]\n# hi\n# %%\n\n# %%\nz = 3\n")
    assert [(c.kind, c.title, c.source) for c in cells] == [
        ("markdown", "Intro", "hi"),
        ("code", "", ""),
        ("code", "", "z = 3"),
    ]


def test_indented_marker_is_code_not_a_boundary() -> None:
    cells = split_percent_cells("# %%\nif True:\n    # %% inside\n    x = 1\n")
    assert len(cells) == 1 and "# %% inside" in cells[0].source


# --- writing and notebooks ---------------------------------------------------------------------

SAMPLE = [
    Cell(0, "Intro text\n\nwith a blank line", 0, "markdown", ""),
    Cell(1, "import torch\nx = torch.ones(2)", 0, "code", "setup"),
    Cell(2, "for i in range(2):\n    print(i)", 0, "code", ""),
]


def _content(cells: list[Cell]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.title, c.source) for c in cells]


def test_percent_round_trip() -> None:
    text = write_percent(SAMPLE)
    back = split_percent_cells(text)
    assert _content(back) == _content(SAMPLE)
    assert text.startswith("# %% [markdown]\n# Intro text\n#\n")
    assert split_percent_cells(write_percent(back)) == back


def test_ipynb_round_trip_and_line_numbers_match_percent_layout() -> None:
    notebook = write_ipynb(SAMPLE)
    document = json.loads(notebook)
    assert document["nbformat"] == 4 and len(document["cells"]) == 3
    assert document["cells"][1]["source"] == ["import torch\n", "x = torch.ones(2)"]
    assert document["cells"][1]["outputs"] == [] and "outputs" not in document["cells"][0]
    back = read_ipynb(notebook)
    assert _content(back) == _content(SAMPLE)
    assert [c.first_line for c in back] == [c.first_line for c in split_percent_cells(write_percent(SAMPLE))]
    assert write_ipynb(back) == notebook  # deterministic


def test_read_ipynb_accepts_string_sources_and_raw_cells() -> None:
    document = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "source": "a = 1\nb = 2\n", "metadata": {}, "outputs": [], "execution_count": 3},
            {"cell_type": "raw", "source": ["raw text"], "metadata": {}},
            {"cell_type": "code", "source": ["\n", "c = 3"], "metadata": {}, "outputs": [], "execution_count": None},
        ],
    }
    cells = read_ipynb(json.dumps(document))
    assert _content(cells) == [("code", "", "a = 1\nb = 2"), ("markdown", "", "raw text"), ("code", "", "c = 3")]
    assert [c.first_line for c in cells] == [2, 6, 9]


def test_read_ipynb_rejects_other_formats() -> None:
    with pytest.raises(ValueError):
        read_ipynb(json.dumps({"nbformat": 3, "worksheets": []}))


def test_load_cells_picks_the_reader_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_text(write_ipynb(SAMPLE), encoding="utf-8")
    (tmp_path / "a.py").write_text(write_percent(SAMPLE), encoding="utf-8")
    assert _content(load_cells(tmp_path / "a.ipynb")) == _content(load_cells(tmp_path / "a.py")) == _content(SAMPLE)


def test_code_summary_joins_non_blank_lines() -> None:
    assert code_summary("x = 1\n\n  print(x)  \n") == "x = 1; print(x)"


# --- capture helpers ---------------------------------------------------------------------------


def test_format_exception_line_matches_traceback_last_line() -> None:
    assert format_exception_line(RuntimeError("grad can be implicitly created only for scalar outputs")) == (
        "RuntimeError: grad can be implicitly created only for scalar outputs"
    )
    assert format_exception_line(KeyError("k")) == "KeyError: 'k'"
    assert format_exception_line(ValueError()) == "ValueError"
    assert format_exception_line(RuntimeError("two\nlines")) == "RuntimeError: two\nlines"
    noted = ValueError("v")
    noted.add_note("a note")
    assert format_exception_line(noted) == "ValueError: v"


def test_format_exception_line_of_a_syntax_error() -> None:
    with pytest.raises(SyntaxError) as info:
        compile("x = (", "<cell 0>", "exec")
    assert format_exception_line(info.value).startswith("SyntaxError: ")


def test_format_warning_and_addresses() -> None:
    assert format_warning(UserWarning, "careful") == "UserWarning: careful"
    assert format_warning(DeprecationWarning, DeprecationWarning("old")) == "DeprecationWarning: old"
    text = "<MulBackward0 object at 0x7f3a2b1c0d90> and (<AccumulateGrad object at 0xABCDEF>, 0)"
    assert normalize_addresses(text) == "<MulBackward0 object at 0x<ADDR>> and (<AccumulateGrad object at 0x<ADDR>>, 0)"


# --- running cells with a fake torch -----------------------------------------------------------


class Box:
    def __init__(self, value: float) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Box({self.value})"


def _fake_torch() -> ModuleType:
    """A stand-in for torch: a package with nn and nn.functional, a warning emitted from library
    code (stacklevel 1, so Python attributes it to this file, not to the cell), and a probe that
    reports the caller's file name and line."""
    torch = ModuleType("faketorch")
    nn = ModuleType("faketorch.nn")
    functional = ModuleType("faketorch.nn.functional")
    functional.relu = lambda v: Box(max(v.value, 0.0))  # type: ignore[attr-defined]
    nn.functional = functional  # type: ignore[attr-defined]
    torch.nn = nn  # type: ignore[attr-defined]
    torch.box = Box  # type: ignore[attr-defined]

    def nag() -> None:
        warnings.warn("internal nag", UserWarning, stacklevel=1)

    def fail() -> None:
        raise RuntimeError("fake failure")

    def where() -> tuple[str, int]:
        frame = sys._getframe(1)
        return frame.f_code.co_filename, frame.f_lineno

    torch.nag = nag  # type: ignore[attr-defined]
    torch.fail = fail  # type: ignore[attr-defined]
    torch.where = where  # type: ignore[attr-defined]
    return torch


def run(text: str, **extra: ModuleType) -> list[dict]:
    return run_cells_trusted(split_percent_cells(text), {"torch": _fake_torch(), **extra})


def test_output_dicts_have_the_seed_format_plus_echo() -> None:
    (out,) = run("# %% c\nimport torch\nprint(torch.box(1))\n")
    assert list(out) == ["cell", "code", "stdout", "exception", "warnings", "echo"]
    assert out == {
        "cell": 0,
        "code": "import torch; print(torch.box(1))",
        "stdout": "Box(1)\n",
        "exception": None,
        "warnings": [],
        "echo": None,
    }


def test_exception_stops_the_cell_and_later_cells_share_the_namespace() -> None:
    outs = run("# %%\nimport torch as t\na = 1\nprint('before')\nt.fail()\nprint('after')\n# %%\nprint(a + 1)\n")
    assert outs[0]["stdout"] == "before\n"
    assert outs[0]["exception"] == "RuntimeError: fake failure"
    assert outs[1] == {**outs[1], "stdout": "2\n", "exception": None}


def test_trailing_expression_is_echoed_like_a_notebook() -> None:
    outs = run(
        "# %%\nimport torch\ntorch.box(2)\n"
        "# %%\nprint('x')\n"
        "# %%\nNone\n"
        "# %%\ntorch.box(3);\n"
        "# %%\ny = 5\ny\n"
        "# %%\ntorch.fail()\n"
        "# %%\nfor i in range(2):\n    i\n"
    )
    assert [o["echo"] for o in outs] == ["Box(2)", None, None, None, "5", None, None]
    assert outs[1]["stdout"] == "x\n"


def test_imports_resolve_only_through_the_table() -> None:
    outs = run(
        "# %%\nimport torch\nimport torch as t\nfrom torch import nn\n"
        "import torch.nn.functional as F\nfrom torch.nn import functional\nimport torch.nn\n"
        "print(F.relu(t.box(-1.0)), functional is F, nn.functional is F, torch.nn is nn)\n"
        "# %%\nimport os\n"
        "# %%\nimport torch.missing\n"
        "# %%\nfrom torch import nothing_here\n"
    )
    assert outs[0]["exception"] is None, outs[0]["exception"]
    assert outs[0]["stdout"] == "Box(0.0) True True True\n"
    assert outs[1]["exception"] == "ModuleNotFoundError: No module named 'os'"
    assert outs[2]["exception"] == "ModuleNotFoundError: No module named 'torch.missing'"
    assert outs[3]["exception"].startswith("ImportError: cannot import name 'nothing_here'")


def test_warnings_once_per_line_per_cell_whatever_the_stacklevel() -> None:
    outs = run(
        "# %%\nimport torch\ntorch.nag()\ntorch.nag()\nfor _ in range(3):\n    torch.nag()\n"
        "# %%\ntorch.nag()\n"
        "# %%\nimport warnings\nwarnings.warn('user said', UserWarning)\nwarnings.warn('other', RuntimeWarning)\n",
        warnings=warnings,
    )
    assert outs[0]["warnings"] == ["UserWarning: internal nag"] * 3
    assert outs[1]["warnings"] == ["UserWarning: internal nag"]
    assert outs[2]["warnings"] == ["UserWarning: user said", "RuntimeWarning: other"]


def test_deprecation_warnings_show_only_from_the_learners_code() -> None:
    fake = _fake_torch()

    def old_api() -> None:
        warnings.warn("library deprecation", DeprecationWarning, stacklevel=1)

    fake.old_api = old_api  # type: ignore[attr-defined]
    cells = split_percent_cells(
        "# %%\nimport torch, warnings\ntorch.old_api()\nwarnings.warn('mine', DeprecationWarning)\n"
    )
    (out,) = run_cells_trusted(cells, {"torch": fake, "warnings": warnings})
    assert out["exception"] is None
    assert out["warnings"] == ["DeprecationWarning: mine"]


def test_warning_filters_do_not_leak_out_of_a_run() -> None:
    before = list(warnings.filters)
    (out,) = run("# %%\nimport warnings\nwarnings.simplefilter('ignore')\nwarnings.warn('hidden')\n", warnings=warnings)
    assert out["exception"] is None and out["warnings"] == []
    assert warnings.filters == before


def test_cells_compile_with_file_line_numbers() -> None:
    outs = run("# %% zero\nimport torch\n\n# %% one\nx = 1\nprint(torch.where())\n")
    assert outs[1]["stdout"] == "('<cell 1>', 6)\n"


def test_syntax_error_is_the_cells_exception_and_the_run_goes_on() -> None:
    outs = run("# %%\nx = (\n# %%\nprint('next')\n")
    assert outs[0]["exception"].startswith("SyntaxError: ")
    assert outs[1]["stdout"] == "next\n"


def test_markdown_cells_are_not_run_and_indices_stay_cell_positions() -> None:
    outs = run("# %% [markdown]\n# print('no')\n# %%\nprint('yes')\n")
    assert [(o["cell"], o["stdout"]) for o in outs] == [(1, "yes\n")]


def test_module_map_lists_submodules_that_exist() -> None:
    fake = _fake_torch()
    table = module_map(fake)
    assert (
        table["torch"] is fake and table["torch.nn"] is fake.nn and table["torch.nn.functional"] is fake.nn.functional
    )
    assert "torch.autograd" not in table and "numpy" not in table
    assert "math" in table
    assert module_map(fake, json)["numpy"] is json
