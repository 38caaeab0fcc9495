"""Run a Session in a child process the app can limit and kill: the last line of defence.

The child is a plain ``python -I`` subprocess (not multiprocessing, so it never re-imports the
app's ``__main__`` and never touches Qt) that talks over two inherited pipe file descriptors using
``multiprocessing.connection`` framing. Before it reads any learner code it contains itself
(gradviz.runner.containment: closed descriptors, an environment with nothing of the user's,
rlimits, and on Linux capabilities dropped, Landlock and seccomp) and tells the parent how that
went (``SessionClient.containment``). It also caps its own address space (RLIMIT_AS) and CPU time
(RLIMIT_CPU, re-armed before each cell as a backstop); the parent adds a wall-time watchdog and
``cancel()``. So ``sum(range(10**12))`` (a C loop the sandbox's ticks cannot interrupt) or an
allocation storm ends with a message either way, and the UI thread never waits forever.

The child works in a private temporary folder the parent creates and removes: the only place it
may write. Each chunk a cell prints is also written there as it is printed, and faulthandler
writes a crash's traceback to the child's stderr, which the parent drains; so when the child dies
mid-cell (a C stack overflow, a bad pointer) the parent still reports what was printed, the
learner's line and the real signal (gradviz.runner.worker_exit).

Only plain data comes back: the child converts results to builtins and the parent unpickles with
an allow-list of exactly the gradviz.runner.results classes, so even a compromised child cannot make the
parent run code by sending a crafted pickle.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from gradviz.runner.containment import Containment, worker_command, worker_environment
from gradviz.runner.limits import Limits, limit_message
from gradviz.runner.recording import RandomSeeds
from gradviz.runner.results import CellResult, ErrorInfo, SourceSpan
from gradviz.runner.worker_exit import (
    OUTPUT_FILE_NAME,
    OutputMirror,
    StderrTail,
    learner_line,
    mirror_file_bytes,
    read_printed_output,
    stop_description,
    stream_runtime_output,
)

__all__ = ["SessionClient", "WorkerStopped"]

_WATCHDOG_GRACE_S = 1.5  # the session's own deadline fires first; this catches C-level loops
_STARTUP_TIMEOUT_S = 60.0
_POLL_S = 0.05
_EXIT_WAIT_S = 5.0  # a child whose channel closed gets this long to exit before it is killed


class WorkerStopped(RuntimeError):  # noqa: N818 - names the state, as callers read it
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
    """The child's message; any way a malformed one fails to load is an UnpicklingError."""
    try:
        return _ResultUnpickler(io.BytesIO(data)).load()
    except pickle.UnpicklingError:
        raise
    except Exception as exc:
        raise pickle.UnpicklingError(f"the worker sent a message the app cannot read ({type(exc).__name__})") from exc


def _receive(replies: Connection, memory_mb: int) -> bytes:
    """One message from the child, refused unread when its header claims more than the child's
    whole address space could have built: a compromised child could otherwise make the app
    allocate whatever size it names."""
    try:
        return replies.recv_bytes(memory_mb * 1024 * 1024)
    except OSError as exc:
        if "bad message length" in str(exc):
            raise pickle.UnpicklingError(f"the worker sent a message larger than {memory_mb} MB") from exc
        raise


def _optional(value: Any, kind: type | tuple[type, ...]) -> bool:
    return value is None or isinstance(value, kind)


def _checked_result(message: Any) -> tuple[CellResult, list[Any]]:
    """A ``("result", CellResult, graphs)`` message whose fields have the types the UI reads, or an
    UnpicklingError: a compromised child could send any shape, and the UI must only show data."""
    if not (isinstance(message, tuple) and len(message) == 3 and message[0] == "result"):
        raise pickle.UnpicklingError("the worker sent a malformed result message")
    _, result, graphs = message
    try:  # an instance built without __init__ may lack any field
        plain = _valid_result(result) and isinstance(graphs, list)
        plain = plain and _shallow(
            [result.graph, result.backward_calls, graphs, result.error and result.error.explanation]
        )
    except AttributeError:
        plain = False
    if not plain:
        raise pickle.UnpicklingError("the worker sent a result whose fields are not plain data")
    return result, graphs


_MAX_NESTING = 256  # _plain turns anything deeper than 200 into its repr


