"""``gradviz layout`` command line: round trip, both edge keys, clear errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gradviz.cli.layout import main

REPO = Path(__file__).resolve().parent.parent

DOC = {
    "directed": True,
    "multigraph": False,
    "graph": {"name": "seed"},
    "nodes": [
        {"id": "x", "label": "x", "kind": "leaf", "width": 80, "height": 30},
        {"id": "pow", "label": "PowBackward0", "kind": "op"},
        {"id": "add", "label": "AddBackward0", "kind": "op"},
        {"id": "mul", "label": "MulBackward0", "kind": "op", "width": 150},
        {"id": 7, "label": "loss", "kind": "loss"},
    ],
    "links": [
        {"source": "x", "target": "pow"},
        {"source": "pow", "target": "add"},
        {"source": "pow", "target": "mul", "index": 1},
        {"source": "add", "target": "mul", "index": 0},
        {"source": "mul", "target": 7},
    ],
}


def _write(tmp_path: Path, doc) -> Path:
    path = tmp_path / "in.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def test_round_trip_adds_geometry_and_keeps_everything_else(tmp_path):
    out = tmp_path / "out.json"
    assert main([str(_write(tmp_path, DOC)), "-o", str(out)]) == 0
    result = json.loads(out.read_text())
    nodes = {n["id"]: n for n in result["nodes"]}
    assert set(nodes) == {"x", "pow", "add", "mul", 7}
    assert nodes["x"]["label"] == "x" and nodes["x"]["kind"] == "leaf"
    assert (nodes["x"]["width"], nodes["x"]["height"]) == (80, 30)
    assert (nodes["pow"]["width"], nodes["pow"]["height"]) == (120, 40)
    assert nodes["x"]["y"] < nodes["pow"]["y"] < nodes["add"]["y"] < nodes["mul"]["y"] < nodes[7]["y"]
    for edge in result["links"]:
        points = edge["points"]
        assert len(points) >= 2
        src, dst = nodes[edge["source"]], nodes[edge["target"]]
        assert abs(points[0][1] - (src["y"] + src["height"] / 2)) < 1e-6
        assert abs(points[-1][1] - (dst["y"] - dst["height"] / 2)) < 1e-6
    assert result["graph"]["name"] == "seed" and result["graph"]["width"] > 0


def test_edges_key_and_lr_direction(tmp_path):
    doc = dict(DOC)
    doc["edges"] = doc.pop("links")
    out = tmp_path / "out.json"
    assert main([str(_write(tmp_path, doc)), "-o", str(out), "--direction", "LR"]) == 0
    result = json.loads(out.read_text())
    nodes = {n["id"]: n for n in result["nodes"]}
    assert nodes["x"]["x"] < nodes["pow"]["x"] < nodes[7]["x"]
    assert all("points" in e for e in result["edges"])


def test_multigraph_links_keep_their_own_curves(tmp_path):
    """``y * y`` as gradviz exports it: two links y -> mul with keys 0 and 1, two polylines."""
    doc = {
        "directed": True,
        "multigraph": True,
        "nodes": [{"id": "y"}, {"id": "mul"}, {"id": "z"}],
        "links": [
            {"source": "y", "target": "mul", "key": 0, "index": 0},
            {"source": "y", "target": "mul", "key": 1, "index": 1},
            {"source": "mul", "target": "z", "key": 0, "index": 0},
        ],
    }
    out = tmp_path / "out.json"
    assert main([str(_write(tmp_path, doc)), "-o", str(out)]) == 0
    first, second, third = json.loads(out.read_text())["links"]
    assert first["points"] != second["points"] and len(third["points"]) == 2
    doc["links"].append({"source": "y", "target": "mul", "key": 1})
    assert main([str(_write(tmp_path, doc)), "-o", str(out)]) == 2  # the same slot twice


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "top level must be a JSON object"),
        ('{"nodes": 3}', "missing 'nodes' list"),
        ('{"nodes": [{"label": "a"}]}', "nodes[0]: each node needs an 'id'"),
        ('{"nodes": [{"id": "a"}, {"id": "a"}]}', "duplicate node id"),
        ('{"nodes": [{"id": "a", "width": -1}]}', "nodes[0].width must be a positive"),
        ('{"nodes": [{"id": "a", "height": "tall"}]}', "nodes[0].height must be a number"),
        ('{"nodes": [{"id": "a"}], "links": [{"source": "a", "target": "b"}]}', 'target "b" is not a node id'),
        ('{"nodes": [{"id": "a"}], "edges": [{"source": "a"}]}', "edges[0]: each edge needs"),
        ('{"nodes": [{"id": {"x": 1}}]}', "ids must be strings or numbers"),
        ('{"directed": false, "nodes": []}', "undirected"),
    ],
)
def test_invalid_input_exits_2_with_a_clear_message(tmp_path, capsys, content, message):
    code = main([str(_write(tmp_path, content)), "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.json").exists()


def test_missing_file_and_unwritable_output(tmp_path, capsys):
    assert main([str(tmp_path / "nope.json"), "-o", str(tmp_path / "out.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    good = _write(tmp_path, DOC)
    assert main([str(good), "-o", str(tmp_path / "no_dir" / "out.json")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_bad_arguments_exit_2(tmp_path, capsys):
    assert main([str(_write(tmp_path, DOC)), "-o", "x.json", "--direction", "RL"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_runs_as_a_module(tmp_path):
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "gradviz.cli.layout", str(_write(tmp_path, DOC)), "-o", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(out.read_text())["nodes"]) == 5
    bad = subprocess.run(
        [sys.executable, "-m", "gradviz.cli.layout", str(tmp_path / "missing.json"), "-o", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
