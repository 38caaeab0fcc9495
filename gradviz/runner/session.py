"""A learner's script run cell by cell in one sandboxed namespace, recording what the app shows.

For each cell :meth:`Session.run_cell` returns a plain-data CellResult: printed output, the echo of
a trailing expression, warnings, the error that ended the cell (as the console reports it), a
snapshot of the autograd graph of the named tensors, and every backward() call's trace tagged
with the line that made it. Only this object touches live Tensors; in the app it lives in the
worker process (gradviz.runner.worker) and only CellResults cross the process boundary.

Time and recursion caps here are cooperative (ticks in the rewritten code, the interpreter's
recursion limit); memory and C-level runaway loops are the worker's job.
"""

from __future__ import annotations

import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from types import FrameType
from typing import Any

from gradviz.autograd import provenance
from gradviz.runner import capture
from gradviz.runner import cells as cells_module
from gradviz.runner.limits import Limits, ResourceLimitError, WallTimeExceeded, how_to_raise, limit_message, use_limits
from gradviz.runner.numpy_state import NumpySettings
from gradviz.runner.recording import CallRecorder, RandomSeeds, wanted_in_cell
from gradviz.runner.results import CellResult, ErrorInfo, SourceSpan
from gradviz.runner.sandbox import plots
from gradviz.runner.sandbox.compile import compile_cell, new_namespace
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.runtime import Runtime

__all__ = ["Session", "named_tensors"]

# Frames the engine and the runner need on top of the learner's own recursion.
_RECURSION_MARGIN = 200
_MAX_CONTAINER_NAMES = 64


def _tensor_type() -> type | None:
    try:
        from gradviz.autograd.tensor import Tensor
    except ImportError:
        return None
    return Tensor


def _module_type() -> type | None:
    try:
        from gradviz.torch.nn import Module
    except ImportError:
        return None
    return Module


def named_tensors(
    namespace: Mapping[str, Any], is_user_object: Callable[[Any], bool] = lambda _: False
) -> dict[str, Any]:
    """The tensors the learner can name: ``y``, ``model.fc1.weight``, ``params[0]``, ``self.w``.

    The latest binding wins naturally (the namespace holds current bindings), so ``y = y * 2``
    moves the name ``y`` to the new tensor.
    """
    tensor_type = _tensor_type()
    if tensor_type is None:
        return {}
    module_type = _module_type()
    named: dict[str, Any] = {}
    for name, value in namespace.items():
        if name.startswith("__"):
            continue
        if isinstance(value, tensor_type):
            named[name] = value
        elif module_type is not None and isinstance(value, module_type):
            _module_parameters(name, value, named, tensor_type)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value[:_MAX_CONTAINER_NAMES]):
                if isinstance(item, tensor_type):
                    named[f"{name}[{i}]"] = item
        elif isinstance(value, dict):
            for key, item in list(value.items())[:_MAX_CONTAINER_NAMES]:
                if isinstance(item, tensor_type) and isinstance(key, (str, int)):
                    named[f"{name}[{key!r}]"] = item
        elif is_user_object(value):
            for attr, item in list(getattr(value, "__dict__", {}).items())[:_MAX_CONTAINER_NAMES]:
                if isinstance(item, tensor_type) and not attr.startswith("_"):
                    named[f"{name}.{attr}"] = item
    return named


def _module_parameters(name: str, module: Any, named: dict[str, Any], tensor_type: type) -> None:
    params = getattr(module, "named_parameters", None)
    if not callable(params):
        return
    try:
        for pname, param in params():
            if isinstance(param, tensor_type):
                named[f"{name}.{pname}"] = param
    except Exception:  # noqa: BLE001 - a half-built learner module must not break the snapshot
        return


