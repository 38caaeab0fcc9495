"""``gradviz run [FILE]`` and ``gradviz trace [FILE] [--json]``: the runner without a window.

``run`` prints what Python + PyTorch would for the script: each cell's printed output and echoed
value on stdout, warnings and the final error line of each failing cell on stderr; the exit status
is 1 if any cell raised. ``trace`` runs the file and prints every backward call's events,
readable by default or as JSON lines (fields documented in docs/trace-format.md). Without FILE,
both run the seed notebook, the script the app opens when it is given none.

Both run the script in the sandboxed worker process by default (``--in-process`` runs it in this
process, for debugging). Neither imports Qt.

A long loop keeps full detail for the first and last few backward calls of a cell only; the
others are light summaries (gradviz.runner.recording). ``--record-call N`` (repeatable) keeps the
N-th call of the run in full as well (numbered as ``trace`` prints them: ``backward call N``), or
``--record-call CELL:N`` the N-th call of cell CELL; ``run`` then prints that call's trace on
stderr after the script's output, ``trace`` prints it with the others.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from gradviz.runner.cells import CODE, Cell, load_cells
from gradviz.runner.containment import Containment
from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult

__all__ = ["file_or_seed", "format_trace", "run_file", "run_main", "trace_json_lines", "trace_main"]

FILE_HELP = "a .py script (with or without '# %%' cells) or a .ipynb notebook (default: the seed notebook)"


def file_or_seed(file: str | None, prog: str, err: TextIO) -> str:
    """FILE as given, or the seed notebook when none is, as ``gradviz`` (the app) opens it; the
    seed's path is named on stderr so the output is never a mystery (stdout stays the script's)."""
    if file is not None:
        return file
    from gradviz.resources import seed_notebook

    seed = str(seed_notebook())
    print(f"{prog}: no FILE given, running the seed notebook {seed}", file=err)
    return seed


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    defaults = Limits()
    parser.add_argument("file", nargs="?", help=FILE_HELP)
    parser.add_argument(
        "--timeout", type=float, default=defaults.wall_time_s, help="seconds per cell (default %(default)s)"
    )
    parser.add_argument(
        "--max-elements",
        type=int,
        default=defaults.max_tensor_elements,
        help="elements per tensor (default %(default)s)",
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=defaults.memory_mb,
        help="memory of the worker process in MB (default %(default)s)",
    )
    parser.add_argument(
        "--max-recursion", type=int, default=defaults.max_recursion, help="nested calls (default %(default)s)"
    )
    parser.add_argument(
        "--max-output",
        type=int,
        default=defaults.max_output_chars,
        help="printed characters per cell (default %(default)s)",
    )
    parser.add_argument(
        "--max-sequence", type=int, default=defaults.max_sequence_length, help="items of seq * n (default %(default)s)"
    )
    parser.add_argument(
        "--max-int-bits", type=int, default=defaults.max_int_bits, help="bits of a ** b (default %(default)s)"
    )
    parser.add_argument(
        "--max-graph-nodes",
        type=int,
        default=defaults.max_graph_nodes,
        help="tensors and ops kept in a cell's graph (default %(default)s)",
    )
    parser.add_argument(
        "--detail-budget",
        type=int,
        default=defaults.detail_budget,
        metavar="N",
        help="size of the backward calls kept in full beyond the first and last four, in recorded numbers "
        "(a small MLP's iteration is about 7,000); the others are summaries (default %(default)s)",
    )
    parser.add_argument("--in-process", action="store_true", help="run in this process instead of the sandboxed worker")
    parser.add_argument(
        "--record-call",
        action="append",
        default=[],
        type=call_request,
        metavar="N|CELL:N",
        help="keep backward call N of the run (or call N of cell CELL) in full, not as a summary; repeatable",
    )


def call_request(text: str) -> tuple[int | None, int]:
    """``N`` (the N-th backward call of the run) or ``CELL:N`` (the N-th call of cell CELL), 1-based."""
    cell_text, _, number_text = text.rpartition(":")
    try:
        number = int(number_text)
        cell = int(cell_text) if cell_text else None
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not N or CELL:N") from None
    if number < 1 or (cell is not None and cell < 0):
        raise argparse.ArgumentTypeError(f"{text!r}: calls count from 1, cells from 0")
    return cell, number


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        wall_time_s=args.timeout,
        max_tensor_elements=args.max_elements,
        memory_mb=args.memory_mb,
        max_recursion=args.max_recursion,
        max_output_chars=args.max_output,
        max_sequence_length=args.max_sequence,
        max_int_bits=args.max_int_bits,
        max_graph_nodes=args.max_graph_nodes,
        detail_budget=max(0, args.detail_budget),
        record_calls=tuple(args.record_call),
    )


def _requested(results: Sequence[CellResult], requests: Sequence[tuple[int | None, int]]) -> list[dict[str, Any]]:
    """The kept calls that ``requests`` named, in run order."""
    from gradviz.runner.recording import wanted_in_cell

    found: list[dict[str, Any]] = []
    made = 0
    for result in results:
        wanted = wanted_in_cell(requests, result.index, made)
        found.extend(c for c in result.backward_calls if c.get("call_in_cell") in wanted)
        made += max((int(c.get("call_in_cell") or 0) for c in result.backward_calls), default=0)
    return found


def run_file(
    cells: Sequence[Cell], limits: Limits, in_process: bool = False, err: TextIO | None = None
) -> list[CellResult]:
    """Run the code cells of a file in one namespace (worker process unless ``in_process``); when
    the worker could not be contained by the operating system, one line on ``err`` says so (the
    explicit ``--in-process`` debugging mode says so in its help instead)."""
    code_cells = [c for c in cells if c.kind == CODE]
    if in_process:
        from gradviz.runner.session import Session

        return Session(limits).run_cells(code_cells)
    from gradviz.runner.worker import SessionClient

    with SessionClient(limits) as client:
        results = [client.run_cell(c.index, c.source, c.first_line) for c in code_cells]
        _note_containment(client.containment, err)
    return results


def _note_containment(containment: Containment | None, err: TextIO | None) -> None:
    if err is not None and containment is not None and not containment.active:
        print(f"gradviz: {containment.describe()}; the code could reach your files", file=err)


def _load(path: str, err: TextIO) -> list[Cell] | None:
    try:
        return load_cells(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"gradviz: cannot read {path}: {exc}", file=err)
        return None


# Control characters a terminal would act on (ESC starts colour, cursor and title sequences;
# C1 controls such as CSI do the same on some terminals), written as \x.. escapes so what learner
# code prints cannot restyle, move or retitle the terminal. Tab, newline and carriage return stay.
_INERT = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if code not in (0x09, 0x0A, 0x0D)}


def inert_text(text: str) -> str:
    """``text`` with terminal control characters shown as ``\\x1b``-style escapes."""
    return text.translate(_INERT)


def _writer(stream: TextIO) -> Callable[[str], object]:
    """Writes text as Python would to a pipe or file (so output compares byte for byte), inert
    to a terminal."""
    isatty = getattr(stream, "isatty", None)
    if callable(isatty) and isatty():
        return lambda text: stream.write(inert_text(text))
    return stream.write


def _print_result(result: CellResult, out: TextIO, err: TextIO) -> None:
    write_out, write_err = _writer(out), _writer(err)
    if result.stdout:
        write_out(result.stdout)
    out.flush()
    for warning in result.warnings:
        write_err(warning + "\n")
    err.flush()
    if result.echo is not None:
        write_out(result.echo + "\n")
        out.flush()
    if result.error is not None:
        write_err(result.error.headline + "\n")
        err.flush()


def _escape_unencodable(*streams: TextIO) -> None:
    """Text the stream's encoding cannot hold is written as backslash escapes, not raised as
    UnicodeEncodeError (a learner's output must never crash the command)."""
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def run_main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``gradviz run [FILE]``: exit status 0 if every cell ran, 1 if any raised, 2 on usage errors."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = argparse.ArgumentParser(
        prog="gradviz run", description="Run a script or notebook the way Python + PyTorch would."
    )
    _add_limit_options(parser)
    args = parser.parse_args(argv)
    _escape_unencodable(out, err)
    cells = _load(file_or_seed(args.file, parser.prog, err), err)
    if cells is None:
        return 2
    failed = False
    results = run_file(cells, _limits(args), args.in_process, err)
    for result in results:
        _print_result(result, out, err)
        failed = failed or result.error is not None
    if args.record_call:
        _print_recorded(results, args.record_call, err)
    return 1 if failed else 0


