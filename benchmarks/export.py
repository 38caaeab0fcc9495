"""Export benchmark: backward animations and pictures of real scripts run through gradviz's engine.

Run: ``.venv/bin/python benchmarks/export.py [--repeat 1] [--nodes 1000] [--no-baseline] [--flat]``

Workloads (each script runs in a gradviz Session, as ``gradviz export --in-process`` runs it):

- the seed notebook's third backward call (packaged with gradviz: gradviz.resources), GIF;
- a 3-layer ``nn.Sequential`` trained 20 steps with Adam, its last call, GIF, PNG, SVG and a PDF
  handout of every step;
- a 300-iteration loop ``h = torch.tanh(h * w + b)``, its one call (2,700 steps), the same four;
- a graph of about ``--nodes`` nodes (20 branches of ``y = y * w + 1``), PNG.

Each export is measured as gradviz writes it now: the window's grouped picture (module boxes, the
loop folded into its "300 x ..." node; ui.export.grouped), frames of at most 1920 px a side,
long calls sampled to 120 frames, PNG at most 8192 px a side. ``--flat`` adds each export as the
flat drawing of every snapshot node (``ExportRequest(grouped=False)``, what exports drew before
the grouping; a camera follows the running node in a big one), except the flat loop's handout
(the review measured 586 s and 928 pages). Unless ``--no-baseline``, the unbounded export of the
flat drawing (the whole graph in every frame, one frame per step) is measured too. Rows give
seconds (wall and this process's CPU), pixel size, frames or pages, and bytes; a baseline past the
raster limit is reported as refused. Target: each export <= 10 s on the development machine.
Times are the best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gradviz import resources
from gradviz.cli.export import ExportError, ExportSource, pick_source
from gradviz.runner.cells import load_cells
from gradviz.runner.session import Session
from ui.export.api import ExportRequest, export_source, prepare_qt

SEED_CALL = 3  # cell 7: the first backward whose whole graph is named (s = z.sum())
TARGET_S = 10.0
UNBOUNDED = 1 << 20  # max_size for the baseline: no frame is ever reframed

MLP_20_STEPS = """\
import torch
import torch.nn as nn

torch.manual_seed(0)
X = torch.randn(32, 4)
Y = torch.randn(32, 1)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(20):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(X), Y)
    loss.backward()
    optimizer.step()
"""

LOOP_300 = """\
import torch

h = torch.zeros(3)
w = torch.tensor(1.01, requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
for i in range(300):
    h = torch.tanh(h * w + b)
h.sum().backward()
"""


def chain_script(nodes: int) -> str:
    """About ``nodes`` nodes in the data-flow view, shaped like a small network rather than one
    long chain: 20 branches of ``y = y * w + 1`` summed at the end, with the backward recorded."""
    branches = 20
    rounds = max(1, nodes // (6 * branches))  # a round adds two ops, two results, a weight, a constant
    return (
        "import torch as t\n"
        "x = t.ones(2, requires_grad=True)\n"
        "total = x.sum()\n"
        f"for b in range({branches}):\n"
        "    y = x\n"
        f"    for i in range({rounds}):\n"
        "        w = t.ones(2, requires_grad=True)\n"
        "        y = y * w + 1\n"
        "    total = total + y.sum()\n"
        "total.backward()\n"
    )


def run_script(code: str | Path, call: int | None = None) -> ExportSource:
    if isinstance(code, Path):
        return pick_source(Session().run_cells(load_cells(code)), call)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "script.py"
        path.write_text(code, encoding="utf-8")
        return pick_source(Session().run_cells(load_cells(path)), call)


@dataclass
class Measured:
    seconds: float  # wall clock, best of the repeats
    cpu: float  # this process's CPU time of that run: steadier than wall time on a shared machine
    size: tuple[int, int] | None  # None: refused (or a vector file)
    frames: int
    note: str
    bytes: int = 0


def measure(repeat: int, out: Path, source: ExportSource, request: ExportRequest) -> Measured:
    from PIL import Image

    notes: list[str] = []
    best, cpu = float("inf"), 0.0
    frames = 0
    for _ in range(repeat):
        notes.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            frames = export_source(out, source, request, notice=notes.append)
        except ExportError as exc:
            return Measured(time.perf_counter() - start, time.process_time() - start_cpu, None, 0, str(exc))
        if time.perf_counter() - start < best:
            best, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    size = None
    if out.suffix in (".png", ".gif", ".webp", ".apng"):
        with Image.open(out) as picture:
            size = picture.size
    return Measured(best, cpu, size, frames, "; ".join(notes), out.stat().st_size)


def row(name: str, m: Measured, target: bool) -> str:
    size = f"{m.size[0]} x {m.size[1]} px" if m.size else ("vector" if m.bytes else "refused")
    verdict = ("ok" if m.seconds <= TARGET_S else "OVER TARGET") if target else "baseline"
    text = (
        f"{name:<34} {m.seconds:7.2f} s (cpu {m.cpu:6.2f} s)  {size:>18}  {m.frames:5d} frames/pages"
        f"  {m.bytes / 1e6:8.2f} MB  {verdict}"
    )
    return text + (f"\n{'':<36}{m.note}" if m.note else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--no-baseline", action="store_true", help="skip the unbounded exports (slow)")
    parser.add_argument("--flat", action="store_true", help="also measure the flat drawing (before the grouping)")
    args = parser.parse_args(argv)
    prepare_qt("en")
    workloads: list[tuple[str, Callable[[], ExportSource], tuple[str, ...]]] = [
        ("seed notebook call 3", lambda: run_script(resources.seed_notebook(), SEED_CALL), ("gif",)),
        ("20-step Adam MLP, last call", lambda: run_script(MLP_20_STEPS), ("gif", "png", "svg", "pdf")),
        ("300-iteration tanh loop", lambda: run_script(LOOP_300), ("gif", "png", "svg", "pdf")),
        (f"{args.nodes}-node graph", lambda: run_script(chain_script(args.nodes)), ("png",)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, formats in workloads:
            source = make()
            nodes = len(source.snapshot.get("nodes", []))
            steps = len((source.trace or {}).get("events", []))
            print(f"{name}: {nodes} snapshot nodes, {steps} steps")
            for fmt in formats:
                mode = "all" if fmt in ("gif", "pdf") else "final"
                out = Path(tmp) / f"out.{fmt}"
                bounded = measure(args.repeat, out, source, ExportRequest(fmt, mode=mode))
                print(row(f"  -> {fmt}", bounded, target=True))
                if args.flat and not (fmt == "pdf" and steps > 1000):
                    flat = measure(1, out, source, ExportRequest(fmt, mode=mode, grouped=False))
                    print(row(f"  -> {fmt} (before: flat)", flat, target=False))
                if not args.no_baseline and fmt in ("gif", "png"):
                    request = ExportRequest(fmt, mode=mode, max_size=UNBOUNDED, max_frames=None)
                    print(row(f"  -> {fmt} (before: unbounded)", measure(1, out, source, request), target=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
