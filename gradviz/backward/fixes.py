"""Where a why-None fix goes in the learner's script, and the script with it applied.

A fix such as ``y.retain_grad()`` or ``w.requires_grad_()`` only helps when it runs right after the
tensor is made and before it is used: ``w.requires_grad_()`` just before ``backward()`` comes too
late (the graph was already built without ``w``). So the line goes directly below the statement
that created the tensor, with that statement's indentation, and only when that statement binds the
learner's name (otherwise the name may mean another tensor there, or nothing yet). When that
cannot be guaranteed there is no insertion: the caller offers no button rather than wrong code.

The window (ui/main_window.py) and the tests use these same functions, so what a test applies is
what the learner's click applies.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

__all__ = ["Insertion", "apply_insertion", "fix_insertion"]

_ROOT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_ENDS_FLOW = (ast.Return, ast.Raise, ast.Break, ast.Continue)


@dataclass(frozen=True)
class Insertion:
    """Put ``text`` (one line, indentation included) above 1-based ``before_line``; a
    ``before_line`` one past the last line appends at the end."""

    before_line: int
    text: str


def _bound_names(stmt: ast.stmt) -> set[str]:
    """Root identifiers a simple statement assigns: ``y`` for ``y = ...``, ``ys`` for ``ys[0] = ...``."""
    if isinstance(stmt, ast.Assign):
        targets: list[ast.expr] = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    else:
        return set()
    names: set[str] = set()
    stack = targets
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            stack.extend(node.elts)
        elif isinstance(node, (ast.Starred, ast.Attribute, ast.Subscript)):
            stack.append(node.value)
    return names


def _statement_at(tree: ast.Module, line: int) -> tuple[ast.stmt, bool] | None:
    """The innermost statement whose lines hold ``line``, and whether it sits inside a function,
    class or lambda (where the learner's global names are not the ones it binds)."""
    found: tuple[ast.stmt, bool] | None = None
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, scoped = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = scoped or isinstance(node, _SCOPES)
            if isinstance(child, ast.stmt):
                end = child.end_lineno or child.lineno
                if child.lineno <= line <= end:
                    found = (child, inner or isinstance(child, _SCOPES))
                    stack.append((child, inner))
            elif isinstance(child, _SCOPES):
                stack.append((child, True))
    return found


def fix_insertion(source: str, code: str, name: str, after_line: int, first_line: int = 1) -> Insertion | None:
    """Where ``code`` (a fix naming ``name``) goes so it runs right after the statement on file line
    ``after_line`` that created the tensor; None when no place is certain to be right.

    ``source`` starts at file line ``first_line`` (a cell of a larger file); the result's line is a
    file line too.
    """
    root = _ROOT.match(name)
    if root is None:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    local = after_line - first_line + 1
    hit = _statement_at(tree, local)
    if hit is None:
        return None
    stmt, scoped = hit
    if scoped or isinstance(stmt, _ENDS_FLOW) or root.group(0) not in _bound_names(stmt):
        return None
    lines = source.splitlines()
    end = stmt.end_lineno or stmt.lineno
    start_text = lines[stmt.lineno - 1]
    indent = start_text[: len(start_text) - len(start_text.lstrip())]
    if len(indent) != stmt.col_offset:
        return None  # a statement sharing its line with a header (``for i in r: y = x * i``)
    insertion = Insertion(before_line=end + first_line, text=indent + code)
    try:
        ast.parse(apply_insertion(source, insertion, first_line))
    except SyntaxError:
        return None
    return insertion


def apply_insertion(source: str, insertion: Insertion, first_line: int = 1) -> str:
    """``source`` with the insertion's line added (the script as the window leaves it)."""
    lines = source.splitlines(keepends=True)
    at = insertion.before_line - first_line
    if at > 0 and at <= len(lines) and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, insertion.text + "\n")
    return "".join(lines)
