"""Running notebook cells with plain ``exec``: for tooling and tests only (TRUSTED input).

Typed user code goes through gradviz.runner.sandbox.compile, never through this module. The
golden recorders run cases under real PyTorch with it, and the golden tests run the same cases
under gradviz's twin, so both sides capture outputs by the rules of ``gradviz.runner.capture``.

Pure standard library on purpose: the golden recorders import it inside the torch virtualenv.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import io
import warnings
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from gradviz.runner.capture import (
    NotebookDisplay,
    WarningCollector,
    cell_filename,
    code_summary,
    format_exception_line,
    notebook_warning_filters,
    skip_ipython_lines,
)
from gradviz.runner.cells import CODE, Cell, ends_with_semicolon

# ---------------------------------------------------------------------------------------------
# Running cells with plain exec (trusted input only)


def module_map(torch_module: ModuleType, numpy_module: ModuleType | None = None) -> dict[str, ModuleType]:
    """The import table shared by the recorder (real torch) and the golden tests (gradviz.torch):
    the torch twin and its submodules learners import directly, plus numpy and math."""
    import math

    table: dict[str, ModuleType] = {"torch": torch_module, "math": math}
    for dotted in ("nn", "nn.functional", "autograd", "optim"):
        target: Any = torch_module
        for part in dotted.split("."):
            try:
                target = getattr(target, part, None)
            except ImportError:
                # A lazily imported submodule that is not written yet: leave it out of the
                # table, so only a script that imports it fails.
                target = None
        if isinstance(target, ModuleType):
            table[f"torch.{dotted}"] = target
    if numpy_module is not None:
        table["numpy"] = numpy_module
    return table


def _resolve(name: str, modules: Mapping[str, ModuleType]) -> ModuleType:
    """Find module ``name`` in the table, walking attributes (or importing submodules of a real
    package) below the longest registered prefix."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix not in modules:
            continue
        module: Any = modules[prefix]
        for part in parts[cut:]:
            try:
                child = getattr(module, part, None)
            except ImportError:
                child = None
            if child is None and hasattr(module, "__path__"):
                try:
                    child = importlib.import_module(f"{module.__name__}.{part}")
                except ImportError:
                    child = None
            if not isinstance(child, ModuleType):
                raise ModuleNotFoundError(f"No module named '{name}'", name=name)
            module = child
        return module
    raise ModuleNotFoundError(f"No module named '{name}'", name=name)


def _make_import(modules: Mapping[str, ModuleType]) -> Callable[..., ModuleType]:
    def scripted_import(
        name: str,
        globals: Mapping[str, Any] | None = None,
        locals: Mapping[str, Any] | None = None,
        fromlist: tuple[str, ...] | list[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        if level:
            raise ImportError("relative imports are not available in a notebook cell")
        target = _resolve(name, modules)
        if fromlist:
            return target
        # ``import a.b.c`` binds ``a``; ``import a.b.c as m`` then walks attributes to ``c``.
        return _resolve(name.split(".")[0], modules)

    return scripted_import


def _compile_cell(source: str, index: int, first_line: int) -> tuple[Any, Any]:
    """Compile a code cell into (body, trailing expression or None). Line numbers are those of the
    file, so tracebacks and warnings point at what the learner sees."""
    padded = "\n" * (first_line - 1) + source
    filename = cell_filename(index)
    tree = ast.parse(padded, filename=filename, mode="exec")
    trailing = None
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not ends_with_semicolon(padded, last):
        tree.body.pop()
        trailing = ast.Expression(last.value)
    body = compile(tree, filename, "exec")
    expr = compile(trailing, filename, "eval") if trailing is not None else None
    return body, expr


def _run_one(cell: Cell, namespace: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "cell": cell.index,
        "code": code_summary(cell.source),
        "stdout": "",
        "exception": None,
        "warnings": [],
        "echo": None,
    }
    stdout = io.StringIO()
    collector = WarningCollector()
    source, notes = skip_ipython_lines(cell.source, cell.first_line)
    for note in notes:
        collector.add(note)
    with warnings.catch_warnings():
        notebook_warning_filters()
        warnings.showwarning = collector
        with contextlib.redirect_stdout(stdout):
            try:
                body, expr = _compile_cell(source, cell.index, cell.first_line)
                exec(body, namespace)
                if expr is not None:
                    value = eval(expr, namespace)
                    if value is not None:
                        result["echo"] = repr(value)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a cell's failure is its output
                result["exception"] = format_exception_line(exc)
    result["stdout"] = stdout.getvalue()
    result["warnings"] = collector.lines
    return result


def run_cells_trusted(cells: list[Cell], modules: Mapping[str, ModuleType]) -> list[dict[str, Any]]:
    """Run code cells in one shared namespace with plain ``exec`` (TRUSTED input only).

    ``import`` statements resolve through ``modules`` (``{"torch": gradviz.torch}`` or the real
    torch; see ``module_map``); anything else fails with ``ModuleNotFoundError``. Returns one dict
    per code cell in seed_expected.json's format plus ``echo``.
    """
    safe_builtins = dict(vars(builtins))
    safe_builtins["__import__"] = _make_import(modules)
    safe_builtins["display"] = NotebookDisplay(print)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": safe_builtins}
    return [_run_one(cell, namespace) for cell in cells if cell.kind == CODE]
