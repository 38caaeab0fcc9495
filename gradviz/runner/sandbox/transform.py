"""Rewrite a checked learner AST so every risky step goes through a run-time guard.

The rewritten tree calls helper functions that live in the sandbox's builtins under dunder names
(``__gv_getattr__`` ...). Learners cannot name them (the policy refuses dunder names) nor shadow
them. What the rewrite does, and why:

* ``a.b`` -> ``__gv_getattr__(a, 'b', k)``; ``a.b = v`` / ``del a.b`` -> ``__gv_write__(a, 'b').b``:
  attribute access is decided by the object's type at run time (sandbox_runtime.AttributeGuard).
* ``a * b``, ``a ** b``, ``a << b``, ``a % b`` (and their augmented forms) go through size checks so
  ``[0] * 10**10`` or ``10 ** 10 ** 10`` stop with a limit message instead of eating memory.
* ``import torch as t`` -> ``t = __gv_import__(k, 'torch', True)``: imports resolve to curated proxies.
* Before each statement ``__gv_stmt__(k)`` records the statement's source span (provenance) and
  checks the wall-time deadline; calls, operators, comprehension elements and some attribute loads
  also pass a span id ``k`` (set just before the operation runs, after its operands are evaluated),
  so tensors and nodes get the span of the expression that made them, and comprehensions tick.
* Every ``except`` body starts with ``__gv_check_exc__()`` so limit and sandbox errors cannot be
  swallowed by the learner's handlers.

Span ids index a table owned by the runtime (``register_span``), so the code stays small.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Sequence

from gradviz.runner.cells import char_column, source_lines
from gradviz.runner.results import SourceSpan
from gradviz.runner.sandbox.policy import SandboxError

__all__ = ["HELPER_NAMES", "Transformer", "transform_cell"]

HELPER_NAMES = (
    "__gv_stmt__",
    "__gv_top__",
    "__gv_at__",
    "__gv_getattr__",
    "__gv_write__",
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
)

_CHECKED_BINOPS: dict[type[ast.operator], str] = {
    ast.Mult: "__gv_mul__",
    ast.Pow: "__gv_pow__",
    ast.LShift: "__gv_lshift__",
    ast.Mod: "__gv_mod__",
}
_AUG_NAMES: dict[type[ast.operator], str] = {ast.Mult: "mul", ast.Pow: "pow", ast.LShift: "lshift", ast.Mod: "mod"}


def _helper(name: str, args: Sequence[ast.expr], like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])
    return ast.copy_location(call, like)


def _const(value: object, like: ast.AST) -> ast.Constant:
    return ast.copy_location(ast.Constant(value=value), like)


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


class Transformer(ast.NodeTransformer):
    def __init__(
        self,
        cell: int,
        columns: _ColumnMapper,
        register_span: Callable[[SourceSpan], int],
        echo_last: bool,
    ) -> None:
        self._cell = cell
        self._columns = columns
        self._register = register_span
        self._echo_last = echo_last
        self._function_depth = 0

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

    # -- statement lists ---------------------------------------------------------------------
    def _statements(self, body: list[ast.stmt], top: bool = False) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        helper = "__gv_top__" if top else "__gv_stmt__"
        for statement in body:
            marker = ast.copy_location(
                ast.Expr(value=_helper(helper, [self._span_id(statement)], statement)), statement
            )
            out.append(marker)
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
        node.body = self._statements(node.body, top=True)
        return node

    def _visit_block_owner(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(node, field, self._statements(block))
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody"):
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

    def visit_While(self, node: ast.While) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_If(self, node: ast.If) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_With(self, node: ast.With) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_Try(self, node: ast.Try) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._visit_block_owner(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self._function_depth += 1
        try:
            return self._visit_block_owner(node)
        finally:
            self._function_depth -= 1

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.type is not None:
            node.type = self._visit_child(node.type)  # type: ignore[assignment]
        check = ast.copy_location(ast.Expr(value=_helper("__gv_check_exc__", [], node)), node)
        node.body = [check, *self._statements(node.body)]
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

    def visit_ImportFrom(self, node: ast.ImportFrom) -> list[ast.stmt]:
        module = node.module or ""
        out: list[ast.stmt] = []
        for alias in node.names:
            if alias.name == "*":
                if self._function_depth:
                    raise SandboxError("import * only allowed at module level", node.lineno, node.col_offset)
                call = _helper("__gv_importstar__", [self._span_id(node), _const(module, node)], node)
                out.append(ast.copy_location(ast.Expr(value=call), node))
                continue
            call = _helper(
                "__gv_importfrom__", [self._span_id(node), _const(module, node), _const(alias.name, node)], node
            )
            out.append(self._assign(alias.asname or alias.name, call, node))
        return out

    # -- attributes --------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        value = self._visit_child(node.value)
        if isinstance(node.ctx, ast.Load):
            return _helper("__gv_getattr__", [value, _const(node.attr, node), self._span_id(node)], node)
        guarded = _helper("__gv_write__", [value, _const(node.attr, node)], node)
        return ast.copy_location(ast.Attribute(value=guarded, attr=node.attr, ctx=node.ctx), node)

    # -- operators ---------------------------------------------------------------------------
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        left = self._visit_child(node.left)
        right = self._visit_child(node.right)
        helper = _CHECKED_BINOPS.get(type(node.op))
        if helper is not None:
            return _helper(helper, [self._span_id(node), left, right], node)
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
                    sub.ctx = ast.Load()  # type: ignore[attr-defined]
            current_load = self._visit_child(current)
            value = _helper("__gv_augcheck__", [self._span_id(node), _const(op_name, node), current_load, value], node)  # type: ignore[list-item]
        else:
            value = self._at(value, node)  # type: ignore[arg-type]
        node.target = self._visit_child(node.target)  # type: ignore[assignment]
        node.value = value  # type: ignore[assignment]
        return node

    # -- calls and subscripts ----------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.func = self._visit_child(node.func)  # type: ignore[assignment]
        node.args = [self._visit_child(a) for a in node.args]  # type: ignore[misc]
        node.keywords = [self._visit_child(k) for k in node.keywords]  # type: ignore[misc]
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
            node.value = self._at(node.value, node)  # type: ignore[arg-type]
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
        node.ifs = [self._at(self._visit_child(cond), cond) for cond in node.ifs]  # type: ignore[arg-type, misc]
        return node

    # -- f-string format specs ---------------------------------------------------------------
    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node.value = self._visit_child(node.value)  # type: ignore[assignment]
        if node.format_spec is not None:
            spec = self._visit_child(node.format_spec)
            checked = ast.copy_location(
                ast.FormattedValue(value=_helper("__gv_spec__", [spec], node), conversion=-1, format_spec=None),
                node,  # type: ignore[list-item]
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
    transformer = Transformer(cell, _ColumnMapper(source, first_line), register_span, echo_last)
    result = transformer.visit(tree)
    assert isinstance(result, ast.Module)
    return ast.fix_missing_locations(result)
