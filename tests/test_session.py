"""Session: one namespace across cells, console-like results, and what it records for the app."""

from __future__ import annotations

import pickle

import pytest

from gradviz.runner.cells import split_percent_cells
from gradviz.runner.limits import Limits
from gradviz.runner.session import Session


@pytest.fixture
def session() -> Session:
    return Session(Limits(wall_time_s=5))


def test_echo_of_trailing_expression(session: Session) -> None:
    assert session.run_cell(0, "x = 3\nx * 2", 1).echo == "6"
    assert session.run_cell(1, "x * 2;", 1).echo is None
    assert session.run_cell(2, "None", 1).echo is None
    assert session.run_cell(3, "print('hi')", 1).echo is None  # print returns None
    result = session.run_cell(4, "print('out')\n'value'", 1)
    assert result.stdout == "out\n" and result.echo == "'value'"


def test_cells_share_one_namespace_and_errors_end_only_their_cell(session: Session) -> None:
    results = session.run_cells(
        split_percent_cells("# %%\na = 1\n# %%\nprint('before')\n1 / 0\nprint('never')\n# %%\nprint(a + 1)\n")
    )
    assert [r.index for r in results] == [0, 1, 2]
    assert results[1].stdout == "before\n"
    assert results[1].error.headline == "ZeroDivisionError: division by zero"
    assert results[1].error.line == 5  # a line of the file, not of the cell
    assert results[2].stdout == "2\n" and results[2].error is None


def test_markdown_cells_are_skipped(session: Session) -> None:
    cells = split_percent_cells("# %% [markdown]\n# Title\n# %%\nprint(1)\n")
    assert [r.stdout for r in session.run_cells(cells)] == ["1\n"]


def test_syntax_error_reports_file_line(session: Session) -> None:
    result = session.run_cell(0, "x = 1\nx = (", 10)
    assert result.error.type == "SyntaxError" and result.error.line == 11


def test_error_line_inside_a_function_is_the_innermost_learner_line(session: Session) -> None:
    source = "def f(v):\n    return v[5]\n\nf([1])"
    result = session.run_cell(0, source, 20)
    assert result.error.headline == "IndexError: list index out of range"
    assert result.error.line == 21


def test_python_features_learners_use(session: Session) -> None:
    source = (
        "a, (b, c) = 1, (2, 3)\n"
        "a += 10\n"
        "squares = {k: k * k for k in range(3)}\n"
        "evens = [n for n in range(10) if n % 2 == 0]\n"
        "total = 0\n"
        "i = 0\n"
        "while i < 3:\n"
        "    total += i\n"
        "    i += 1\n"
        "def scale(v, by=2, *rest, **opts):\n"
        "    return v * by\n"
        "class Counter:\n"
        "    step = 1\n"
        "    def __init__(self):\n"
        "        self.n = 0\n"
        "    def tick(self):\n"
        "        self.n += self.step\n"
        "        return self\n"
        "    @property\n"
        "    def double(self):\n"
        "        return self.n * 2\n"
        "    def __repr__(self):\n"
        "        return f'Counter({self.n})'\n"
        "k = Counter().tick().tick()\n"
        "label = 'big' if total > 2 else 'small'\n"
        "print(a, b, c, squares, evens, total, scale(4), (lambda q: q + 1)(1), k.double, label)\n"
        "print(f'{3.14159:.2f}|{\"x\"!r:>5}|{len(evens)}', '%d-%s' % (4, 'y'), 2 ** 10, [1] * 3)\n"
        "k\n"
    )
    result = session.run_cell(0, source, 1)
    assert result.error is None, result.error
    assert result.stdout == ("11 2 3 {0: 0, 1: 1, 2: 4} [0, 2, 4, 6, 8] 3 8 2 4 big\n3.14|  'x'|5 4-y 1024 [1, 1, 1]\n")
    assert result.echo == "Counter(2)"


def test_user_print_goes_to_the_result_not_to_stdout(session: Session, capsys: pytest.CaptureFixture[str]) -> None:
    result = session.run_cell(0, "print('a', 'b', sep='-', end='!')", 1)
    assert result.stdout == "a-b!"
    assert capsys.readouterr().out == ""


