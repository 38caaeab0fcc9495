"""The editor's cell map (pure text logic) must number cells exactly as gradviz.runner.cells does."""

from __future__ import annotations

from gradviz.runner.cells import split_percent_cells
from tests.paths import SEED_NOTEBOOK
from ui.cellmap import cell_at_line, is_cell_marker, split_cells


def test_markers_follow_the_percent_format():
    assert is_cell_marker("# %%")
    assert is_cell_marker("# %% cell 3")
    assert is_cell_marker("#%%")
    assert is_cell_marker("# %% [markdown]")
    assert not is_cell_marker("  # %% indented")
    assert not is_cell_marker("# comment %%")


def test_comment_header_is_not_a_cell_but_code_before_the_first_marker_is():
    text = "# header\n\n# %%\na = 1\n# %% second\nb = 2\n"
    cells = split_cells(text)
    assert [(c.index, c.marker_line, c.first_line, c.source, c.title) for c in cells] == [
        (0, 3, 4, "a = 1", ""),
        (1, 5, 6, "b = 2\n", "second"),
    ]
    with_code = split_cells("x = 1\n# %%\ny = 2")
    assert [(c.index, c.marker_line, c.first_line) for c in with_code] == [(0, None, 1), (1, 2, 3)]


def test_text_without_markers_is_one_cell_and_empty_text_none():
    assert [c.source for c in split_cells("a = 1\nb = 2")] == ["a = 1\nb = 2"]
    assert split_cells("") == []
    assert split_cells("# just a comment\n") == []


def test_markdown_cells_are_listed_but_not_code():
    cells = split_cells("# %% [markdown]\n# Title\n# %%\nx = 1\n")
    assert [(c.is_code, c.title) for c in cells] == [(False, ""), (True, "")]


def test_cell_at_line_includes_the_marker_line():
    cells = split_cells("# %%\na = 1\n\n# %%\nb = 2\n")
    assert cell_at_line(cells, 1).index == 0
    assert cell_at_line(cells, 3).index == 0
    assert cell_at_line(cells, 4).index == 1
    assert cell_at_line(cells, 5).index == 1


def test_seed_notebook_cells_match_gradviz_cells():
    text = SEED_NOTEBOOK.read_text(encoding="utf-8")
    ours = split_cells(text)
    theirs = split_percent_cells(text)
    assert len(ours) == len(theirs) > 5
    for mine, reference in zip(ours, theirs):
        assert mine.index == reference.index
        assert mine.title == reference.title
        # gradviz.runner.cells trims blank lines; the code and its file line numbers must agree.
        assert mine.source.strip() == reference.source.strip()
        lines = mine.source.split("\n")
        leading_blank = next(i for i, line in enumerate(lines) if line.strip())
        assert mine.first_line + leading_blank == reference.first_line
