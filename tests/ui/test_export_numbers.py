"""Exported frames carry the numbers the player shows at that step, in the chosen language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gradviz.cli.export import ExportSource, export_main, pick_source
from gradviz.runner.session import Session
from ui.export.api import ExportRequest, export_source, frames_for
from ui.i18n import language_switcher

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


def _step_of(source: ExportSource, kind: str, name: str, nth: int = 0) -> int:
    names = {n["node_id"]: n["name"] for n in source.trace["events"][0]["nodes"]}  # type: ignore[index]
    steps = [
        k
        for k, e in enumerate(source.trace["events"])  # type: ignore[index]
        if e["type"] == kind and names.get(e.get("node_id"), "").endswith(name)
    ]
    return steps[nth]


def test_svg_at_a_step_has_the_rule_with_its_numbers(qapp, source: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "times3.svg"
    step = _step_of(source, "node_finished", "MulBackward0", 0)
    export_source(out, source, ExportRequest("svg", mode="step", step=step))
    texts = _svg_texts(out)
    assert any(f"step {step}/" in t for t in texts)
    assert "grad_self = grad × other = 0.25 × 3 = 0.75   (every element)" in texts


def test_final_frame_has_the_ledger_and_what_x_holds(qapp, source: ExportSource, tmp_path: Path) -> None:
    out = tmp_path / "final.svg"
    export_source(out, source, ExportRequest("svg", mode="final"))
    texts = _svg_texts(out)
    assert "finished: x.grad = [[4.5, 4.5], [4.5, 4.5]]" in texts
    assert "x.grad: None → +4.5 → 4.5" in texts
    assert not any(re.search(r"(?<![\w.])-0(?![\d.])", t) for t in texts)


def test_every_animation_frame_has_the_band_of_the_longest(qapp, source: ExportSource) -> None:
    frames = frames_for(source.trace, 1, "all", None, source.snapshot)
    assert len(frames) == len(source.trace["events"])  # type: ignore[index]
    captions = [c for _, c in frames]
    assert all(c is not None for c in captions)
    assert captions[-1].split("\n")[1] == "finished: x.grad = [[4.5, 4.5], [4.5, 4.5]]"  # type: ignore[union-attr]
    mean_done = _step_of(source, "node_finished", "MeanBackward0")
    assert "grad_self = grad / numel = 1 / 4 = 0.25   (every element)" in captions[mean_done].split("\n")  # type: ignore[union-attr]


def test_chinese_export_carries_the_same_numbers(qapp, source: ExportSource, tmp_path: Path) -> None:
    switcher = language_switcher()
    before = switcher.language
    switcher.apply("zh_CN")
    try:
        out = tmp_path / "zh.svg"
        step = _step_of(source, "node_finished", "MulBackward0", 0)
        export_source(out, source, ExportRequest("svg", mode="step", step=step, lang="zh"))
        # Qt writes a run of Chinese characters as its own <text> (a fallback font): read the runs joined
        text = "".join(_svg_texts(out))
        assert "grad_self = grad × other = 0.25 × 3 = 0.75   (每个元素)" in text
        assert "grad_other：不需要（不求梯度）" in text
        final = tmp_path / "zh_final.svg"
        export_source(final, source, ExportRequest("svg", mode="final", lang="zh"))
        assert "完成：x.grad = [[4.5, 4.5], [4.5, 4.5]]" in "".join(_svg_texts(final))
    finally:
        switcher.apply(before)


def test_cli_png_and_svg_at_a_step(qapp, tmp_path: Path) -> None:
    script = tmp_path / "classic.py"
    script.write_text(CLASSIC, encoding="utf-8")
    svg = tmp_path / "step.svg"
    assert export_main([str(script), "-o", str(svg), "--step", "4", "--in-process", "--lang", "zh"]) == 0
    assert any("0.25 × 3 = 0.75" in t for t in _svg_texts(svg))
    png = tmp_path / "step.png"
    assert export_main([str(script), "-o", str(png), "--step", "4", "--in-process"]) == 0
    assert png.stat().st_size > 1000


@pytest.mark.parametrize("view", ["dataflow", "gradfn"])
def test_edge_grads_and_the_input_buffer_sum_are_drawn(qapp, source: ExportSource, tmp_path: Path, view: str) -> None:
    out = tmp_path / f"{view}.svg"
    step = _step_of(source, "node_started", "AddBackward0")  # y's two grads have arrived and added up
    export_source(out, source, ExportRequest("svg", view=view, mode="step", step=step))
    texts = _svg_texts(out)
    assert "2.25 + 2.25 = 4.5" in texts
    assert texts.count("2.25") == 2  # one label per input slot of y * y
    assert "0.75" in texts and "0.25" in texts
    before = tmp_path / f"{view}_start.svg"
    export_source(before, source, ExportRequest("svg", view=view, mode="step", step=0))
    assert not any(t in ("0.25", "2.25 + 2.25 = 4.5") for t in _svg_texts(before))
