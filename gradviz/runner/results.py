"""Plain-data results of running code: what the session hands to the CLI and the UI.

Everything here is picklable and JSON-friendly (via ``to_dict``) because a run may happen in a
worker process and the UI must only render state the core computed. Field names are a contract
shared by session.py (producer), cli.py and ui/ (consumers); change them only with all three.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceSpan:
    """Where in the learner's script something was created. Lines are 1-based in the whole file
    (not the cell), columns 0-based like Python's ast."""

    cell: int
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass
class ErrorInfo:
    """An exception that ended a cell, or a refusal by the sandbox or a resource limit."""

    type: str  # "RuntimeError", "NotImplementedError", "SyntaxError", "SandboxError", "ResourceLimit", ...
    message: str  # PyTorch's / Python's message, word for word
    line: int | None = None  # 1-based line in the file
    col: int | None = None  # 0-based column
    cell: int | None = None
    node_id: str | None = None  # graph node where a backward error was raised, if any
    explanation: dict[str, Any] | None = None  # reason code + params, rendered by gradviz.backward.explain

    @property
    def headline(self) -> str:
        """The line a Python console prints last: ``RuntimeError: grad can be implicitly ...``."""
        return f"{self.type}: {self.message}" if self.message else self.type


@dataclass
class CellResult:
    index: int
    stdout: str = ""
    echo: str | None = None  # repr of the cell's trailing expression, as a notebook shows it
    warnings: list[str] = field(default_factory=list)  # "UserWarning: ...", one per emission
    error: ErrorInfo | None = None
    graph: dict[str, Any] | None = None  # gradviz.graph.snapshot snapshot (node-link data) after the cell
    backward_calls: list[dict[str, Any]] = field(default_factory=list)  # trace.BackwardTrace.to_dict()
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
