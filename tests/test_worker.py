"""SessionClient: a Session in a limited child process that the app can cancel and restart."""

from __future__ import annotations

import pickle
import threading
import time

import pytest

from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult, ErrorInfo
from gradviz.runner.worker import SessionClient, _loads


@pytest.fixture(scope="module")
def client():
    with SessionClient(Limits(wall_time_s=1.5, memory_mb=1024)) as shared:
        yield shared


def test_runs_cells_in_one_namespace(client: SessionClient) -> None:
    client.reset()
    first = client.run_cell(0, "x = 20\nprint('set')", 1)
    assert first.stdout == "set\n" and first.error is None
    assert client.run_cell(1, "x + 1", 1).echo == "21"
    assert client.alive and client.generation >= 1


def test_c_level_loop_is_stopped_by_the_watchdog(client: SessionClient) -> None:
    before = client.generation
    started = time.monotonic()
    result = client.run_cell(0, "sum(range(10**12))", 1)
    assert time.monotonic() - started < 5.0
    assert result.error.type == "ResourceLimit" and "wall_time_s" in result.error.message
    assert "gone" in result.error.message  # the namespace was lost with the process
    after = client.run_cell(1, "print('fresh')", 1)
    assert after.stdout == "fresh\n"
    assert client.generation == before + 1


def test_memory_cap_ends_with_a_message(client: SessionClient) -> None:
    started = time.monotonic()
    result = client.run_cell(0, "import numpy as np\nrows = [np.ones(9_000_000) for _ in range(40)]", 1)
    assert time.monotonic() - started < 5.0
    assert result.error is not None and "memory_mb" in result.error.message


def test_cancel_from_another_thread(client: SessionClient) -> None:
    client.run_cell(0, "kept = 1", 1)
    before = client.generation
    timer = threading.Timer(0.3, client.cancel)
    timer.start()
    result = client.run_cell(1, "while True: pass", 1)
    timer.join()
    assert result.error.type == "Cancelled" and "cancelled" in result.error.message
    assert client.run_cell(2, "kept", 1).error.headline == "NameError: name 'kept' is not defined"
    assert client.generation == before + 1


def test_cancel_when_idle_does_nothing(client: SessionClient) -> None:
    client.run_cell(0, "idle = 1", 1)
    assert client.cancel() is False
    assert client.run_cell(1, "idle", 1).echo == "1"


def test_reset_keeps_the_process(client: SessionClient) -> None:
    client.run_cell(0, "gone_soon = 1", 1)
    generation = client.generation
    client.reset()
    assert client.run_cell(1, "gone_soon", 1).error is not None
    assert client.generation == generation


def test_refusals_come_back_as_results(client: SessionClient) -> None:
    result = client.run_cell(0, "import os", 1)
    assert result.error.type == "SandboxError"


def test_parent_accepts_only_result_classes() -> None:
    good = CellResult(index=1, error=ErrorInfo(type="RuntimeError", message="m"))
    assert _loads(pickle.dumps(good)) == good

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    with pytest.raises(pickle.UnpicklingError):
        _loads(pickle.dumps(Evil()))


def test_closed_client_reports_instead_of_hanging() -> None:
    client = SessionClient(Limits(wall_time_s=2))
    client.close()
    result = client.run_cell(0, "1", 1)
    assert result.error.type == "WorkerError"