def _call_site(
    frame: FrameType | None, sources: Mapping[int, tuple[str, int]], cache: dict[Any, Any] | None = None
) -> dict[str, Any] | None:
    """Cell, line and column of the learner's code that is executing in the innermost cell frame
    (for a backward trace: the ``.backward()`` call itself, hooks having returned by then).
    ``cache`` keeps each code object's positions and each cell's lines: a loop asks thousands of
    times from the same code."""
    where = capture.innermost_cell_frame(frame)
    if where is None:
        return None
    cell = capture.cell_index(where.f_code.co_filename)
    line, end_line, col, end_col = where.f_lineno, where.f_lineno, None, None
    cache = {} if cache is None else cache
    positions = cache.get(where.f_code)
    if positions is None:
        positions = cache[where.f_code] = list(where.f_code.co_positions())
    index = where.f_lasti // 2
    if 0 <= index < len(positions):
        p_line, p_end_line, p_col, p_end_col = positions[index]
        if p_line is not None:
            line, end_line, col, end_col = p_line, p_end_line or p_line, p_col, p_end_col
    source = sources.get(cell) if cell is not None else None

    def char_col(at_line: int, byte_col: int | None) -> int | None:
        if byte_col is None or source is None:
            return byte_col
        text, first = source
        lines = cache.get(text)
        if lines is None:
            lines = cache[text] = cells_module.source_lines(text)
        if 0 <= at_line - first < len(lines):
            return cells_module.char_column(lines[at_line - first], byte_col)
        return byte_col

    return {
        "cell": cell,
        "line": line,
        "col": char_col(line, col),
        "end_line": end_line,
        "end_col": char_col(end_line, end_col),
    }