def _print_recorded(results: Sequence[CellResult], requests: Sequence[tuple[int | None, int]], err: TextIO) -> None:
    """The calls asked for with --record-call, in full, on stderr (stdout stays the script's)."""
    names: dict[str, str] = {}
    for result in results:
        names.update(tensor_names(result.graph))
    found = _requested(results, requests)
    write = _writer(err)
    for call in found:
        write("\n" + format_trace(call, names) + "\n")
    asked = ", ".join(f"{cell}:{n}" if cell is not None else str(n) for cell, n in requests)
    if not found:
        write(f"gradviz: no backward call {asked} was made\n")
    err.flush()


# -- trace ------------------------------------------------------------------------------------


def _dims_text(shape: Sequence[int]) -> str:
    """A shape in a trace line: ``3x2``, ``scalar`` for no dimensions."""
    return "x".join(str(d) for d in shape) or "scalar"


def _grad_text(value: Any) -> str:
    """A gradient in a line: the values when small, else shape and range."""
    if value is None:
        return "None"
    if not isinstance(value, dict):
        return str(value)
    shape = value.get("shape", [])
    values = value.get("values")
    count = 1
    for dim in shape:
        count *= dim
    if values is not None and count <= 8:
        return json.dumps(values)
    stats = ""
    if "mean" in value:
        stats = f" min={value['min']:.4g} mean={value['mean']:.4g} max={value['max']:.4g}"
    return f"<{_dims_text(shape)} {value.get('dtype', '')}{stats}>"


