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

``run_cells_trusted`` is a plain ``exec`` for tooling and tests only. Typed user code goes through
gradviz.runner.sandbox.compile, never through this module. Pure standard library on purpose: the golden recorder
loads this file by path inside the torch virtualenv.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
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
    "Cell",
    "code_summary",
    "format_exception_line",
    "format_warning",
    "load_cells",
    "module_map",
    "normalize_addresses",
    "read_ipynb",
    "run_cells_trusted",
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


# ---------------------------------------------------------------------------------------------
# Percent format

# ``# %%`` at column 0; VS Code also accepts ``#%%``. The rest of the line is a title and/or a
# cell-type tag such as ``[markdown]``.
_MARKER = re.compile(r"^#\s?%%(?P<rest>.*)$")
_TYPE_TAG = re.compile(r"\[(?P<tag>markdown|md|raw)\]")


def _parse_marker(line: str) -> tuple[str, str] | None:
    """Return (kind, title) if the line opens a cell, else None."""
    match = _MARKER.match(line.rstrip("\r\n"))
    if match is None:
        return None
    rest = match.group("rest")
    tag = _TYPE_TAG.search(rest)
    # Raw cells are not executed either; the two kinds we model are "runs" and "does not run".
    kind = MARKDOWN if tag else CODE
    title = _TYPE_TAG.sub("", rest).strip()
    return kind, title


def _uncomment_markdown(lines: list[str]) -> list[str]:
    """Markdown cells store their text as ``# `` comments; take the comment markers off."""
    out = []
    for line in lines:
        if line.startswith("# "):
            out.append(line[2:])
        elif line.startswith("#"):
            out.append(line[1:])
        else:
            out.append(line)
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


def _is_comment_or_blank(lines: list[str]) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in lines)


def split_percent_cells(text: str) -> list[Cell]:
    """Split a percent-format script into cells.

    A file without markers is one cell. Text before the first marker becomes a cell only if it
    holds code: a header made of comments and blank lines (a docstring-like preamble) is not one.
    """
    lines = text.splitlines()
    markers = [i for i, line in enumerate(lines) if _parse_marker(line) is not None]
    cells: list[Cell] = []

    def add(body: list[str], body_start: int, kind: str, title: str) -> None:
        trimmed, first_line = _trim_blank(body, body_start)
        if kind == MARKDOWN:
            trimmed = _uncomment_markdown(trimmed)
        cells.append(Cell(len(cells), "\n".join(trimmed), first_line, kind, title))

    if not markers:
        if text.strip():
            add(lines, 1, CODE, "")
        return cells
    preamble = lines[: markers[0]]
    if not _is_comment_or_blank(preamble):
        add(preamble, 1, CODE, "")
    for n, start in enumerate(markers):
        end = markers[n + 1] if n + 1 < len(markers) else len(lines)
        parsed = _parse_marker(lines[start])
        assert parsed is not None
        kind, title = parsed
        # Line numbers are 1-based: the marker is line start+1, its body begins at start+2.
        add(lines[start + 1 : end], start + 2, kind, title)
    return cells


def _marker_line(cell: Cell) -> str:
    parts = ["# %%"]
    if cell.title:
        parts.append(cell.title)
    if cell.kind == MARKDOWN:
        parts.append("[markdown]")
    return " ".join(parts)


def _body_lines(cell: Cell) -> list[str]:
    lines = cell.source.splitlines()
    if cell.kind == MARKDOWN:
        return [f"# {line}" if line else "#" for line in lines]
    return lines


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


def _source_text(source: Any) -> str:
    # nbformat allows a cell's source to be one string or a list of line strings.
    return "".join(source) if isinstance(source, list) else str(source)


def read_ipynb(text: str) -> list[Cell]:
    """Cells of an nbformat-4 notebook. Code and markdown cells are kept (raw cells count as
    markdown: neither runs); outputs are ignored."""
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("nbformat") != 4:
        raise ValueError("not an nbformat 4 notebook")
    raw: list[Cell] = []
    for entry in document.get("cells", []):
        kind = CODE if entry.get("cell_type") == "code" else MARKDOWN
        lines, _ = _trim_blank(_source_text(entry.get("source", "")).splitlines(), 1)
        title = str(entry.get("metadata", {}).get("title", ""))
        raw.append(Cell(len(raw), "\n".join(lines), 0, kind, title))
    _, first_lines = _percent_layout(raw)
    return [Cell(c.index, c.source, first, c.kind, c.title) for c, first in zip(raw, first_lines)]


