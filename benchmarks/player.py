"""Frame time of the backward player while stepping through a 1,000-node backward.

A frame is ``Replay.state(k)`` plus the player's UI update for that step (VJP panel, ledger,
memory lane, canvas calls into a recording stand-in). Printed against a baseline measured in the
same run: a fresh ``Replay`` asked for state k each frame (no cache), which is what stepping would
cost without the incremental cache. Target: <= 16 ms per frame.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/player.py [--nodes 1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def record_chain(nodes: int) -> dict:
    """A chain of ``nodes`` ops (alternating mul / add / exp) so backward runs ~nodes nodes."""
    import gradviz.torch as t
    from gradviz.autograd import trace as trace_module

    got: list = []
    unsubscribe = trace_module.subscribe(got.append)
    try:
        x = t.ones(4, requires_grad=True)
        y = x
        for i in range(nodes - 2):
            y = y * 1.0001 if i % 2 == 0 else y + 0.5
        y.sum().backward()
    finally:
        unsubscribe()
    return got[0].to_dict()


class NullCanvas:
    def __init__(self) -> None:
        self.calls = 0

    def __getattr__(self, name: str):
        def record(*args):
            self.calls += 1

        return record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=400)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from gradviz.backward.replay import Replay
    from ui.player import BackwardPlayer

    app = QApplication.instance() or QApplication([])
    trace = record_chain(args.nodes)
    replay = Replay(trace)
    n = len(replay)
    frames = min(args.frames, n)
    print(f"trace: {len(replay.nodes)} nodes, {n} steps; timing {frames} frames")

    t0 = time.perf_counter()
    for k in range(frames):
        replay.state(k)
    cached = (time.perf_counter() - t0) / frames

    baseline_frames = min(frames, 60)
    t0 = time.perf_counter()
    for k in range(0, frames, max(1, frames // baseline_frames)):
        Replay(trace).state(k)
    baseline = (time.perf_counter() - t0) / len(range(0, frames, max(1, frames // baseline_frames)))

    player = BackwardPlayer()
    player.set_canvas(NullCanvas())
    player.set_calls([trace])
    player.resize(900, 560)
    player.show()
    app.processEvents()
    times = []
    for k in range(1, frames):
        t0 = time.perf_counter()
        player.seek(k)
        app.processEvents()
        times.append(time.perf_counter() - t0)
    back = []
    for k in range(frames - 2, 0, -1):
        t0 = time.perf_counter()
        player.seek(k)
        app.processEvents()
        back.append(time.perf_counter() - t0)
    ms = lambda s: s * 1000  # noqa: E731
    print(f"state(k) in order, cached : {ms(cached):8.3f} ms/step")
    print(f"state(k) from scratch     : {ms(baseline):8.3f} ms/step (baseline)  ratio {baseline / cached:7.1f}x")
    for label, data in (("UI frame, stepping forward", times), ("UI frame, stepping back", back)):
        p95 = sorted(data)[int(len(data) * 0.95)]
        print(
            f"{label:27s}: median {ms(statistics.median(data)):7.2f} ms, p95 {ms(p95):7.2f} ms, "
            f"max {ms(max(data)):7.2f} ms  (target <= 16 ms)"
        )


if __name__ == "__main__":
    main()
