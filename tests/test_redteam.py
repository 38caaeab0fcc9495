"""Attacks written by a red-team review that had read the runner's code, none of them in the other
escape tests. Grouped by the part they attack; each asserts the safe outcome: refused with a
message, or ended with a named limit, with nothing leaked into what the cell shows.

Four of them got through before the fixes they came with:
- ``copy.deepcopy(t, memo)`` put the originals it keeps alive (the tensor's real ``__dict__``,
  gradviz's op tables) in ``memo[id(memo)]``, where learner code could read and change them;
- ``copy.deepcopy([obj])`` copied list items with the unchecked ``deepcopy`` (bound as a default
  argument of ``_deepcopy_list``), skipping the raw-protocol check on reconstructed state;
- learner code that the graph snapshot calls after the cell (a dict subclass's ``items``, a
  module's ``named_parameters``) ran with no deadline: ``gradviz run --in-process`` hung forever;
- a crafted or truncated message from the worker raised out of ``SessionClient.run_cell`` (or came
  back as a "result" that was not a CellResult) instead of ending the cell with a WorkerError.
"""

from __future__ import annotations

import os
import pickle
import struct
import textwrap
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from gradviz.runner import cells as cells_module
from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult, ErrorInfo
from gradviz.runner.session import Session
from gradviz.runner.worker import SessionClient

CANARY = "gradviz-redteam-canary-81f3"
SANDBOX = {"SandboxError"}


