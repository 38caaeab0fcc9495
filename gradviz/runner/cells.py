"""Notebook cells: reading and writing them, and the capture semantics of running them.

A learner's script is a sequence of cells, either a percent-format ``.py`` file (``# %%`` marker
lines, as VS Code and Jupytext write them) or an nbformat-4 ``.ipynb``. Golden outputs recorded
under real PyTorch and the comparisons our tests make against gradviz must agree on what "the
output of a cell" means, so that definition lives here, once:

* ``stdout``     everything the cell printed;
* ``exception``  the last line Python's traceback would print (``RuntimeError: ...``); the cell
                 stops there, later cells still run in the same namespace;
* ``warnings``   ``"UserWarning: ..."`` per emission, deduplicated per source line within one
                 cell run, which is what Python's ``default`` warning action shows in a notebook;
* ``echo``       ``repr`` of a trailing expression's value, as a notebook's ``Out[n]`` shows it
                 (``None`` and a trailing ``;`` suppress it).

The app's session (gradviz.runner.session) and ``run_cells_trusted`` share every rule that decides
these fields: where a line ends, whether a trailing expression echoes, which frame a warning
belongs to, which warnings a notebook shows, which IPython-only lines are skipped.

``run_cells_trusted`` is a plain ``exec`` for tooling and tests only. Typed user code goes through
gradviz.runner.sandbox.compile, never through this module. Pure standard library on purpose: the
golden recorder loads this file by path inside the torch virtualenv.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import difflib
import importlib
import io
import json
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

__all__ = [
    "CELL_MARKER",
    "Cell",
    "NotebookDisplay",
    "NotebookError",
    "WarningCollector",
    "cell_filename",
    "cell_index",
    "char_column",
    "code_summary",
    "cut_text",
    "ends_with_semicolon",
    "format_exception_line",
    "format_warning",
    "holds_code",
    "innermost_cell_frame",
    "is_cell_marker",
    "load_cells",
    "module_map",
    "normalize_addresses",
    "notebook_warning_filters",
    "parse_marker",
    "read_ipynb",
    "run_cells_trusted",
    "skip_ipython_lines",
    "source_lines",
    "split_percent_cells",
    "write_ipynb",
    "write_percent",
]

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

_NEWLINE = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines of ``text`` as Python numbers them: split at ``\\n``, ``\\r\\n`` and ``\\r`` only.

    ``str.splitlines`` also splits at form feed, ``\\x1c``-``\\x1e``, U+0085, U+2028 and U+2029,
    which Python keeps inside a line (in a comment or a string): splitting code with it would
    number lines unlike tracebacks do, and could lift the end of a comment onto a line of its own.
    """
    lines = _NEWLINE.split(text)
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


# ---------------------------------------------------------------------------------------------
# Capture semantics


def code_summary(source: str) -> str:
    """A cell's code on one line, its non-blank lines joined by ``; `` (seed_expected.json's
    ``code`` field). Lets a golden file be read alone and shows when it is stale."""
    return "; ".join(line.strip() for line in source.splitlines() if line.strip())


def format_exception_line(exc: BaseException) -> str:
    """The final line(s) Python's traceback prints for ``exc``: ``RuntimeError: message``.

    A multi-line message stays multi-line, as the traceback shows it; ``__notes__`` are left out
    because they are printed after, not as part of, the exception line.
    """
    summary = traceback.TracebackException.from_exception(exc)
    summary.__notes__ = None
    lines = list(summary.format_exception_only())
    return lines[-1].rstrip("\n")


def format_warning(category: type[Warning], message: Warning | str) -> str:
    """``UserWarning: message``, the tail of the line ``warnings`` prints to stderr."""
    return f"{category.__name__}: {message}"


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def normalize_addresses(text: str) -> str:
    """Replace memory addresses (``<MulBackward0 object at 0x7f...>``) with ``0x<ADDR>``."""
    return _ADDRESS.sub("0x<ADDR>", text)


