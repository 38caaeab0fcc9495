"""The backward player at scale: frame time, seek time and call-list fill time (printed, never asserted).

Inputs, all recorded by gradviz's own engine through a Session (the runner learners use):

* ``loop``: a real 300-iteration loop, ``h = torch.tanh(h * w + 0.1)`` with two leaves
  (903 backward nodes, 2,710 steps);
* ``chain``: a 1,000-node chain of alternating mul / add (``--nodes``), the frame benchmark's
  historical input;
* ``calls``: a 20,000-iteration training loop's backward calls (``--calls``; the session keeps the
  first and last calls in detail and the rest as summaries, as the app receives them).

Every stretch is timed as wall time and as this process's CPU time (on a machine shared with
other work, the CPU time is the steadier number). Before/after comparisons: run this file from
two checkouts (``git archive`` of each commit into its own folder) in turn, same machine, same
run.

Measured:

1. ``Replay.state(k)`` walking in order vs a fresh ``Replay`` per step (the baseline without the
   incremental cache), and a step of the player's UI (panels + canvas calls) forward and back;
   with ``--canvas real`` (default) the canvas is the app's GraphPanel with the call's graph
   drawn, with ``--canvas null`` a stand-in that only counts calls. Target <= 16 ms per step.
   ``--draw app`` (default) draws the graph as the app does (the loop folded into one box, a
   chain this long folded into runs); ``--draw all`` draws every node (no boxes, no folding:
   ~3,000 items for the 1,000-node chain) with the camera at ``--zoom fit`` (the whole graph)
   or ``--zoom readable`` (readable text, the camera following the running node, so most steps
   pan). The header line says how many nodes are drawn, at which zoom, and the load average.
2. Seeking: the player asked for random steps anywhere in the loop's call (uniform over
   0..last, seeded), each a fresh jump: a far jump right after the call is picked (cold), the
   first far jump once the player went idle after the pick (its checkpoints made ahead), then
   random ones (warm). Target <= 100 ms per seek.
3. The call list: ``set_calls`` with every call (fills the chooser and selects the last), then
   selecting call 19,999 and call 1. Printed in ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/player.py [--canvas real|null] [--seeks 200]
        [--only frames|seek|calls] [--draw app|all] [--zoom fit|readable]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LOOP_SCRIPT = """import torch
x = torch.tensor([0.5, -0.3], requires_grad=True)
w = torch.tensor([1.01, 0.99], requires_grad=True)
h = x
for _ in range(300):
    h = torch.tanh(h * w + 0.1)
loss = h.sum()
loss.backward()
"""

CHAIN_SCRIPT = """import torch
x = torch.ones(4, requires_grad=True)
y = x
for i in range({n}):
    y = y * 1.0001 if i % 2 == 0 else y + 0.5
y.sum().backward()
"""

CALLS_SCRIPT = """import torch
w = torch.tensor(0.0, requires_grad=True)
for i in range({n}):
    loss = (w * 2.0 - 1.0) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    w.grad.zero_()
"""


def run_script(source: str, wall_time_s: float = 120.0) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The script's backward calls (trace dicts) and its graph snapshot, as the app receives them."""
    from gradviz.runner.limits import Limits
    from gradviz.runner.session import Session

    result = Session(Limits(wall_time_s=wall_time_s)).run_cell(0, source)
    if result.error is not None:
        raise SystemExit(f"benchmark script failed: {result.error}")
    calls = [c if isinstance(c, dict) else c.to_dict() for c in result.backward_calls]
    return calls, result.graph


class NullCanvas:
    """Counts the player's canvas calls and does nothing else."""

    def __init__(self) -> None:
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls += 1

        return record


def ms(seconds: float) -> float:
    return seconds * 1000


def summary(data: list[float]) -> str:
    p95 = sorted(data)[int(len(data) * 0.95)]
    return f"median {ms(statistics.median(data)):7.2f} ms, p95 {ms(p95):7.2f} ms, max {ms(max(data)):7.2f} ms"


