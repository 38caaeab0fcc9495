"""``gradviz export [FILE] -o OUT.(png|svg|pdf|gif|apng|webp|dot|json)``: pictures of a script's graph.

The script (the seed notebook without FILE) runs as in ``gradviz run`` (sandboxed worker by
default); the picture shows the graph
of the cell that made the chosen backward call (``--call K``, 1-based over the whole script,
default the last call; an iteration of a training loop is drawn alone, parameters one node
each), at a step of that call, its final state, or every step (PDF handout,
animations). A script with no backward call exports its last graph as it stands. A long loop keeps
some iterations as summaries (no graph); ``--record-call N`` keeps call N in full for the export.

``.dot`` and ``.json`` need no Qt. The other formats render with Qt alone (ui.export), offscreen
when there is no display. Every output is written to a temporary file in the target directory
and renamed into place, so an error leaves nothing behind. Exit status: 0 written, 1 the script
could not be run, 2 a usage error (bad extension, missing call or step, unwritable path).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradviz.cli.run import FILE_HELP, call_request, file_or_seed, run_file
from gradviz.language import ENGLISH, LANGUAGES
from gradviz.runner.limits import Limits

__all__ = [
    "ANIMATIONS",
    "FORMATS",
    "RASTER_OR_VECTOR",
    "ExportError",
    "ExportSource",
    "atomic_path",
    "export_main",
    "layout_json",
    "pick_source",
]

RASTER_OR_VECTOR = ("png", "svg", "pdf")
ANIMATIONS = ("gif", "apng", "webp")
TEXT_FORMATS = ("dot", "json")
FORMATS = RASTER_OR_VECTOR + ANIMATIONS + TEXT_FORMATS


class ExportError(Exception):
    """A request that cannot be honoured (exit status 2); the message says why."""


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto ``path`` only if the block succeeds.

    Same directory, so the rename is atomic and never crosses file systems. The temporary name
    keeps the extension because Qt and Pillow pick encoders by it.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"cannot write {target}: directory {directory} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix or ".tmp", dir=directory)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise ExportError(f"could not write {target}")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass
class ExportSource:
    """What to draw: a snapshot and, if the script called backward, the chosen call's trace."""

    snapshot: dict[str, Any]
    trace: dict[str, Any] | None
    call_number: int | None  # 1-based over the whole script
    cell: int | None


def pick_source(results: Sequence[Any], call: int | None) -> ExportSource:
    """The graph and trace for ``--call`` (default: the last backward call, else the last graph)."""
    calls: list[tuple[Any, dict[str, Any]]] = [(r, c) for r in results for c in r.backward_calls]
    if call is not None:
        if not calls:
            raise ExportError("the script makes no backward() or autograd.grad() call")
        if not 1 <= call <= len(calls):
            raise ExportError(
                f"there is no call {call}: the script makes {len(calls)} backward call(s) (1..{len(calls)})"
            )
    if calls:
        number = call if call is not None else len(calls)
        result, trace = calls[number - 1]
        if result.graph is None:
            raise ExportError(f"cell {result.index} has no graph snapshot")
        return ExportSource(_graph_of_call(result.graph, [c for _, c in calls], number), trace, number, result.index)
    for result in reversed(list(results)):
        if result.graph is not None and result.graph.get("nodes"):
            return ExportSource(result.graph, None, None, result.index)
    raise ExportError("the script builds no autograd graph to export")


def _graph_of_call(cell_graph: dict[str, Any], traces: list[dict[str, Any]], number: int) -> dict[str, Any]:
    """What call ``number`` (1-based) ran on: an iteration of a training loop is that iteration
    alone (gradviz.backward.training.iteration_graph), any other call its cell's graph."""
    from gradviz.backward.training import iteration_graph

    found = iteration_graph(cell_graph, traces, number - 1)
    if found is None:
        return cell_graph
    if found.snapshot is not None:
        return found.snapshot
    what = f"call {number} is iteration {found.iteration + 1} of {found.count} of a training loop"
    why = "kept as a summary to save memory (its loss only, no graph)"
    if not found.summarized:
        why = "whose graph is no longer in its cell's snapshot"
    hint = f"; add --record-call {number} to run the script again keeping it in full"
    if found.nearest is not None:
        near_number = _loop_call_number(traces, number - 1, found.nearest)
        hint += f", or export the nearest iteration with its graph, {found.nearest + 1} (--call {near_number})"
    raise ExportError(f"{what}, {why}{hint}")


