"""Layout benchmark: gradviz's layered layout against Graphviz dot, measured in the same run.

Run: ``.venv/bin/python benchmarks/layout.py [--only NAME,...] [--dot-timeout 60] [--no-cli]``

Graphs (see ``layout_models``): autograd graphs recorded by running model code in gradviz's own
engine (MLP over training steps, CNN, unrolled RNN, nn.RNN, transformer blocks, and deep
long-edge-heavy stacks of about 1,000 and 10,000 nodes), plus the seeded ``autograd_like``
generator at 1,000 and 10,000 nodes.

Columns: nodes and edges; ``cli s``: wall seconds of ``gradviz layout IN.json -o OUT.json`` as a
whole process (interpreter start, imports, reading and writing JSON) and ``cpu s`` its user+system
CPU seconds (on a shared machine wall time includes waiting for a core); ``layout cpu``: CPU
seconds of the ``layout()`` call alone, in process; ``cross``: crossings of our drawing; ``len``: total rank span
of all edges (dummy nodes + edges); then dot's ``-Tplain`` seconds, crossings and total rank span.
Crossings of both drawings are counted by the same ``count_crossings``: ranks from node levels,
every edge cut where its polyline (dot: its sampled spline) meets each rank level it spans, and
segments between adjacent levels counted with the accumulator tree.  Graphviz is not a gradviz
dependency; without ``dot`` on PATH its columns are left out (``./dev bench`` installs it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Hashable
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_graphs import autograd_like
from layout_models import MODELS, model_graphs, to_node_link

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
    for edge in graph.edges():
        lines.append(f"  {names[edge[0]]} -> {names[edge[1]]};")
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
    """dot's ``-Tplain`` output as a LayoutResult in screen coordinates (points, y down).

    Parallel edges of a multigraph are matched to the graph's keys in the order dot lists them."""
    back = {name: v for v, name in names.items()}
    height = 0.0
    centres: dict[Hashable, tuple[float, float]] = {}
    raw_edges: dict[tuple[Hashable, Hashable], list[list[tuple[float, float]]]] = {}
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
            raw_edges.setdefault((back[parts[1]], back[parts[2]]), []).append(coords)
    positions = {v: (x, height - y) for v, (x, y) in centres.items()}
    levels = sorted({round(y, 2) for _, y in positions.values()})
    rank_of_level = {y: i for i, y in enumerate(levels)}
    ranks = {v: rank_of_level[round(y, 2)] for v, (_, y) in positions.items()}
    edge_points: dict[tuple[Hashable, ...], list[tuple[float, float]]] = {}
    seen: dict[tuple[Hashable, Hashable], int] = {}
    for edge in graph.edges(keys=True) if graph.is_multigraph() else graph.edges():
        pair = (edge[0], edge[1])
        splines = raw_edges.get(pair)
        if not splines:
            continue
        i = seen.get(pair, 0)
        seen[pair] = i + 1
        edge_points[tuple(edge)] = [(x, height - y) for x, y in _bezier(splines[min(i, len(splines) - 1)])]
    sizes = {
        v: (float(d.get("width", DEFAULT_WIDTH)), float(d.get("height", DEFAULT_HEIGHT)))
        for v, d in graph.nodes(data=True)
    }
    order: list[list[Hashable]] = [[] for _ in levels]
    for v in sorted(positions, key=lambda v: positions[v][0]):
        order[ranks[v]].append(v)
    return LayoutResult(positions, sizes, edge_points, ranks, order, 0.0, height, "TB")


def total_span(graph: nx.DiGraph, ranks: dict[Hashable, int]) -> int:
    """Sum over edges of the number of ranks each spans (edges plus dummy nodes)."""
    return sum(abs(ranks[e[1]] - ranks[e[0]]) for e in graph.edges())


def run_dot(graph: nx.DiGraph, timeout: float) -> tuple[float | None, int | None, int | None]:
    """(seconds, crossings, total span) of dot on ``graph``; Nones on timeout."""
    names = {v: f"v{i}" for i, v in enumerate(graph.nodes)}
    source = to_dot(graph, names)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            ["dot", "-Tplain"], input=source, capture_output=True, text=True, timeout=timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return None, None, None
    elapsed = time.perf_counter() - start
    drawn = parse_plain(proc.stdout, graph, names)
    return elapsed, count_crossings(graph, drawn), total_span(graph, drawn.ranks)


def run_cli(graph: nx.MultiDiGraph, workdir: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``gradviz layout`` as a separate process."""
    src, out = workdir / "in.json", workdir / "out.json"
    src.write_text(json.dumps(to_node_link(graph)), encoding="utf-8")
    gradviz = Path(sys.executable).parent / "gradviz"
    command = [str(gradviz), "layout", str(src), "-o", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    laid = json.loads(out.read_text(encoding="utf-8"))
    if len(laid["nodes"]) != graph.number_of_nodes():
        raise RuntimeError("gradviz layout wrote a different node count")
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated graph names (substring match)")
    parser.add_argument("--dot-timeout", type=float, default=60.0)
    parser.add_argument("--no-cli", action="store_true", help="skip timing gradviz layout as a process")
    parser.add_argument("--no-dot", action="store_true", help="skip dot even when it is installed")
    args = parser.parse_args(argv)
    wanted = [w for w in args.only.split(",") if w]

    def chosen(name: str) -> bool:
        return not wanted or any(w in name for w in wanted)

    graphs: list[tuple[str, nx.DiGraph]] = model_graphs([name for name in MODELS if chosen(name)])
    for n in (1000, 10000):
        name = f"autograd_like {n}"
        if chosen(name):
            graphs.append((name, autograd_like(n, 1)))
    have_dot = shutil.which("dot") is not None and not args.no_dot
    if not have_dot and not args.no_dot:
        print("(dot not installed: dot columns skipped; apt-get install graphviz to compare)")
    header = (
        f"{'graph':<28} {'nodes':>6} {'edges':>6} {'cli s':>6} {'cpu s':>6} {'layout cpu':>10} {'cross':>6} {'len':>7}"
    )
    if have_dot:
        header += f" {'dot s':>7} {'dot cross':>9} {'dot len':>7}"
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(header)
    layout(autograd_like(50, 0))  # warm-up: first-call costs out of the in-process timings
    with tempfile.TemporaryDirectory() as tmp:
        for name, graph in graphs:
            start = time.process_time()
            result = layout(graph, node_gap=NODE_GAP, rank_gap=RANK_GAP)
            elapsed = time.process_time() - start
            crossings = count_crossings(graph, result)
            wall, cpu = (float("nan"), float("nan")) if args.no_cli else run_cli(graph, Path(tmp))
            row = (
                f"{name:<28} {graph.number_of_nodes():>6} {graph.number_of_edges():>6} {wall:>6.2f} {cpu:>6.2f}"
                f" {elapsed:>10.2f} {crossings:>6} {total_span(graph, result.ranks):>7}"
            )
            if have_dot:
                dot_time, dot_cross, dot_len = run_dot(graph, args.dot_timeout)
                if dot_time is None:
                    row += f" {'>' + format(args.dot_timeout, '.0f'):>7} {'timeout':>9} {'-':>7}"
                else:
                    row += f" {dot_time:>7.2f} {dot_cross:>9} {dot_len:>7}"
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