def code(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


# -- layer 2: the language layer (what learner code is handed) -------------------------------

# (id, source, accepted error types): the cell must end with one of these, printing nothing leaked.
REFUSED: list[tuple[str, str, set[str]]] = [
    ("int-array-view-as-object", "import numpy as np\nnp.zeros(2, np.int64).view(object)", {"TypeError"}),
    (
        "structured-view-object-field",
        "import numpy as np\nnp.zeros(1, dtype=[('a', 'i8')]).view([('a', 'O')])",
        {"TypeError"},
    ),
    (
        "address-then-dtype-object",
        "import numpy as np\na = np.zeros(1, np.int64)\na[0] = id(print)\na.dtype = object\nprint(a)",
        SANDBOX,
    ),
    ("strides-set-far", "import numpy as np\na = np.zeros(2, np.int64)\na.strides = (10**8,)\nprint(a)", SANDBOX),
    (
        "setstate-object-from-bytes",
        "import numpy as np\nnp.zeros(1).__setstate__((1, (1,), np.dtype(object), False, b'\\x00' * 8))",
        SANDBOX,
    ),
    ("dtype-reduce", "import numpy as np\nnp.dtype(object).__reduce__()", SANDBOX),
    ("ndarray-reduce-ex", "import numpy as np\nnp.zeros(1).__reduce_ex__(2)", SANDBOX),
    (
        "overlapping-object-fields",
        "import numpy as np\nnp.zeros(1, dtype={'names': ['a', 'b'], 'formats': ['i8', 'O'], 'offsets': [0, 0]})",
        {"TypeError"},
    ),
    (
        "frombuffer-structured-object",
        "import numpy as np\nnp.frombuffer(np.zeros(1, np.int64).tobytes(), dtype=[('a', 'O')])",
        {"ValueError"},
    ),
    (
        "ndarray-class-new-buffer",
        "import numpy as np\nT = type(np.zeros(1))\nT.__new__(T, (1,), object, b'\\x00' * 8)",
        SANDBOX,
    ),
    ("forward-ref-code", "import typing\ntyping.ForwardRef(\"__import__('os')\").__forward_code__", SANDBOX),
    ("loadtxt-reads-file", "import numpy as np\nprint(np.loadtxt(@FILE@, dtype=str, delimiter='\\n'))", SANDBOX),
    ("genfromtxt-reads-file", "import numpy as np\nprint(np.genfromtxt(@FILE@, dtype=str, delimiter='\\n'))", SANDBOX),
    ("fromregex-reads-file", "import numpy as np\nprint(np.fromregex(@FILE@, r'(.*)', [('a', 'U80')]))", SANDBOX),
    ("datasource-opens-file", "import numpy as np\nprint(np.DataSource().open(@FILE@).read())", SANDBOX),
    (
        "gradviz-generator-frame",
        "import torch\ng = torch.nn.Linear(1, 1).parameters()\nnext(g)\ngetattr(g, 'gi_' + 'frame').f_globals",
        SANDBOX,
    ),
    ("gradviz-generator-code", "import torch\ntorch.nn.Linear(1, 1).parameters().gi_code", SANDBOX),
    ("hook-handle-dict", "import torch\nx = torch.ones(1, requires_grad=True)\nvars(x.register_hook(abs))", SANDBOX),
    (
        "hook-handle-private",
        "import torch\nx = torch.ones(1, requires_grad=True)\nx.register_hook(abs)._hooks",
        SANDBOX,
    ),
    (
        "backward-error-context-frame",
        code(
            """
            import torch
            x = torch.ones(1, requires_grad=True)
            y = (x * 2).sum()
            y.backward()
            try:
                y.backward()
            except RuntimeError as e:
                print(e.__traceback__.tb_next.tb_frame.f_globals)
            """
        ),
        SANDBOX,
    ),
    ("np-info-inspects", "import numpy as np\nnp.info(np.add)", SANDBOX),
    ("np-lib-format", "import numpy as np\nnp.lib.format.open_memmap", SANDBOX),
    ("masked-array-module", "import numpy as np\nnp.ma.masked_array([1])", SANDBOX),
    ("ndarray-ctypes", "import numpy as np\nnp.zeros(1).ctypes", SANDBOX),
    (
        "deepcopy-memo-keeps-originals",
        code(
            """
            import copy
            import torch
            t = torch.tensor([1.0], requires_grad=True)
            memo = {}
            copy.deepcopy(t, memo)
            for kept in memo[id(memo)]:
                if isinstance(kept, dict) and '_data' in kept:
                    kept['_data'] = 'hijacked'
                    print('changed the real tensor state')
            """
        ),
        {"TypeError"},  # the originals are kept alive in a holder that shows nothing
    ),
    (
        "deepcopy-kept-originals-private",
        "import copy\nimport torch\nm = {}\ncopy.deepcopy(torch.ones(1), m)\nprint(m[id(m)]._objects)",
        SANDBOX,
    ),
    (
        "deepcopy-memo-dict-subclass",
        code(
            """
            import copy
            import torch
            class Spy(dict):
                def __setitem__(self, key, value):
                    print('saw', type(value))
                    super().__setitem__(key, value)
            copy.deepcopy(torch.ones(1) * 2, Spy())
            """
        ),
        SANDBOX,
    ),
    (
        "deepcopy-list-skips-state-check",
        code(
            """
            import copy
            import numpy as np
            class A:
                pass
            class Evil:
                def __reduce_ex__(self, proto):
                    return (A, (), {'__array_' + 'interface__': @INTERFACE@})
            b = copy.deepcopy([Evil()])
            print(np.asarray(b[0]).item() is print)
            """
        ),
        SANDBOX,
    ),
]

INTERFACE = "{'shape': (1,), 'typestr': '|O', 'data': (id(print), False), 'version': 3}"


@pytest.mark.parametrize("name,source,accepted", REFUSED, ids=[p[0] for p in REFUSED])
def test_language_layer_refuses(
    name: str, source: str, accepted: set[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADVIZ_REDTEAM_CANARY", CANARY)
    secret = tmp_path / "secret.txt"
    secret.write_text(CANARY + "\n")
    source = source.replace("@FILE@", repr(str(secret))).replace("@INTERFACE@", INTERFACE)
    session = Session(Limits(wall_time_s=60), snapshots=False)
    result = session.run_cell(0, source, 1)
    assert result.error is not None, f"{name} ran: stdout={result.stdout!r} echo={result.echo!r}"
    assert result.error.type in accepted, result.error.headline
    assert result.error.message
    shown = result.stdout + result.error.message + (result.echo or "")
    assert CANARY not in shown and "changed the real tensor state" not in shown and "saw" not in shown, shown
    assert "True" not in result.stdout
    assert session.run_cell(1, "print(6 * 7)", 1).stdout == "42\n"


def test_deepcopy_still_copies_as_python_does() -> None:
    source = code(
        """
        import copy
        class A:
            def __init__(self):
                self.x = [1, 2]
            def __deepcopy__(self, memo):
                new = A()
                new.x = copy.deepcopy(self.x, memo)
                return new
        a = A()
        b = copy.deepcopy([a, a, {'k': [3]}])
        print(b[0] is b[1], b[0] is not a, b[0].x, b[2])
        memo = {}
        c = copy.deepcopy({'a': [1]}, memo)
        print(c, len(memo) > 0)
        """
    )
    result = Session(Limits(wall_time_s=60), snapshots=False).run_cell(0, source, 1)
    assert result.error is None, result.error
    assert result.stdout == "True True [1, 2] {'k': [3]}\n{'a': [1]} True\n"


# -- layer 2: learner code the runner calls, and state that outlives a cell ----------------------

LIMIT = "the cell's running time exceeds the gradviz limit wall_time_s"

# Each is a list of cells run in one session with snapshots on; the cell named by the index must
# end with the time limit named, and the session must still run ``print(6 * 7)`` afterwards.
OUTLIVERS: dict[str, tuple[list[str], int]] = {
    "snapshot-dict-subclass-items": (
        [
            code(
                """
                import torch
                x = torch.ones(2, requires_grad=True)
                class D(dict):
                    def items(self):
                        while True:
                            pass
                d = D(a=x)
                """
            )
        ],
        0,
    ),
    "snapshot-named-parameters": (
        [
            code(
                """
                import torch
                class M(torch.nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.w = torch.nn.Parameter(torch.ones(2))
                    def named_parameters(self, *args, **kwargs):
                        while True:
                            pass
                m = M()
                """
            )
        ],
        0,
    ),
    "echo-repr-spins": (["class A:\n    def __repr__(self):\n        while True:\n            pass\nA()\n"], 0),
    "seterrcall-spins-later": (
        [
            (
                "import numpy as np\ndef spin(*a):\n    while True:\n        pass\n"
                "np.seterrcall(spin)\nnp.seterr(all='call')\n"
            ),
            "import numpy as np\nprint(np.array([1.0]) / 0)\n",
        ],
        1,
    ),
    "hook-spins-in-backward": (
        [
            code(
                """
                import torch
                x = torch.ones(2, requires_grad=True)
                y = (x * 2).sum()
                def spin(grad):
                    while True:
                        pass
                x.register_hook(spin)
                """
            ),
            "y.backward()\n",
        ],
        1,
    ),
}


@pytest.mark.parametrize("name", list(OUTLIVERS))
def test_learner_code_the_runner_calls_ends_with_the_time_limit(name: str) -> None:
    sources, limited = OUTLIVERS[name]
    session = Session(Limits(wall_time_s=1))
    for index, source in enumerate(sources):
        result = session.run_cell(index, source, 1)
        if index == limited:
            assert result.error is not None and result.error.type == "ResourceLimit", result.error
            assert LIMIT in result.error.message
    assert session.run_cell(len(sources), "print(6 * 7)", 1).stdout == "42\n"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_finalizer_that_spins_ends_at_the_limit_and_the_session_goes_on() -> None:
    session = Session(Limits(wall_time_s=1), snapshots=False)
    session.run_cell(0, "class A:\n    def __del__(self):\n        while True:\n            pass\nx = A()\n", 1)
    session.run_cell(1, "x = 1\n", 1)  # the finalizer runs here, and is stopped by the limit
    assert session.run_cell(2, "print('after')", 1).stdout == "after\n"


def test_redirected_stdout_does_not_capture_later_cells() -> None:
    session = Session(Limits(wall_time_s=60), snapshots=False)
    first = code(
        """
        import contextlib
        class W:
            got = ''
            def write(self, s):
                W.got += s
                return len(s)
            def flush(self):
                pass
        contextlib.redirect_stdout(W()).__enter__()
        print('hidden')
        """
    )
    assert session.run_cell(0, first, 1).error is None
    assert session.run_cell(1, "print('second')", 1).stdout == "second\n"
    assert session.run_cell(2, "print(repr(W.got))", 1).stdout == "'hidden\\n'\n"


def test_an_exception_whose_str_spins_still_ends_the_cell() -> None:
    session = Session(Limits(wall_time_s=1), snapshots=False)
    result = session.run_cell(
        0, "class E(Exception):\n    def __str__(self):\n        while True:\n            pass\nraise E()\n", 1
    )
    assert result.error is not None and result.error.type == "ResourceLimit", result.error
    assert LIMIT in result.error.message
    assert session.run_cell(1, "print(6 * 7)", 1).stdout == "42\n"


# -- notebooks: non-code never becomes code --------------------------------------------------


def test_line_breaks_of_every_kind_in_markdown_stay_markdown() -> None:
    import json

    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {"title": "a\rprint('T1')"},
                "source": [
                    "hello\r",
                    "print('M1')\u2028print('M2')\x0cprint('M3')\x1cprint('M5')\n",
                    "# %%\n",
                    "print('M4')",
                ],
            },
            {"cell_type": "raw", "metadata": {}, "source": "# %%\nprint('R1')"},
            {"cell_type": "code", "metadata": {"title": "x\u2028print('T2')\x85print('T3')"}, "source": "print('C')"},
        ],
    }
    read = cells_module.read_ipynb(json.dumps(notebook))
    again = cells_module.split_percent_cells(cells_module.write_percent(read))
    code_sources = [c.source for c in again if c.kind == cells_module.CODE]
    assert code_sources == ["print('C')"]


