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


def test_a_reader_that_stops_early_ends_trace_quietly() -> None:
    # ``gradviz trace | head -1``: the reader is gone before the command writes. Our end of the
    # pipe is closed right after the start, long before the command has run the seed notebook.
    trace = subprocess.Popen([sys.executable, "-m", "gradviz", "trace"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert trace.stdout is not None and trace.stderr is not None
    trace.stdout.close()
    errors = trace.stderr.read()
    status = trace.wait(timeout=120)
    assert b"BrokenPipeError" not in errors and b"Traceback" not in errors, errors
    assert status == 128 + 13  # as a command killed by SIGPIPE
