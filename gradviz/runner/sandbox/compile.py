"""The language layer's front door: turn a cell's text into code that runs in a learner namespace.

Learner code is ordinary Python. Around it, each in its own module:

1. policy.py     compile time: the few names and forms refused outright (frames, code objects,
                 module globals, numpy's raw-memory protocols, file/process/network imports).
2. transform.py  rewrite: attribute access, imports and ``except``/``finally`` go through the
                 runtime's helpers; spans (provenance) and time ticks are threaded in.
3. runtime.py    run time: Python's builtins with the reflective ones guarded (guard.py), classes
                 sealed as they are made (classes.py), curated modules (modules.py, safe_numpy.py,
                 stdlib.py), size checks (sizes.py).

The worker process around all of this is contained by the operating system (runner/containment);
this layer keeps gradviz's own internals and raw memory out of reach even inside that wall.
Learner text is never passed to ``exec`` as text: only the checked and rewritten AST compiled here.
"""

from __future__ import annotations

import ast
import types
from typing import Any

from gradviz.runner.capture import cell_filename
from gradviz.runner.cells import ends_with_semicolon
from gradviz.runner.sandbox.policy import SandboxError, check_tree
from gradviz.runner.sandbox.runtime import Runtime
from gradviz.runner.sandbox.transform import transform_cell

__all__ = ["SandboxError", "compile_cell", "new_namespace"]

# Python's parser already caps nesting; this caps how much text one cell may hand to it.
MAX_SOURCE_CHARS = 2_000_000


def compile_cell(source: str, cell: int, first_line: int, runtime: Runtime, echo_last: bool = True) -> types.CodeType:
    """Check and rewrite one cell; raise SyntaxError or SandboxError (with file line numbers).

    The returned code runs with ``exec(code, namespace)`` where ``namespace`` came from
    :func:`new_namespace` for the same runtime.
    """
    if len(source) > MAX_SOURCE_CHARS:
        raise SandboxError(f"the cell is longer than {MAX_SOURCE_CHARS:,} characters")
    filename = cell_filename(cell)
    try:
        try:
            tree = ast.parse(source, filename=filename, mode="exec")
        except SyntaxError as exc:
            # The parser numbers lines from the cell; the learner sees the file.
            if exc.lineno is not None:
                exc.lineno += first_line - 1
            if exc.end_lineno is not None:
                exc.end_lineno += first_line - 1
            raise
        ast.increment_lineno(tree, first_line - 1)
        violations = check_tree(tree)
        if violations:
            first = violations[0]
            raise SandboxError(first.message, first.line, first.col)
        echo = (
            echo_last
            and bool(tree.body)
            and isinstance(tree.body[-1], ast.Expr)
            and not ends_with_semicolon(source, tree.body[-1], first_line)
        )
        rewritten = transform_cell(
            tree, cell=cell, source=source, first_line=first_line, register_span=runtime.register_span, echo_last=echo
        )
        # Line numbers of the rewritten tree are already file lines, so compile errors are too.
        return compile(rewritten, filename, "exec", dont_inherit=True)
    except (RecursionError, MemoryError) as exc:
        raise SandboxError("the code is nested too deeply for gradviz to check") from exc


def new_namespace(runtime: Runtime) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__builtins__": runtime.builtins_dict(), "__name__": "__main__"}
    runtime.namespace = namespace
    return namespace