def cut_text(text: str, max_chars: int) -> str:
    """``text`` when it has at most ``max_chars`` characters; else its first ``max_chars`` followed
    by ``... (N more characters)``."""
    if len(text) <= max_chars:
        return text
    return f"{text[:max_chars]}... ({len(text) - max_chars:,} more characters)"


_CELL_FILENAME = re.compile(r"<cell (\d+)>\Z")


def cell_filename(index: int) -> str:
    """The pseudo file name a cell's code is compiled under (shows up in tracebacks)."""
    return f"<cell {index}>"


def cell_index(filename: str) -> int | None:
    """The cell a code object's file name belongs to, or None for any other file."""
    match = _CELL_FILENAME.match(filename)
    return int(match.group(1)) if match else None


def innermost_cell_frame(frame: FrameType | None) -> FrameType | None:
    """The first frame, walking outwards from ``frame``, that runs a cell's code."""
    while frame is not None:
        if cell_index(frame.f_code.co_filename) is not None:
            return frame
        frame = frame.f_back
    return None


class WarningCollector:
    """Collects warnings as ``"Category: message"``, once per (category, message, source line),
    which is what the ``default`` action shows in a freshly run notebook cell. Install it as
    ``warnings.showwarning``; :meth:`add` takes other lines for the same list (notes).

    The line is found by walking the stack to the innermost frame of a cell, not taken from the
    warning's own location, so an engine that warns with any ``stacklevel`` is judged the same way
    as PyTorch's C++ warnings, which are attributed to the calling line.

    ``max_chars`` caps the text of all lines together: the line that does not fit is cut and ends
    with ``... (N more characters)``, N counting every later line too.
    """

    def __init__(self, max_chars: int | None = None) -> None:
        self._lines: list[str] = []
        # A message's hash stands for it: a loop that warns with ever new messages must not keep
        # them all once the cap drops them.
        self._seen: set[tuple[str, int, str, int]] = set()
        self._room = max_chars
        self._more = 0

    @property
    def lines(self) -> list[str]:
        if not self._more:
            return list(self._lines)
        return [*self._lines[:-1], f"{self._lines[-1]}... ({self._more:,} more characters)"]

    def add(self, line: str) -> None:
        if self._room is None or (not self._more and len(line) <= self._room):
            self._lines.append(line)
            if self._room is not None:
                self._room -= len(line)
        elif self._more:
            self._more += len(line)
        else:
            self._lines.append(line[: self._room])
            self._more = len(line) - self._room
            self._room = 0

    def __call__(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        where = innermost_cell_frame(sys._getframe(1))
        if where is not None:
            filename, lineno = where.f_code.co_filename, where.f_lineno
        text = str(message)
        key = (category.__name__, hash(text), filename, lineno)
        if key in self._seen:
            return
        self._seen.add(key)
        self.add(format_warning(category, text))


def notebook_warning_filters() -> None:
    """Python's default filters as a notebook sees them: deprecation-style warnings from library
    code are hidden, DeprecationWarning raised by the learner's own code (``__main__``) is shown.
    Everything else passes; the collector does the once-per-line deduplication itself. Call it
    inside ``warnings.catch_warnings()``."""
    warnings.simplefilter("always")
    for hidden in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=hidden)
    warnings.filterwarnings("always", category=DeprecationWarning, module="__main__")


# ---------------------------------------------------------------------------------------------
# What a notebook cell may hold that Python does not run

# IPython-only lines: line magics (``%matplotlib inline``), shell escapes (``!pip install torch``)
# and their assignments (``files = !ls``). Only candidates: a line is skipped only where Python's
# parser fails on it, so text inside a string is never touched.
_IPYTHON_LINE = re.compile(r"^[ \t]*(?:[%!]|[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*[%!])")
_CELL_MAGIC = re.compile(r"[ \t]*%%(?P<name>\w*)")
# Cell magics whose body is Python: the body runs (once, untimed, its output shown).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
# Each skipped line costs a compile of the cell (about 2 s per megabyte of short statements); past
# this many characters compiled, the cell's remaining magics are left for the real compile to
# report, so a crafted cell costs at most about one extra compile.
_MAX_PARSED_CHARS = 1_000_000
_SHOWN_CHARS = 200
_ONLY_IN_JUPYTER = "IPython magics and shell commands run only in Jupyter"