class Clock:
    """Wall time and this process's CPU time of one measured stretch. On a shared machine the CPU
    time is the steadier number (Qt paints offscreen in this thread, so it is counted)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> Clock:
        self._t = (time.perf_counter(), time.process_time())
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall.append(time.perf_counter() - self._t[0])
        self.cpu.append(time.process_time() - self._t[1])

    def lines(self, label: str, target: str) -> str:
        return f"  {label:26s}: wall {summary(self.wall)}  ({target})\n  {'':26s}  cpu  {summary(self.cpu)}"


_KEEP: list[list[Any]] = []


def draw_all(app: Any, panel: Any, zoom: str) -> None:
    """Every node of the snapshot drawn (no module boxes or loop folds, no chains folded), at the
    whole graph's zoom or at the readable one."""
    scene = panel.view.graph_scene
    scene.collapse_threshold = sys.maxsize
    scene.grouping = None
    scene.rebuild(animate=False)
    panel.view.fit_to_view()
    if zoom == "readable":
        panel.view.readable_size()
    app.processEvents()


def make_player(
    app: Any,
    calls: list[dict[str, Any]],
    snapshot: dict[str, Any] | None,
    canvas: str,
    draw: str = "app",
    zoom: str = "fit",
) -> Any:
    """A shown player (and graph panel, for the real canvas) with ``calls`` loaded."""
    from ui.player import BackwardPlayer

    player = BackwardPlayer()
    holder: list[Any] = [player]
    if canvas == "real":
        from ui.graph import GraphPanel

        panel = GraphPanel()
        panel.resize(1000, 700)
        panel.show()
        panel.set_snapshot(snapshot)
        app.processEvents()
        if draw == "all":
            draw_all(app, panel, zoom)
        player.set_canvas(panel.view)
        holder.append(panel)
    else:
        player.set_canvas(NullCanvas())
    player.set_calls(calls, snapshot)
    player.resize(900, 560)
    player.show()
    app.processEvents()
    _KEEP.append(holder)  # the panel lives as long as the benchmark
    return player