def _loop_call_number(traces: list[dict[str, Any]], call_index: int, iteration: int) -> int:
    """The 1-based call number of ``iteration`` in the loop that made call ``call_index``."""
    from gradviz.backward.training import detect_loops, iteration_of_call

    found = iteration_of_call(detect_loops(traces), call_index)
    assert found is not None  # call_index is an iteration: iteration_graph said so
    return found[0].call_indices[iteration] + 1


def layout_json(snapshot: Mapping[str, Any], view: str) -> dict[str, Any]:
    """The snapshot (node-link data) with layout positions of the nodes and edges ``view`` draws.

    Nodes of the view get ``x``, ``y`` (centre), ``width``, ``height``; drawn links get
    ``points``; the graph gets ``layout: {view, width, height}``. Everything else is the snapshot
    unchanged, so ``gradviz.graph.snapshot.from_node_link`` reads it back to the same graph.
    """
    from gradviz.graph.layout.sugiyama import layout
    from gradviz.graph.snapshot import from_node_link, view_subgraph

    graph = from_node_link(snapshot)
    sub = view_subgraph(graph, view)
    result = layout(sub)
    data = json.loads(json.dumps(snapshot))
    for node in data.get("nodes", []):
        key = node.get("id")
        if key in result.positions:
            (x, y), (w, h) = result.positions[key], result.sizes[key]
            node.update(x=round(x, 2), y=round(y, 2), width=w, height=h)
    for link in data.get("links", []):
        # one polyline per input slot: parallel links (``y * y``) each get their own curve
        points = result.edge_points.get((link.get("source"), link.get("target"), link.get("key", link.get("index", 0))))
        if points is not None and link.get("view") == view:
            link["points"] = [[round(x, 2), round(y, 2)] for x, y in points]
    data.setdefault("graph", {})["layout"] = {"view": view, "width": result.width, "height": result.height}
    return data


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradviz export", description="Export a script's autograd graph as a picture, animation, DOT or JSON."
    )
    parser.add_argument("file", nargs="?", help=FILE_HELP)
    parser.add_argument("-o", "--output", required=True, help="OUT.png|svg|pdf|gif|apng|webp|dot|json")
    parser.add_argument(
        "--call",
        type=int,
        default=None,
        help="which backward call (1-based over the script; default the last); a loop's call: its iteration only",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--step", type=int, default=None, help="the state after step N of the call (0 = before it starts)"
    )
    when.add_argument("--final", action="store_true", help="the state after the call (default)")
    when.add_argument(
        "--all-steps", action="store_true", help="every step: a PDF handout page per step (animations always do)"
    )
    parser.add_argument("--view", choices=("dataflow", "gradfn"), default="dataflow")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--lang", choices=[language.text for language in LANGUAGES], default=ENGLISH.text)
    parser.add_argument("--scale", type=float, default=1.0, help="pixels per unit for PNG and animations (default 1)")
    parser.add_argument("--transparent", action="store_true", help="PNG without a background")
    parser.add_argument(
        "--max-size",
        type=int,
        default=None,
        help="pixels per side at most (default 1920 for animations, 8192 for PNG); a bigger graph is "
        "shown around the running node",
    )
    parser.add_argument(
        "--max-frames",
        type=int,
        default=120,
        help="an animation or PDF handout of a longer call is sampled (0: every step)",
    )
    parser.add_argument(
        "--record-call",
        action="append",
        default=[],
        type=call_request,
        metavar="N|CELL:N",
        help="keep backward call N of the script (or call N of cell CELL) in full, so that a long loop's "
        "iteration kept as a summary can be exported; --call defaults to it; repeatable",
    )
    parser.add_argument(
        "--detail-budget",
        type=int,
        default=Limits().detail_budget,
        metavar="N",
        help="size of the backward calls kept in full beyond the first and last four, as in gradviz run "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--in-process", action="store_true", help="run the script in this process instead of the sandboxed worker"
    )
    return parser


def _extension(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"cannot export to '.{suffix}' ({path}): use one of " + ", ".join("." + f for f in FORMATS))
    return suffix


def _check_writable(path: Path) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory")
    if not os.access(directory, os.W_OK):
        raise ExportError(f"cannot write {path}: directory {directory} is not writable")


def _run(file: str, args: argparse.Namespace) -> list[Any]:
    from gradviz.runner.cells import load_cells

    limits = Limits(record_calls=tuple(args.record_call), detail_budget=max(0, args.detail_budget))
    return run_file(load_cells(file), limits, in_process=args.in_process)