@pytest.mark.parametrize(
    "text",
    [
        '{"nbformat": 4, "cells": {"a": 1}}',
        '{"nbformat": 4, "cells": [{"cell_type": ["code"], "source": "print(1)"}]}',
        '{"nbformat": 4, "cells": [{"cell_type": "code", "source": {"a": 1}}]}',
        '{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x", "metadata": "m"}]}',
        '{"nbformat": "4", "cells": []}',
        '{"nbformat": 4, "cells": [null]}',
    ],
)
def test_odd_notebooks_fail_with_a_named_problem(text: str) -> None:
    try:
        loaded = cells_module.read_ipynb(text, "odd.ipynb")
    except cells_module.NotebookError as exc:
        assert exc.path == "odd.ipynb" and exc.problem
    else:  # a reader may accept a shape it can make sense of; it must never run a non-string
        assert all(isinstance(c.source, str) for c in loaded)


# -- the parent: a compromised worker can only send data -------------------------------------


class _StubProcess:
    """The child's process as _exchange sees it: alive until killed."""

    def __init__(self) -> None:
        self.killed = False

    def poll(self) -> int | None:
        return -9 if self.killed else None

    def kill(self) -> None:
        self.killed = True

    def wait(self, timeout: float | None = None) -> int:
        return -9


