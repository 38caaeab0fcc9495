"""Cells that hang or kill the worker end with a message naming the limit or the signal, keep what
they printed before, and leave the app (and ``gradviz screenshot``) running.

No assertion reads the clock: the error's type and message say which limit stopped a cell, and
``generation`` says whether the worker was replaced.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult
from gradviz.runner.worker import SessionClient
from gradviz.runner.worker_exit import learner_line, stop_description

# Only the parent's watchdog (this limit plus its grace) can end the hangs below: short.
SHORT_WALL_TIME_S = 1.0
# Building a million-deep tuple in the sandbox takes seconds; a loaded machine must not turn the
# stack overflow into a time limit.
GENEROUS_WALL_TIME_S = 120.0
MIB = 1024 * 1024

DEEP_TUPLE_HASH = """print("before the crash")
t = ()
for _ in range(10**6):
    t = (t,)
hash(t)
print("never printed")
"""

ClientFactory = Callable[..., SessionClient]


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    started: list[SessionClient] = []

    def make(wall_time_s: float) -> SessionClient:
        client = SessionClient(Limits(wall_time_s=wall_time_s))
        started.append(client)
        return client

    yield make
    for client in started:
        client.close()


def assert_wall_time_limit(result: CellResult) -> None:
    assert result.error is not None and result.error.type == "ResourceLimit", result.error
    assert "wall_time_s=1 s" in result.error.message and "--timeout" in result.error.message


FINALLY_CONTINUE = """print('looping')
while True:
    try:
        while True:
            pass
    finally:
        continue
"""
FINALLY_RETURN = """def spin():
    try:
        while True:
            pass
    finally:
        return
print('looping')
while True:
    spin()
"""


@pytest.mark.parametrize("cell", [FINALLY_CONTINUE, FINALLY_RETURN], ids=["finally-continue", "finally-return"])
def test_finally_cannot_swallow_the_time_limit(make_client: ClientFactory, cell: str) -> None:
    client = make_client(SHORT_WALL_TIME_S)
    result = client.run_cell(0, cell, 1)
    assert_wall_time_limit(result)
    # Printed before the cell was stopped (by the session's deadline, or by the watchdog killing
    # the worker if the language layer lets the loop swallow it): kept either way.
    assert result.stdout == "looping\n"
    after = client.run_cell(1, "print('next cell')", 1)
    assert after.stdout == "next cell\n" and after.error is None


def test_a_watchdog_kill_keeps_what_was_printed(make_client: ClientFactory) -> None:
    client = make_client(SHORT_WALL_TIME_S)
    # A C-level loop: no tick of the session's deadline runs inside it, only the watchdog ends it.
    result = client.run_cell(0, "print('counting')\nsum(range(10**12))", 1)
    assert_wall_time_limit(result)
    assert "variables from earlier cells are gone" in result.error.message  # the worker was killed
    assert result.stdout == "counting\n"
    assert client.run_cell(1, "print('next cell')", 1).stdout == "next cell\n" and client.generation == 2


def test_learner_methods_called_for_the_snapshot_run_under_the_watchdog(make_client: ClientFactory) -> None:
    client = make_client(SHORT_WALL_TIME_S)
    cell = (
        "import torch\n"
        "class Spin(torch.nn.Module):\n"
        "    def named_parameters(self):\n"
        "        while True:\n"
        "            pass\n"
        "model = Spin()\n"
        "print('built')\n"
    )
    result = client.run_cell(0, cell, 1)
    assert_wall_time_limit(result)
    assert result.stdout == "built\n"


def test_c_stack_overflow_names_the_limit_and_keeps_the_output(make_client: ClientFactory) -> None:
    client = make_client(GENEROUS_WALL_TIME_S)
    assert client.run_cell(0, "kept = 1", 1).error is None
    result = client.run_cell(1, DEEP_TUPLE_HASH, 10)
    error = result.error
    assert error is not None and error.type == "ResourceLimit", error
    assert "overflowed the C stack" in error.message and "stack limit is" in error.message
    assert "SIGSEGV" in error.message and "exit status" not in error.message
    assert "variables from earlier cells are gone" in error.message
    assert error.line == 14 and error.cell == 1  # hash(t), from the crash's traceback
    assert result.stdout == "before the crash\n"
    after = client.run_cell(2, "print(1 + 1)", 1)
    assert after.stdout == "2\n" and client.generation == 2


def test_a_killed_worker_is_reported_with_its_signal(make_client: ClientFactory) -> None:
    client = make_client(GENEROUS_WALL_TIME_S)
    assert client.run_cell(0, "print('up')", 1).stdout == "up\n"
    pid = client.worker_pid
    assert pid is not None
    outcome: list[CellResult] = []
    runner = threading.Thread(target=lambda: outcome.append(client.run_cell(1, "while True: pass", 1)))
    runner.start()
    assert client.wait_until_running(timeout=60)
    os.kill(pid, signal.SIGKILL)
    runner.join(timeout=60)
    (result,) = outcome
    assert result.error.type == "WorkerError"
    assert "killed by SIGKILL" in result.error.message and "exit status" not in result.error.message


def test_stop_descriptions_name_the_signal_never_none() -> None:
    kind, text = stop_description(-signal.SIGSEGV, "", 8 * MIB)
    assert kind == "ResourceLimit" and "8 MB" in text and "SIGSEGV" in text
    kind, text = stop_description(-signal.SIGABRT, "Fatal Python error: Aborted\n", 8 * MIB)
    assert kind == "WorkerError" and "SIGABRT" in text and "Fatal Python error: Aborted" in text
    kind, text = stop_description(3, "Traceback ...\nImportError: no numpy\n", -1)
    assert text == "the worker process exited with status 3: ImportError: no numpy"
    dump = (
        "Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent call first):\n"
        '  File "<cell 2>", line 7 in f\n  File "<cell 2>", line 9 in <module>\n'
    )
    assert learner_line(dump) == 7


def test_screenshot_survives_a_cell_that_kills_the_worker(qapp, tmp_path: Path) -> None:
    from ui.screenshot import render_screenshot

    script = tmp_path / "crash.py"
    # Deep enough to overflow the C stack, shallow enough to build well within the default 10 s.
    script.write_text(
        "# %%\nt = ()\nfor _ in range(500_000):\n    t = (t,)\nhash(t)\n# %%\nimport torch\nx = torch.ones(2)\n",
        encoding="utf-8",
    )
    out = tmp_path / "shot.png"
    ok, message = render_screenshot(str(script), str(out), size=(800, 600))
    assert ok, message
    assert out.stat().st_size > 0
