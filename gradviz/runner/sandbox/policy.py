"""Compile-time policy for learners' code: which syntax, names and attributes may appear at all.

Why our own checker instead of RestrictedPython: gradviz/ may depend on numpy, networkx and the
standard library only (the app ships as one small wheel), and the policy we need is narrower and
more specific than RestrictedPython's defaults: an allow-list of AST node types for the Python
that learners write, PyTorch-visible private attributes (``_saved_*``, ``_version``), import
statements rewritten onto curated gradviz modules, class statements limited to ``nn.Module`` /
``autograd.Function`` subclasses, and a transformer that also threads source spans (for
provenance) and cooperative time checks into the code. The design follows RestrictedPython's
idea: refuse unknown syntax at compile time, then route every attribute access, attribute
write, risky operator and import through guard functions at run time (see sandbox_runtime.py),
so that a missed case at one layer is still refused at the other.

This module only inspects the tree; :mod:`gradviz.runner.sandbox.transform` rewrites it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ALLOWED_DUNDER_METHODS",
    "ALLOWED_IMPORT_ROOTS",
    "SandboxError",
    "Violation",
    "attribute_name_allowed",
    "check_tree",
]


class SandboxError(Exception):
    """Code tried to reach something gradviz does not allow (files, internals, other imports)."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


@dataclass(frozen=True)
class Violation:
    message: str
    line: int | None
    col: int | None


# Modules learners import, by top-level name; sandbox_modules maps them onto gradviz's own.
ALLOWED_IMPORT_ROOTS = frozenset({"torch", "numpy", "math"})

# Dunder methods a learner's class may define. Each is only ever invoked by Python on an
# instance of that class, and its body is sandboxed like any other function.
ALLOWED_DUNDER_METHODS = frozenset(
    {"__init__", "__call__", "__repr__", "__str__", "__len__", "__getitem__", "__iter__", "__next__"}
)

# Attribute names that open doors into the interpreter whatever the object. The runtime guard
# refuses them too (by object type); naming them here gives the clearest message, earliest.
_FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "gi_running",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_frame",
        "ag_code",
        "ag_await",
        "f_back",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_code",
        "f_trace",
        "tb_frame",
        "tb_next",
        "co_code",
        "co_consts",
        "co_names",
        "func_globals",
        "func_code",
        "mro",
        "format_map",
    }
)

_STATEMENTS: tuple[type[ast.AST], ...] = (
    ast.Module,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.AnnAssign,
    ast.For,
    ast.While,
    ast.If,
    ast.With,
    ast.Raise,
    ast.Try,
    ast.Assert,
    ast.Import,
    ast.ImportFrom,
    ast.Global,
    ast.Nonlocal,
    ast.Pass,
    ast.Break,
    ast.Continue,
    ast.FunctionDef,
    ast.ClassDef,
    ast.Return,
    ast.Delete,
)
_EXPRESSIONS: tuple[type[ast.AST], ...] = (
    ast.BoolOp,
    ast.NamedExpr,
    ast.BinOp,
    ast.UnaryOp,
    ast.Lambda,
    ast.IfExp,
    ast.Dict,
    ast.Set,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Compare,
    ast.Call,
    ast.FormattedValue,
    ast.JoinedStr,
    ast.Constant,
    ast.Attribute,
    ast.Subscript,
    ast.Starred,
    ast.Name,
    ast.List,
    ast.Tuple,
    ast.Slice,
)
_PARTS: tuple[type[ast.AST], ...] = (
    ast.expr_context,
    ast.boolop,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
    ast.comprehension,
    ast.arguments,
    ast.arg,
    ast.keyword,
    ast.alias,
    ast.withitem,
    ast.ExceptHandler,
)
_ALLOWED_NODES = _STATEMENTS + _EXPRESSIONS + _PARTS

