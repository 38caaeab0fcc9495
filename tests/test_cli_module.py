"""``python -m gradviz`` runs the same command as the ``gradviz`` script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gradviz import __version__


def test_python_dash_m_gradviz_is_the_command(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "gradviz"]
    version = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"gradviz {__version__}\n"
    script = tmp_path / "tiny.py"
    script.write_text("import torch\nx = torch.tensor(2.0, requires_grad=True)\n(x * x).backward()\nprint(x.grad)\n")
    ran = subprocess.run([*command, "run", str(script)], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "tensor(4.)\n"
