"""Picture exports draw the window's grouped picture (issue 16): a 300-step loop folded into its
"300 x ..." node, module boxes with their titles, sum chips inside the picture and off the nodes,
and captions that say which iteration of a training loop and which loop step a frame shows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from gradviz.cli.export import ExportSource, pick_source
from gradviz.runner.session import Session
from ui.export.api import ExportRequest, export_source, frames_for
from ui.export.grouped import GroupedDrawing
from ui.export.sampling import MAX_FRAMES, sample_steps
from ui.export.steps import short_values
from ui.export.writers import render_image
from ui.theme import LIGHT

LOOP_300 = """import torch
h = torch.zeros(3)
w = torch.tensor(1.01, requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
for i in range(300):
    h = torch.tanh(h * w + b)
h.sum().backward()
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

LOOP_TITLE = "300 x tanh(h * w + b)"
SVG = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(scope="module")
def loop() -> ExportSource:
    return pick_source([Session().run_cell(0, LOOP_300)], None)


@pytest.fixture(scope="module")
def mlp() -> ExportSource:
    return pick_source([Session().run_cell(0, MLP_20)], None)


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()).strip() for t in root.findall(".//svg:text", SVG)]


def test_loop_png_and_svg_show_the_folded_loop(qapp, loop: ExportSource, tmp_path: Path) -> None:
    notes: list[str] = []
    png, svg = tmp_path / "loop.png", tmp_path / "loop.svg"
    export_source(png, loop, ExportRequest("png"), notice=notes.append)
    export_source(svg, loop, ExportRequest("svg"), notice=notes.append)
    texts = _svg_texts(svg)
    assert LOOP_TITLE in texts  # the folded loop, as text
    assert "w" in texts and "b" in texts
    assert sum(1 for t in texts if t == "TanhBackward0") == 0  # its 300 tanh nodes are inside the fold
    with Image.open(png) as im:
        assert max(im.size) <= 1200  # the unfolded loop was 390 x 148,261 px
    assert notes == []  # drawn whole: nothing reframed or shrunk
    assert svg.stat().st_size < 400_000  # the unfolded SVG was 5.4 MB


def test_mlp_svg_has_the_module_boxes(qapp, mlp: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "mlp.svg"
    export_source(out, mlp, ExportRequest("svg", mode="final"))
    texts = _svg_texts(out)
    boxes = ("Sequential · model", "Linear(4, 16) · model.0", "Linear(16, 16) · model.2", "Linear(16, 1) · model.4")
    for title in boxes:
        assert title in texts, title
    heading = next(t for t in texts if t.startswith("iteration "))
    assert heading.startswith("iteration 20 of 20 (backward call 20) · step ")


def test_module_frames_hold_their_nodes(qapp, mlp: ExportSource) -> None:
    drawing = GroupedDrawing(mlp.snapshot)
    titles = dict(drawing.group_titles())
    assert "Sequential · model" in titles
    outer = titles["Sequential · model"]
    for title, rect in titles.items():
        if title.startswith("Linear("):
            assert outer.contains(rect), title
    bounds = drawing.bounds()
    assert all(bounds.contains(rect) for rect in titles.values())


def test_iteration_caption(qapp, mlp: ExportSource) -> None:
    frames = frames_for(mlp.trace, mlp.call_number, "step", 3, mlp.snapshot)
    assert (frames[0][1] or "").startswith("iteration 20 of 20 (backward call 20) · step 3/")


def test_sum_chips_stay_in_the_picture_and_off_the_nodes(qapp, loop: ExportSource) -> None:
    sample = sample_steps(loop.trace, 30)
    frames = frames_for(loop.trace, 1, "all", None, loop.snapshot, sample=sample)
    drawing = GroupedDrawing(loop.snapshot, theme=LIGHT)
    drawing.fit(state for state, _ in frames)
    bounds = drawing.bounds([caption for _, caption in frames])
    chips_seen = 0
    for state, caption in frames:
        image = render_image(drawing, LIGHT, (state, caption), area=bounds)
        assert (image.width(), image.height()) == (round(bounds.width()), round(bounds.height()))
        nodes = [placed.rect for placed in drawing.nodes.values()]
        chips = drawing.chip_rects()
        for i, chip in enumerate(chips):
            assert bounds.contains(chip), (state.step if state else None, chip)
            assert not any(chip.intersects(node) for node in nodes), chip
            assert not any(chip.intersects(other) for other in chips[i + 1 :])
        chips_seen += len(chips)
    assert chips_seen >= 2  # w's and b's sums were on show
    last = frames[-1][0]
    assert last is not None
    sums = list(last.buffer_sums.values())
    # 300 grads into w: the app's abbreviation, not 300 terms
    assert any(re.fullmatch(r"\S+ \+ … \+ \S+ = \S+ \(300 grads\)", text) for text in sums), sums


def test_running_inside_the_fold_lights_the_loop(qapp, loop: ExportSource) -> None:
    sample = sample_steps(loop.trace, 40)
    drawing = GroupedDrawing(loop.snapshot)
    frames = frames_for(loop.trace, 1, "all", None, loop.snapshot, sample=sample, loop_step=drawing.loop_step)
    group = next(v for v, item in drawing.scene.nodes.items() if item.node_data.get("label", "").startswith("300 x"))
    lit = 0
    for state, caption in frames[1:-1]:
        assert state is not None
        if state.current is None or drawing.scene.drawn_id(state.current) != group:
            continue
        render_image(drawing, LIGHT, (state, caption))
        assert drawing.scene.nodes[group].run_state == "running"
        assert re.search(r"backward call 1 · loop step \d+ of 300 · step \d+/\d+: ", (caption or "").split("\n")[0])
        lit += 1
    assert lit >= 10


def test_loop_gif_and_handout_are_small(qapp, loop: ExportSource, tmp_path: Path) -> None:
    notes: list[str] = []
    gif, pdf = tmp_path / "loop.gif", tmp_path / "loop.pdf"
    frames = export_source(gif, loop, ExportRequest("gif"), notice=notes.append)
    with Image.open(gif) as im:
        assert im.n_frames == frames <= MAX_FRAMES
        assert max(im.size) <= 1200
    assert not any("follows the running node" in n for n in notes)  # the whole loop in every frame
    pages = export_source(pdf, loop, ExportRequest("pdf", mode="all"), notice=notes.append)
    assert pages <= MAX_FRAMES  # one page a frame: the folded loop needs no splitting
    assert pdf.stat().st_size < 20_000_000


def test_flat_export_is_still_available(qapp, loop: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "flat.svg"
    export_source(out, loop, ExportRequest("svg", grouped=False))
    texts = _svg_texts(out)
    assert LOOP_TITLE not in texts and texts.count("TanhBackward0") == 300


def test_vector_grads_in_chips_keep_their_first_numbers() -> None:
    assert short_values("[0.0007905, 0.02251, -0.01746, 0.08485, 0.001285, …]") == "[0.0007905, 0.02251, …]"
    assert short_values("[[1, 2, 3], [4, 5, 6]]") == "[[1, 2, …]]"
    assert short_values("[1, 2]") == "[1, 2]"
    assert short_values("3.005") == "3.005"
    assert short_values("[-0.2 .. 0.3] shape [3, 8]") == "[-0.2 .. 0.3] shape [3, 8]"