def skip_ipython_lines(source: str, first_line: int = 1) -> tuple[str, list[str]]:
    """``source`` with the IPython-only lines Python cannot run made into ``pass`` (indentation and
    line numbering kept), and a note per skipped line for the cell's output.

    A cell magic on the cell's first line skips that line when its body is Python (``%%time``),
    else the whole cell (``%%bash``, ``%%writefile``): then the source returned is empty. Ordinary
    code costs one regular-expression scan of its lines.
    """
    parts = re.split(f"({_NEWLINE.pattern})", source)  # lines at even indices, line breaks between
    first = next((k for k in range(0, len(parts), 2) if parts[k].strip()), None)
    if first is None:
        return source, []
    notes: list[str] = []
    cell_magic = _CELL_MAGIC.match(parts[first])
    if cell_magic is not None:
        shown = cut_text(parts[first].strip(), _SHOWN_CHARS)
        if cell_magic.group("name") not in _PYTHON_CELL_MAGICS:
            return "", [f"Note: skipped the cell: {shown} ({_ONLY_IN_JUPYTER})"]
        parts[first] = ""
        notes.append(
            f"Note: skipped line {first_line + first // 2}: {shown}; the rest of the cell ran as plain Python "
            f"({_ONLY_IN_JUPYTER})"
        )
    if not any(_IPYTHON_LINE.match(parts[k]) for k in range(0, len(parts), 2)):
        return "".join(parts), notes
    skipped: dict[int, tuple[str, str]] = {}  # part index -> (original line, its note)
    parsed = 0
    while parsed < _MAX_PARSED_CHARS:
        text = "".join(parts)
        parsed += len(text)
        try:
            # Compiling (not ast.parse, which builds Python objects for every node and is several
            # times slower) is the check; its warnings are the real compile's to report.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(text, "<cell>", "exec", dont_inherit=True)
            break
        except SyntaxError as exc:
            k = 2 * ((exc.lineno or 0) - 1)
            if k in skipped:
                # Not what stopped the parser after all: put it back so the error shows the text.
                parts[k] = skipped.pop(k)[0]
                break
            if not 0 <= k < len(parts) or not _IPYTHON_LINE.match(parts[k]):
                break
            line = parts[k]
            note = (
                f"Note: skipped line {first_line + k // 2}: {cut_text(line.strip(), _SHOWN_CHARS)} ({_ONLY_IN_JUPYTER})"
            )
            skipped[k] = (line, note)
            parts[k] = line[: len(line) - len(line.lstrip(" \t"))] + "pass"
        except (RecursionError, MemoryError, ValueError):
            break  # compiling the cell reports these
    notes.extend(note for _, (_, note) in sorted(skipped.items()))
    return "".join(parts), notes


class NotebookDisplay:
    """IPython's ``display(obj, ...)`` as a notebook shows objects without a rich form (a tensor,
    a number, a list): each one's ``repr`` on a line of its own. Options (``clear=``...) have
    nothing to act on and are accepted."""

    def __init__(self, print_line: Callable[[str], object]) -> None:
        self._print_line = print_line

    def __call__(self, *objs: Any, **options: Any) -> None:
        for obj in objs:
            self._print_line(repr(obj))

    def __repr__(self) -> str:
        return f"<function display at {id(self):#x}>"  # as IPython's display function prints


# ---------------------------------------------------------------------------------------------
# Running cells with plain exec (trusted input only)


def module_map(torch_module: ModuleType, numpy_module: ModuleType | None = None) -> dict[str, ModuleType]:
    """The import table shared by the recorder (real torch) and the golden tests (gradviz.torch):
    the torch twin and its submodules learners import directly, plus numpy and math."""
    import math

    table: dict[str, ModuleType] = {"torch": torch_module, "math": math}
    for dotted in ("nn", "nn.functional", "autograd", "optim"):
        target: Any = torch_module
        for part in dotted.split("."):
            try:
                target = getattr(target, part, None)
            except ImportError:
                # A lazily imported submodule that is not written yet: leave it out of the
                # table, so only a script that imports it fails.
                target = None
        if isinstance(target, ModuleType):
            table[f"torch.{dotted}"] = target
    if numpy_module is not None:
        table["numpy"] = numpy_module
    return table