def _shallow(value: Any) -> bool:
    """Whether ``value`` nests containers at most _MAX_NESTING deep (walked without recursion): the
    app's code that reads a graph recurses, and a crafted million-deep list would overflow it."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > _MAX_NESTING:
            return False
        if isinstance(item, dict):
            pending.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend((v, depth + 1) for v in item)
    return True


def _valid_result(result: Any) -> bool:
    error = result.error
    return (
        type(result) is CellResult
        and isinstance(result.index, int)
        and isinstance(result.stdout, str)
        and _optional(result.echo, str)
        and isinstance(result.warnings, list)
        and all(isinstance(w, str) for w in result.warnings)
        and _optional(result.graph, dict)
        and isinstance(result.backward_calls, list)
        and isinstance(result.duration_s, (int, float))
        and (error is None or _valid_error(error))
    )


def _valid_error(error: Any) -> bool:
    return (
        type(error) is ErrorInfo
        and isinstance(error.type, str)
        and isinstance(error.message, str)
        and all(_optional(getattr(error, f), int) for f in ("line", "col", "cell"))
        and _optional(error.node_id, str)
        and _optional(error.explanation, dict)
    )


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# -- the child --------------------------------------------------------------------------------


def _stack_bytes() -> int:
    try:
        import resource
    except ImportError:
        return -1
    soft, _hard = resource.getrlimit(resource.RLIMIT_STACK)
    return -1 if soft == resource.RLIM_INFINITY else int(soft)


def child_main(read_fd: int, write_fd: int) -> None:
    """Entry point of the worker process (started by SessionClient)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C goes to it
    requests = Connection(read_fd, writable=False)
    replies = Connection(write_fd, readable=False)
    limits, statement_graphs, private_dir, from_parent = pickle.loads(requests.recv_bytes())
    # Everything the worker needs is imported before the walls go up: shared libraries (numpy's
    # BLAS, libc's helpers) may live outside the folders the worker can read afterwards.
    from gradviz.runner.containment import contain_worker
    from gradviz.runner.containment.rlimits import arm_cpu_time, cap_address_space
    from gradviz.runner.session import Session

    with contextlib.suppress(Exception):  # a broken engine shows up as the cell's error instead
        # Warm the engine and what the session imports lazily when a cell ends (the graph snapshot
        # with networkx, its explanations, nn modules): otherwise the first cell spends ~0.5 s of
        # its wall time importing, enough on a loaded machine for the watchdog to end `x = 1`.
        import gradviz.backward.explain
        import gradviz.graph.snapshot
        import gradviz.torch
        import gradviz.torch.nn  # noqa: F401
    largest_file = mirror_file_bytes(limits.max_output_chars)
    containment = contain_worker(private_dir, (read_fd, write_fd), largest_file, from_parent)
    faulthandler.enable(sys.stderr)  # a crash's traceback names the learner's line for the parent
    mirror = OutputMirror(os.path.join(private_dir, OUTPUT_FILE_NAME), limits.max_output_chars)
    session = Session(limits, statement_graphs=statement_graphs)
    stream_runtime_output(session.runtime, mirror)
    cap_address_space(limits.memory_mb)
    replies.send_bytes(_dumps(("ready", os.getpid(), containment.to_dict(), _stack_bytes())))
    while True:
        try:
            message = pickle.loads(requests.recv_bytes())
        except EOFError:
            return
        kind = message[0]
        if kind == "run":
            _, index, source, first_line = message
            arm_cpu_time(limits.wall_time_s)
            result = _plain_result(session.run_cell(index, source, first_line))
            graphs = _plain(session.last_statement_graphs)
            replies.send_bytes(_dumps(("result", result, graphs)))
        elif kind == "reset":
            if len(message) > 1 and message[1] is not None:
                session.limits = session.limits.with_changes(random_seeds=tuple(message[1]))
            session.reset()
            stream_runtime_output(session.runtime, mirror)
            replies.send_bytes(_dumps(("ok",)))
        elif kind == "probe":
            from gradviz.runner.containment.probes import run_probe

            verdict, detail = run_probe(str(message[1]), tuple(message[2]))
            replies.send_bytes(_dumps(("probe", verdict, detail)))
        elif kind == "close":
            replies.send_bytes(_dumps(("ok",)))
            return


# -- the parent -------------------------------------------------------------------------------


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[2])


