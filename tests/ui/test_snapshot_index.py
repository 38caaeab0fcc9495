"""Lookups the outline and inspector make over a snapshot dict (no Qt)."""

from __future__ import annotations

import json
from pathlib import Path

from gradviz.graph.summary import format_shape
from ui.snapshot import SnapshotIndex, format_bytes, preview_rows

SAMPLE = Path(__file__).with_name("sample_snapshot.json")


def sample_snapshot() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))["snapshot"]


def test_inputs_outputs_and_next_functions_follow_the_edge_views():
    index = SnapshotIndex(sample_snapshot())
    assert index.inputs("n5") == ["t4", "t2"]  # MulBackward0(y + 1, y): by input position
    assert index.outputs("n5") == ["t6"]
    assert index.next_functions("n5") == ["n4", "n3"]  # gradfn view: index order
    assert index.next_functions("n3") == ["n1"]
    assert index.consumers("t1") == ["n3"]


def test_nodes_on_line_and_creation_order():
    index = SnapshotIndex(sample_snapshot())
    assert index.nodes_on_line(2) == ["t2", "n3"]
    assert index.nodes_on_line(3) == ["n4", "t4", "n5", "t6"]
    assert index.nodes_on_line(99) == []
    assert index.ordered_ids("tensor") == ["t1", "t2", "t4", "t6"]
    assert index.span("t1") == (0, 1, 0, 1, 31)
    assert index.span("n1") is None


def test_empty_snapshot_is_falsy_and_safe():
    index = SnapshotIndex(None)
    assert not index
    assert index.inputs("n1") == [] and index.nodes_on_line(1) == [] and index.node("t1") is None


def test_formatting_helpers():
    assert format_shape([2, 3]) == "[2, 3]"
    assert format_shape([]) == "[]"
    assert format_shape(None) == ""  # a node without a known shape
    assert format_bytes(24) == "24 B"
    assert format_bytes(4096) == "4.0 KiB"
    assert preview_rows(3.0) == [[3.0]]
    assert preview_rows([1, 2]) == [[1, 2]]
    assert preview_rows([[1, 2], [3, 4]]) == [[1, 2], [3, 4]]