def _resolve(name: str, modules: Mapping[str, ModuleType]) -> ModuleType:
    """Find module ``name`` in the table, walking attributes (or importing submodules of a real
    package) below the longest registered prefix."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix not in modules:
            continue
        module: Any = modules[prefix]
        for part in parts[cut:]:
            try:
                child = getattr(module, part, None)
            except ImportError:
                child = None
            if child is None and hasattr(module, "__path__"):
                try:
                    child = importlib.import_module(f"{module.__name__}.{part}")
                except ImportError:
                    child = None
            if not isinstance(child, ModuleType):
                raise ModuleNotFoundError(f"No module named '{name}'", name=name)
            module = child
        return module
    raise ModuleNotFoundError(f"No module named '{name}'", name=name)


def _make_import(modules: Mapping[str, ModuleType]) -> Callable[..., ModuleType]:
    def scripted_import(
        name: str,
        globals: Mapping[str, Any] | None = None,
        locals: Mapping[str, Any] | None = None,
        fromlist: tuple[str, ...] | list[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        if level:
            raise ImportError("relative imports are not available in a notebook cell")
        target = _resolve(name, modules)
        if fromlist:
            return target
        # ``import a.b.c`` binds ``a``; ``import a.b.c as m`` then walks attributes to ``c``.
        return _resolve(name.split(".")[0], modules)

    return scripted_import


def _compile_cell(source: str, index: int, first_line: int) -> tuple[Any, Any]:
    """Compile a code cell into (body, trailing expression or None). Line numbers are those of the
    file, so tracebacks and warnings point at what the learner sees."""
    padded = "\n" * (first_line - 1) + source
    filename = cell_filename(index)
    tree = ast.parse(padded, filename=filename, mode="exec")
    trailing = None
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not ends_with_semicolon(padded, last):
        tree.body.pop()
        trailing = ast.Expression(last.value)
    body = compile(tree, filename, "exec")
    expr = compile(trailing, filename, "eval") if trailing is not None else None
    return body, expr


def _run_one(cell: Cell, namespace: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "cell": cell.index,
        "code": code_summary(cell.source),
        "stdout": "",
        "exception": None,
        "warnings": [],
        "echo": None,
    }
    stdout = io.StringIO()
    collector = WarningCollector()
    source, notes = skip_ipython_lines(cell.source, cell.first_line)
    for note in notes:
        collector.add(note)
    with warnings.catch_warnings():
        notebook_warning_filters()
        warnings.showwarning = collector
        with contextlib.redirect_stdout(stdout):
            try:
                body, expr = _compile_cell(source, cell.index, cell.first_line)
                exec(body, namespace)
                if expr is not None:
                    value = eval(expr, namespace)
                    if value is not None:
                        result["echo"] = repr(value)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a cell's failure is its output
                result["exception"] = format_exception_line(exc)
    result["stdout"] = stdout.getvalue()
    result["warnings"] = collector.lines
    return result


def run_cells_trusted(cells: list[Cell], modules: Mapping[str, ModuleType]) -> list[dict[str, Any]]:
    """Run code cells in one shared namespace with plain ``exec`` (TRUSTED input only).

    ``import`` statements resolve through ``modules`` (``{"torch": gradviz.torch}`` or the real
    torch; see ``module_map``); anything else fails with ``ModuleNotFoundError``. Returns one dict
    per code cell in seed_expected.json's format plus ``echo``.
    """
    safe_builtins = dict(vars(builtins))
    safe_builtins["__import__"] = _make_import(modules)
    safe_builtins["display"] = NotebookDisplay(print)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": safe_builtins}
    return [_run_one(cell, namespace) for cell in cells if cell.kind == CODE]