class Session:
    """One namespace; cells run in order; see the module docstring."""

    def __init__(self, limits: Limits | None = None, *, statement_graphs: bool = False, snapshots: bool = True) -> None:
        self.limits = limits or Limits()
        self.statement_graphs = statement_graphs
        self.snapshots = snapshots
        self.last_statement_graphs: list[dict[str, Any]] = []
        self._backward_roots: list[Any] = []  # tensors backward() started from in the running cell
        self._all_backward_calls: list[dict[str, Any]] = []  # every call so far: why-None needs them
        self.last_snapshot_error: str | None = None
        self._sources: dict[int, tuple[str, int]] = {}
        self.reset()

    def reset(self) -> None:
        """Forget every binding (and the learner's classes); limits and options stay."""
        self.runtime = Runtime(self.limits)
        self.namespace = new_namespace(self.runtime)
        # Notebooks call IPython's display(); a plain tensor shows as its repr, as print shows it.
        self.namespace["__builtins__"]["display"] = capture.NotebookDisplay(self.runtime.print_)
        self._sources = {}
        self._all_backward_calls = []
        self._calls_made = 0  # backward calls of every cell so far (a run's call N counts them all)
        self._learner_numpy = NumpySettings.defaults()
        if self.limits.random_seeds is not None:
            # A fresh session starts the random streams where the run it repeats started them.
            RandomSeeds.of(self.limits.random_seeds).apply()

    # -- running -----------------------------------------------------------------------------
    def run_cells(self, cells: Iterable[Any]) -> list[CellResult]:
        """Run ``gradviz.runner.cells.Cell`` objects (markdown cells are skipped)."""
        return [
            self.run_cell(c.index, c.source, c.first_line)
            for c in cells
            if getattr(c, "kind", cells_module.CODE) == cells_module.CODE
        ]

    def run_cell(self, index: int, source: str, first_line: int = 1) -> CellResult:
        started = time.perf_counter()
        result = CellResult(index=index)
        self._sources[index] = (source, first_line)
        self.last_statement_graphs = []
        collector = capture.WarningCollector(self.limits.max_output_chars)
        runnable, notes = capture.skip_ipython_lines(source, first_line)
        for note in notes:
            collector.add(note)
        try:
            with warnings.catch_warnings():
                # Compiling may warn (SyntaxWarning: "'int' object is not callable; ..."), as Python does.
                capture.notebook_warning_filters()
                warnings.showwarning = collector
                code = compile_cell(runnable, index, first_line, self.runtime)
        except SyntaxError as exc:
            result.error = ErrorInfo(
                type=type(exc).__name__,
                message=exc.msg or "invalid syntax",
                line=exc.lineno,
                col=(exc.offset - 1) if exc.offset else None,
                cell=index,
            )
        except SandboxError as exc:
            result.error = ErrorInfo(type="SandboxError", message=str(exc), line=exc.line, col=exc.col, cell=index)
        else:
            self._execute(code, index, result, collector)
        result.warnings = collector.lines
        _bound_text(result, self.limits.max_output_chars)
        result.duration_s = time.perf_counter() - started
        return result

    def _execute(self, code: Any, index: int, result: CellResult, collector: capture.WarningCollector) -> None:
        runtime = self.runtime
        wanted = wanted_in_cell(self.limits.record_calls, index, self._calls_made)
        recorder = CallRecorder(
            self.limits.max_detailed_calls, self.limits.max_summarized_calls, wanted, self.limits.detail_budget
        )
        unsubscribe = self._subscribe_traces(recorder)
        if self.statement_graphs:
            runtime.on_top_statement = self._record_statement_graph
        old_limit = sys.getrecursionlimit()
        host_numpy = NumpySettings.capture()
        try:
            self._learner_numpy.apply()
            with use_limits(self.limits), warnings.catch_warnings():
                capture.notebook_warning_filters()
                warnings.showwarning = collector
                runtime.begin(self.limits)
                plots.set_note_sink(_plot_notes(collector))
                sys.setrecursionlimit(_stack_depth() + self.limits.max_recursion + _RECURSION_MARGIN)
                try:
                    exec(code, self.namespace)
                    if runtime.echo_set and runtime.echo_value is not None:
                        result.echo = repr(runtime.echo_value)
                except BaseException as exc:
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    result.error = self._error_info(exc, index)
                finally:
                    sys.setrecursionlimit(old_limit)
                    if self.statement_graphs and runtime.last_top_span is not None:
                        self._record_statement_graph(runtime.last_top_span)
                    runtime.end()
        finally:
            self._learner_numpy = NumpySettings.capture()
            host_numpy.apply()
            runtime.on_top_statement = None
            plots.set_note_sink(None)
            if unsubscribe is not None:
                unsubscribe()
            provenance.set_current_span(None)
        result.stdout = runtime.output.getvalue()
        self._calls_made += recorder.seen
        traces = recorder.calls
        result.backward_calls = traces
        self._all_backward_calls.extend(traces)
        if result.error is not None and result.error.explanation is None:
            result.error.explanation = self._explain_error(result.error)
        try:
            if self.snapshots:
                result.graph = self._snapshot()
                if result.graph is not None and result.graph["graph"].get("truncated"):
                    collector.add(self._truncation_note())
                if result.graph is None and result.error is None and self.runtime.deadline < time.monotonic():
                    message = limit_message("the cell's running time", "wall_time_s", f"{self.limits.wall_time_s:g} s")
                    result.error = ErrorInfo(
                        type="ResourceLimit", message=message + " (while gradviz read the graph)", cell=index
                    )
        finally:
            runtime.release()

    # -- errors ------------------------------------------------------------------------------
    def _error_info(self, exc: BaseException, index: int) -> ErrorInfo:
        line, col = self._error_location(exc)
        if isinstance(exc, (WallTimeExceeded, ResourceLimitError)):
            kind, message = "ResourceLimit", str(exc)
        elif isinstance(exc, SandboxError):
            kind, message = "SandboxError", str(exc)
            line = exc.line if exc.line is not None else line
        elif isinstance(exc, RecursionError):
            kind = "RecursionError"
            message = (
                f"maximum recursion depth exceeded (gradviz limit max_recursion={self.limits.max_recursion}; "
                f"raise it with {how_to_raise('max_recursion')})"
            )
        elif isinstance(exc, MemoryError):
            kind = "ResourceLimit"
            message = limit_message("the memory the code asked for", "memory_mb", f"{self.limits.memory_mb} MB")
        else:
            headline = capture.format_exception_line(exc)
            kind = type(exc).__name__
            prefix = kind + ": "
            message = headline[len(prefix) :] if headline.startswith(prefix) else ("" if headline == kind else headline)
            # The learner's own message is output like any other; gradviz's messages above are not cut.
            message = capture.cut_text(message, self.limits.max_output_chars)
            if "<exception str() failed>" in headline and time.monotonic() > self.runtime.deadline:
                # The exception's own __str__ ran into the time limit: say so, not "str() failed".
                kind = "ResourceLimit"
                message = limit_message("the cell's running time", "wall_time_s", f"{self.limits.wall_time_s:g} s")
        # gradviz's own errors carry a graph node and an explanation; a learner's exception class
        # could carry made-up ones that the app would show as gradviz's.
        from_gradviz = not self.runtime.guard.is_user_class(type(exc))
        node_id = getattr(exc, "node_id", None) if from_gradviz else None
        explanation = getattr(exc, "explanation", None) if from_gradviz else None
        return ErrorInfo(
            type=kind,
            message=message,
            line=line,
            col=col,
            cell=index,
            node_id=node_id if isinstance(node_id, str) else None,
            explanation=explanation if isinstance(explanation, dict) else None,
        )

    def _explain_error(self, error: ErrorInfo) -> dict[str, Any] | None:
        """The error in plain words, its fix naming the learner's variable: the one backward() was
        called on in the failing line or, for "a second time", in the earlier call that freed the
        buffers (that call is the one that needs retain_graph=True)."""
        from gradviz.backward.explain import backward_receiver, explain_error
        from gradviz.backward.replay import find_freeing_call

        cell, line = error.cell, error.line
        if "a second time" in error.message:
            calls = self._all_backward_calls
            freeing = find_freeing_call(calls, len(calls), error.node_id) if error.node_id else None
            earlier = calls[freeing[0]] if freeing is not None else _last_freeing_call(calls, cell, line)
            if earlier is not None:
                cell, line = earlier.get("cell"), earlier.get("line")
        root = backward_receiver(self._line_text(cell, line))
        reason = explain_error(error.type, error.message, names={"root": root} if root else None)
        return reason.to_dict() if reason is not None else None

    def _line_text(self, cell: int | None, line: int | None) -> str | None:
        """File line ``line`` of cell ``cell``'s source, when both are known."""
        found = self._sources.get(cell) if cell is not None else None
        if found is None or line is None:
            return None
        source, first_line = found
        lines = source.splitlines()
        at = line - first_line
        return lines[at] if 0 <= at < len(lines) else None

    def _error_location(self, exc: BaseException) -> tuple[int | None, int | None]:
        """The innermost learner line on the traceback (the line Python's traceback shows last)."""
        line: int | None = None
        for frame in traceback.extract_tb(exc.__traceback__):
            if capture.cell_index(frame.filename) is not None:
                line = frame.lineno
        span = self.runtime.current_span
        col = span.col if span is not None and span.line == line else None
        return line, col

    # -- recording ---------------------------------------------------------------------------
    def _subscribe_traces(self, recorder: CallRecorder) -> Callable[[], None] | None:
        try:
            from gradviz.autograd import trace as trace_module
        except ImportError:
            return None
        sources = self._sources
        roots = self._backward_roots
        roots.clear()
        sites: dict[Any, Any] = {}  # this cell's code positions and lines, read once

        def on_trace(trace: Any) -> None:
            site = _call_site(sys._getframe(1), sources, sites)
            if site is not None:
                # The engine leaves cell/line to the runner: only it knows the learner's file.
                if getattr(trace, "cell", None) is None:
                    trace.cell = site["cell"]
                if getattr(trace, "line", None) is None:
                    trace.line = site["line"]
            recorder.add(trace, site)
            # Only the detailed calls' roots stay alive for the snapshot: a summarised call's graph is gone.
            roots[:] = recorder.live_roots()

        return trace_module.subscribe(on_trace, recorder.wants_detail)

    def named_tensors(self) -> dict[str, Any]:
        return named_tensors(self.namespace, lambda v: self.runtime.guard.is_user_class(type(v)))

    def _module_names(self) -> dict[int, str]:
        """id(module) -> the variable holding it (``loss_fn``), for modules named by nothing else."""
        module_type = _module_type()
        if module_type is None:
            return {}
        names: dict[int, str] = {}
        for name, value in self.namespace.items():
            if not name.startswith("_") and isinstance(value, module_type):
                names.setdefault(id(value), name)
        return names

    def _snapshot(self) -> dict[str, Any] | None:
        try:
            from gradviz.graph.snapshot import build_snapshot
        except ImportError:
            return None
        try:
            self.last_snapshot_error = None
            # The tensors backward started from in this cell are drawn too, even when unnamed,
            # so each backward call can be replayed on the graph it actually ran through.
            snapshot = build_snapshot(
                self.named_tensors(),
                extra=list(self._backward_roots),
                max_nodes=self.limits.max_graph_nodes,
                module_names=self._module_names(),
            )
            from gradviz.backward.explain import annotate_snapshot
            from gradviz.graph.naming import name_by_source

            # Unnamed intermediates read as the expression that made them (``y * y``); every
            # tensor whose .grad is None says why, with a fix only where the script can take it.
            name_by_source(snapshot, self._sources)
            return annotate_snapshot(snapshot, self._all_backward_calls, self._sources)
        except WallTimeExceeded as exc:  # learner code the snapshot called (``items``, ``named_parameters``)
            self.last_snapshot_error = str(exc)
            return None
        except Exception as exc:  # noqa: BLE001 - a snapshot bug must not lose the cell's output
            self.last_snapshot_error = capture.format_exception_line(exc)
            return None

    def _truncation_note(self) -> str:
        budget = f"{self.limits.max_graph_nodes:,}"
        return (
            f"Note: the graph has more than {budget} tensors and ops; gradviz kept the {budget} nearest "
            f"the tensors the code holds (ops at its edge are marked cut). Raise it with "
            f"{how_to_raise('max_graph_nodes')}."
        )

    def _record_statement_graph(self, span: SourceSpan) -> None:
        graph = self._snapshot()
        self.last_statement_graphs.append({"span": asdict(span), "graph": graph})


