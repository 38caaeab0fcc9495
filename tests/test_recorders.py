"""The golden recorders in tools/ run under real PyTorch, which tests never import; what can be
checked without it is checked here: the recorder loads the capture code alone (no other gradviz
module next to torch) and, given gradviz's twin as ``torch``, reproduces seed_expected.json, the
proof it runs before recording anything."""

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
    assert done.stdout == "['gradviz_cells_standalone']\n[]\n"