def _call_labels(call: dict[str, Any], names: dict[str, str] | None) -> dict[str, str]:
    """Graph id -> words for one call's text: tensors as ``names`` has them (the learner's name or
    `source text`), backward nodes as their name and sequence number (``MulBackward0 (seq 2)``,
    as the graph draws them); internal ids never reach the text."""
    labels = dict(names or {})
    for event in call.get("events", []):
        planned = event.get("nodes") if event.get("type") == "call_started" else [event]
        for node in planned or []:
            node_id, name = node.get("node_id"), node.get("name")
            if node_id and name and node_id not in labels:
                labels[node_id] = f"{_short_node_name(str(name))} (seq {node.get('sequence_nr')})"
    return labels


def _short_node_name(name: str) -> str:
    """``torch::autograd::AccumulateGrad`` -> ``AccumulateGrad``."""
    return name.rsplit("::", 1)[-1]


def _event_text(event: dict[str, Any], names: dict[str, str] | None = None) -> str:
    def who(graph_id: Any) -> str:
        """A tensor or node as a learner knows it (see _call_labels); never an internal id."""
        if not graph_id:
            return "nothing"
        name = (names or {}).get(graph_id)
        if name:
            return name
        return "(unnamed)" if str(graph_id).startswith("t") else "(a backward node)"

    kind = event.get("type")
    if kind == "call_started":
        nodes = event.get("nodes") or []
        flags = ", ".join(f for f in ("retain_graph", "create_graph") if event.get(f))
        roots = ", ".join(who(r) for r in event.get("roots") or [])
        grads = ", ".join(_grad_text(g) for g in event.get("root_grads") or [])
        text = f"  start {event.get('kind')}() from {roots} with grad {grads}; {len(nodes)} nodes planned"
        if event.get("inputs"):
            text += f"; inputs {', '.join(who(i) for i in event['inputs'])}"
        return text + (f" ({flags})" if flags else "")
    if kind == "node_started":
        grads = ", ".join(_grad_text(g) for g in event.get("grads_in") or [])
        return f"  run {who(event.get('node_id'))} grad in: {grads}"
    if kind == "node_finished":
        edges = event.get("grads_out") or []
        if not edges:
            return f"    {who(event.get('node_id'))} done"
        parts = []
        for edge in edges:
            target = who(edge.get("target"))
            reduced = f" (summed from {edge['reduced_from']})" if edge.get("reduced_from") else ""
            parts.append(f"[{edge.get('index')}] -> {target}: {_grad_text(edge.get('value'))}{reduced}")
        return f"    {who(event.get('node_id'))} sends " + "; ".join(parts)
    if kind == "hook_called":
        replaced = " (replaced the grad)" if event.get("replaced") else ""
        on = f" on {who(event['tensor_id'])}" if event.get("tensor_id") else ""
        return f"    {event.get('hook')} hook of {who(event.get('node_id'))}{on}{replaced}"
    if kind == "grad_accumulated":
        return (
            f"    {who(event.get('tensor_id'))}.grad: {_grad_text(event.get('before'))} + "
            f"{_grad_text(event.get('contribution'))} = {_grad_text(event.get('after'))}"
        )
    if kind == "grad_captured":
        return f"    captured grad of {who(event.get('tensor_id'))}: {_grad_text(event.get('value'))}"
    if kind == "buffer_freed":
        size = f"{_dims_text(event.get('shape') or [])} {event.get('dtype')}, {event.get('nbytes')} bytes"
        return f"    freed {who(event.get('node_id'))}.{event.get('attr')} ({size})"
    if kind == "error_raised":
        where = f" at {who(event['node_id'])}" if event.get("node_id") else ""
        return f"  error{where}: {event.get('error_type')}: {event.get('message')}"
    if kind == "call_finished":
        return "  finished" if event.get("ok") else "  stopped by the error"
    rest = {k: v for k, v in event.items() if k != "type"}
    return f"  {kind} {json.dumps(rest, sort_keys=True)}"