def _default_call(args: argparse.Namespace, results: Sequence[Any]) -> int | None:
    """``--call``, else the one run-wide call named by ``--record-call`` (asking for a call in full
    means wanting to see it), else None (the last call)."""
    if args.call is not None:
        return int(args.call)
    numbers: set[int | None] = {
        number if cell is None else _run_wide_number(results, cell, number) for cell, number in args.record_call
    }
    numbers.discard(None)
    return numbers.pop() if len(numbers) == 1 else None


def _run_wide_number(results: Sequence[Any], cell: int, number: int) -> int | None:
    """Call ``number`` of cell ``cell`` counted over the whole script, if the cell made it."""
    before = 0
    for result in results:
        made = len(result.backward_calls)
        if result.index == cell:
            return before + number if number <= made else None
        before += made
    return None


def _validate(args: argparse.Namespace, fmt: str) -> None:
    if args.scale <= 0 or args.scale > 16:
        raise ExportError("--scale must be in (0, 16]")
    if (args.max_size is not None and args.max_size < 64) or args.max_frames < 0:
        raise ExportError("--max-size must be at least 64 and --max-frames at least 0")
    if args.all_steps and fmt not in ("pdf", *ANIMATIONS):
        raise ExportError(f"--all-steps makes one page per step: use .pdf or an animation, not .{fmt}")
    if fmt in ANIMATIONS and (args.step is not None or args.final):
        raise ExportError(f".{fmt} animates every step; --step and --final do not apply")
    if fmt in TEXT_FORMATS and (args.step is not None or args.all_steps):
        raise ExportError(f".{fmt} describes the graph, not a step of backward")


def export_main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    out = Path(args.output)
    try:
        fmt = _extension(args.output)
        _validate(args, fmt)
        _check_writable(out)
        file = file_or_seed(args.file, parser.prog, sys.stderr)
        if not Path(file).is_file():
            raise ExportError(f"no such file: {file}")
    except ExportError as exc:
        print(f"gradviz export: error: {exc}", file=sys.stderr)
        return 2
    try:
        results = _run(file, args)
    except Exception as exc:  # noqa: BLE001 - the run's own failure, reported as exit 1
        print(f"gradviz export: could not run {file}: {exc}", file=sys.stderr)
        return 1
    try:
        source = pick_source(results, _default_call(args, results))
        if fmt == "dot":
            from gradviz.graph.snapshot import from_node_link, to_dot

            _write_text(out, to_dot(from_node_link(source.snapshot), args.view))
        elif fmt == "json":
            _write_text(out, json.dumps(layout_json(source.snapshot, args.view), ensure_ascii=False, indent=1) + "\n")
        else:
            _export_with_qt(args, fmt, out, source)
    except ExportError as exc:
        print(f"gradviz export: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _export_with_qt(args: argparse.Namespace, fmt: str, out: Path, source: ExportSource) -> None:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gradviz.frontend import frontend

    api = frontend("export.api")
    api.prepare_qt(args.lang)
    mode = "all" if (args.all_steps or fmt in ANIMATIONS) else ("step" if args.step is not None else "final")
    request = api.ExportRequest(
        fmt=fmt,
        view=args.view,
        theme=args.theme,
        mode=mode,
        step=args.step,
        scale=args.scale,
        transparent=args.transparent,
        lang=args.lang,
        max_size=args.max_size,
        max_frames=args.max_frames or None,
    )
    api.export_source(out, source, request, progress=_progress_printer(), notice=_notice)


def _notice(message: str) -> None:
    """What the export sampled or reframed, so the learner knows the file is not every step."""
    print(f"gradviz export: {message}", file=sys.stderr)


def _progress_printer() -> Callable[[int, int], None]:
    """Progress on stderr for exports of many frames: one line rewritten in place on a terminal,
    a line per tenth of the work otherwise (logs stay short)."""
    tty = sys.stderr.isatty()

    def report(done: int, total: int) -> None:
        if total < 8:
            return
        if tty:
            end = "\n" if done == total else ""
            print(f"\rgradviz export: frame {done}/{total}", end=end, file=sys.stderr, flush=True)
        elif done == total or done % max(4, total // 10) == 0:
            print(f"gradviz export: frame {done}/{total}", file=sys.stderr, flush=True)

    return report


if __name__ == "__main__":
    sys.exit(export_main())
