"""The capture semantics of running a notebook cell: what "the output of a cell" means.

Golden outputs recorded under real PyTorch and the comparisons our tests make against gradviz must
agree on it, so that definition lives here, once:

* ``stdout``     everything the cell printed;
* ``exception``  the last line Python's traceback would print (``RuntimeError: ...``); the cell
                 stops there, later cells still run in the same namespace;
* ``warnings``   ``"UserWarning: ..."`` per emission, deduplicated per source line within one
                 cell run, which is what Python's ``default`` warning action shows in a notebook;
* ``echo``       ``repr`` of a trailing expression's value, as a notebook's ``Out[n]`` shows it
                 (``None`` and a trailing ``;`` suppress it).

The app's session (gradviz.runner.session) and ``gradviz.runner.trusted_run`` share every rule
that decides these fields: where a line ends, whether a trailing expression echoes, which frame a
warning belongs to, which warnings a notebook shows, which IPython-only lines are skipped.

Pure standard library on purpose: the golden recorders import it inside the torch virtualenv.
"""

from __future__ import annotations

import re
import sys
import traceback
import warnings
from collections.abc import Callable
from types import FrameType
from typing import Any

from gradviz.runner.cells import LINE_BREAK

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
    parts = re.split(f"({LINE_BREAK.pattern})", source)  # lines at even indices, line breaks between
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
