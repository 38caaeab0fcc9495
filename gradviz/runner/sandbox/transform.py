"""Rewrite a checked learner AST so attribute access, imports and time run through the runtime.

The rewritten tree calls helper functions that live in the namespace's builtins under ``__gv_*``
names (transform.HELPER_NAMES). Learner code cannot name them (the policy refuses the prefix) and
cannot reach the builtins dict. What the rewrite does, and why:

* ``a.b`` -> ``__gv_getattr__(a, 'b', k)``: the guard decides what the value may be (guard.py).
  Inside a class, ``self.__w`` is mangled here as the compiler would (``'_A__w'``).
* ``a.b = v`` / ``del a.b`` -> ``__gv_write__(a, 'b').b = v`` / ``__gv_delete__(a, 'b')``; a
  single ``a.__x__ = v`` -> ``__gv_setattr__(a, '__x__', v)`` (the guard wraps some values, such
  as a class's new ``__getattr__``); ``a.b += v`` goes through ``__gv_aug__(a)``, a target whose
  read and write both pass the guard.
* ``a * b``, ``a ** b``, ``a << b``, ``a % b`` (and their augmented forms), and the first argument
  of ``list()``/``tuple()``/``set()``/``sorted()``/``bytes()``, go through size checks so
  ``[0] * 10**10`` stops with a limit message instead of eating memory.
* ``import torch as t`` -> ``t = __gv_import__(k, 'torch', True)``: curated modules (modules.py).
* Before each statement ``__gv_stmt__(k)`` records the statement's source span (provenance) and
  ticks the time limit; calls, operators, attribute reads and comprehension elements pass a span
  id too, so tensors and nodes get the span of the expression that made them.
* Every ``except`` body and ``finally`` block starts with ``__gv_check_exc__()``: a limit or a
  refusal cannot be swallowed (not even by ``finally: continue``).
* Names a class pattern binds in ``match`` are vetted before the guard or body sees them.
* ``from __future__`` imports stay first, untouched; with ``annotations`` the (unevaluated)
  annotations are left as written.

Span ids index a table owned by the runtime (``register_span``), so the code stays small.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Sequence

from gradviz.runner.cells import char_column, source_lines
from gradviz.runner.results import SourceSpan
from gradviz.runner.sandbox.names import is_dunder

__all__ = ["HELPER_NAMES", "Transformer", "transform_cell"]

HELPER_NAMES = (
    "__gv_stmt__",
    "__gv_top__",
    "__gv_at__",
    "__gv_getattr__",
    "__gv_write__",
    "__gv_delete__",
    "__gv_setattr__",
    "__gv_aug__",
    "__gv_mul__",
    "__gv_pow__",
    "__gv_lshift__",
    "__gv_mod__",
    "__gv_augcheck__",
    "__gv_import__",
    "__gv_importfrom__",
    "__gv_importstar__",
    "__gv_check_exc__",
    "__gv_echo__",
    "__gv_star__",
    "__gv_spec__",
    "__gv_sized__",
    "__gv_vet__",
)

_CHECKED_BINOPS: dict[type[ast.operator], str] = {
    ast.Mult: "__gv_mul__",
    ast.Pow: "__gv_pow__",
    ast.LShift: "__gv_lshift__",
    ast.Mod: "__gv_mod__",
}
_AUG_NAMES: dict[type[ast.operator], str] = {ast.Mult: "mul", ast.Pow: "pow", ast.LShift: "lshift", ast.Mod: "mod"}
_SIZED_CALLS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "bytes", "bytearray"})


def _helper(name: str, args: Sequence[ast.expr], like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])
    return ast.copy_location(call, like)


def _const(value: str | int | bool | None, like: ast.AST) -> ast.Constant:
    return ast.copy_location(ast.Constant(value=value), like)


def _statement(value: ast.expr, like: ast.AST) -> ast.Expr:
    return ast.copy_location(ast.Expr(value=value), like)


def has_future_annotations(tree: ast.Module) -> bool:
    for statement in _future_prefix(tree.body):
        if isinstance(statement, ast.ImportFrom) and any(a.name == "annotations" for a in statement.names):
            return True
    return False


def _future_prefix(body: list[ast.stmt]) -> list[ast.stmt]:
    """The module docstring and ``from __future__`` imports that must stay first."""
    prefix: list[ast.stmt] = []
    for index, statement in enumerate(body):
        is_docstring = (
            index == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
            and len(body) > 1
        )
        if is_docstring or (isinstance(statement, ast.ImportFrom) and statement.module == "__future__"):
            prefix.append(statement)
            continue
        break
    return prefix if any(isinstance(s, ast.ImportFrom) for s in prefix) else []


_DOCUMENTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    """A leading docstring stays first (Python reads ``__doc__`` from the first statement)."""
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return [first]
    return []


class _ColumnMapper:
    """Python's ast columns are UTF-8 byte offsets; spans use character offsets (Chinese comments
    and strings are common in the seed material)."""

    def __init__(self, source: str, first_line: int) -> None:
        self._lines = source_lines(source)
        self._first_line = first_line

    def char_col(self, line: int, byte_col: int) -> int:
        index = line - self._first_line
        if not 0 <= index < len(self._lines):
            return byte_col
        return char_column(self._lines[index], byte_col)


def _captures_under_class_patterns(pattern: ast.pattern) -> list[str]:
    """Names bound from attributes a class pattern reads (``case P(x, y=z)``: x and z)."""
    names: list[str] = []
    for node in ast.walk(pattern):
        if isinstance(node, ast.MatchClass):
            for sub in [*node.patterns, *node.kwd_patterns]:
                for inner in ast.walk(sub):
                    if isinstance(inner, (ast.MatchAs, ast.MatchStar)) and inner.name is not None:
                        names.append(inner.name)
                    elif isinstance(inner, ast.MatchMapping) and inner.rest is not None:
                        names.append(inner.rest)
    return list(dict.fromkeys(names))


class Transformer(ast.NodeTransformer):
    def __init__(
        self,
        cell: int,
        columns: _ColumnMapper,
        register_span: Callable[[SourceSpan], int],
        echo_last: bool,
        keep_annotations: bool,
    ) -> None:
        self._cell = cell
        self._columns = columns
        self._register = register_span
        self._echo_last = echo_last
        self._keep_annotations = keep_annotations
        self._function_depth = 0
        self._classes: list[str] = []

    # -- spans -------------------------------------------------------------------------------
    def _span_id(self, node: ast.AST) -> ast.Constant:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        col = self._columns.char_col(line, getattr(node, "col_offset", 0))
        end_col = self._columns.char_col(end_line, getattr(node, "end_col_offset", None) or 0)
        span = SourceSpan(cell=self._cell, line=line, col=col, end_line=end_line, end_col=end_col)
        return _const(self._register(span), node)

    def _at(self, node: ast.expr, like: ast.AST) -> ast.Call:
        """``__gv_at__(k, node)``: evaluate node, then set span k (and tick), then yield node."""
        return _helper("__gv_at__", [self._span_id(like), node], node)

    def _mangled(self, name: str) -> str:
        """The attribute name the compiler would use inside the innermost class."""
        if not self._classes or not name.startswith("__") or name.endswith("__"):
            return name
        owner = self._classes[-1].lstrip("_")
        return f"_{owner}{name}" if owner else name

    # -- statement lists ---------------------------------------------------------------------
    def _statements(self, body: list[ast.stmt], top: bool = False) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        helper = "__gv_top__" if top else "__gv_stmt__"
        for statement in body:
            out.append(_statement(_helper(helper, [self._span_id(statement)], statement), statement))
            result = self.visit(statement)
            if result is None:
                continue
            if isinstance(result, list):
                out.extend(result)
            else:
                out.append(result)
        return out

    def visit_Module(self, node: ast.Module) -> ast.Module:
        if self._echo_last and node.body and isinstance(node.body[-1], ast.Expr):
            last = node.body[-1]
            last.value = _helper("__gv_echo__", [last.value], last.value)
        prefix = _future_prefix(node.body)
        node.body = prefix + self._statements(node.body[len(prefix) :], top=True)
        return node

    def _visit_block_owner(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                docstring = _docstring(block) if field == "body" and isinstance(node, _DOCUMENTED) else []
                setattr(node, field, docstring + self._statements(block[len(docstring) :]))
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody"):
                continue
            if self._keep_annotations and name in ("returns", "annotation"):
                continue
            if isinstance(value, list):
                setattr(node, name, [self._visit_child(v) for v in value])
            elif isinstance(value, ast.AST):
                setattr(node, name, self._visit_child(value))
        return node

    def _visit_child(self, value: ast.AST) -> ast.AST:
        result = self.visit(value)
        assert isinstance(result, ast.AST)
        return result

    def visit_For(self, node: ast.For) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_While(self, node: ast.While) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_If(self, node: ast.If) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_With(self, node: ast.With) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> ast.AST:
        return self._visit_block_owner(node)

    def _visit_try(self, node: ast.Try | ast.TryStar) -> ast.AST:
        self._visit_block_owner(node)
        if node.finalbody:
            check = _statement(_helper("__gv_check_exc__", [], node.finalbody[0]), node.finalbody[0])
            node.finalbody = [check, *node.finalbody]
        return node

    def visit_Try(self, node: ast.Try) -> ast.AST:
        return self._visit_try(node)

    def visit_TryStar(self, node: ast.TryStar) -> ast.AST:
        return self._visit_try(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        # Bases, keywords and decorators are evaluated in the enclosing scope.
        node.bases = [self._visit_child(b) for b in node.bases]  # type: ignore[misc]
        node.keywords = [self._visit_child(k) for k in node.keywords]  # type: ignore[misc]
        node.decorator_list = [self._visit_child(d) for d in node.decorator_list]  # type: ignore[misc]
        self._classes.append(node.name)
        try:
            docstring = _docstring(node.body)
            node.body = docstring + self._statements(node.body[len(docstring) :])
        finally:
            self._classes.pop()
        return node

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        self._function_depth += 1
        try:
            return self._visit_block_owner(node)
        finally:
            self._function_depth -= 1

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._visit_function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._visit_function(node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        if node.annotation is not None and not self._keep_annotations:
            node.annotation = self._visit_child(node.annotation)  # type: ignore[assignment]
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        node.target = self._visit_child(node.target)  # type: ignore[assignment]
        if not self._keep_annotations:
            node.annotation = self._visit_child(node.annotation)  # type: ignore[assignment]
        if node.value is not None:
            node.value = self._visit_child(node.value)  # type: ignore[assignment]
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.type is not None:
            node.type = self._visit_child(node.type)  # type: ignore[assignment]
        check = _statement(_helper("__gv_check_exc__", [], node), node)
        node.body = [check, *self._statements(node.body)]
        return node

    # -- match -------------------------------------------------------------------------------
    def visit_Match(self, node: ast.Match) -> ast.AST:
        node.subject = self._visit_child(node.subject)  # type: ignore[assignment]
        for case in node.cases:
            # Patterns stay as written (their grammar allows only names and dotted names); the
            # policy refused private and dunder names in them.
            if case.guard is not None:
                case.guard = self._visit_child(case.guard)  # type: ignore[assignment]
            captured = _captures_under_class_patterns(case.pattern)
            if captured:
                vetted = [
                    ast.NamedExpr(
                        target=ast.Name(id=name, ctx=ast.Store()),
                        value=_helper("__gv_vet__", [ast.Name(id=name, ctx=ast.Load())], case.pattern),
                    )
                    for name in captured
                ]
                gate: ast.expr = ast.Tuple(elts=list(vetted), ctx=ast.Load())
                case.guard = ast.BoolOp(op=ast.And(), values=[gate, case.guard]) if case.guard is not None else gate
                ast.copy_location(case.guard, case.pattern)
            case.body = self._statements(case.body)
        return node

    # -- imports -----------------------------------------------------------------------------
    def _assign(self, name: str, value: ast.expr, like: ast.AST) -> ast.Assign:
        target = ast.copy_location(ast.Name(id=name, ctx=ast.Store()), like)
        return ast.copy_location(ast.Assign(targets=[target], value=value), like)

    def visit_Import(self, node: ast.Import) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            leaf = alias.asname is not None
            call = _helper("__gv_import__", [self._span_id(node), _const(alias.name, node), _const(leaf, node)], node)
            out.append(self._assign(bound, call, node))
        return out

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | list[ast.stmt]:
        module = node.module or ""
        if module == "__future__":
            return node  # a compiler directive (the policy let it through only at the top)
        out: list[ast.stmt] = []
        for alias in node.names:
            if alias.name == "*":
                if self._function_depth or self._classes:
                    error = SyntaxError("import * only allowed at module level")
                    error.lineno, error.offset = node.lineno, node.col_offset + 1
                    raise error
                call = _helper("__gv_importstar__", [self._span_id(node), _const(module, node)], node)
                out.append(_statement(call, node))
                continue
            call = _helper(
                "__gv_importfrom__", [self._span_id(node), _const(module, node), _const(alias.name, node)], node
            )
            out.append(self._assign(alias.asname or alias.name, call, node))
        return out

    # -- attributes --------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        value = self._visit_child(node.value)
        name = self._mangled(node.attr)
        if isinstance(node.ctx, ast.Load):
            return _helper("__gv_getattr__", [value, _const(name, node), self._span_id(node)], node)  # type: ignore[list-item]
        helper = "__gv_delete__" if isinstance(node.ctx, ast.Del) else "__gv_write__"
        guarded = _helper(helper, [value, _const(name, node)], node)  # type: ignore[list-item]
        if isinstance(node.ctx, ast.Del):
            return guarded
        return ast.copy_location(ast.Attribute(value=guarded, attr=node.attr, ctx=node.ctx), node)

    def visit_Delete(self, node: ast.Delete) -> ast.AST | list[ast.stmt]:
        if not any(isinstance(t, ast.Attribute) for t in node.targets):
            node.targets = [self._visit_child(t) for t in node.targets]  # type: ignore[misc]
            return node
        out: list[ast.stmt] = []
        for target in node.targets:
            visited = self._visit_child(target)
            if isinstance(target, ast.Attribute):
                assert isinstance(visited, ast.expr)
                out.append(_statement(visited, node))
            else:
                out.append(ast.copy_location(ast.Delete(targets=[visited]), node))  # type: ignore[list-item]
        return out

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        value = self._visit_child(node.value)
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, ast.Attribute) and is_dunder(target.attr):
            owner = self._visit_child(target.value)
            call = _helper("__gv_setattr__", [owner, _const(target.attr, target), value], node)  # type: ignore[list-item]
            return _statement(call, node)
        node.targets = [self._visit_child(t) for t in node.targets]  # type: ignore[misc]
        node.value = value  # type: ignore[assignment]
        return node

    # -- operators ---------------------------------------------------------------------------
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        left = self._visit_child(node.left)
        right = self._visit_child(node.right)
        helper = _CHECKED_BINOPS.get(type(node.op))
        if helper is not None:
            return _helper(helper, [self._span_id(node), left, right], node)  # type: ignore[list-item]
        node.left = left  # type: ignore[assignment]
        node.right = self._at(right, node)  # type: ignore[arg-type]
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        operand = self._visit_child(node.operand)
        if not isinstance(operand, ast.Constant) and not isinstance(node.op, ast.Not):
            operand = self._at(operand, node)  # type: ignore[arg-type]
        node.operand = operand  # type: ignore[assignment]
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        value = self._visit_child(node.value)
        op_name = _AUG_NAMES.get(type(node.op))
        if op_name is not None:
            current = copy.deepcopy(node.target)
            for sub in ast.walk(current):
                if hasattr(sub, "ctx"):
                    sub.ctx = ast.Load()
            current_load = self._visit_child(current)
            value = _helper("__gv_augcheck__", [self._span_id(node), _const(op_name, node), current_load, value], node)  # type: ignore[list-item]
        else:
            value = self._at(value, node)  # type: ignore[arg-type]
        target = node.target
        if isinstance(target, ast.Attribute):
            # Python loads and stores the attribute itself: through a target that guards both.
            owner = _helper("__gv_aug__", [self._visit_child(target.value)], target)  # type: ignore[list-item]
            node.target = ast.copy_location(ast.Attribute(value=owner, attr=target.attr, ctx=ast.Store()), target)
        else:
            node.target = self._visit_child(target)  # type: ignore[assignment]
        node.value = value
        return node

    # -- calls and subscripts ----------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.func = self._visit_child(node.func)  # type: ignore[assignment]
        node.args = [self._visit_child(a) for a in node.args]  # type: ignore[misc]
        node.keywords = [self._visit_child(k) for k in node.keywords]  # type: ignore[misc]
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in _SIZED_CALLS
            and node.args
            and not isinstance(node.args[0], ast.Starred)
        ):
            node.args[0] = _helper("__gv_sized__", [node.args[0]], node.args[0])
        # Set the span after the operands are evaluated, right before the call runs: wrap the
        # last thing CPython evaluates (keywords come after all positional arguments).
        if node.keywords:
            last_kw = node.keywords[-1]
            last_kw.value = self._at(last_kw.value, node)
        elif node.args:
            last = node.args[-1]
            if isinstance(last, ast.Starred):
                last.value = self._at(last.value, node)
            else:
                node.args[-1] = self._at(last, node)
        else:
            node.func = self._at(node.func, node)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        node.value = self._visit_child(node.value)  # type: ignore[assignment]
        node.slice = self._visit_child(node.slice)  # type: ignore[assignment]
        if isinstance(node.ctx, ast.Load):
            node.value = self._at(node.value, node)
        return node

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        node.value = self._visit_child(node.value)  # type: ignore[assignment]
        if isinstance(node.ctx, ast.Load):
            node.value = _helper("__gv_star__", [self._span_id(node), node.value], node)
        return node

    # -- comprehensions (tick per element so endless ones stop) -------------------------------
    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> ast.AST:
        node.generators = [self._visit_child(g) for g in node.generators]  # type: ignore[misc]
        node.elt = self._at(self._visit_child(node.elt), node.elt)  # type: ignore[arg-type]
        return node

    def visit_ListComp(self, node: ast.ListComp) -> ast.AST:
        return self._comprehension(node)

    def visit_SetComp(self, node: ast.SetComp) -> ast.AST:
        return self._comprehension(node)

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> ast.AST:
        return self._comprehension(node)

    def visit_DictComp(self, node: ast.DictComp) -> ast.AST:
        node.generators = [self._visit_child(g) for g in node.generators]  # type: ignore[misc]
        node.key = self._visit_child(node.key)  # type: ignore[assignment]
        node.value = self._at(self._visit_child(node.value), node.value)  # type: ignore[arg-type]
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node.target = self._visit_child(node.target)  # type: ignore[assignment]
        node.iter = self._visit_child(node.iter)  # type: ignore[assignment]
        node.ifs = [self._at(self._visit_child(cond), cond) for cond in node.ifs]  # type: ignore[arg-type]
        return node

    # -- f-string format specs ---------------------------------------------------------------
    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node.value = self._visit_child(node.value)  # type: ignore[assignment]
        if node.format_spec is not None:
            spec = self._visit_child(node.format_spec)
            checked = ast.copy_location(
                ast.FormattedValue(value=_helper("__gv_spec__", [spec], node), conversion=-1, format_spec=None),  # type: ignore[list-item]
                node,
            )
            node.format_spec = ast.copy_location(ast.JoinedStr(values=[checked]), node)
        return node


def transform_cell(
    tree: ast.Module,
    *,
    cell: int,
    source: str,
    first_line: int,
    register_span: Callable[[SourceSpan], int],
    echo_last: bool,
) -> ast.Module:
    """Rewrite ``tree`` (already checked, line numbers already file lines) in place."""
    transformer = Transformer(
        cell,
        _ColumnMapper(source, first_line),
        register_span,
        echo_last,
        keep_annotations=has_future_annotations(tree),
    )
    result = transformer.visit(tree)
    assert isinstance(result, ast.Module)
    return ast.fix_missing_locations(result)
