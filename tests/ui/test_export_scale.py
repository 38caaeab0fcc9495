"""Exports of big graphs and long calls stay bounded: frames follow the running node, long calls are
sampled, and the export says so (issue 16, "Export at scale")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from gradviz.cli.export import ExportSource, export_main, pick_source
from gradviz.runner.session import Session
from ui.export.api import ExportRequest, export_source, frames_for
from ui.export.camera import MAX_SIDE, frame_areas
from ui.export.drawing import GraphDrawing
from ui.export.sampling import MAX_FRAMES, sample_steps

LOOP_300 = """import torch
h = torch.ones(3, requires_grad=True)
x = h
for i in range(300):
    x = torch.tanh(x * 1.01 + 0.1)
x.sum().backward()
"""

MLP_20 = """import torch
import torch.nn as nn
torch.manual_seed(0)
X = torch.randn(32, 4)
Y = torch.randn(32, 1)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(20):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(X), Y)
    loss.backward()
    optimizer.step()
"""


@pytest.fixture(scope="module")
def loop() -> ExportSource:
    return pick_source([Session().run_cell(0, LOOP_300)], None)


@pytest.fixture(scope="module")
def mlp() -> ExportSource:
    return pick_source([Session().run_cell(0, MLP_20)], None)


def test_sampling_keeps_first_last_and_accumulations(loop: ExportSource) -> None:
    trace = loop.trace
    assert trace is not None
    total = len(trace["events"])
    assert total > 2000
    sample = sample_steps(trace, 50)
    assert len(sample.steps) <= 50 and sample.sampled
    assert sample.steps[0] == 0 and sample.steps[-1] == total - 1
    accumulations = [k for k, e in enumerate(trace["events"]) if e["type"] == "grad_accumulated"]
    assert accumulations and set(accumulations) <= set(sample.steps)
    assert sample.steps == sorted(set(sample.steps))
    assert "sampled" in sample.describe() and f"{total:,}" in sample.describe()
    every = sample_steps(trace, None)
    assert every.steps == list(range(total)) and not every.sampled and every.describe() == ""


def test_loop_gif_is_bounded_sampled_and_says_so(qapp, loop: ExportSource, tmp_path: Path) -> None:
    """The loop unfolded (every node of the snapshot): frames follow the running node."""
    out = tmp_path / "loop.gif"
    notes: list[str] = []
    frames = export_source(out, loop, ExportRequest("gif", grouped=False), notice=notes.append)
    assert frames <= MAX_FRAMES
    with Image.open(out) as im:
        assert im.n_frames == frames
        assert max(im.size) <= MAX_SIDE
    said = " ".join(notes)
    assert "sampled" in said and "follows the running node" in said
    # every frame's caption says the animation is sampled, and which step of how many it shows
    captions = [c for _, c in frames_for(loop.trace, 1, "all", None, loop.snapshot, sample=sample_steps(loop.trace))]
    assert all("sampled: 1 frame per" in (c or "").split("\n")[0] for c in captions)
    assert captions[-1].split("\n")[1].startswith("finished: h.grad = ")  # type: ignore[union-attr]


def test_each_frame_shows_its_running_node(qapp, loop: ExportSource) -> None:
    sample = sample_steps(loop.trace, 40)
    frames = frames_for(loop.trace, 1, "all", None, loop.snapshot, sample=sample)
    drawing = GraphDrawing(loop.snapshot)
    framing = frame_areas(drawing, [s for s, _ in frames], [c for _, c in frames], 1.0, MAX_SIDE)
    assert framing.follows
    assert len({(round(a.width()), round(a.height())) for a in framing.areas}) == 1  # one frame size
    assert max(framing.frame_px) <= MAX_SIDE
    shown = 0
    for (state, _), area in zip(frames, framing.areas, strict=True):
        rect = drawing.node_rect(state.current if state is not None else None)
        if rect is not None:
            assert area.contains(rect), (state.step, state.current)
            shown += 1
    assert shown >= len(frames) - 2
    # the window moves only when its node nears an edge: fewer moves than frames
    moves = sum(1 for a, b in zip(framing.areas, framing.areas[1:]) if a != b)
    assert 0 < moves < len(frames) - 1


def test_mlp_training_gif_fits(qapp, mlp: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "mlp.gif"
    frames = export_source(out, mlp, ExportRequest("gif", scale=2.0))
    with Image.open(out) as im:
        assert max(im.size) <= MAX_SIDE
        assert im.n_frames == frames
    assert frames == len(mlp.trace["events"])  # a short call keeps every step


def test_chosen_size_is_honoured(qapp, loop: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "small.gif"
    export_source(out, loop, ExportRequest("gif", max_size=640, max_frames=20))
    with Image.open(out) as im:
        assert max(im.size) <= 640 and im.n_frames <= 20


def test_huge_png_is_bounded_and_says_what_it_wrote(qapp, loop: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "loop.png"
    notes: list[str] = []
    export_source(out, loop, ExportRequest("png", mode="final", grouped=False), notice=notes.append)
    with Image.open(out) as im:
        assert max(im.size) <= 8192
    assert "148," in notes[0] and "part around h" in notes[0] and ".svg" in notes[0]


def test_cli_says_it_sampled(qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "loop.py"
    script.write_text(LOOP_300, encoding="utf-8")
    out = tmp_path / "loop.gif"
    code = export_main([str(script), "-o", str(out), "--in-process", "--max-size", "800", "--max-frames", "30"])
    assert code == 0
    err = capsys.readouterr().err
    assert "gradviz export: sampled" in err
    with Image.open(out) as im:
        assert max(im.size) <= 800 and im.n_frames <= 30


def test_grad_labels_of_converging_edges_do_not_overlap(qapp, mlp: ExportSource, monkeypatch) -> None:
    """Three grads flow into each addmm at once: their chips are set apart, long vectors shortened."""
    from PySide6.QtCore import QRectF

    from ui.export import drawing as drawing_module
    from ui.export.writers import render_image
    from ui.theme import LIGHT

    boxes: list[tuple[QRectF, str]] = []
    chip = drawing_module.GraphDrawing._chip

    def recorded(painter, theme, at, text, metrics, *, centred):
        width, height = metrics.horizontalAdvance(text) + 2 * drawing_module.SUM_PAD, metrics.height() + 2
        left = at.x() - width / 2 if centred else at.x()
        boxes.append((QRectF(left, at.y() - height / 2, width, height), text))
        chip(painter, theme, at, text, metrics, centred=centred)

    monkeypatch.setattr(drawing_module.GraphDrawing, "_chip", staticmethod(recorded))
    drawing = GraphDrawing(mlp.snapshot)
    frames = frames_for(mlp.trace, 1, "all", None, mlp.snapshot)
    crowded = 0
    for frame in frames:
        boxes.clear()
        render_image(drawing, LIGHT, frame)
        for i, (a, text_a) in enumerate(boxes):
            assert a.width() <= drawing_module.CHIP_MAX_WIDTH + 1, text_a
            for b, text_b in boxes[i + 1 :]:
                assert not a.adjusted(1, 1, -1, -1).intersects(b), (frame[1], text_a, text_b)
        crowded = max(crowded, len(boxes))
    assert crowded >= 6  # the check saw frames with many labels at once


def test_huge_pdf_is_split_into_pages_readers_open(qapp, loop: ExportSource, tmp_path: Path) -> None:
    import re

    out = tmp_path / "loop.pdf"
    notes: list[str] = []
    pages = export_source(out, loop, ExportRequest("pdf", mode="final", grouped=False), notice=notes.append)
    data = out.read_bytes()
    boxes = [[float(v) for v in m.split()] for m in re.findall(rb"/MediaBox \[([\d. ]+)\]", data)]
    assert pages > 1 and len(boxes) == pages
    assert all(max(box[2] - box[0], box[3] - box[1]) <= 14_400 + 1 for box in boxes)  # 200 in, in points
    assert f"split over {pages} pages" in notes[0] and "200 inches" in notes[0]
