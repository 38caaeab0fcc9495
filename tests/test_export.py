"""gradviz export without Qt: DOT and JSON outputs, argument errors, atomic writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from gradviz.cli.export import ExportError, atomic_path, export_main, layout_json
from gradviz.graph.snapshot import from_node_link, view_subgraph

REPO = Path(__file__).resolve().parent.parent

SCRIPT = """\
# %%
import torch as t
x = t.ones(2, 2, requires_grad=True)
w = t.ones(2, 2, requires_grad=True)
y = x * w
s = (y + 1).sum()
# %%
s.backward()
"""


@pytest.fixture()
def script(tmp_path: Path) -> Path:
    path = tmp_path / "demo.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def _run(*args: str) -> int:
    return export_main([*args, "--in-process"])


_DOT_NODE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*\[label="((?:[^"\\]|\\.)*)".*\];\s*$')
_DOT_EDGE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*->\s*"((?:[^"\\]|\\.)*)"(\s*\[.*\])?;\s*$')


def parse_dot(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A strict reader for the subset to_dot writes: every line must be a known statement."""
    lines = text.strip().splitlines()
    assert re.match(r'^digraph "[^"]+" \{$', lines[0]), lines[0]
    assert lines[-1] == "}"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []  # a list: parallel edges (one per input slot) are separate lines
    for line in lines[1:-1]:
        if m := _DOT_EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
        elif m := _DOT_NODE.match(line):
            nodes[m.group(1)] = m.group(2).replace("\\n", "\n")
        else:
            assert re.match(r"^\s*(rankdir=\w+|node \[.*\]|edge \[.*\]);$", line), f"unparsed DOT line: {line!r}"
    return nodes, edges


def _shape(graph) -> tuple[Counter, Counter]:
    """Nodes and edges by label: ids come from a process-wide counter, so two runs of the same
    script agree on structure, not on ids."""

    def key(v):
        data = graph.nodes[v]
        return (data.get("kind"), data.get("label"))

    return (
        Counter(key(v) for v in graph.nodes),
        Counter((key(u), key(v), d.get("view")) for u, v, d in graph.edges(data=True)),
    )


def _snapshot_of(script: Path) -> dict:
    from gradviz.runner.cells import load_cells
    from gradviz.runner.session import Session

    results = Session().run_cells(load_cells(script))
    return [r for r in results if r.backward_calls][-1].graph


@pytest.mark.parametrize("view", ["dataflow", "gradfn"])
def test_dot_parses_and_matches_the_view(script: Path, tmp_path: Path, view: str) -> None:
    out = tmp_path / "g.dot"
    assert _run(str(script), "-o", str(out), "--view", view) == 0
    nodes, edges = parse_dot(out.read_text(encoding="utf-8"))
    sub = view_subgraph(from_node_link(_snapshot_of(script)), view)
    assert Counter(nodes.values()) == Counter(d["label"] for _, d in sub.nodes(data=True))
    assert Counter((nodes[u], nodes[v]) for u, v in edges) == Counter(
        (sub.nodes[u]["label"], sub.nodes[v]["label"]) for u, v in sub.edges()
    )
    labels = set(nodes.values())
    if view == "dataflow":
        assert any(label.startswith("x\n") for label in labels)
        assert "MulBackward0" in labels
    else:
        assert "SumBackward0" in labels


def test_json_round_trips_with_positions(script: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    assert _run(str(script), "-o", str(out)) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    back = from_node_link(data)
    assert _shape(back) == _shape(from_node_link(_snapshot_of(script)))
    drawn = view_subgraph(back, "dataflow")
    positioned = {n["id"] for n in data["nodes"] if "x" in n and "y" in n}
    assert positioned == set(drawn.nodes)
    assert data["graph"]["layout"]["view"] == "dataflow"
    assert all(len(link["points"]) >= 2 for link in data["links"] if link.get("view") == "dataflow")


def test_layout_json_leaves_the_snapshot_untouched(script: Path) -> None:
    snapshot = _snapshot_of(script)
    before = json.dumps(snapshot, sort_keys=True)
    layout_json(snapshot, "gradfn")
    assert json.dumps(snapshot, sort_keys=True) == before


@pytest.mark.parametrize("name", ["g.jpg", "g", "g.svgz"])
def test_bad_extension_is_a_usage_error(
    script: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(str(script), "-o", str(tmp_path / name)) == 2
    assert "cannot export" in capsys.readouterr().err
    assert not (tmp_path / name).exists()


def test_missing_call_is_a_usage_error(script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(str(script), "-o", str(tmp_path / "g.dot"), "--call", "2") == 2
    assert "there is no call 2" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [script]


def test_unwritable_directory_leaves_nothing(script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(str(script), "-o", str(tmp_path / "missing" / "g.json")) == 2
    assert "does not exist" in capsys.readouterr().err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        assert _run(str(script), "-o", str(locked / "g.json")) == 2
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_atomic_path_removes_the_temporary_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("renderer failed")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ExportError), atomic_path(target):
        pass  # nothing written: an empty result is refused, not renamed into place
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"done")
    assert target.read_bytes() == b"done"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_step_options_do_not_apply_to_dot(script: Path, tmp_path: Path) -> None:
    assert _run(str(script), "-o", str(tmp_path / "g.dot"), "--step", "1") == 2


def test_dot_and_json_never_import_qt(script: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from gradviz.cli.export import export_main\n"
        f"assert export_main([{str(script)!r}, '-o', {str(tmp_path / 'g.dot')!r}, '--in-process']) == 0\n"
        f"assert export_main([{str(script)!r}, '-o', {str(tmp_path / 'g.json')!r}, '--in-process']) == 0\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'ui'))], 'Qt was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