_REFUSAL_REASONS: dict[type[ast.AST], str] = {
    ast.Yield: "generators (yield) are not supported in gradviz",
    ast.YieldFrom: "generators (yield from) are not supported in gradviz",
    ast.Await: "async code is not supported in gradviz",
    ast.AsyncFunctionDef: "async code is not supported in gradviz",
    ast.AsyncFor: "async code is not supported in gradviz",
    ast.AsyncWith: "async code is not supported in gradviz",
    ast.Match: "match statements are not supported in gradviz",
    ast.TryStar: "except* is not supported in gradviz",
}


def attribute_name_allowed(name: str) -> bool:
    """Public names, plus the private ones PyTorch itself shows learners (``_saved_self``,
    ``_version``, ``_base``)."""
    if name in _FORBIDDEN_ATTRIBUTES:
        return False
    if name.startswith("_"):
        return name in PYTORCH_VISIBLE_PRIVATE or (name.startswith("_saved_") and not name.endswith("__"))
    return True


# Private-looking names PyTorch itself shows learners (views and version counters); ``_saved_*``
# attributes of grad_fn nodes are allowed by prefix.
PYTORCH_VISIBLE_PRIVATE = frozenset({"_version", "_base", "_is_view"})


def _is_dunder(name: str) -> bool:
    return name.startswith("__")


def _is_super_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _decorator_allowed(node: ast.expr) -> bool:
    """staticmethod / classmethod / property / ``@x.setter`` / ``@t.no_grad()`` (and
    ``enable_grad``/``inference_mode``) and nothing else."""
    if isinstance(node, ast.Name):
        return node.id in {"staticmethod", "classmethod", "property"}
    if isinstance(node, ast.Attribute):
        if node.attr in {"setter", "getter", "deleter"}:
            return isinstance(node.value, ast.Name)
        return node.attr in _GRAD_MODE_DECORATORS and isinstance(node.value, ast.Name)
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in _GRAD_MODE_DECORATORS
        return (
            isinstance(func, ast.Attribute) and func.attr in _GRAD_MODE_DECORATORS and isinstance(func.value, ast.Name)
        )
    return False


# ``@torch.no_grad()`` and its siblings: they only switch grad mode around the call.
_GRAD_MODE_DECORATORS = frozenset({"no_grad", "enable_grad", "inference_mode"})