class _StubChild:
    """A worker that answers a run request with ``reply`` (one frame on its channel, or nothing)."""

    def __init__(self, reply: bytes | None) -> None:
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        self.replies = Connection(parent_read, writable=False)
        self.requests = Connection(parent_write, readable=False)
        self._child_side = (Connection(child_read, writable=False), Connection(child_write, readable=False))
        self._writer: threading.Thread | None = None
        if reply is not None:  # from a thread: a reply larger than the pipe's buffer waits for the reader
            self._writer = threading.Thread(target=self._child_side[1].send_bytes, args=(reply,), daemon=True)
            self._writer.start()
        self.process = _StubProcess()

    def wait_for_exit(self) -> int:
        return -9

    def printed_output(self) -> str:
        return "printed before"

    def close(self) -> None:
        self.replies.close()  # a writer still blocked on the pipe gets an error and ends
        if self._writer is not None:
            self._writer.join()
        for conn in (self.requests, *self._child_side):
            conn.close()


def _result_with(**fields: Any) -> CellResult:
    result = CellResult(index=0)
    result.__dict__.update(fields)
    return result


def _message_with_deep_list(where: str, depth: int = 10**6) -> bytes:
    """A result message holding a ``depth``-deep nested list as the graph or as the statement
    graphs, written as opcodes (pickle.dumps itself would recurse): EMPTY_LIST ``depth`` times,
    then APPEND ``depth - 1`` times nests each list in the one below it."""

    def body(value: Any) -> bytes:
        return pickle.dumps(value, protocol=2)[2:-1]  # without PROTO and STOP

    deep = b"]" * depth + b"a" * (depth - 1)
    cell = body(CellResult(index=0))
    if where == "graph":  # BUILD again with {'graph': {'nodes': deep}}: the instance dict is updated
        cell += b"}" + body("graph") + b"}" + body("nodes") + deep + b"ssb"
        graphs = body([])
    else:
        graphs = b"]" + deep + b"a"
    return b"\x80\x02(" + body("result") + cell + graphs + b"t."