def _nb_source(source: str) -> list[str]:
    lines = source.splitlines(keepends=True)
    if lines:
        lines[-1] = lines[-1].rstrip("\n")
    return lines


def write_ipynb(cells: list[Cell]) -> str:
    """Serialise cells as an nbformat 4.5 notebook without outputs (deterministic cell ids)."""
    entries: list[dict[str, Any]] = []
    for cell in cells:
        metadata: dict[str, Any] = {"title": cell.title} if cell.title else {}
        entry: dict[str, Any] = {"cell_type": cell.kind, "id": f"cell-{cell.index}", "metadata": metadata}
        if cell.kind == CODE:
            entry["execution_count"] = None
            entry["outputs"] = []
        entry["source"] = _nb_source(cell.source)
        entries.append(entry)
    document = {
        "cells": entries,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def load_cells(path: str | Path) -> list[Cell]:
    """Cells of a ``.ipynb`` notebook or of a percent-format (or plain) Python script."""
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    if file.suffix.lower() == ".ipynb":
        return read_ipynb(text)
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
    summary.__notes__ = None  # type: ignore[attr-defined]
    lines = list(summary.format_exception_only())
    return lines[-1].rstrip("\n")


def format_warning(category: type[Warning], message: Warning | str) -> str:
    """``UserWarning: message``, the tail of the line ``warnings`` prints to stderr."""
    return f"{category.__name__}: {message}"


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def normalize_addresses(text: str) -> str:
    """Replace memory addresses (``<MulBackward0 object at 0x7f...>``) with ``0x<ADDR>``."""
    return _ADDRESS.sub("0x<ADDR>", text)


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


def cell_filename(index: int) -> str:
    """The pseudo file name a cell's code is compiled under (shows up in tracebacks)."""
    return f"<cell {index}>"


def _compile_cell(cell: Cell) -> tuple[Any, Any]:
    """Compile a code cell into (body, trailing expression or None). Line numbers are those of the
    file, so tracebacks and warnings point at what the learner sees."""
    padded = "\n" * (cell.first_line - 1) + cell.source
    filename = cell_filename(cell.index)
    tree = ast.parse(padded, filename=filename, mode="exec")
    trailing = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not _ends_with_semicolon(padded, tree.body[-1]):
        trailing = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec")
    expr = compile(trailing, filename, "eval") if trailing is not None else None
    return body, expr


def _ends_with_semicolon(padded: str, node: ast.stmt) -> bool:
    """IPython does not echo a trailing expression followed by ``;``."""
    if node.end_lineno is None or node.end_col_offset is None:
        return False
    line = padded.splitlines()[node.end_lineno - 1]
    return line[node.end_col_offset :].lstrip().startswith(";")


class _WarningCollector:
    """Collects warnings as ``"Category: message"``, once per (category, message, source line),
    which is what the ``default`` action shows in a freshly run notebook cell.

    The line is found by walking the stack to the innermost frame of a cell, not taken from the
    warning's own location, so an engine that warns with any ``stacklevel`` is judged the same way
    as PyTorch's C++ warnings, which are attributed to the calling line.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._seen: set[tuple[str, str, str, int]] = set()

    def __call__(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        where = _innermost_cell_frame(sys._getframe(1))
        if where is not None:
            filename, lineno = where.f_code.co_filename, where.f_lineno
        key = (category.__name__, str(message), filename, lineno)
        if key in self._seen:
            return
        self._seen.add(key)
        self.lines.append(format_warning(category, message))


def _innermost_cell_frame(frame: FrameType | None) -> FrameType | None:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<cell "):
            return frame
        frame = frame.f_back
    return None


def _notebook_filters() -> None:
    """Python's default filters as a notebook sees them: deprecation-style warnings from library
    code are hidden, DeprecationWarning raised by the learner's own code (``__main__``) is shown.
    Everything else passes; the collector does the once-per-line deduplication itself."""
    warnings.simplefilter("always")
    for hidden in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=hidden)
    warnings.filterwarnings("always", category=DeprecationWarning, module="__main__")


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
    collector = _WarningCollector()
    with warnings.catch_warnings():
        _notebook_filters()
        warnings.showwarning = collector
        with contextlib.redirect_stdout(stdout):
            try:
                body, expr = _compile_cell(cell)
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
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": safe_builtins}
    return [_run_one(cell, namespace) for cell in cells if cell.kind == CODE]