class _Child:
    """One worker process, its channel, its stderr and its private folder."""

    def __init__(self, limits: Limits, statement_graphs: bool) -> None:
        self.limits = limits
        self.private_dir = tempfile.mkdtemp(prefix="gradviz-worker-")
        self._remove_dir = weakref.finalize(self, shutil.rmtree, self.private_dir, True)
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        # -I: no PYTHON* variables, no user site-packages, not the current folder on sys.path
        # (a learner's numpy.py next to their script must not replace numpy); gradviz's own folder
        # is put first so the child runs the same gradviz as the app.
        code = (
            f"import sys; sys.path.insert(0, {_package_root()!r}); "
            f"from gradviz.runner.worker import child_main; child_main({child_read}, {child_write})"
        )
        argv, from_parent = worker_command([sys.executable, "-I", "-c", code], self.private_dir)
        try:
            self.process = subprocess.Popen(
                argv,
                pass_fds=(child_read, child_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=worker_environment(self.private_dir),
                cwd=self.private_dir,
                close_fds=True,
                start_new_session=True,  # no terminal signals, no controlling terminal
            )
        except BaseException:
            for fd in (parent_read, parent_write):
                os.close(fd)
            self._remove_dir()
            raise
        finally:
            os.close(child_read)
            os.close(child_write)
        assert self.process.stderr is not None
        self.stderr = StderrTail(self.process.stderr)
        self.requests = Connection(parent_write, readable=False)
        self.replies = Connection(parent_read, writable=False)
        self.job: Any = None
        if sys.platform == "win32":
            from gradviz.runner.containment.windows import JobObject

            try:  # before the first message: the child waits for it before doing anything
                self.job = JobObject(limits.memory_mb)
                self.job.assign(self.process.pid)
                from_parent.append("job-object")
            except OSError:
                self.job = None
        self.requests.send_bytes(pickle.dumps((limits, statement_graphs, self.private_dir, from_parent)))

    def wait_for_exit(self) -> int | None:
        """The exit status once the process has ended; a child whose channel closed but that
        lingers is killed after a short wait, so a status is always known."""
        try:
            return self.process.wait(timeout=_EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                return self.process.wait(timeout=_EXIT_WAIT_S)
        return self.process.poll()

    def printed_output(self) -> str:
        return read_printed_output(self.private_dir, self.limits.max_output_chars)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for conn in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                conn.close()
        self.stderr.close()
        if self.job is not None:
            self.job.close()
        self._remove_dir()


class SessionClient:
    """A Session in a worker process, with the same ``run_cell(...) -> CellResult``.

    ``run_cell`` blocks (call it from a worker thread in the UI). ``cancel()`` may be called from
    any thread: it kills the child, the blocked call returns a CellResult saying the run was
    cancelled, and the next call starts a fresh child, whose namespace is empty: ``generation``
    counts children so the UI can tell, and re-run earlier cells. ``containment`` says which
    operating-system walls the current child stands behind (None until one has started).
    """

    def __init__(self, limits: Limits | None = None, *, statement_graphs: bool = False, start: bool = True) -> None:
        self.limits = limits or Limits()
        if self.limits.random_seeds is None:
            # Chosen here, not in the child, so the client can name them: a request to record a
            # call in full runs again from the same seeds (gradviz.runner.recording.RandomSeeds).
            self.limits = self.limits.with_changes(random_seeds=RandomSeeds.fresh().as_tuple())
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
        self._containment: Containment | None = None
        self._stack_bytes = -1  # the child's C stack limit, named when it overflows
        if start:
            self._start_in_background()

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def containment(self) -> Containment | None:
        """How the latest worker is contained (it said so at start-up); None before any started."""
        with self._child_lock:
            return self._containment

    @property
    def random_seeds(self) -> tuple[int, int, int] | None:
        """The seeds every session of this client starts from (torch, numpy, random)."""
        return self.limits.random_seeds

    @property
    def worker_pid(self) -> int | None:
        """The current worker's process id (for diagnostics), None when there is none."""
        with self._child_lock:
            child = self._child
        return child.process.pid if child is not None else None

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
            try:
                if not child.replies.poll(_STARTUP_TIMEOUT_S):
                    raise WorkerStopped("the worker process did not start in time")
                message = _loads(child.replies.recv_bytes())
                if message[0] != "ready":
                    raise WorkerStopped(f"the worker process sent {message[0]!r} instead of 'ready'")
            except (EOFError, OSError) as exc:
                code = child.wait_for_exit()
                _kind, text = stop_description(code, child.stderr.text(), -1)
                child.kill()
                raise WorkerStopped(text) from exc
            except BaseException:
                child.kill()
                raise
            containment = Containment.from_dict(message[2])
            stack_bytes = message[3] if isinstance(message[3], int) else -1
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
                self._containment = containment
                self._stack_bytes = stack_bytes
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
        """Empty the namespace (in the same child if it is alive), as a kernel restart does: with
        new random seeds, so an unseeded script draws new numbers (a request to record a call in
        full makes a client of its own with the seeds of the run it repeats)."""
        with self._call_lock:
            seeds = RandomSeeds.fresh().as_tuple()
            self.limits = self.limits.with_changes(random_seeds=seeds)
            with self._child_lock:
                child = self._child
            if child is None or child.process.poll() is not None:
                return
            try:
                child.requests.send_bytes(_dumps(("reset", seeds)))
                if child.replies.poll(10):
                    _loads(_receive(child.replies, self.limits.memory_mb))
                    return
            except (OSError, EOFError, pickle.UnpicklingError):
                pass
            self._drop_child()
            self._start_in_background()

    def probe(self, name: str, *args: str) -> tuple[str, str]:
        """Run one of the fixed checks of gradviz.runner.containment.probes inside the worker,
        outside the language layer: ``("allowed" | "refused", detail)``. Raises WorkerStopped
        if the worker does not answer (a probe that got through the wall may end it)."""
        with self._call_lock:
            child = self._ensure_child()
            try:
                child.requests.send_bytes(_dumps(("probe", name, [str(a) for a in args])))
                if child.replies.poll(self.limits.wall_time_s + _WATCHDOG_GRACE_S):
                    message = _loads(_receive(child.replies, self.limits.memory_mb))
                    if isinstance(message, tuple) and len(message) == 3 and message[0] == "probe":
                        return str(message[1]), str(message[2])
            except (EOFError, OSError, pickle.UnpicklingError):
                pass
            code = child.wait_for_exit() if child.process.poll() is not None else None
            self._drop_child()
            raise WorkerStopped(f"the worker did not answer the probe {name!r} (exit status {code})")

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
                    result, graphs = _checked_result(_loads(_receive(child.replies, self.limits.memory_mb)))
                    self.last_statement_graphs = graphs
                    return result
                if self._cancelled:
                    break
                if time.monotonic() > deadline:
                    child.process.kill()
                    child.wait_for_exit()
                    printed = child.printed_output()
                    self._drop_child()
                    message_text = limit_message(
                        "the cell's running time", "wall_time_s", f"{self.limits.wall_time_s:g} s"
                    )
                    return self._failed(index, started, "ResourceLimit", message_text + self._lost(), printed)
                if child.process.poll() is not None:
                    break
        except (EOFError, OSError):
            pass
        except pickle.UnpicklingError as exc:
            child.process.kill()
            child.wait_for_exit()
            printed = child.printed_output()
            self._drop_child()
            return self._failed(index, started, "WorkerError", str(exc) + self._lost(), printed)
        cancelled = self._cancelled
        code = child.wait_for_exit()  # the channel can close a moment before the exit status is known
        printed = child.printed_output()
        stderr_text = child.stderr.text()
        self._drop_child()
        if cancelled:
            return self._failed(index, started, "Cancelled", "the run was cancelled" + self._lost(), printed)
        if code == -signal.SIGXCPU:
            text = limit_message("the cell's processor time", "wall_time_s", f"{self.limits.wall_time_s:g} s")
            return self._failed(index, started, "ResourceLimit", text + self._lost(), printed)
        kind, text = stop_description(code, stderr_text, self._stack_bytes)
        return self._failed(index, started, kind, text + self._lost(), printed, learner_line(stderr_text))

    @staticmethod
    def _lost() -> str:
        return "; the worker was restarted and variables from earlier cells are gone (run them again)"

    def _failed(
        self, index: int, started: float, kind: str, message: str, printed: str = "", line: int | None = None
    ) -> CellResult:
        """The result of a cell whose worker ended: what it printed before, and why it ended."""
        self._start_in_background()  # warm the next child while the UI shows the message
        return CellResult(
            index=index,
            stdout=printed,
            error=ErrorInfo(type=kind, message=message, line=line, cell=index),
            duration_s=time.perf_counter() - started,
        )