def bench_frames(
    app: Any,
    label: str,
    calls: list[dict[str, Any]],
    snapshot: Any,
    canvas: str,
    frames: int,
    draw: str = "app",
    zoom: str = "fit",
) -> None:
    from gradviz.backward.replay import Replay

    trace = calls[-1]
    replay = Replay(trace)
    n = len(replay)
    frames = min(frames, n)
    t0 = time.perf_counter()
    for k in range(frames):
        replay.state(k)
    cached = (time.perf_counter() - t0) / frames
    sample = range(0, frames, max(1, frames // 60))
    t0 = time.perf_counter()
    for k in sample:
        Replay(trace).state(k)
    baseline = (time.perf_counter() - t0) / len(sample)

    player = make_player(app, calls, snapshot, canvas, draw, zoom)
    drawn = ""
    if canvas == "real":
        view = _KEEP[-1][1].view
        drawn = f", {len(view.graph_scene.nodes)} drawn ({draw}) at zoom {view.current_scale():.3g}"
    forward, back = Clock(), Clock()
    for k in range(1, frames):
        with forward:
            player.seek(k)
            app.processEvents()
    for k in range(frames - 2, 0, -1):
        with back:
            player.seek(k)
            app.processEvents()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"[{label}] {len(replay.nodes)} nodes, {n} steps, {canvas} canvas{drawn}; {frames} frames; load {load}")
    print(f"  state(k) in order, cached : {ms(cached):8.3f} ms/step")
    print(f"  state(k) from scratch     : {ms(baseline):8.3f} ms/step (baseline)  ratio {baseline / cached:7.1f}x")
    print(forward.lines("UI step forward", "target <= 16 ms"))
    print(back.lines("UI step back", "target <= 16 ms"))


def bench_seek(app: Any, calls: list[dict[str, Any]], snapshot: Any, canvas: str, seeks: int) -> None:
    from gradviz.backward.replay import Replay

    rng = random.Random(16)
    n = len(Replay(calls[-1]))
    targets = [rng.randrange(n) for _ in range(seeks)]
    player = make_player(app, calls, snapshot, canvas)

    # cold: the call freshly selected (one turn of the event loop), then one far jump; "first"
    # waits until the player is idle again (its checkpoints made ahead, as they are long before a
    # learner's hand reaches the slider) before the first far jump
    cold, first = Clock(), Clock()
    for target in targets[:10]:
        player.select_call(len(calls) - 1)
        app.processEvents()
        with cold:
            player.seek(max(target, n // 2))
            app.processEvents()
    for target in targets[:10]:
        player.select_call(len(calls) - 1)
        while not getattr(player, "seeks_prepared", True):
            app.processEvents()
        app.processEvents()
        with first:
            player.seek(max(target, n // 2))
            app.processEvents()
    warm = Clock()
    for target in targets:
        with warm:
            player.seek(target)
            app.processEvents()
    replay_only = []
    for target in targets:
        replay = player.replay
        t0 = time.perf_counter()
        replay.state(target)
        replay_only.append(time.perf_counter() - t0)
    print(f"[seek] {n} steps, {canvas} canvas, {seeks} random seeks")
    print(cold.lines("cold (far seek on pick)", "target <= 100 ms"))
    print(first.lines("first far seek, idle", "target <= 100 ms"))
    print(warm.lines("warm (player, random)", "target <= 100 ms"))
    print(f"  Replay.state only, random : {summary(replay_only)}")


def bench_call_list(app: Any, calls: list[dict[str, Any]]) -> None:
    from ui.player import BackwardPlayer

    player = BackwardPlayer()
    player.resize(900, 560)
    player.show()
    app.processEvents()
    fill, pick_last, pick_first = Clock(), Clock(), Clock()
    with fill:
        player.set_calls(calls)
        app.processEvents()
    with pick_last:
        player.select_call(len(calls) - 2)
        app.processEvents()
    with pick_first:
        player.select_call(0)
        app.processEvents()
    detailed = sum(1 for c in calls if not c.get("summarized"))
    print(f"[call list] {len(calls)} calls ({detailed} in detail)")
    for label, clock in (
        ("set_calls (fill + select the last)", fill),
        (f"select call {len(calls) - 1:,}", pick_last),
        ("select call 1", pick_first),
    ):
        print(f"  {label:34s}: wall {ms(clock.wall[0]):9.1f} ms, cpu {ms(clock.cpu[0]):9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=400)
    parser.add_argument("--seeks", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--canvas", choices=("real", "null"), default="real")
    parser.add_argument("--only", choices=("frames", "seek", "calls"), default=None)
    parser.add_argument("--draw", choices=("app", "all"), default="app")
    parser.add_argument("--zoom", choices=("fit", "readable"), default="fit")
    args = parser.parse_args()

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("gradviz-benchmark")  # the user's own settings stay untouched
    app = QApplication.instance() or QApplication([])

    if args.only in (None, "frames", "seek"):
        loop_calls, loop_graph = run_script(LOOP_SCRIPT)
    if args.only in (None, "frames"):
        chain_calls, chain_graph = run_script(CHAIN_SCRIPT.format(n=args.nodes - 2))
        bench_frames(app, "chain", chain_calls, chain_graph, args.canvas, args.frames, args.draw, args.zoom)
        bench_frames(app, "loop", loop_calls, loop_graph, args.canvas, args.frames, args.draw, args.zoom)
    if args.only in (None, "seek"):
        bench_seek(app, loop_calls, loop_graph, args.canvas, args.seeks)
    if args.only in (None, "calls"):
        t0 = time.perf_counter()
        many, _ = run_script(CALLS_SCRIPT.format(n=args.calls), wall_time_s=600)
        print(f"(recorded {len(many)} calls in {time.perf_counter() - t0:.1f} s)")
        bench_call_list(app, many)


if __name__ == "__main__":
    main()
