"""Compile-time policy for learners' code: the few names and forms refused before anything runs.

Learner code is ordinary Python: every statement and expression form is allowed (generators,
decorators, ``match``, ``async``, classes with any dunder method, metaclasses). What is refused
here is what no ordinary program needs and what opens the way out of the language:

* the identifiers ``__builtins__``, ``__import__``, ``__build_class__`` and the ``__gv_*`` helper
  names the rewritten code calls;
* attributes in names.REFUSED_ATTRIBUTES on any object (``f.__globals__``, ``gen.gi_frame``,
  ``tb.tb_frame``, ``x.__subclasses__``, ``a.ctypes``, ``obj.__array_interface__``);
* a class body defining numpy's raw-memory protocols (``__array_interface__``);
* dunder and private names in ``match`` class patterns (Python reads them in C, past the guard);
* relative imports and imports of file, process and network modules (with the reason).

The checks name the first problem with its line; the run-time guard (guard.py) applies the same
tables to names computed at run time (``getattr(obj, name)``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from gradviz.runner.sandbox.names import (
    RAW_PROTOCOL_NAMES,
    NameKind,
    kind_of,
    refused_identifier,
)

__all__ = ["SandboxError", "Violation", "check_tree"]


class SandboxError(Exception):
    """Code tried to reach something gradviz does not allow (files, internals, raw memory)."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


@dataclass(frozen=True)
class Violation:
    message: str
    line: int | None
    col: int | None


def _identifier_message(name: str) -> str:
    if name == "__import__":
        return "the name '__import__' is not available in gradviz; use an import statement"
    return f"the name {name!r} is not available in gradviz (it reaches the runner's internals)"


def _attribute_message(name: str) -> str:
    if name in RAW_PROTOCOL_NAMES:
        return f"the attribute {name!r} is not available in gradviz: numpy would read raw memory through it"
    return (
        f"the attribute {name!r} is not available in gradviz: it reaches the interpreter's internals "
        "(frames, code, module globals)"
    )


def _pattern_attributes(pattern: ast.AST) -> list[ast.Attribute]:
    return [node for node in ast.walk(pattern) if isinstance(node, ast.Attribute)]


class _Checker(ast.NodeVisitor):
    """Collects every violation (not just the first) so the message can point at the earliest."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def refuse(self, node: ast.AST, message: str) -> None:
        self.violations.append(Violation(message, getattr(node, "lineno", None), getattr(node, "col_offset", None)))

    def _identifier(self, node: ast.AST, name: str | None) -> None:
        if name is not None and refused_identifier(name):
            self.refuse(node, _identifier_message(name))

    # -- names -------------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        self._identifier(node, node.id)

    def visit_arg(self, node: ast.arg) -> None:
        self._identifier(node, node.arg)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._identifier(node, name)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        for name in node.names:
            self._identifier(node, name)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self._identifier(node, node.name)
        self.generic_visit(node)

    def visit_alias(self, node: ast.alias) -> None:
        self._identifier(node, node.asname)
        if node.asname is None and "." not in node.name:
            self._identifier(node, node.name)

    # -- attributes --------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if kind_of(node.attr) is NameKind.REFUSED:
            self.refuse(node, _attribute_message(node.attr))
        self.generic_visit(node)

    # -- definitions -------------------------------------------------------------------------
    def _definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self._identifier(node, node.name)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._definition(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._definition(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for statement in node.body:
            for name, where in _class_body_names(statement):
                if name in RAW_PROTOCOL_NAMES:
                    self.refuse(
                        where,
                        f"a class may not define {name!r} in gradviz: numpy would read raw memory through it "
                        "(define __array__ to hand numpy an array)",
                    )
        self._definition(node)

    # -- imports -----------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._module(node, alias.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.refuse(node, "relative imports are not available in gradviz: your code is one script")
            return
        if node.module != "__future__":
            self._module(node, node.module or "")
        self.generic_visit(node)

    def _module(self, node: ast.AST, dotted: str) -> None:
        from gradviz.runner.sandbox.modules import refusal_reason

        reason = refusal_reason(dotted)
        if reason is not None:
            self.refuse(node, reason)

    # -- match -------------------------------------------------------------------------------
    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:
            if kind_of(name) is not NameKind.PUBLIC:
                self.refuse(
                    node,
                    f"a class pattern may not read {name!r} in gradviz (patterns read attributes where "
                    "gradviz cannot check them); read it in the case body instead",
                )
        self.generic_visit(node)

    def visit_match_case(self, node: ast.match_case) -> None:
        for attribute in _pattern_attributes(node.pattern):
            if kind_of(attribute.attr) is not NameKind.PUBLIC:
                self.refuse(attribute, f"a pattern may not name the attribute {attribute.attr!r} in gradviz")
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        self._identifier(node, node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        self._identifier(node, node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self._identifier(node, node.rest)
        self.generic_visit(node)


def _class_body_names(statement: ast.stmt) -> list[tuple[str, ast.AST]]:
    """Names a class body statement binds directly."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [(statement.name, statement)]
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    names: list[tuple[str, ast.AST]] = []
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.append((node.id, node))
    return names


def check_tree(tree: ast.AST) -> list[Violation]:
    """Every policy violation in ``tree``, in source order. An empty list means "may run"."""
    checker = _Checker()
    checker.visit(tree)
    return sorted(checker.violations, key=lambda v: (v.line or 0, v.col or 0))
