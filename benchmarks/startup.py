"""Start-up time: process start to the gradviz window showing the seed notebook, painted once.

Each sample is a fresh ``python`` process (offscreen Qt, throw-away settings) timed from just
before it is spawned until it prints that its window was painted. The baseline is a bare PySide6
QMainWindow measured the same way in the same run, so the ratio says what gradviz adds on top of
Qt itself. Target: gradviz <= 0.6 s (median). The graph canvas, player and export (numpy,
networkx, layout) are installed right after the first paint, as the app does; their completion
time is printed too.

    .venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1440, 900)
window.show()
window.grab()  # force one full paint, as the gradviz probe does
print("painted", flush=True)
"""

GRADVIZ = """
import sys
sys.path.insert(0, {repo!r})
from ui.app import build_window, ensure_application, prepare_look
from ui.settings import Preferences
app = ensure_application()
prefs = Preferences()
prepare_look(prefs)
window, error = build_window(prefs, None)
window.resize(1440, 900)
window.show()
window.start_background_work()
window.grab()
assert error is None and window.editor.cells, "the seed notebook did not load"
print("painted", flush=True)
from ui.extensions import install_all  # what run_app does right after the first paint
install_all(window)
window.grab()
print("complete", flush=True)
window.editor.document().setModified(False)
window.close()
"""


def sample(code: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawn to each marker line the child prints ("painted", "complete")."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
        cwd=str(REPO),
    )
    assert proc.stdout is not None
    marks = {}
    for line in proc.stdout:
        marks[line.strip()] = time.perf_counter() - start
    proc.wait(timeout=60)
    if "painted" not in marks:
        raise RuntimeError(f"child exited with {proc.returncode} before painting")
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=home, XDG_DATA_HOME=home, HOME=home)
        gradviz_code = GRADVIZ.format(repo=str(REPO))
        sample(BARE, env)  # warm the OS file cache for both
        sample(gradviz_code, env)
        bare, ours, full = [], [], []
        for _ in range(args.runs):  # interleaved so machine noise hits both alike
            bare.append(sample(BARE, env)["painted"])
            marks = sample(gradviz_code, env)
            ours.append(marks["painted"])
            full.append(marks["complete"])
    b, g, f = statistics.median(bare), statistics.median(ours), statistics.median(full)
    print(f"bare PySide6 QMainWindow          median {b:.3f} s  (min {min(bare):.3f}, max {max(bare):.3f})")
    print(f"gradviz window with seed, painted median {g:.3f} s  (min {min(ours):.3f}, max {max(ours):.3f})")
    print(f"  + graph canvas, player, export  median {f:.3f} s  (installed after the first paint)")
    verdict = "met" if g <= 0.6 else "NOT met"
    print(f"ratio gradviz / bare              {g / b:.2f}x   target gradviz <= 0.600 s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