CRAFTED: dict[str, bytes] = {
    "global-os-system": b"cos\nsystem\n(S'touch pwned'\ntR.",
    "builtins-eval": b"cbuiltins\neval\n(S'1'\ntR.",
    "truncated": pickle.dumps(("result", CellResult(index=0), []))[:-7],
    "not-a-pickle": b"\x00\x01garbage",
    "wrong-shape": pickle.dumps(("result",)),
    "result-is-a-string": pickle.dumps(("result", "CellResult(index=0)", [])),
    "stdout-not-text": pickle.dumps(("result", _result_with(stdout=["a", "b"]), [])),
    "error-not-errorinfo": pickle.dumps(("result", _result_with(error={"type": "x"}), [])),
    "error-fields-not-data": pickle.dumps(("result", _result_with(error=ErrorInfo(type="E", message=b"x")), [])),  # type: ignore[arg-type]
    "graphs-not-a-list": pickle.dumps(("result", CellResult(index=0), "graphs")),
    "result-missing-fields": pickle.dumps(("result", CellResult.__new__(CellResult), [])),
    "graph-million-deep": _message_with_deep_list("graph"),
    "graphs-million-deep": _message_with_deep_list("graphs"),
    "persistent-id": b"(I1\nP0\nt.",
    "ext-code": b"\x80\x02\x82\x01.",
}