def test_print_is_pythons_own_and_stdout_comes_back_after_a_failing_cell(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    before = sys.stdout
    result = session.run_cell(0, "print(print, flush=True)\nprint('partial', end='')\n1 / 0", 1)
    assert result.stdout == "<built-in function print>\npartial"
    assert result.error.headline == "ZeroDivisionError: division by zero"
    assert sys.stdout is before
    print("after")
    assert capsys.readouterr().out == "after\n"


def test_learner_objects_hold_named_tensors_but_not_private_ones(session: Session) -> None:
    source = (
        "import torch as t\n"
        "class Holder:\n"
        "    def __init__(self):\n"
        "        self.w = t.ones(2, requires_grad=True)\n"
        "        self._cache = t.zeros(2)\n"
        "        self.__hidden = t.ones(1)\n"
        "h = Holder()\n"
    )
    assert session.run_cell(0, source, 1).error is None
    names = session.named_tensors()
    assert names["h.w"] is session.namespace["h"].w
    assert not [n for n in names if "_cache" in n or "hidden" in n]
    assert session.runtime.guard.is_user_class(type(session.namespace["h"]))
    assert not session.runtime.guard.is_user_class(int)


def test_reset_forgets_bindings(session: Session) -> None:
    session.run_cell(0, "kept = 1", 1)
    session.reset()
    assert session.run_cell(1, "kept", 1).error.headline == "NameError: name 'kept' is not defined"


def test_results_are_plain_picklable_data(session: Session) -> None:
    result = session.run_cell(0, "x = [1, 2]\nx", 1)
    assert pickle.loads(pickle.dumps(result)) == result


# -- with the engine ---------------------------------------------------------------------------


def test_names_follow_rebinding(session: Session) -> None:
    session.run_cell(0, "import torch as t\nx = t.ones(2, requires_grad=True)\ny = x * 2\nfirst = y\ny = y + 1", 1)
    named = session.named_tensors()
    assert named["x"] is session.namespace["x"]
    assert named["y"] is session.namespace["y"] and named["first"] is not named["y"]
    session.run_cell(1, "pair = [x, y]", 1)
    assert session.named_tensors()["pair[1]"] is session.namespace["y"]


def test_tensors_and_nodes_record_their_source_span(session: Session) -> None:
    source = "import torch as t\nx = t.ones(2, requires_grad=True)\n\ny = (x + 1) * x"
    session.run_cell(3, source, 7)
    x = session.namespace["x"]
    y = session.namespace["y"]
    assert (x.span.cell, x.span.line) == (3, 8)
    assert y.span.line == 10
    assert (y.span.col, y.span.end_col) == (4, 15)  # the `*` expression, not the whole statement
    inner = y.grad_fn.next_functions[0][0]
    assert inner.span.line == 10 and (inner.span.col, inner.span.end_col) == (5, 10)  # (x + 1)


def test_graph_snapshot_after_each_cell(session: Session) -> None:
    result = session.run_cell(0, "import torch as t\nx = t.ones(2, requires_grad=True)\ny = (x * 3).sum()", 1)
    assert result.error is None
    assert isinstance(result.graph, dict) and result.graph
    assert session.last_snapshot_error is None


def test_statement_snapshots_when_asked() -> None:
    session = Session(statement_graphs=True)
    session.run_cell(0, "import torch as t\nx = t.ones(2, requires_grad=True)\nfor i in range(3):\n    x = x * 2", 1)
    spans = [entry["span"]["line"] for entry in session.last_statement_graphs]
    assert spans == [1, 2, 3]  # one per top-level statement, not per loop iteration
    assert all(isinstance(entry["graph"], dict) for entry in session.last_statement_graphs)


def test_backward_calls_are_traced_and_tagged_with_their_line(session: Session) -> None:
    source = (
        "import torch as t\n"
        "x = t.ones(2, requires_grad=True)\n"
        "seen = []\n"
        "def hook(g):\n"
        "    seen.append(g)\n"
        "y = x * 3\n"
        "y.register_hook(hook)\n"
        "y.sum().backward()\n"
    )
    result = session.run_cell(2, source, 5)
    assert result.error is None, result.error
    assert len(result.backward_calls) == 1
    call = result.backward_calls[0]
    assert (call["cell"], call["line"]) == (2, 12)  # the backward() line, not the hook's
    assert call["source"]["col"] == 0
    assert call["events"], "the trace has its events"


def test_seed_warning_and_errors_like_the_console(session: Session) -> None:
    session.run_cell(0, "import torch as t\nx = t.ones(3, requires_grad=True)\ny = x * 2", 1)
    result = session.run_cell(1, "print(y.grad)\nprint(y.grad)", 1)
    assert result.stdout == "None\nNone\n"
    assert len(result.warnings) == 2  # one per line, as Python's default filter shows them
    assert result.warnings[0].startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf")
    result = session.run_cell(2, "y.backward()", 1)
    assert result.error.headline == "RuntimeError: grad can be implicitly created only for scalar outputs"


def test_in_place_and_no_grad_blocks(session: Session) -> None:
    source = (
        "import torch as t\n"
        "w = t.ones(2, requires_grad=True)\n"
        "loss = (w * w).sum()\n"
        "loss.backward()\n"
        "with t.no_grad():\n"
        "    w -= 0.5 * w.grad\n"
        "w.grad.zero_()\n"
        "print(w, w.grad, w._version)\n"
    )
    result = session.run_cell(0, source, 1)
    assert result.error is None, result.error
    assert result.stdout == "tensor([0., 0.], requires_grad=True) tensor([0., 0.]) 1\n"


def test_no_deadline_stays_armed_after_a_cell() -> None:
    """A finished cell's clock must not stop anything later: another session, or a plain run in the
    same process (the fidelity tests run one right after a sandboxed run)."""
    import math

    from gradviz.runner.sandbox import stdlib

    session = Session(Limits(wall_time_s=0.001))
    result = session.run_cell(0, "x = 1", 1)
    assert result.error is None
    assert session.runtime.deadline == math.inf
    stdlib._deadline_check()  # the check left behind is a no-op, however much time has passed
