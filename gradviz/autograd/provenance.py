"""Where the code that is running now sits in the learner's script.

The runner sets the span before each statement; every tensor and autograd node created while it is
set remembers it, so the app can go from a node to its line and back. Outside the runner it is None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradviz.runner.results import SourceSpan

_current: SourceSpan | None = None


def set_current_span(span: SourceSpan | None) -> None:
    global _current
    _current = span


def current_span() -> SourceSpan | None:
    return _current
