"""Where the ``# %%`` cells of the editor's text are: pure text logic, no Qt.

The editor re-reads this map on every change (it is linear in the number of lines) to draw cell
bands, know the current cell and send ``(index, source, first_line)`` to the runner. Text before
the first marker forms cell 0 only if it holds code; a header of comments is not a cell (that is
how the seed notebook starts). The marker rules are gradviz.runner.cells', so the editor numbers
cells exactly as files are loaded and saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradviz.runner.cells import CODE, holds_code, is_cell_marker, parse_marker

__all__ = ["CellRange", "cell_at_line", "is_cell_marker", "split_cells"]


def _marker_parts(line: str) -> tuple[bool, str]:
    """(is a code cell, title) of a marker line."""
    parsed = parse_marker(line)
    return (True, "") if parsed is None else (parsed[0] == CODE, parsed[1])


@dataclass(frozen=True)
class CellRange:
    """One cell. Lines are 1-based file lines. ``marker_line`` is None for a marker-less preamble.

    ``first_line`` is the first line of the body (the line after the marker) even when the body is
    empty, so the runner can number a cell's lines in the whole file.
    """

    index: int
    marker_line: int | None
    first_line: int
    last_line: int  # inclusive; == first_line - 1 when the body is empty
    source: str
    title: str
    is_code: bool = True  # ``# %% [markdown]`` cells are shown but never run

    @property
    def start_line(self) -> int:
        """First line that belongs to the cell, marker included."""
        return self.marker_line if self.marker_line is not None else self.first_line

    def contains(self, line: int) -> bool:
        return self.start_line <= line <= max(self.last_line, self.start_line)


def split_cells(text: str) -> list[CellRange]:
    lines = text.split("\n")
    markers = [i for i, line in enumerate(lines) if is_cell_marker(line)]
    cells: list[CellRange] = []
    if not markers:
        if holds_code(lines):
            cells.append(CellRange(0, None, 1, len(lines), text, ""))
        return cells
    preamble = lines[: markers[0]]
    if holds_code(preamble):
        cells.append(CellRange(0, None, 1, markers[0], "\n".join(preamble), ""))
    bounds = [*markers, len(lines)]
    for k, marker in enumerate(markers):
        body = lines[marker + 1 : bounds[k + 1]]
        is_code, title = _marker_parts(lines[marker])
        cells.append(
            CellRange(
                index=len(cells),
                marker_line=marker + 1,
                first_line=marker + 2,
                last_line=marker + 1 + len(body),
                source="\n".join(body),
                title=title,
                is_code=is_code,
            )
        )
    return cells


def cell_at_line(cells: list[CellRange], line: int) -> CellRange | None:
    """The cell holding 1-based ``line`` (a comment header before the first marker has none)."""
    for cell in cells:
        if cell.contains(line):
            return cell
    return None