# Frames whose header claims more bytes than the child could ever build (the body never comes).
OVERSIZE_FRAMES = {
    "claims-1-tib": struct.pack("!i", -1) + struct.pack("!Q", 1 << 40),
    "claims-2-gib": struct.pack("!i", 2**31 - 1),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_message_from_the_worker_ends_the_cell(name: str, tmp_path: Path) -> None:
    client = SessionClient(Limits(wall_time_s=5), start=False)
    child = _StubChild(CRAFTED[name])
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = client._exchange(child, 0, "x = 1", 1, 0.0)  # type: ignore[arg-type]
    finally:
        os.chdir(cwd)
        child.close()
        client._closed = True
    assert isinstance(result, CellResult)
    assert result.error is not None and result.error.type == "WorkerError", result.error
    assert result.stdout == "printed before"
    assert child.process.killed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", list(OVERSIZE_FRAMES))
def test_an_oversize_frame_is_refused_unread(name: str) -> None:
    client = SessionClient(Limits(wall_time_s=5, memory_mb=64), start=False)
    child = _StubChild(None)
    os.write(child._child_side[1].fileno(), OVERSIZE_FRAMES[name])
    try:
        result = client._exchange(child, 0, "x = 1", 1, 0.0)  # type: ignore[arg-type]
    finally:
        child.close()
        client._closed = True
    assert result.error is not None and result.error.type == "WorkerError", result.error
    assert "larger than 64 MB" in result.error.message and child.process.killed


def test_a_well_formed_result_still_comes_through() -> None:
    client = SessionClient(Limits(wall_time_s=5), start=False)
    sent = CellResult(index=3, stdout="hi\n", error=ErrorInfo(type="ValueError", message="m", line=2))
    child = _StubChild(pickle.dumps(("result", sent, [{"span": {}, "graph": None}])))
    try:
        result = client._exchange(child, 3, "x", 1, 0.0)  # type: ignore[arg-type]
    finally:
        child.close()
        client._closed = True
    assert result == sent and client.last_statement_graphs == [{"span": {}, "graph": None}]


# -- through the worker: the app's path ------------------------------------------------------


def test_worker_snapshot_spin_ends_at_the_limit_and_keeps_the_worker() -> None:
    source = OUTLIVERS["snapshot-dict-subclass-items"][0][0]
    with SessionClient(Limits(wall_time_s=2)) as client:
        result = client.run_cell(0, source, 1)
        assert result.error is not None and result.error.type == "ResourceLimit", result.error
        generation = client.generation
        after = client.run_cell(1, "print(6 * 7)", 1)
        assert after.stdout == "42\n" and client.generation == generation


def test_worker_catastrophic_regex_ends_with_a_named_limit() -> None:
    with SessionClient(Limits(wall_time_s=1)) as client:
        result = client.run_cell(0, "import re\nprint('before')\nre.match('(a+)+$', 'a' * 64 + 'b')\n", 1)
        assert result.error is not None and result.error.type == "ResourceLimit", result.error
        assert "wall_time_s" in result.error.message and result.stdout == "before\n"
        assert client.run_cell(1, "print(6 * 7)", 1).stdout == "42\n"


def test_worker_cannot_read_the_parents_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADVIZ_REDTEAM_CANARY", CANARY)
    source = code(
        """
        import string, warnings, random
        found = []
        for probe in (lambda: warnings.formatwarning('m', UserWarning, '/proc/self/environ', 1),
                      lambda: string.Template('$x').substitute(x=1)):
            try:
                found.append(probe())
            except Exception as exc:
                found.append(type(exc).__name__)
        print(found)
        """
    )
    with SessionClient(Limits(wall_time_s=30)) as client:
        result = client.run_cell(0, source, 1)
    shown = result.stdout + (result.error.message if result.error else "")
    assert CANARY not in shown


def test_a_learner_exception_cannot_pass_as_a_gradviz_explanation() -> None:
    source = code(
        """
        class Spoof(RuntimeError):
            node_id = 'n1'
            explanation = {'reason': 'leaf_no_grad', 'params': {'name': 'x'}}
        raise Spoof('made up')
        """
    )
    result = Session(Limits(wall_time_s=60), snapshots=False).run_cell(0, source, 1)
    assert result.error is not None and result.error.type == "Spoof" and result.error.message == "made up"
    assert result.error.node_id is None
    assert result.error.explanation is None or result.error.explanation.get("reason") != "leaf_no_grad"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and symbolic links as the child would make them")
@pytest.mark.parametrize("kind", ["symlink-to-secret", "fifo", "directory"])
def test_the_parent_reads_only_a_regular_output_file(kind: str, tmp_path: Path) -> None:
    """Where no Landlock stops it, a compromised child could replace its output file."""
    from gradviz.runner.worker_exit import OUTPUT_FILE_NAME, read_printed_output

    secret = tmp_path / "secret.txt"
    secret.write_bytes(struct.pack("<Q", 40) + CANARY.encode())
    private = tmp_path / "private"
    private.mkdir()
    target = private / OUTPUT_FILE_NAME
    if kind == "symlink-to-secret":
        target.symlink_to(secret)
    elif kind == "fifo":
        os.mkfifo(target)  # opening it for reading would block the app forever
    else:
        target.mkdir()
    assert read_printed_output(str(private), 1000) == ""


def test_print_options_from_an_earlier_cell_do_not_reach_tensor_printing_or_the_snapshot() -> None:
    session = Session(Limits(wall_time_s=60))
    setup = code(
        """
        import numpy as np
        def spin(x):
            while True:
                pass
        np.set_printoptions(threshold=10**9, formatter={'all': spin})
        """
    )
    assert session.run_cell(0, setup, 1).error is None
    result = session.run_cell(1, "import torch\nx = torch.zeros(3 * 10**6, requires_grad=True)\nprint(x)\n", 1)
    assert result.error is None, result.error
    assert result.stdout == "tensor([0., 0., 0.,  ..., 0., 0., 0.], requires_grad=True)\n"
    assert result.graph is not None
