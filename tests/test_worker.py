"""SessionClient: a Session in a limited child process that the app can cancel and restart.

Each test owns its client (its own child process), so no test depends on what another left in the
namespace or on the order they run in. Wall-time limits are generous (a busy machine must not end a
cell early) except in the one test about the watchdog, and no assertion reads the clock: the error
message and the ``generation`` counter say which limit stopped a cell and whether the child was
replaced.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable, Iterator

import pytest

from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult, ErrorInfo
from gradviz.runner.worker import SessionClient, _loads

# Long enough that no cell here meets it on a loaded machine unless the test is about it.
GENEROUS_WALL_TIME_S = 60.0
# The watchdog test's cell is a C loop the session's own deadline cannot interrupt, so only the
# parent's watchdog (this limit plus its grace) ends it; short to keep the test quick.
SHORT_WALL_TIME_S = 1.0
# An address-space cap well above a started child's own footprint and well below the test's bomb.
MEMORY_CAP_MB = 1024

ClientFactory = Callable[..., SessionClient]


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """Start clients with the generous limits, changed per test by keyword; all closed afterwards."""
    started: list[SessionClient] = []

    def make(**changes: object) -> SessionClient:
        limits = Limits(wall_time_s=GENEROUS_WALL_TIME_S, memory_mb=MEMORY_CAP_MB).with_changes(**changes)
        client = SessionClient(limits)
        started.append(client)
        return client

    yield make
    for client in started:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> SessionClient:
    return make_client()


def test_runs_cells_in_one_namespace(client: SessionClient) -> None:
    first = client.run_cell(0, "x = 20\nprint('set')", 1)
    assert first.stdout == "set\n" and first.error is None
    assert client.run_cell(1, "x + 1", 1).echo == "21"
    assert client.alive and client.generation == 1


def test_c_level_loop_is_stopped_by_the_watchdog(make_client: ClientFactory) -> None:
    client = make_client(wall_time_s=SHORT_WALL_TIME_S)
    assert client.run_cell(0, "kept = 1", 1).error is None
    result = client.run_cell(1, "sum(range(10**12))", 1)
    assert result.error is not None
    assert result.error.type == "ResourceLimit" and "wall_time_s" in result.error.message
    # Only the parent's watchdog kills the process; the session's own deadline would keep it.
    assert "gone" in result.error.message
    after = client.run_cell(2, "print('fresh')\nkept", 1)
    assert after.stdout == "fresh\n"
    assert after.error is not None and after.error.headline == "NameError: name 'kept' is not defined"
    assert client.generation == 2


def test_memory_cap_ends_with_a_message(make_client: ClientFactory) -> None:
    # One allocation of 4 GiB, four times the address-space cap: refused at once, before any
    # memory is touched or any time passes. np.zeros maps pages lazily, so without the cap it
    # would succeed (and this test fail) rather than fill the machine. The per-array element cap
    # is raised so that the memory cap is the one that refuses it.
    elements = 4 * 1024**3 // 8
    client = make_client(max_tensor_elements=2 * elements)
    result = client.run_cell(0, f"import numpy as np\nblock = np.zeros({elements})", 1)
    assert result.error is not None
    assert result.error.type == "ResourceLimit" and "memory_mb" in result.error.message
    # A MemoryError is the cell's error, not the worker's end: the process and namespace stay.
    assert client.run_cell(1, "len(np.ones(3))", 1).echo == "3"
    assert client.generation == 1


def test_cancel_from_another_thread(client: SessionClient) -> None:
    assert client.run_cell(0, "kept = 1", 1).error is None
    cancelled: list[bool] = []

    def cancel_once_running() -> None:
        if client.wait_until_running(timeout=GENEROUS_WALL_TIME_S):
            cancelled.append(client.cancel())

    canceller = threading.Thread(target=cancel_once_running)
    canceller.start()
    result = client.run_cell(1, "while True: pass", 1)
    canceller.join()
    assert cancelled == [True]
    assert result.error is not None
    assert result.error.type == "Cancelled" and "cancelled" in result.error.message
    after = client.run_cell(2, "kept", 1)
    assert after.error is not None and after.error.headline == "NameError: name 'kept' is not defined"
    assert client.generation == 2


def test_cancel_when_idle_does_nothing(client: SessionClient) -> None:
    client.run_cell(0, "idle = 1", 1)
    assert client.cancel() is False
    assert client.run_cell(1, "idle", 1).echo == "1"
    assert client.generation == 1


def test_reset_keeps_the_process(client: SessionClient) -> None:
    assert client.run_cell(0, "gone_soon = 1", 1).error is None
    client.reset()
    after = client.run_cell(1, "gone_soon", 1)
    assert after.error is not None and after.error.type == "NameError"
    assert client.generation == 1


def test_refusals_come_back_as_results(client: SessionClient) -> None:
    result = client.run_cell(0, "import os", 1)
    assert result.error is not None and result.error.type == "SandboxError"
    assert client.alive


def test_parent_accepts_only_result_classes() -> None:
    good = CellResult(index=1, error=ErrorInfo(type="RuntimeError", message="m"))
    assert _loads(pickle.dumps(good)) == good

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    with pytest.raises(pickle.UnpicklingError):
        _loads(pickle.dumps(Evil()))


def test_closed_client_reports_instead_of_hanging() -> None:
    client = SessionClient(Limits(wall_time_s=GENEROUS_WALL_TIME_S))
    client.close()
    result = client.run_cell(0, "1", 1)
    assert result.error is not None and result.error.type == "WorkerError"
    assert not client.alive
