"""Exports opened again: PNG pixels, SVG text, PDF pages, animation frames, the dialog."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QMainWindow

from gradviz.cli.export import ExportSource, export_main, pick_source
from gradviz.runner.cells import load_cells
from gradviz.runner.session import Session
from ui.export.api import ExportRequest, export_source, frames_for
from ui.export.caption import CAPTION_PX
from ui.export.dialog import ExportDialog, add_export_actions
from ui.export.steps import step_count
from ui.graph.style import fonts

SCRIPT = """\
# %%
import torch as t
x = t.ones(3, 2, requires_grad=True)
y = x ** 2
z = (y + 1) * y
s = z.sum()
# %%
s.backward()
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> ExportSource:
    path = tmp_path_factory.mktemp("script") / "demo.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return pick_source(Session().run_cells(load_cells(path)), None)


@pytest.fixture()
def script(tmp_path: Path) -> Path:
    path = tmp_path / "demo.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def _distinct_colours(path: Path) -> int:
    with Image.open(path) as im:
        return len(im.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def test_png_has_the_scaled_size_and_a_drawing(qapp, source: ExportSource, tmp_path: Path) -> None:
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    export_source(one, source, ExportRequest("png", scale=1.0))
    export_source(two, source, ExportRequest("png", scale=2.0))
    a, b = QImage(str(one)), QImage(str(two))
    assert a.width() > 100 and a.height() > 100
    assert abs(b.width() - 2 * a.width()) <= 1 and abs(b.height() - 2 * a.height()) <= 1
    assert _distinct_colours(one) > 20  # boxes, text and edges, not a blank canvas


def test_transparent_png_keeps_alpha_outside_the_nodes(qapp, source: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    export_source(out, source, ExportRequest("png", transparent=True))
    with Image.open(out) as im:
        rgba = im.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0
        assert rgba.getchannel("A").getextrema()[1] == 255


def test_dark_theme_paints_a_dark_background(qapp, source: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "d.png"
    export_source(out, source, ExportRequest("png", theme="dark"))
    with Image.open(out) as im:
        assert sum(im.convert("RGB").getpixel((2, 2))) < 120


def test_svg_keeps_labels_as_text_at_their_size(qapp, source: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "g.svg"
    export_source(out, source, ExportRequest("svg"))
    root = ET.parse(out).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    texts = root.findall(".//svg:text", ns)
    words = {("".join(t.itertext())).strip() for t in texts}
    assert {"x", "y", "z", "s", "PowBackward0", "MulBackward0", "SumBackward0"} <= words
    label = next(t for t in texts if "".join(t.itertext()).strip() == "MulBackward0")
    # the window's node title size (9.5 pt), in CSS pixels at 96 dpi
    assert float(label.get("font-size")) == pytest.approx(fonts().title.pointSizeF() * 96 / 72, rel=0.01)
    caption = next(t for t in texts if "".join(t.itertext()).startswith("backward call 1"))
    assert float(caption.get("font-size")) == pytest.approx(CAPTION_PX)
    # 96 dpi: the width in mm is the viewBox width in CSS pixels.
    width_mm = float(re.match(r"([\d.]+)mm", root.get("width")).group(1))
    view_width = float(root.get("viewBox").split()[2])
    assert width_mm == pytest.approx(view_width * 25.4 / 96, rel=0.01)


def _pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def test_pdf_one_page_and_handout(qapp, source: ExportSource, tmp_path: Path) -> None:
    single, handout = tmp_path / "one.pdf", tmp_path / "all.pdf"
    export_source(single, source, ExportRequest("pdf", mode="final"))
    assert _pdf_pages(single) == 1
    pages = export_source(handout, source, ExportRequest("pdf", mode="all"))
    assert pages == step_count(source.trace) > 5
    assert _pdf_pages(handout) == pages


@pytest.mark.parametrize("fmt", ["gif", "apng", "webp"])
def test_animation_has_a_frame_per_step_with_held_ends(qapp, source: ExportSource, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"a.{fmt}"
    frames = export_source(out, source, ExportRequest(fmt))
    steps = step_count(source.trace)
    assert frames == steps
    with Image.open(out) as im:
        assert im.n_frames == steps
        durations = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()  # WebP reports a frame's duration once it is decoded
            durations.append(im.info.get("duration"))
    assert durations[0] > durations[1] and durations[-1] > durations[1]


def test_gif_keeps_the_exact_theme_colours(qapp, source: ExportSource, tmp_path: Path) -> None:
    """One shared palette: the pale node fills and the running node's colour of a step survive
    quantisation (the GIF frame has every main colour of the exact PNG of that step)."""
    from ui.theme import LIGHT

    out, still = tmp_path / "c.gif", tmp_path / "c3.png"
    export_source(out, source, ExportRequest("gif"))
    export_source(still, source, ExportRequest("png", mode="step", step=3))
    with Image.open(still) as im:
        counted = sorted(im.convert("RGB").getcolors(maxcolors=1 << 20) or [], reverse=True)
    wanted = {rgb for _, rgb in counted[:8]} | {tuple(int(LIGHT.grad_flow[i : i + 2], 16) for i in (1, 3, 5))}
    with Image.open(out) as im:
        im.seek(3)
        colours = {rgb for _, rgb in im.convert("RGB").getcolors(maxcolors=1 << 16)}
    assert wanted <= colours


def test_frames_differ_where_the_backward_moves(qapp, source: ExportSource) -> None:
    frames = frames_for(source.trace, 1, "all", None, source.snapshot)
    first, last = frames[0][0], frames[-1][0]
    assert not first.edge_grads and not first.accumulated
    assert last.edge_grads and last.accumulated and last.freed
    assert all("step" in caption for _, caption in frames)


def test_cli_png_step_and_errors(qapp, script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.png"
    assert export_main([str(script), "-o", str(out), "--step", "3", "--in-process", "--scale", "1.5"]) == 0
    assert QImage(str(out)).width() > 100
    assert export_main([str(script), "-o", str(tmp_path / "bad.png"), "--step", "999", "--in-process"]) == 2
    assert "there is no step 999" in capsys.readouterr().err
    assert export_main([str(script), "-o", str(tmp_path / "bad2.png"), "--all-steps", "--in-process"]) == 2
    assert export_main([str(script), "-o", str(tmp_path / "bad3.gif"), "--final", "--in-process"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.py", "s.png"]


def test_cli_chinese_export_runs(qapp, script: Path, tmp_path: Path) -> None:
    out = tmp_path / "zh.svg"
    assert export_main([str(script), "-o", str(out), "--lang", "zh", "--theme", "dark", "--in-process"]) == 0
    ET.parse(out)


def test_dialog_exports_from_the_snapshot(qtbot, source: ExportSource, tmp_path: Path) -> None:
    dialog = ExportDialog(lambda: source.snapshot, lambda: [source.trace])
    qtbot.addWidget(dialog)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("gif"))
    assert not dialog.state_box.isEnabled()
    frames = dialog.export_to(tmp_path / "d.gif")
    assert frames == step_count(source.trace)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("pdf"))
    dialog.state_box.setCurrentIndex(dialog.state_box.findData("all"))
    assert dialog.export_to(tmp_path / "d.pdf") == frames


def test_dialog_exports_the_visible_part_of_a_canvas(qtbot, source: ExportSource, tmp_path: Path) -> None:
    scene = QGraphicsScene()
    scene.addRect(0, 0, 2000, 2000)
    scene.addText("canvas")
    view = QGraphicsView(scene)
    view.resize(300, 200)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    dialog = ExportDialog(lambda: source.snapshot, lambda: [source.trace], view, lambda: 2)
    qtbot.addWidget(dialog)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("png"))
    dialog.scale_box.setValue(1.0)
    dialog.area_box.setCurrentIndex(dialog.area_box.findData("visible"))
    dialog.export_to(tmp_path / "v.png")
    visible = QImage(str(tmp_path / "v.png"))
    port = view.viewport().size()
    assert abs(visible.width() - port.width()) <= 2 and abs(visible.height() - port.height()) <= 2
    dialog.area_box.setCurrentIndex(dialog.area_box.findData("whole"))
    dialog.export_to(tmp_path / "w.png")
    assert QImage(str(tmp_path / "w.png")).width() > 2000


def test_add_export_actions_puts_export_in_file_menu_and_context_menu(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    file_menu = window.menuBar().addMenu("File")
    view = QGraphicsView(QGraphicsScene())
    action = add_export_actions(window, view)
    assert action in file_menu.actions()
    assert action in view.actions()
    assert action.shortcut().toString() == "Ctrl+E"
    assert action.text()
