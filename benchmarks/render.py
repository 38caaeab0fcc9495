"""How long the graph canvas takes: snapshot, layout, scene population, and a repaint at fit zoom.

    .venv/bin/python benchmarks/render.py [--sizes 100,1000,5000] [--full]

For each size N, a chain of N ops (alternating ``* 1.01`` and ``.sin()``, so there are wrapped
constants and unary ops as in real scripts) is built with gradviz.torch. Times are CPU seconds of
this process (other work on a shared machine does not count), best of a few runs, and each is
printed with its ratio to the baseline measured in the same run: the forward pass that built
the graph. ``--full`` also draws every node with collapsing switched off (slow for 5,000 ops:
that is what collapsing is for).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

import gradviz.torch as t
from gradviz.graph.layout.sugiyama import layout
from gradviz.graph.snapshot import build_snapshot, from_node_link, view_subgraph
from ui.graph import GraphView, render_scene_to_image
from ui.theme import LIGHT


def cpu(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        out = fn()
        best = min(best, time.process_time() - start)
    return best, out


def forward(n_ops: int) -> dict[str, Any]:
    x = t.ones(3, 2, requires_grad=True)
    y = x
    for i in range(n_ops):
        y = y * 1.01 if i % 2 == 0 else y.sin()
    return {"x": x, "y": y}


def run(n_ops: int, full: bool, app: QApplication) -> None:
    base, named = cpu(lambda: forward(n_ops))
    snap_t, snap = cpu(lambda: build_snapshot(named))
    nodes = len(snap["nodes"])
    drawn = view_subgraph(from_node_link(snap), "dataflow")

    def populate(threshold: float) -> GraphView:
        view = GraphView(theme=LIGHT)
        view.resize(1200, 800)
        view.graph_scene.collapse_threshold = threshold
        view.graph_scene.animate_changes = False
        view.set_snapshot(snap)
        return view

    rows: list[tuple[str, float]] = [("forward pass (baseline)", base), ("build_snapshot", snap_t)]
    per_item: list[str] = []
    modes = [("collapsed", 400.0)] + ([("full", float("inf"))] if full else [])
    for label, threshold in modes:
        repeat = 1 if nodes > 3000 and threshold == float("inf") else 2
        pop_t, view = cpu(lambda threshold=threshold: populate(threshold), repeat)
        scene = view.graph_scene
        graph = scene.drawn.copy()
        lay_t, _ = cpu(lambda graph=graph: layout(graph, direction="TB"), repeat)
        view.show()
        app.processEvents()
        view.fit_to_view()
        frames = 5
        start = time.process_time()
        for _ in range(frames):
            view.viewport().repaint()
        repaint = (time.process_time() - start) / frames
        grab_t, _ = cpu(lambda view=view: view.grab(), 2)
        export_t, _ = cpu(lambda scene=scene: render_scene_to_image(scene, 1.0), 1)
        items = len(scene.nodes) + len(scene.edges)
        if label == "full":  # with collapsing on, the fold itself dominates: no per-item figure
            per_item.append(
                f"[{label}] set_snapshot minus layout, per drawn item ({items} nodes and edges): "
                f"{(pop_t - lay_t) / max(items, 1) * 1e6:.1f} us"
            )
        rows += [
            (f"[{label}: {len(scene.nodes)} drawn] set_snapshot (all)", pop_t),
            (f"[{label}]   of which layout()", lay_t),
            (f"[{label}] repaint at fit zoom", repaint),
            (f"[{label}] view.grab()", grab_t),
            (f"[{label}] render_scene_to_image(1.0)", export_t),
        ]
        view.close()
        view.deleteLater()
        app.processEvents()
    print(f"\n{n_ops} ops -> {nodes} snapshot nodes, {drawn.number_of_nodes()} in the data-flow view")
    for name, seconds in rows:
        print(f"  {name:<48} {seconds * 1000:9.1f} ms   x{seconds / base:7.2f} of forward")
    for line in per_item:
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--full", action="store_true", help="also draw every node, no collapsing")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    for n in (int(s) for s in args.sizes.split(",")):
        run(n, args.full, app)


if __name__ == "__main__":
    main()