def _plot_notes(collector: capture.WarningCollector) -> Callable[[str], None]:
    """A note for each learner line that uses matplotlib (gradviz.runner.sandbox.plots), once per line."""
    noted: set[tuple[int | None, int]] = set()

    def note(what: str) -> None:
        frame = capture.innermost_cell_frame(sys._getframe(1))
        if frame is None:
            return
        where = (capture.cell_index(frame.f_code.co_filename), frame.f_lineno)
        if where in noted:
            return
        noted.add(where)
        done = "import matplotlib works, its calls are skipped" if what == "matplotlib" else f"{what}() skipped"
        collector.add(f"Note: line {frame.f_lineno}: {done}: {plots.NOT_DRAWN}")

    return note


def _last_freeing_call(calls: list[dict[str, Any]], cell: int | None, line: int | None) -> dict[str, Any] | None:
    """The latest backward call, other than the one on (cell, line), that freed saved buffers."""
    for call in reversed(calls):
        if (call.get("cell"), call.get("line")) == (cell, line):
            continue
        if any(e.get("type") == "buffer_freed" for e in call.get("events", [])):
            return call
    return None


def _printable(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes, or built by hand) written as ``\\udcff``
    escapes: they cannot be encoded, so printing, pickling to text or saving them would fail far
    from the cell that made them."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _bound_text(result: CellResult, max_chars: int) -> None:
    """Every text of a cell's result within the output cap (printed output stops at the cap as it
    is written, warnings are capped as they come, a learner's exception message where it is
    read) and printable anywhere."""
    result.stdout = _printable(result.stdout)
    if result.echo is not None:
        result.echo = _printable(capture.cut_text(result.echo, max_chars))
    result.warnings = [_printable(line) for line in result.warnings]
    if result.error is not None:
        result.error.type = _printable(result.error.type)
        result.error.message = _printable(result.error.message)


def _stack_depth() -> int:
    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth
