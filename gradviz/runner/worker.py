"""Run a Session in a child process the app can limit and kill: the last line of defence.

The child is a plain ``python`` subprocess (not multiprocessing, so it never re-imports the app's
``__main__`` and never touches Qt) that talks over two inherited pipe file descriptors using
``multiprocessing.connection`` framing. Inside it caps its own address space (RLIMIT_AS) and CPU
time (RLIMIT_CPU, re-armed before each cell as a backstop); the parent adds a wall-time watchdog
and ``cancel()``. So ``sum(range(10**12))`` (a C loop the sandbox's ticks cannot interrupt) or an
allocation storm ends with a message either way, and the UI thread never waits forever.

Only plain data comes back: the child converts results to builtins and the parent unpickles with
an allow-list of exactly the gradviz.runner.results classes, so even a compromised child cannot make the
parent run code by sending a crafted pickle.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from gradviz.runner.limits import Limits, limit_message
from gradviz.runner.results import CellResult, ErrorInfo, SourceSpan

__all__ = ["SessionClient", "WorkerStopped"]

_WATCHDOG_GRACE_S = 1.5  # the session's own deadline fires first; this catches C-level loops
_STARTUP_TIMEOUT_S = 60.0
_POLL_S = 0.05


class WorkerStopped(RuntimeError):
    """The child process ended (killed, crashed, or never started)."""


# -- plain data across the boundary -----------------------------------------------------------


def _plain(value: Any, depth: int = 0) -> Any:
    """Builtins only (dict/list/str/int/float/bool/None), so the parent's unpickler can refuse
    every class but the results dataclasses."""
    if depth > 200:
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, (int, float, bool)) else k: _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v, depth + 1) for v in value]
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        try:
            return _plain(tolist(), depth + 1)
        except Exception:  # noqa: BLE001
            return repr(value)
    return repr(value)


def _plain_result(result: CellResult) -> CellResult:
    result.graph = _plain(result.graph) if result.graph is not None else None
    result.backward_calls = _plain(result.backward_calls)
    result.warnings = [str(w) for w in result.warnings]
    if result.error is not None and result.error.explanation is not None:
        result.error.explanation = _plain(result.error.explanation)
    return result


_ALLOWED_CLASSES = {
    ("gradviz.runner.results", "CellResult"),
    ("gradviz.runner.results", "ErrorInfo"),
    ("gradviz.runner.results", "SourceSpan"),
}


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_CLASSES:
            return {"CellResult": CellResult, "ErrorInfo": ErrorInfo, "SourceSpan": SourceSpan}[name]
        raise pickle.UnpicklingError(f"the worker sent a {module}.{name}, which the app does not accept")


def _loads(data: bytes) -> Any:
    return _ResultUnpickler(io.BytesIO(data)).load()


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# -- the child --------------------------------------------------------------------------------


def _set_limits(limits: Limits) -> None:
    import resource

    cap = limits.memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _arm_cpu_limit(limits: Limits) -> None:
    """RLIMIT_CPU counts the whole life of the process: allow this cell its wall time plus slack."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(spent + 2 * limits.wall_time_s + 5)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def child_main(read_fd: int, write_fd: int) -> None:
    """Entry point of the worker process (started by SessionClient)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C goes to it
    requests = Connection(read_fd, writable=False)
    replies = Connection(write_fd, readable=False)
    limits, statement_graphs = pickle.loads(requests.recv_bytes())
    from gradviz.runner.session import Session

    try:  # warm the engine so the first cell is fast
        import gradviz.torch  # noqa: F401
    except Exception:  # noqa: BLE001 - a broken engine shows up as the cell's error instead
        pass
    session = Session(limits, statement_graphs=statement_graphs)
    _set_limits(limits)
    replies.send_bytes(_dumps(("ready", os.getpid())))
    while True:
        try:
            message = pickle.loads(requests.recv_bytes())
        except EOFError:
            return
        kind = message[0]
        if kind == "run":
            _, index, source, first_line = message
            _arm_cpu_limit(limits)
            result = _plain_result(session.run_cell(index, source, first_line))
            graphs = _plain(session.last_statement_graphs)
            replies.send_bytes(_dumps(("result", result, graphs)))
        elif kind == "reset":
            session.reset()
            replies.send_bytes(_dumps(("ok",)))
        elif kind == "close":
            replies.send_bytes(_dumps(("ok",)))
            return


# -- the parent -------------------------------------------------------------------------------


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[2])


class _Child:
    def __init__(self, limits: Limits, statement_graphs: bool) -> None:
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_package_root(), env.get("PYTHONPATH", "")) if p)
        # One BLAS thread: less address space per process, so RLIMIT_AS measures the learner's data.
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = "1"
        code = f"from gradviz.runner.worker import child_main; child_main({child_read}, {child_write})"
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code],
                pass_fds=(child_read, child_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        finally:
            os.close(child_read)
            os.close(child_write)
        self.requests = Connection(parent_write, readable=False)
        self.replies = Connection(parent_read, writable=False)
        self.requests.send_bytes(pickle.dumps((limits, statement_graphs)))

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for conn in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                conn.close()


class SessionClient:
    """A Session in a worker process, with the same ``run_cell(...) -> CellResult``.

    ``run_cell`` blocks (call it from a worker thread in the UI). ``cancel()`` may be called from
    any thread: it kills the child, the blocked call returns a CellResult saying the run was
    cancelled, and the next call starts a fresh child, whose namespace is empty: ``generation``
    counts children so the UI can tell, and re-run earlier cells.
    """

    def __init__(self, limits: Limits | None = None, *, statement_graphs: bool = False, start: bool = True) -> None:
        self.limits = limits or Limits()
        self.statement_graphs = statement_graphs
        self.generation = 0
        self.last_statement_graphs: list[dict[str, Any]] = []
        self._call_lock = threading.Lock()  # one request at a time
        self._child_lock = threading.Lock()  # guards _child / _starting / _cancelled
        self._child: _Child | None = None
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        self._ready = threading.Event()
        self._cancelled = False
        self._busy = False
        self._running = threading.Event()  # set while a cell is in the child's hands: cancel() stops it
        self._closed = False
        if start:
            self._start_in_background()

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        with self._child_lock:
            child = self._child
        return child is not None and self._ready.is_set() and child.process.poll() is None

    def _start_in_background(self) -> None:
        with self._child_lock:
            if self._closed or self._starting is not None or self._child is not None:
                return
            self._ready.clear()
            self._start_error = None
            thread = threading.Thread(target=self._start_child, name="gradviz-worker-start", daemon=True)
            self._starting = thread
        thread.start()

    def _start_child(self) -> None:
        try:
            child = _Child(self.limits, self.statement_graphs)
            if not child.replies.poll(_STARTUP_TIMEOUT_S):
                child.kill()
                raise WorkerStopped("the worker process did not start in time")
            message = _loads(child.replies.recv_bytes())
            if message[0] != "ready":
                child.kill()
                raise WorkerStopped(f"the worker process sent {message[0]!r} instead of 'ready'")
        except BaseException as exc:  # noqa: BLE001 - reported by the next call
            with self._child_lock:
                self._start_error = exc
                self._starting = None
            self._ready.set()
            return
        with self._child_lock:
            self._starting = None
            if self._closed:
                child.kill()
            else:
                self._child = child
                self.generation += 1
        self._ready.set()

    def _ensure_child(self) -> _Child:
        if self._closed:
            raise WorkerStopped("the session client is closed")
        self._start_in_background()
        self._ready.wait()
        with self._child_lock:
            child, error = self._child, self._start_error
        if child is None:
            raise WorkerStopped(f"the worker process could not start: {error}")
        return child

    def _drop_child(self) -> None:
        with self._child_lock:
            child, self._child = self._child, None
            self._ready.clear()
        if child is not None:
            child.kill()

    def close(self) -> None:
        with self._child_lock:
            self._closed = True
            starting = self._starting
        if starting is not None:
            starting.join(timeout=_STARTUP_TIMEOUT_S)
        with self._child_lock:
            child = self._child
        if child is not None and not self._busy:
            try:
                child.requests.send_bytes(_dumps(("close",)))
                child.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._drop_child()

    def __enter__(self) -> SessionClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ----------------------------------------------------------------------------
    def wait_until_running(self, timeout: float | None = None) -> bool:
        """Block until a ``run_cell`` call holds a started worker for its cell (thread-safe).

        From then until that call returns, ``cancel()`` stops the cell and returns True, so another
        thread can cancel without guessing when the run began. False if none began within ``timeout`` s.
        """
        return self._running.wait(timeout)

    def cancel(self) -> bool:
        """Kill the running cell's worker (thread-safe). Returns whether a run was cancelled."""
        with self._child_lock:
            if not self._busy or self._child is None:
                return False
            self._cancelled = True
            child = self._child
        if child.process.poll() is None:
            child.process.kill()
        return True

    def reset(self) -> None:
        """Empty the namespace (in the same child if it is alive)."""
        with self._call_lock:
            with self._child_lock:
                child = self._child
            if child is None or child.process.poll() is not None:
                return
            try:
                child.requests.send_bytes(_dumps(("reset",)))
                if child.replies.poll(10):
                    _loads(child.replies.recv_bytes())
                    return
            except (OSError, EOFError):
                pass
            self._drop_child()
            self._start_in_background()

    def run_cells(self, cells: Any) -> list[CellResult]:
        return [self.run_cell(c.index, c.source, c.first_line) for c in cells if getattr(c, "kind", "code") == "code"]

    def run_cell(self, index: int, source: str, first_line: int = 1) -> CellResult:
        started = time.perf_counter()
        with self._call_lock:
            self.last_statement_graphs = []
            try:
                child = self._ensure_child()
            except WorkerStopped as exc:
                return self._failed(index, started, "WorkerError", str(exc))
            with self._child_lock:
                self._busy = True
                self._cancelled = False
                self._running.set()
            try:
                return self._exchange(child, index, source, first_line, started)
            finally:
                with self._child_lock:
                    self._busy = False
                    self._running.clear()

    def _exchange(self, child: _Child, index: int, source: str, first_line: int, started: float) -> CellResult:
        deadline = time.monotonic() + self.limits.wall_time_s + _WATCHDOG_GRACE_S
        try:
            child.requests.send_bytes(_dumps(("run", index, source, first_line)))
            while True:
                if child.replies.poll(_POLL_S):
                    message = _loads(child.replies.recv_bytes())
                    _, result, graphs = message
                    self.last_statement_graphs = graphs
                    return result
                if self._cancelled:
                    break
                if time.monotonic() > deadline:
                    self._drop_child()
                    message_text = limit_message(
                        "the cell's running time", "wall_time_s", f"{self.limits.wall_time_s:g} s"
                    )
                    return self._failed(index, started, "ResourceLimit", message_text + self._lost())
                if child.process.poll() is not None:
                    break
        except (EOFError, OSError):
            pass
        except pickle.UnpicklingError as exc:
            self._drop_child()
            return self._failed(index, started, "WorkerError", str(exc) + self._lost())
        cancelled = self._cancelled
        code = child.process.poll()
        self._drop_child()
        if cancelled:
            return self._failed(index, started, "Cancelled", "the run was cancelled" + self._lost())
        if code == -signal.SIGXCPU:
            text = limit_message("the cell's processor time", "wall_time_s", f"{self.limits.wall_time_s:g} s")
            return self._failed(index, started, "ResourceLimit", text + self._lost())
        return self._failed(
            index,
            started,
            "WorkerError",
            f"the worker process stopped unexpectedly (exit status {code})" + self._lost(),
        )

    @staticmethod
    def _lost() -> str:
        return "; the worker was restarted and variables from earlier cells are gone (run them again)"

    def _failed(self, index: int, started: float, kind: str, message: str) -> CellResult:
        self._start_in_background()  # warm the next child while the UI shows the message
        return CellResult(
            index=index,
            error=ErrorInfo(type=kind, message=message, cell=index),
            duration_s=time.perf_counter() - started,
        )
