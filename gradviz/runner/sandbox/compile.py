"""The safe runner's front door: turn a cell's text into code that may run in a sandbox namespace.

Layers (defence in depth), each in its own module:

1. sandbox_policy    compile time: an allow-list of syntax, no dunder/private names, imports
                     limited to torch/numpy/math, classes limited to nn.Module/Function bases.
2. sandbox_transform rewrite: attribute access/writes, ``*``/``**``/``<<``/``%``, imports and
                     ``except`` bodies go through guard helpers; spans and time ticks threaded in.
3. sandbox_runtime   run time: guards keyed on object type (sandbox_guard), curated builtins,
                     curated module proxies (sandbox_modules, safe_numpy), size checks.
4. worker            the process boundary: RLIMIT_AS / RLIMIT_CPU and a wall-time watchdog.

Learner text is never passed to ``exec`` as text: only the checked and rewritten AST compiled here.
"""

from __future__ import annotations

import ast
import types
from typing import Any

from gradviz.runner.cells import cell_filename, ends_with_semicolon
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
            if getattr(exc, "end_lineno", None) is not None:
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
