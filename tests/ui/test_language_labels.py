"""A value titled by the layer that made it ("output of model.0") reads in the window's language,
and follows a switch of language without a new run."""

from __future__ import annotations

import pytest

from tests.ui.full_window import full_window
from ui.graph import GraphPanel

RUN_TIMEOUT_MS = 60_000

MLP = """# %%
import torch
from torch import nn
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
x = torch.randn(2, 4)
loss = model(x).sum()
"""


@pytest.fixture
def window(qtbot, tmp_path):
    with full_window(qtbot, tmp_path) as win:
        win.documents.load_text(MLP, None)
        with qtbot.waitSignal(win.run_idle, timeout=RUN_TIMEOUT_MS):
            win.running.run_all()
        assert isinstance(win.canvas, GraphPanel)
        yield win


def _drawn_titles(win) -> set[str]:
    scene = win.canvas.view.graph_scene
    return {str(item.node_data.get("label", "")).split("\n")[0] for item in scene.nodes.values()}


def test_layer_titles_follow_the_language(qtbot, window):
    assert "output of model.0" in _drawn_titles(window)
    window.set_language("zh_CN")
    assert "model.0 的输出" in _drawn_titles(window)
    assert "output of model.0" not in _drawn_titles(window)
    node = next(n for n in window.snapshot["nodes"] if n.get("module_title", {}).get("path") == "model.0")
    assert str(node["label"]).startswith("model.0 的输出")  # what the inspector and player read too
    # The graph each cell left, which the player names tensors from, is retitled as well.
    (cell_graph,) = window.running.cell_graphs.values()
    titled = [n for n in cell_graph["nodes"] if n.get("module_title")]
    assert titled and all("的输出" in n["label"] or "内部" in n["label"] for n in titled)
    window.set_language("en")
    assert "output of model.0" in _drawn_titles(window)


def test_an_export_titles_layers_in_its_language(qapp, tmp_path):
    import xml.etree.ElementTree as ET

    from gradviz.cli.export import pick_source
    from gradviz.runner.session import Session
    from ui.export.api import ExportRequest, export_source
    from ui.i18n import language_switcher

    source = pick_source([Session().run_cell(0, MLP.removeprefix("# %%\n"))], None)
    svgs = {}
    try:
        for lang in ("zh", "en"):
            svgs[lang] = tmp_path / f"{lang}.svg"
            export_source(svgs[lang], source, ExportRequest("svg", lang=lang))
    finally:
        language_switcher().apply("en")

    def text(path):
        # In document order, joined: Qt writes a run of Chinese and a run of Latin as two texts.
        root = ET.parse(path).getroot()
        return "".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))

    assert "model.0 的输出" in text(svgs["zh"]) and "output of model" not in text(svgs["zh"])
    assert "output of model.0" in text(svgs["en"]) and "的输出" not in text(svgs["en"])
