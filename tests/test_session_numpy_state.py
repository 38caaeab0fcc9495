"""numpy's process-wide settings stay with the session that set them.

A learner's ``np.seterrcall`` callback or print formatter is the learner's, as in a Jupyter kernel;
it must never run in gradviz's own work after the cell (no deadline is armed there) nor in another
session in the same process.
"""

from __future__ import annotations

import numpy as np

import gradviz.autograd.ops.registry  # noqa: F401  (its import sets the engine's float-error mode)
from gradviz.runner.session import Session

SETS_EVERYTHING = (
    "import numpy as np\n"
    "calls = []\n"
    "def note(kind, flag):\n"
    "    calls.append(kind)\n"
    "np.seterrcall(note)\n"
    "np.seterr(all='call')\n"
    "np.set_printoptions(precision=2, formatter={'float': lambda v: f'<{v:.1f}>'})\n"
)


def test_the_host_keeps_its_numpy_settings_after_a_cell_changes_them() -> None:
    before_errors, before_print = np.geterr(), np.get_printoptions()
    session = Session(snapshots=True)
    result = session.run_cell(0, SETS_EVERYTHING, 1)
    assert result.error is None, result.error
    assert np.geterr() == before_errors
    assert np.geterrcall() is None
    assert np.get_printoptions() == before_print


def test_the_session_keeps_its_own_settings_from_cell_to_cell() -> None:
    session = Session(snapshots=False)
    assert session.run_cell(0, SETS_EVERYTHING, 1).error is None
    result = session.run_cell(1, "print(np.array([1.0, 2.5]))\nnp.array([1.0]) / 0\nprint(calls)\n", 1)
    assert result.error is None, result.error
    assert result.stdout == "[<1.0> <2.5>]\n['divide by zero']\n"


def test_another_session_starts_from_the_engine_defaults() -> None:
    first = Session(snapshots=False)
    assert first.run_cell(0, SETS_EVERYTHING, 1).error is None
    second = Session(snapshots=False)
    result = second.run_cell(
        0, "import numpy as np\nprint(np.array([1.0, 2.5]) / np.array([1.0, 0.0]), np.geterr()['divide'])\n", 1
    )
    assert result.error is None, result.error
    assert result.stdout == "[ 1. inf] ignore\n"
    assert result.warnings == []
