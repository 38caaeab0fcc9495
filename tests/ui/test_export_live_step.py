"""File -> Export of the current step from the live canvas carries the step's caption: the rule with
its numbers and the .grad ledger, as the player shows them (issue 15)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from gradviz.cli.export import ExportSource, pick_source
from gradviz.runner.session import Session
from ui.export.dialog import ExportDialog

CLASSIC = """import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
"""


@pytest.fixture(scope="module")
def source() -> ExportSource:
    return pick_source([Session().run_cell(0, CLASSIC)], None)


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()) for t in root.iter() if t.tag.endswith("text")]


def _dialog(qtbot, source: ExportSource, live: list[tuple[int, int] | None]) -> tuple[ExportDialog, QGraphicsView]:
    view = QGraphicsView()
    scene = QGraphicsScene(view)  # owned by the view: it outlives this helper
    scene.addRect(0, 0, 400, 300)
    scene.addText("canvas")
    view.setScene(scene)
    view.resize(300, 200)
    qtbot.addWidget(view)
    dialog = ExportDialog(lambda: source.snapshot, lambda: [source.trace], view, live_step=lambda: live[0])
    qtbot.addWidget(dialog)
    dialog.state_box.setCurrentIndex(dialog.state_box.findData("step"))
    return dialog, view


def _step_of(source: ExportSource, kind: str, name: str) -> int:
    names = {n["node_id"]: n["name"] for n in source.trace["events"][0]["nodes"]}  # type: ignore[index]
    events = source.trace["events"]  # type: ignore[index]
    return next(k for k, e in enumerate(events) if e["type"] == kind and names.get(e.get("node_id"), "").endswith(name))


def test_live_step_svg_has_the_rule_with_its_numbers(qtbot, source: ExportSource, tmp_path: Path) -> None:
    step = _step_of(source, "node_finished", "MulBackward0")
    dialog, _ = _dialog(qtbot, source, [(0, step)])
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("svg"))
    out = tmp_path / "live.svg"
    assert dialog.export_to(out) == 1
    texts = _svg_texts(out)
    assert any(f"step {step}/" in t for t in texts)
    assert "grad_self = grad × other = 0.25 × 3 = 0.75   (every element)" in texts
    assert "canvas" in texts  # the scene itself is drawn under the caption


def test_live_final_step_has_the_ledger(qtbot, source: ExportSource, tmp_path: Path) -> None:
    last = len(source.trace["events"]) - 1  # type: ignore[index]
    dialog, _ = _dialog(qtbot, source, [(0, last)])
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("svg"))
    out = tmp_path / "final.svg"
    dialog.export_to(out)
    texts = _svg_texts(out)
    assert "x.grad: None → +4.5 → 4.5" in texts
    assert "finished: x.grad = [[4.5, 4.5], [4.5, 4.5]]" in texts


def test_live_png_gets_a_caption_band_and_none_without_a_step(qtbot, source: ExportSource, tmp_path: Path) -> None:
    live: list[tuple[int, int] | None] = [None]
    dialog, _ = _dialog(qtbot, source, live)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("png"))
    dialog.scale_box.setValue(1.0)
    bare = tmp_path / "bare.png"
    dialog.export_to(bare)
    live[0] = (0, _step_of(source, "node_finished", "MulBackward0"))
    captioned = tmp_path / "captioned.png"
    dialog.export_to(captioned)
    assert QImage(str(captioned)).height() > QImage(str(bare)).height() + 40  # heading and rule lines
    live[0] = (3, 2)  # a call the window does not hold: no caption rather than a wrong one
    dialog.export_to(bare)
    assert QImage(str(bare)).height() < QImage(str(captioned)).height()
