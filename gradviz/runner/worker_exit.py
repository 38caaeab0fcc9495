"""How a worker process's end is told: what it printed before, and why it stopped, in words.

A worker that dies mid-cell (a C stack overflow, a bad pointer, the kernel's OOM killer) sends no
result, so the parent rebuilds one: the printed text comes from the file the worker copies each
chunk into as it prints (:class:`OutputMirror`, on the worker's side), the learner's line from the
traceback :mod:`faulthandler` writes to the worker's stderr, and the message names the signal and,
where there is one, the limit behind it. Never "stopped unexpectedly (exit status None)": the
parent waits for the real exit status first.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import re
import signal
import stat
import struct
import threading
from collections.abc import Callable
from typing import IO, Any

__all__ = [
    "OUTPUT_FILE_NAME",
    "OutputMirror",
    "StderrTail",
    "learner_line",
    "mirror_file_bytes",
    "mirror_writes",
    "read_printed_output",
    "stop_description",
    "stream_runtime_output",
]

OUTPUT_FILE_NAME = "cell-output.bin"
_STDERR_TAIL_BYTES = 16384
_CELL_FRAME = re.compile(r'File "<cell (\d+)>", line (\d+)')
_LENGTH = struct.Struct("<Q")  # bytes of text that follow, updated after each copy
_MIRROR_MAX_BYTES = 16 * 1024 * 1024  # a crash keeps at most this much of a cell's printed text


def mirror_file_bytes(max_output_chars: int) -> int:
    """Size of the output mirror file (the largest file a worker writes)."""
    return _LENGTH.size + min(4 * max_output_chars, _MIRROR_MAX_BYTES)


class OutputMirror:
    """The worker's side: a file mapped shared, holding a length and then the running cell's
    printed text in UTF-8. Copying into the mapping costs no system call per print, and the pages
    belong to the file, so what was copied is still there for the parent after the process dies;
    the length is written after the text, so a crash mid-copy leaves the previous, whole, text."""

    def __init__(self, path: str, max_output_chars: int) -> None:
        size = mirror_file_bytes(max_output_chars)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.ftruncate(fd, size)
            self._map = mmap.mmap(fd, size)
        finally:
            os.close(fd)
        self._end = size  # offsets below count from the start of the file, header included
        self._at = _LENGTH.size
        self._pack_length = _LENGTH.pack_into

    def clear(self) -> None:
        self._at = _LENGTH.size
        self._pack_length(self._map, 0, 0)

    def append(self, data: bytes) -> None:
        start = self._at
        stop = start + len(data)
        if stop > self._end:  # full: keep what fits
            stop = self._end
            data = data[: stop - start]
        self._map[start:stop] = data
        self._at = stop
        self._pack_length(self._map, 0, stop - _LENGTH.size)


def mirror_writes(buffer: Any, mirror: OutputMirror) -> None:
    """Make ``buffer.write`` also copy each accepted chunk into ``mirror``. The buffer object
    itself stays in place (the runtime may also have made it ``sys.stdout``); only its ``write``
    is shadowed on the instance, so every other attribute behaves as before."""
    write: Callable[[str], Any] = buffer.write
    saved = 0  # characters of the buffer's text already mirrored

    def mirrored_write(text: str) -> Any:
        nonlocal saved
        try:
            written = write(text)
        except BaseException:
            rest = str(buffer.getvalue())[saved:]  # the part kept up to the cap
            mirror.append(rest.encode("utf-8", "surrogatepass"))
            saved += len(rest)
            raise
        mirror.append(text.encode("utf-8", "surrogatepass"))
        saved += len(text)
        return written

    buffer.write = mirrored_write


def stream_runtime_output(runtime: Any, mirror: OutputMirror) -> None:
    """Make every cell the runtime begins copy its printed output into ``mirror`` as well."""
    begin: Callable[[Any], None] = runtime.begin

    def begin_streaming(limits: Any) -> None:
        begin(limits)
        mirror.clear()
        mirror_writes(runtime.output, mirror)

    runtime.begin = begin_streaming


def read_printed_output(private_dir: str, max_chars: int) -> str:
    """What the cell printed before the worker stopped ('' when nothing was, or it is gone)."""
    # The child may write in its folder: where the operating system does not stop it, it could
    # put a link to one of the user's files or a FIFO (which would block the app) in the file's
    # place. Only a regular file is read, never through a link, and opening never waits.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(os.path.join(private_dir, OUTPUT_FILE_NAME), flags)
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return ""
            header = handle.read(_LENGTH.size)
            if len(header) < _LENGTH.size:
                return ""
            (length,) = _LENGTH.unpack(header)
            data = handle.read(min(length, 4 * max_chars))
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