def format_trace(call: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One backward call as readable lines; ``names`` maps tensor ids to the learner's names."""
    where = []
    if call.get("cell") is not None:
        where.append(f"cell {call['cell']}")
    if call.get("line") is not None:
        where.append(f"line {call['line']}")
    head = f"backward call {call.get('call_id')}" + (f" ({', '.join(where)})" if where else "")
    from gradviz.backward.replay import step_position

    events = call.get("events", [])
    width = len(str(max(0, len(events) - 1)))
    lines = [head]
    summary = call.get("summary")
    if call.get("summarized") and isinstance(summary, dict):
        # A long loop's middle call: gradviz.runner.recording kept its summary, not its events.
        values = summary.get("root_values") or []
        loss = f"loss {values[0]}, " if len(values) == 1 and values[0] is not None else ""
        outcome = summary.get("error") or "ok"
        lines.append(f"  kept as a summary: {loss}{summary.get('node_count', 0)} nodes, {outcome}")
    labels = _call_labels(call, names)
    for k, event in enumerate(events):
        # the same "step k/last" the player, export and screenshot show (gradviz.backward.replay)
        step, last = step_position(k, len(events))
        lines.append(f"[{step:>{width}}/{last}]{_event_text(event, labels)}")
    return "\n".join(lines)


def tensor_names(graph: dict[str, Any] | None) -> dict[str, str]:
    """Tensor id -> the learner's variable name (else `the expression` that made it), from a
    cell's graph snapshot; an AccumulateGrad node reads as ``AccumulateGrad (x)``."""
    names: dict[str, str] = {}
    nodes = (graph or {}).get("nodes", [])
    for node in nodes:
        if node.get("kind") == "tensor" and node.get("name"):
            names[node["id"]] = node["name"]
        elif node.get("kind") == "tensor" and node.get("source_text"):
            names[node["id"]] = f"`{node['source_text']}`"
    for node in nodes:
        variable = names.get(node.get("variable") or "")
        if node.get("kind") == "accumulate" and variable:
            names[node["id"]] = f"AccumulateGrad ({variable})"
    return names


def trace_json_lines(call: dict[str, Any]) -> list[str]:
    """One JSON object per event, flattened with the call's id, cell and line; a call kept only
    as a summary is one ``call_summary`` line (see docs/trace-format.md)."""
    head = {"call_id": call.get("call_id"), "cell": call.get("cell"), "line": call.get("line")}
    summary = call.get("summary")
    if call.get("summarized") and isinstance(summary, dict):
        record = {**head, "index": None, "type": "call_summary", "call_in_cell": call.get("call_in_cell")}
        record.update(summary)
        return [json.dumps(record, sort_keys=False)]
    lines = []
    for index, event in enumerate(call.get("events", [])):
        record = {**head, "index": index}
        record.update(event)
        lines.append(json.dumps(record, sort_keys=False))
    return lines


def trace_main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``gradviz trace [FILE] [--json]``: exit status as for ``run``."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = argparse.ArgumentParser(
        prog="gradviz trace", description="Run a script and print every backward call's events."
    )
    _add_limit_options(parser)
    parser.add_argument("--json", action="store_true", help="JSON lines, one per event (docs/trace-format.md)")
    args = parser.parse_args(argv)
    _escape_unencodable(out, err)
    cells = _load(file_or_seed(args.file, parser.prog, err), err)
    if cells is None:
        return 2
    failed = False
    first = True
    names: dict[str, str] = {}
    for result in run_file(cells, _limits(args), args.in_process, err):
        names.update(tensor_names(result.graph))
        for call in result.backward_calls:
            if args.json:
                for line in trace_json_lines(call):
                    out.write(line + "\n")
            else:
                if not first:
                    out.write("\n")
                out.write(format_trace(call, names) + "\n")
            first = False
        out.flush()
        if result.error is not None:
            failed = True
            _writer(err)(result.error.headline + "\n")
            err.flush()
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gradviz.cli.run run|trace [FILE] ...`` until gradviz.cli.main dispatches to us."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("run", "trace"):
        print("usage: python -m gradviz.cli.run {run,trace} [FILE] [options]", file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    return run_main(rest) if command == "run" else trace_main(rest)


if __name__ == "__main__":
    sys.exit(main())
