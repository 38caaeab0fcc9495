"""How a worker process's end is told: what it printed before, and why it stopped, in words.

A worker that dies mid-cell (a C stack overflow, a bad pointer, the kernel's OOM killer) sends no
result, so the parent rebuilds one: the printed text comes from the file the worker writes each
chunk to as it prints (:class:`StreamedOutput`, on the worker's side), the learner's line from the
traceback :mod:`faulthandler` writes to the worker's stderr, and the message names the signal and,
where there is one, the limit behind it. Never "stopped unexpectedly (exit status None)": the
parent waits for the real exit status first.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections.abc import Callable
from typing import IO, Any

__all__ = [
    "OUTPUT_FILE_NAME",
    "StderrTail",
    "StreamedOutput",
    "learner_line",
    "read_printed_output",
    "stop_description",
    "stream_runtime_output",
]

OUTPUT_FILE_NAME = "cell-output.txt"
_STDERR_TAIL_BYTES = 16384
_CELL_FRAME = re.compile(r'File "<cell (\d+)>", line (\d+)')


class StreamedOutput:
    """The worker's side: the cell's output buffer, each accepted chunk also written at once to a
    file the parent reads if the worker dies before it can send its result."""

    def __init__(self, inner: Any, fd: int) -> None:
        self._inner = inner
        self._fd = fd
        self._saved = 0  # characters of inner's text already in the file

    def write(self, text: str) -> None:
        try:
            self._inner.write(text)
        except BaseException:
            self._save(self._inner.getvalue()[self._saved :])  # the part kept up to the cap
            raise
        self._save(text)

    def _save(self, text: str) -> None:
        if not text:
            return
        data = text.encode("utf-8", "surrogatepass")
        try:
            while data:
                data = data[os.write(self._fd, data) :]
        except OSError:
            return  # the file is a safety copy; the cell's result still carries the text
        self._saved += len(text)

    def getvalue(self) -> str:
        return str(self._inner.getvalue())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def stream_runtime_output(runtime: Any, fd: int) -> None:
    """Make every cell the runtime begins write its output through to ``fd`` as well."""
    begin: Callable[[Any], None] = runtime.begin

    def begin_streaming(limits: Any) -> None:
        begin(limits)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        runtime.output = StreamedOutput(runtime.output, fd)

    runtime.begin = begin_streaming


def read_printed_output(private_dir: str, max_chars: int) -> str:
    """What the cell printed before the worker stopped ('' when nothing was, or it is gone)."""
    try:
        with open(os.path.join(private_dir, OUTPUT_FILE_NAME), "rb") as handle:
            data = handle.read(4 * max_chars + 4)
    except OSError:
        return ""
    return data.decode("utf-8", "surrogatepass" if _decodes(data) else "replace")[:max_chars]


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:  # cut inside a character at the cap
        return False
    return True


class StderrTail:
    """Drains the worker's stderr on a thread (so it can never block on a full pipe), keeping the end."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._tail = bytearray()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, name="gradviz-worker-stderr", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        fd = self._stream.fileno()
        try:
            while chunk := os.read(fd, 4096):
                with self._lock:
                    self._tail += chunk
                    del self._tail[:-_STDERR_TAIL_BYTES]
        except (OSError, ValueError):
            return

    def text(self, wait_s: float = 2.0) -> str:
        """The last part of what the worker wrote; waits for the end of the stream (the worker's exit)."""
        self._thread.join(wait_s)
        with self._lock:
            return self._tail.decode("utf-8", "replace")

    def close(self) -> None:
        self._thread.join(2.0)
        with contextlib.suppress(OSError):
            self._stream.close()


def learner_line(stderr_text: str) -> int | None:
    """The innermost learner line in a faulthandler dump (most recent call first)."""
    match = _CELL_FRAME.search(stderr_text)
    return int(match.group(2)) if match else None


def _size(n: int) -> str:
    if n < 0:
        return "unlimited"
    mb = n / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{n // 1024} KB"


def _last_line(stderr_text: str, prefix: str = "") -> str:
    lines = [line.strip() for line in stderr_text.splitlines() if line.strip()]
    if prefix:
        lines = [line for line in lines if line.startswith(prefix)]
    return lines[-1] if lines else ""


def stop_description(code: int | None, stderr_text: str, stack_bytes: int) -> tuple[str, str]:
    """(error type, message) for a worker that ended with exit status ``code`` mid-cell."""
    if code is not None and code < 0:
        number = -code
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        if name == "SIGSEGV":
            return "ResourceLimit", (
                f"the cell overflowed the C stack (the worker's stack limit is {_size(stack_bytes)}): recursion "
                "or nesting too deep for C code, such as hash() or repr() of an object nested a million levels "
                "deep (or native code read invalid memory); the worker stopped with SIGSEGV"
            )
        meaning = signal.strsignal(number) or name
        fatal = _last_line(stderr_text, "Fatal Python error:")
        detail = f": {fatal}" if fatal else ""
        return "WorkerError", f"the worker process was killed by {name} ({meaning}){detail}"
    last = _last_line(stderr_text)
    detail = f": {last}" if last else ""
    return "WorkerError", f"the worker process exited with status {code}{detail}"
