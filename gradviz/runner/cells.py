"""Notebook cells and the files that hold them: percent-format ``.py`` scripts and ``.ipynb``.

A learner's script is a sequence of cells, either a percent-format ``.py`` file (``# %%`` marker
lines, as VS Code and Jupytext write them) or an nbformat-4 ``.ipynb``. This module reads and
writes both and counts lines and columns as Python does, so errors and provenance spans point
into the file the learner sees. What running a cell produces is defined in
``gradviz.runner.capture``; ``gradviz.runner.trusted_run`` runs cells with plain ``exec``.

Pure standard library on purpose: the golden recorders import it inside the torch virtualenv.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CODE = "code"
MARKDOWN = "markdown"


@dataclass(frozen=True)
class Cell:
    """One cell. ``first_line`` is the 1-based line of the cell's first source line in the file, so
    errors and provenance spans can point into the file the learner sees."""

    index: int
    source: str
    first_line: int
    kind: str = CODE
    title: str = ""
    # A notebook's raw cell (``# %% [raw]``): it never runs, like markdown, and is saved back as raw.
    raw: bool = False


# ---------------------------------------------------------------------------------------------
# Lines and columns, as Python counts them

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines of ``text`` as Python numbers them: split at ``\\n``, ``\\r\\n`` and ``\\r`` only.

    ``str.splitlines`` also splits at form feed, ``\\x1c``-``\\x1e``, U+0085, U+2028 and U+2029,
    which Python keeps inside a line (in a comment or a string): splitting code with it would
    number lines unlike tracebacks do, and could lift the end of a comment onto a line of its own.
    """
    lines = LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def char_column(line: str, byte_col: int) -> int:
    """The character index in ``line`` of ``ast``'s column ``byte_col``, which counts UTF-8 bytes."""
    if line.isascii():
        return byte_col
    return len(line.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", errors="ignore"))


def ends_with_semicolon(source: str, node: ast.stmt, first_line: int = 1) -> bool:
    """Whether a ``;`` follows ``node`` on its last line: a notebook does not echo such a trailing
    expression. ``source`` is the cell's text; its first line is file line ``first_line``, the
    numbering ``node``'s line numbers use."""
    if node.end_lineno is None or node.end_col_offset is None:
        return False
    lines = source_lines(source)
    index = node.end_lineno - first_line
    if not 0 <= index < len(lines):
        return False
    line = lines[index]
    return line[char_column(line, node.end_col_offset) :].lstrip().startswith(";")


# ---------------------------------------------------------------------------------------------
# Percent format

# ``# %%`` at column 0; VS Code also accepts ``#%%``. The rest of the line is a title and/or a
# cell-type tag such as ``[markdown]``. The editor (ui.cellmap) numbers cells with these rules too.
CELL_MARKER = re.compile(r"^#[ \t]?%%(?P<rest>.*)$")
_TYPE_TAG = re.compile(r"\[(?P<tag>markdown|md|raw)\]")


def parse_marker(line: str) -> tuple[str, str] | None:
    """(kind, title) if ``line`` opens a cell, else None."""
    match = CELL_MARKER.match(line.rstrip("\r\n"))
    if match is None:
        return None
    rest = match.group("rest")
    # Raw cells are not executed either; the two kinds we model are "runs" and "does not run".
    kind = MARKDOWN if _TYPE_TAG.search(rest) else CODE
    return kind, _TYPE_TAG.sub("", rest).strip()


def _marks_raw(line: str) -> bool:
    match = _TYPE_TAG.search(line)
    return match is not None and match.group("tag") == "raw"


def is_cell_marker(line: str) -> bool:
    return CELL_MARKER.match(line.rstrip("\r\n")) is not None


def holds_code(lines: list[str]) -> bool:
    """Whether any line is neither blank nor a comment (text before the first marker is a cell
    only then: a header of comments is not one)."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in lines)


def _one_line(title: str) -> str:
    """A title as a marker line can hold it: every run of whitespace, line breaks of any kind
    included, becomes one space, so no part of it can start a line of its own."""
    return " ".join(title.split())


# A markdown line starting with ``%%`` would read as a cell marker once commented; it is written
# with a backslash before it (and one more before any that already start that way).
_MARKER_LIKE = re.compile(r"\\*%%")
_ESCAPED_MARKER_LIKE = re.compile(r"\\+%%")


def _uncomment_markdown(lines: list[str]) -> list[str]:
    """Markdown cells store their text as ``# `` comments; take the comment markers off."""
    out = []
    for line in lines:
        if line.startswith("# "):
            line = line[2:]
        elif line.startswith("#"):
            line = line[1:]
        out.append(line[1:] if _ESCAPED_MARKER_LIKE.match(line) else line)
    return out


def _comment_markdown(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if _MARKER_LIKE.match(line):
            line = "\\" + line
        out.append(f"# {line}" if line else "#")
    return out


def _trim_blank(lines: list[str], start_line: int) -> tuple[list[str], int]:
    """Drop leading and trailing blank lines; return the rest and the line number of its first."""
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    last = len(lines)
    while last > first and not lines[last - 1].strip():
        last -= 1
    if first == last:
        return [], start_line
    return lines[first:last], start_line + first


def split_percent_cells(text: str) -> list[Cell]:
    """Split a percent-format script into cells.

    A file without markers is one cell. Text before the first marker becomes a cell only if it
    holds code: a header made of comments and blank lines (a docstring-like preamble) is not one.
    """
    lines = source_lines(text)
    markers = [i for i, line in enumerate(lines) if is_cell_marker(line)]
    cells: list[Cell] = []

    def add(body: list[str], body_start: int, kind: str, title: str, raw: bool = False) -> None:
        trimmed, first_line = _trim_blank(body, body_start)
        if kind == MARKDOWN:
            trimmed = _uncomment_markdown(trimmed)
        cells.append(Cell(len(cells), "\n".join(trimmed), first_line, kind, title, raw))

    if not markers:
        if text.strip():
            add(lines, 1, CODE, "")
        return cells
    preamble = lines[: markers[0]]
    if holds_code(preamble):
        add(preamble, 1, CODE, "")
    for n, start in enumerate(markers):
        end = markers[n + 1] if n + 1 < len(markers) else len(lines)
        parsed = parse_marker(lines[start])
        assert parsed is not None
        kind, title = parsed
        # Line numbers are 1-based: the marker is line start+1, its body begins at start+2.
        add(lines[start + 1 : end], start + 2, kind, title, kind == MARKDOWN and _marks_raw(lines[start]))
    return cells


def _marker_line(cell: Cell) -> str:
    parts = ["# %%"]
    title = _one_line(_TYPE_TAG.sub("", cell.title))
    if title:
        parts.append(title)
    if cell.kind == MARKDOWN:
        parts.append("[raw]" if cell.raw else "[markdown]")
    return " ".join(parts)


def _lines_of(kind: str, source: str) -> list[str]:
    # Markdown is split wherever any reader might see a line break (str.splitlines splits at
    # more characters than Python or the editor do), so every piece gets its own '#'. Code is
    # split where Python splits it, so it means what it meant in the notebook.
    return source.splitlines() if kind == MARKDOWN else source_lines(source)


def _body_lines(cell: Cell) -> list[str]:
    lines = _lines_of(cell.kind, cell.source)
    return _comment_markdown(lines) if cell.kind == MARKDOWN else lines


def _percent_layout(cells: list[Cell]) -> tuple[list[str], list[int]]:
    """The lines of the percent file for ``cells`` and each cell's first source line in it.

    One layout for writing and for numbering notebook cells keeps ``.ipynb`` line numbers equal to
    those of the same notebook saved as a percent file.
    """
    out: list[str] = []
    first_lines: list[int] = []
    for n, cell in enumerate(cells):
        if n:
            out.append("")
        out.append(_marker_line(cell))
        first_lines.append(len(out) + 1)
        out.extend(_body_lines(cell))
    return out, first_lines


def write_percent(cells: list[Cell]) -> str:
    """Serialise cells as a percent-format script (a blank line between cells)."""
    lines, _ = _percent_layout(cells)
    return "\n".join(lines) + "\n" if lines else ""


# ---------------------------------------------------------------------------------------------
# nbformat 4


class NotebookError(ValueError):
    """A ``.ipynb`` gradviz cannot read. The message says what is wrong with it; ``path`` is the
    file when known (the CLI and the app put its name before the message)."""

    def __init__(self, problem: str, path: str | Path | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = None if path is None else str(path)


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null"


def _source_text(source: object, where: str, path: str | Path | None) -> str:
    # nbformat allows a cell's source to be one string or a list of line strings.
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        for k, piece in enumerate(source):
            if not isinstance(piece, str):
                raise NotebookError(f"{where}.source[{k}] is {_json_kind(piece)}, not text", path)
        return "".join(source)
    raise NotebookError(f"{where}.source is {_json_kind(source)}, not text or a list of lines", path)


def _read_json(text: str, path: str | Path | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"it is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", path) from None
    except RecursionError:
        raise NotebookError("its JSON is nested too deeply to read", path) from None


def _notebook_cells(document: Any, path: str | Path | None) -> list[Any]:
    """The ``cells`` array of an nbformat-4 document, after checking the fields gradviz reads."""
    if not isinstance(document, dict):
        raise NotebookError(f"its JSON is {_json_kind(document)}, not a notebook object", path)
    version = document.get("nbformat")
    if version != 4:
        if isinstance(version, int) and not isinstance(version, bool) and version < 4:
            raise NotebookError(
                f"an nbformat {version} notebook; gradviz reads nbformat 4 (open and save it in Jupyter to convert it)",
                path,
            )
        raise NotebookError(f'not an nbformat 4 notebook ("nbformat" is {json.dumps(version)[:40]})', path)
    metadata = document.get("metadata", {})
    if not isinstance(metadata, dict):
        raise NotebookError(f"metadata is {_json_kind(metadata)}, not an object", path)
    entries = document.get("cells")
    if not isinstance(entries, list):
        raise NotebookError(f"cells is {'missing' if entries is None else _json_kind(entries)}, not an array", path)
    return entries


def read_ipynb(text: str, path: str | Path | None = None) -> list[Cell]:
    """Cells of an nbformat-4 notebook. Code, markdown and raw cells are kept (raw cells, like
    markdown, never run); outputs and metadata stay in the file, for :func:`write_ipynb` to keep.
    Raises :class:`NotebookError` for anything else, naming the field that is wrong
    (``cells[2].source[0] is a number, not text``)."""
    entries = _notebook_cells(_read_json(text, path), path)
    raw: list[Cell] = []
    for n, entry in enumerate(entries):
        where = f"cells[{n}]"
        if not isinstance(entry, dict):
            raise NotebookError(f"{where} is {_json_kind(entry)}, not an object", path)
        cell_type = entry.get("cell_type")
        if not isinstance(cell_type, str):
            raise NotebookError(f"{where}.cell_type is {_json_kind(cell_type)}, not text", path)
        metadata = entry.get("metadata", {})
        if not isinstance(metadata, dict):
            raise NotebookError(f"{where}.metadata is {_json_kind(metadata)}, not an object", path)
        # Only a code cell runs; markdown, raw and any unknown type never do.
        kind = CODE if cell_type == "code" else MARKDOWN
        source = _source_text(entry.get("source", ""), where, path)
        lines, _ = _trim_blank(_lines_of(kind, source), 1)
        title = metadata.get("title")
        shown = _one_line(title) if isinstance(title, str) else ""
        raw.append(Cell(len(raw), "\n".join(lines), 0, kind, shown, cell_type == "raw"))
    _, first_lines = _percent_layout(raw)
    return [Cell(c.index, c.source, first, c.kind, c.title, c.raw) for c, first in zip(raw, first_lines)]


def _nb_source(source: str) -> list[str]:
    lines = source.splitlines(keepends=True)
    if lines:
        lines[-1] = lines[-1].rstrip("\n")
    return lines


def write_ipynb(cells: list[Cell], previous: str | None = None) -> str:
    """Serialise cells as an nbformat 4.5 notebook (deterministic cell ids).

    ``previous`` is the notebook being overwritten, if any: what gradviz's editor does not hold is
    kept from it (see :func:`_kept_entries`): each cell's outputs, execution count, id, tags and
    other metadata, and the notebook's own metadata. Without it, code cells have no outputs.
    """
    old_document = _previous_document(previous)
    kept = _kept_entries(cells, old_document["cells"]) if old_document is not None else [None] * len(cells)
    entries: list[dict[str, Any]] = []
    used_ids: set[str] = {str(e["id"]) for e in kept if e is not None and isinstance(e.get("id"), str)}
    for cell, old in zip(cells, kept):
        cell_type = "raw" if cell.kind == MARKDOWN and cell.raw else cell.kind
        entry: dict[str, Any] = {"cell_type": cell_type}
        cell_id = old.get("id") if old is not None else None
        if not isinstance(cell_id, str):
            cell_id = f"cell-{cell.index}"
            while cell_id in used_ids:
                cell_id += "-new"
            used_ids.add(cell_id)
        entry["id"] = cell_id
        metadata = dict(old["metadata"]) if old is not None and isinstance(old.get("metadata"), dict) else {}
        if cell.title:
            metadata["title"] = cell.title
        else:
            metadata.pop("title", None)
        entry["metadata"] = metadata
        if old is not None and old.get("cell_type") != "code" and "attachments" in old:
            entry["attachments"] = old["attachments"]  # images pasted into markdown
        if cell.kind == CODE:
            ran = old if old is not None and old.get("cell_type") == "code" else {}
            count, outputs = ran.get("execution_count"), ran.get("outputs")
            entry["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
            entry["outputs"] = outputs if isinstance(outputs, list) else []
        unchanged = old is not None and _entry_key(old) == (cell.kind, cell.source) and "source" in old
        # an unchanged cell keeps its source as the file wrote it (one string or a list of lines)
        entry["source"] = old["source"] if unchanged and old is not None else _nb_source(cell.source)
        entries.append(entry)
    metadata = old_document["metadata"] if old_document is not None else {}
    document = {
        "cells": entries,
        "metadata": metadata
        or {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": old_document["minor"] if old_document is not None else 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _previous_document(previous: str | None) -> dict[str, Any] | None:
    """The notebook being overwritten, when it is one gradviz can read (else nothing is kept)."""
    if previous is None:
        return None
    try:
        document = _read_json(previous, None)
        entries = _notebook_cells(document, None)
    except NotebookError:
        return None
    if not all(isinstance(e, dict) for e in entries):
        return None
    metadata = document.get("metadata")
    minor = document.get("nbformat_minor")
    return {
        "cells": entries,
        "metadata": metadata if isinstance(metadata, dict) else {},
        "minor": minor if isinstance(minor, int) and not isinstance(minor, bool) and 5 <= minor < 100 else 5,
    }


def _entry_key(entry: dict[str, Any]) -> tuple[str, str]:
    """A previous notebook cell as gradviz reads it: (does it run, its trimmed source)."""
    kind = CODE if entry.get("cell_type") == "code" else MARKDOWN
    source = entry.get("source", "")
    text = "".join(p for p in source if isinstance(p, str)) if isinstance(source, list) else source
    lines, _ = _trim_blank(_lines_of(kind, text if isinstance(text, str) else ""), 1)
    return kind, "\n".join(lines)


def _kept_entries(cells: list[Cell], old_entries: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """For each cell, the previous notebook's cell it continues, or None for a new cell.

    Cells are matched by kind and text in order (difflib's longest matching blocks): an unchanged
    cell keeps everything, wherever cells were added or removed around it; a moved cell is found by
    its text. Between two matches, the edited cells are paired in order while their kinds agree (an
    edited code cell keeps its outputs until it runs again, as Jupyter keeps them); what is left
    over is new or was deleted.
    """
    new_keys = [(c.kind, c.source) for c in cells]
    old_keys = [_entry_key(e) for e in old_entries]
    kept: list[dict[str, Any] | None] = [None] * len(cells)
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                kept[j1 + k] = old_entries[i1 + k]
    used = {id(e) for e in kept if e is not None}
    # A cell moved elsewhere is found by its text (the first unused cell with the same text).
    for j, key in enumerate(new_keys):
        if kept[j] is None:
            match = next((e for e, k in zip(old_entries, old_keys) if k == key and id(e) not in used), None)
            if match is not None:
                kept[j] = match
                used.add(id(match))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            for k in range(min(i2 - i1, j2 - j1)):
                old, j = old_entries[i1 + k], j1 + k
                if kept[j] is None and id(old) not in used and old_keys[i1 + k][0] == new_keys[j][0]:
                    kept[j] = old
                    used.add(id(old))
    return kept


def load_cells(path: str | Path) -> list[Cell]:
    """Cells of a ``.ipynb`` notebook or of a percent-format (or plain) Python script."""
    file = Path(path)
    text = file.read_text(encoding="utf-8-sig")
    if file.suffix.lower() == ".ipynb":
        return read_ipynb(text, file)
    return split_percent_cells(text)
