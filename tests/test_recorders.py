"""The golden recorders in tools/ run under real PyTorch, which tests never import; what can be
checked without it is checked here: the recorders load the capture code alone (no other gradviz
module next to torch) and, given gradviz's twin as ``torch``, reproduce seed_expected.json, the
proof they run before recording anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_record_goldens_loads_cells_alone_and_reproduces_the_seed_with_the_twin() -> None:
    probe = (
        "import sys\n"
        "sys.path.insert(0, 'tools')\n"
        "import record_goldens\n"
        "cells = record_goldens.load_cells_module()\n"
        "print(sorted(name for name in sys.modules if name.startswith('gradviz')))\n"
        "import gradviz.torch\n"
        "sys.modules['torch'] = gradviz.torch\n"
        "print(record_goldens.check_seed(cells))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded, seed_problems = done.stdout.splitlines()
    # The package __init__ files and the three pure-standard-library cell modules: no engine.
    assert loaded == str(
        ["gradviz", "gradviz.runner", "gradviz.runner.capture", "gradviz.runner.cells", "gradviz.runner.trusted_run"]
    )
    assert seed_problems == "[]"


def test_record_tutorial_goldens_child_proves_the_capture_on_the_seed() -> None:
    # The child process the tutorial recorder starts for its seed check, with the twin as torch
    # (the twin has no thread setting: a stand-in module adds a no-op one).
    probe = (
        "import sys, types\n"
        "sys.path.insert(0, 'tools')\n"
        "import gradviz.torch\n"
        "shim = types.ModuleType('torch')\n"
        "shim.__dict__.update(vars(gradviz.torch))\n"
        "shim.set_num_threads = lambda n: None\n"
        "sys.modules['torch'] = shim\n"
        "import record_tutorial_goldens\n"
        "sys.exit(record_tutorial_goldens.main(['--seed-check']))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
