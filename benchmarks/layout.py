"""Layout benchmark: gradviz.graph.layout.sugiyama against Graphviz dot on autograd-like graphs.

Run: ``.venv/bin/python benchmarks/layout.py [--sizes 100,1000,5000,10000] [--dot-timeout 60]``

For every graph it prints nodes, edges, gradviz's time and crossings, and, when ``dot`` is on
PATH, ``dot -Tplain``'s time (or "timeout") and the crossings of dot's drawing, counted by the
same ``count_crossings``: dot's ranks come from its node y coordinates and its long edges are cut
where their splines meet each rank's level.  The last column is dot time / gradviz time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Hashable
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_graphs import autograd_like

from gradviz.graph.layout.sugiyama import DEFAULT_HEIGHT, DEFAULT_WIDTH, LayoutResult, count_crossings, layout

NODE_GAP = 30.0
RANK_GAP = 60.0


def to_dot(graph: nx.DiGraph, names: dict[Hashable, str]) -> str:
    """DOT text with the same node boxes and gaps gradviz uses (dot measures in inches)."""
    lines = [
        "digraph G {",
        f"  graph [nodesep={NODE_GAP / 72:.4f}, ranksep={RANK_GAP / 72:.4f}];",
        '  node [shape=box, fixedsize=true, label=""];',
    ]
    for v, data in graph.nodes(data=True):
        w = float(data.get("width", DEFAULT_WIDTH)) / 72
        h = float(data.get("height", DEFAULT_HEIGHT)) / 72
        lines.append(f"  {names[v]} [width={w:.4f}, height={h:.4f}];")
    for u, v in graph.edges():
        lines.append(f"  {names[u]} -> {names[v]};")
    lines.append("}")
    return "\n".join(lines)


def _bezier(points: list[tuple[float, float]], samples: int = 8) -> list[tuple[float, float]]:
    """Polyline through a piecewise cubic Bézier given as 1 + 3k control points."""
    out = [points[0]]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        for s in range(1, samples + 1):
            t = s / samples
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def parse_plain(text: str, graph: nx.DiGraph, names: dict[Hashable, str]) -> LayoutResult:
    """dot's ``-Tplain`` output as a LayoutResult in screen coordinates (points, y down)."""
    back = {name: v for v, name in names.items()}
    height = 0.0
    centres: dict[Hashable, tuple[float, float]] = {}
    raw_edges: dict[tuple[Hashable, Hashable], list[tuple[float, float]]] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "graph":
            height = float(parts[3]) * 72
        elif parts[0] == "node":
            centres[back[parts[1]]] = (float(parts[2]) * 72, float(parts[3]) * 72)
        elif parts[0] == "edge":
            k = int(parts[3])
            coords = [(float(parts[4 + 2 * i]) * 72, float(parts[5 + 2 * i]) * 72) for i in range(k)]
            raw_edges[(back[parts[1]], back[parts[2]])] = coords
    positions = {v: (x, height - y) for v, (x, y) in centres.items()}
    levels = sorted({round(y, 2) for _, y in positions.values()})
    rank_of_level = {y: i for i, y in enumerate(levels)}
    ranks = {v: rank_of_level[round(y, 2)] for v, (_, y) in positions.items()}
    edge_points = {e: [(x, height - y) for x, y in _bezier(pts)] for e, pts in raw_edges.items()}
    sizes = {
        v: (float(d.get("width", DEFAULT_WIDTH)), float(d.get("height", DEFAULT_HEIGHT)))
        for v, d in graph.nodes(data=True)
    }
    order: list[list[Hashable]] = [[] for _ in levels]
    for v in sorted(positions, key=lambda v: positions[v][0]):
        order[ranks[v]].append(v)
    return LayoutResult(positions, sizes, edge_points, ranks, order, 0.0, height, "TB")