class _Checker(ast.NodeVisitor):
    """Collects every violation (not just the first) so the message can point at the earliest."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []
        self._class_depth = 0
        self._in_class_body = False

    def refuse(self, node: ast.AST, message: str) -> None:
        self.violations.append(Violation(message, getattr(node, "lineno", None), getattr(node, "col_offset", None)))

    def generic_visit(self, node: ast.AST) -> None:
        if not isinstance(node, _ALLOWED_NODES):
            reason = _REFUSAL_REASONS.get(type(node), f"{type(node).__name__} syntax is not allowed in gradviz")
            self.refuse(node, reason)
            return
        in_class = self._in_class_body
        if not isinstance(node, ast.ClassDef):
            # Only the statements directly in a class body count as "in the class body".
            self._in_class_body = False
        super().generic_visit(node)
        self._in_class_body = in_class

    # -- names -------------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if _is_dunder(node.id) and not (node.id == "__name__" and isinstance(node.ctx, ast.Load)):
            self.refuse(node, f"the name {node.id!r} is not allowed (no dunder names)")

    def visit_arg(self, node: ast.arg) -> None:
        if _is_dunder(node.arg):
            self.refuse(node, f"the argument name {node.arg!r} is not allowed (no dunder names)")
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg is not None and _is_dunder(node.arg):
            self.refuse(node, f"the keyword {node.arg!r} is not allowed (no dunder names)")
        self.generic_visit(node)

    def _check_names(self, node: ast.AST, names: Iterable[str]) -> None:
        for name in names:
            if _is_dunder(name):
                self.refuse(node, f"the name {name!r} is not allowed (no dunder names)")

    def visit_Global(self, node: ast.Global) -> None:
        self._check_names(node, node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self._check_names(node, node.names)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            self._check_names(node, [node.name])
        self.generic_visit(node)

    # -- attributes --------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        loading = isinstance(node.ctx, ast.Load)
        allowed = (
            attribute_name_allowed(node.attr)
            or (node.attr == "__init__" and loading and _is_super_call(node.value))
            or (node.attr == "__name__" and loading)  # type(x).__name__, f.__name__: a str
        )
        if not allowed:
            self.refuse(node, f"access to the attribute {node.attr!r} is not allowed in gradviz")
        self.generic_visit(node)

    # -- imports -----------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)
            if alias.asname is not None:
                self._check_names(node, [alias.asname])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.refuse(node, "relative imports are not allowed in gradviz")
            return
        self._check_module(node, node.module or "")
        for alias in node.names:
            self._check_names(node, [alias.name] + ([alias.asname] if alias.asname else []))
            if alias.name.startswith("_") and alias.name != "*":
                self.refuse(node, f"importing the private name {alias.name!r} is not allowed")

    def _check_module(self, node: ast.AST, dotted: str) -> None:
        root = dotted.split(".")[0]
        if root not in ALLOWED_IMPORT_ROOTS:
            self.refuse(
                node,
                f"import of {dotted!r} is not allowed: gradviz code may import torch "
                "(mapped onto gradviz), numpy (a curated subset) and math",
            )
        elif any(part.startswith("_") for part in dotted.split(".")):
            self.refuse(node, f"import of the private module {dotted!r} is not allowed")

    # -- definitions -------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if _is_dunder(node.name) and not (self._in_class_body and node.name in ALLOWED_DUNDER_METHODS):
            where = "a class may define only " + ", ".join(sorted(ALLOWED_DUNDER_METHODS))
            self.refuse(node, f"defining {node.name!r} is not allowed ({where})")
        for decorator in node.decorator_list:
            if not _decorator_allowed(decorator):
                self.refuse(
                    decorator,
                    "only @staticmethod, @classmethod, @property (and its .setter) and "
                    "@torch.no_grad() / enable_grad() / inference_mode() decorators are allowed in gradviz",
                )
        if node.returns is not None:
            self.visit(node.returns)
        self.visit(node.args)
        in_class = self._in_class_body
        self._in_class_body = False
        for statement in node.body:
            self.visit(statement)
        self._in_class_body = in_class

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if _is_dunder(node.name):
            self.refuse(node, f"the class name {node.name!r} is not allowed")
        if node.keywords:
            self.refuse(node, "class keywords (metaclass=...) are not allowed in gradviz")
        if node.decorator_list:
            self.refuse(node.decorator_list[0], "class decorators are not allowed in gradviz")
        for base in node.bases:
            self.visit(base)
        in_class = self._in_class_body
        self._in_class_body = True
        for statement in node.body:
            self._check_class_statement(statement)
            self.visit(statement)
        self._in_class_body = in_class

    def _check_class_statement(self, statement: ast.stmt) -> None:
        """A class body holds methods, docstrings and plain class attributes."""
        if isinstance(statement, (ast.FunctionDef, ast.Pass, ast.Expr)):
            return
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if not isinstance(target, ast.Name):
                    self.refuse(statement, "a class body may only assign plain names")
            return
        self.refuse(statement, f"{type(statement).__name__} is not allowed directly in a class body")

    def visit_Lambda(self, node: ast.Lambda) -> None:
        in_class = self._in_class_body
        self._in_class_body = False
        self.generic_visit(node)
        self._in_class_body = in_class


def check_tree(tree: ast.AST) -> list[Violation]:
    """Every policy violation in ``tree``, in source order. An empty list means "may run"."""
    checker = _Checker()
    checker.visit(tree)
    return sorted(checker.violations, key=lambda v: (v.line or 0, v.col or 0))
