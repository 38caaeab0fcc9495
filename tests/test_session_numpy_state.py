"""numpy's process-wide settings stay with the session that set them.

A learner's ``np.seterrcall`` callback or print formatter is the learner's, as in a Jupyter kernel;
it must never run in gradviz's own work after the cell (no deadline is armed there) nor in another
session in the same process.
"""

from __future__ import annotations

import numpy as np

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


def test_a_fresh_process_keeps_the_engine_float_mode_after_the_first_cell_imports_torch() -> None:
    """The first cell of a process is where the engine is often first used; the host must come out
    of it with the engine's mode (numpy's warnings off), or the engine's own ops warn later."""
    import subprocess
    import sys

    program = (
        "import numpy as np\n"
        "from gradviz.runner.session import Session\n"
        "Session(snapshots=False).run_cell(0, 'import torch\\nx = torch.ones(1) / 0', 1)\n"
        "print(np.geterr()['divide'])\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout == "ignore\n", done.stderr
