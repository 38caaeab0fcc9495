"""Fixed checks that run inside a contained worker, outside the language layer on purpose.

They show what the operating system's wall allows: an attack probe that comes back ``allowed``
is a hole in the wall, a capability probe that comes back ``refused`` is a wall in the learner's
way. The parent names a probe and passes plain string arguments (paths, a port); no code crosses
the channel. Used by tests/test_containment.py and usable as a diagnostic.
"""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["PROBES", "run_probe"]

ALLOWED = "allowed"
REFUSED = "refused"

Outcome = tuple[str, str]


def _attempt(action: Callable[[], str]) -> Outcome:
    try:
        return ALLOWED, action()
    except Exception as exc:  # noqa: BLE001 - any refusal is the answer, named by its type
        return REFUSED, f"{type(exc).__name__}: {exc}"


def write_file(path: str) -> Outcome:
    def act() -> str:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("written from the worker\n")
        with open(path, encoding="utf-8") as handle:
            return handle.read()

    return _attempt(act)


def read_file(path: str) -> Outcome:
    def act() -> str:
        with open(path, "rb") as handle:
            return f"{len(handle.read(4096))} bytes"

    return _attempt(act)


def list_dir(path: str) -> Outcome:
    return _attempt(lambda: f"{len(os.listdir(path))} entries")


def os_system(marker: str) -> Outcome:
    def act() -> str:
        status = os.system(f"echo escaped > {marker}")
        if os.path.exists(marker) or status == 0:
            return f"status {status}, marker written: {os.path.exists(marker)}"
        raise OSError(f"os.system returned {status} and wrote nothing")

    return _attempt(act)


def subprocess_run() -> Outcome:
    return _attempt(lambda: str(subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True, check=False)))


def fork() -> Outcome:
    def act() -> str:
        pid = os.fork()
        if pid == 0:  # the child of a successful fork leaves at once
            os._exit(0)
        os.waitpid(pid, 0)
        return f"forked {pid}"

    return _attempt(act)


def execute() -> Outcome:
    # If this succeeds the worker is replaced and the parent sees it stop: a failed test either way.
    return _attempt(lambda: str(os.execv(sys.executable, [sys.executable, "-c", "pass"])))


def tcp_connect(port: str) -> Outcome:
    def act() -> str:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as conn:
            return f"connected from {conn.getsockname()}"

    return _attempt(act)


def tcp_bind() -> Outcome:
    def act() -> str:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            return f"listening on {server.getsockname()}"

    return _attempt(act)


def load_library(path: str) -> Outcome:
    return _attempt(lambda: repr(ctypes.CDLL(path)))


def libc_system(marker: str) -> Outcome:
    def act() -> str:
        libc = ctypes.CDLL(None)
        status = libc.system(f"echo escaped > {marker}".encode())
        if os.path.exists(marker) or status == 0:
            return f"status {status}, marker written: {os.path.exists(marker)}"
        raise OSError(f"system() returned {status} and wrote nothing")

    return _attempt(act)


def signal_parent() -> Outcome:
    def act() -> str:
        os.kill(os.getppid(), 0)  # signal 0: only asks whether it may
        return "the parent can be signalled"

    return _attempt(act)


def ptrace_parent() -> Outcome:
    def act() -> str:
        libc = ctypes.CDLL(None, use_errno=True)
        ptrace_attach = 16
        if libc.ptrace(ctypes.c_long(ptrace_attach), ctypes.c_long(os.getppid()), None, None) != 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        return "attached"

    return _attempt(act)


def private_dir_round_trip() -> Outcome:
    def act() -> str:
        folder = os.path.join(os.environ["TMPDIR"], "probe")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "data.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("kept")
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        os.remove(path)
        os.rmdir(folder)
        return text

    return _attempt(act)


def numpy_in_threads() -> Outcome:
    def act() -> str:
        import numpy as np

        results: list[float] = []

        def work() -> None:
            a = np.arange(40_000, dtype=np.float64).reshape(200, 200) / 40_000
            results.append(float((a @ a.T).sum()))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if len(results) != 4 or len(set(results)) != 1:
            raise RuntimeError(f"threads disagreed: {results}")
        return f"4 threads computed {results[0]:.6g}"

    return _attempt(act)


def torch_backward() -> Outcome:
    def act() -> str:
        import gradviz.torch as torch

        x: Any = torch.ones(3, requires_grad=True)
        (x * x).sum().backward()
        return str(x.grad)

    return _attempt(act)


def stdlib_imports() -> Outcome:
    def act() -> str:
        import importlib

        names = [
            "random", "math", "time", "itertools", "functools", "collections", "typing", "dataclasses",
            "enum", "abc", "numbers", "operator", "copy", "statistics", "string", "re", "contextlib",
            "warnings", "json", "decimal", "fractions", "heapq", "bisect",
        ]  # fmt: skip
        for name in names:
            importlib.import_module(name)
        return f"{len(names)} modules"

    return _attempt(act)


def private_dir() -> Outcome:
    return ALLOWED, tempfile.gettempdir()


def environment() -> Outcome:
    return ALLOWED, " ".join(sorted(os.environ))


def descriptors() -> Outcome:
    from gradviz.runner.containment.descriptors import open_descriptors

    return ALLOWED, " ".join(str(fd) for fd in open_descriptors())


PROBES: dict[str, Callable[..., Outcome]] = {
    f.__name__: f
    for f in (
        write_file,
        read_file,
        list_dir,
        os_system,
        subprocess_run,
        fork,
        execute,
        tcp_connect,
        tcp_bind,
        load_library,
        libc_system,
        signal_parent,
        ptrace_parent,
        private_dir_round_trip,
        private_dir,
        numpy_in_threads,
        torch_backward,
        stdlib_imports,
        environment,
        descriptors,
    )
}


def run_probe(name: str, args: tuple[str, ...]) -> Outcome:
    probe = PROBES.get(name)
    if probe is None:
        return REFUSED, f"no probe named {name!r}"
    return probe(*[str(a) for a in args])