def run_dot(graph: nx.DiGraph, timeout: float) -> tuple[float | None, int | None]:
    """(seconds, crossings) of dot on ``graph``; (None, None) on timeout."""
    names = {v: f"v{i}" for i, v in enumerate(graph.nodes)}
    source = to_dot(graph, names)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            ["dot", "-Tplain"], input=source, capture_output=True, text=True, timeout=timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return None, None
    elapsed = time.perf_counter() - start
    return elapsed, count_crossings(graph, parse_plain(proc.stdout, graph, names))


def real_graphs() -> list[tuple[str, nx.DiGraph]]:
    """Autograd graphs from gradviz's own engine, in both views the app draws.

    The bundled example notebooks run through a Session (their final namespace), plus an MLP's
    loss unrolled over four steps built directly with ``gradviz.torch``.  A graph that fails to
    build fails the benchmark: a silent skip would measure less than it claims.
    """
    import gradviz.torch as t
    from gradviz.graph.snapshot import build_graph, view_subgraph
    from gradviz.runner.cells import split_percent_cells
    from gradviz.runner.session import Session, named_tensors

    out: list[tuple[str, nx.DiGraph]] = []
    sources: list[tuple[str, Callable[[], nx.DiGraph]]] = []
    for example in ("seed_notebook", "mlp_training", "chapter_autograd"):
        path = REPO / "gradviz" / "resources" / "examples" / f"{example}.py"

        def run(path: Path = path) -> nx.DiGraph:
            session = Session()
            session.run_cells(split_percent_cells(path.read_text(encoding="utf-8")))
            return build_graph(named_tensors(session.namespace))

        sources.append((example, run))
    sources.append(("MLP x4 steps", lambda: build_graph(_mlp_graph(t))))
    for name, build in sources:
        full = build()
        for view in ("dataflow", "gradfn"):
            out.append((f"{name} ({view})", view_subgraph(full, view)))
    return out


def _mlp_graph(t) -> dict:  # type: ignore[no-untyped-def]
    """An MLP's loss unrolled over four steps that share the weights (as in truncated BPTT)."""
    t.manual_seed(0)
    w1 = t.randn(8, 16, requires_grad=True)
    b1 = t.zeros(16, requires_grad=True)
    w2 = t.randn(16, 4, requires_grad=True)
    b2 = t.zeros(4, requires_grad=True)
    loss = None
    for _ in range(4):
        x = t.randn(5, 8)
        h = (x @ w1 + b1).relu()
        out = (h @ w2 + b2).tanh()
        step = ((out - 1) ** 2).mean()
        loss = step if loss is None else loss + step
    return {"loss": loss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000,10000")
    parser.add_argument("--dot-timeout", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    graphs = [(f"autograd-like {n}", autograd_like(int(n), args.seed)) for n in args.sizes.split(",")]
    graphs += real_graphs()
    have_dot = shutil.which("dot") is not None
    if not have_dot:
        print("(dot not installed: dot columns skipped; apt-get install graphviz to compare)")
    header = f"{'graph':<30} {'nodes':>6} {'edges':>6} {'gradviz s':>10} {'crossings':>9}"
    if have_dot:
        header += f" {'dot s':>8} {'dot cross':>9} {'dot/gradviz':>11}"
    print(header)
    layout(autograd_like(50, 0))  # warm-up: first-call costs out of the timings
    for name, graph in graphs:
        start = time.perf_counter()
        result = layout(graph, node_gap=NODE_GAP, rank_gap=RANK_GAP)
        elapsed = time.perf_counter() - start
        crossings = count_crossings(graph, result)
        row = f"{name:<30} {graph.number_of_nodes():>6} {graph.number_of_edges():>6} {elapsed:>10.3f} {crossings:>9}"
        if have_dot:
            dot_time, dot_cross = run_dot(graph, args.dot_timeout)
            if dot_time is None:
                row += f" {'timeout':>8} {'-':>9} {'>' + format(args.dot_timeout / elapsed, '.0f') + 'x':>11}"
            else:
                row += f" {dot_time:>8.2f} {dot_cross:>9} {dot_time / elapsed:>10.1f}x"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
