"""Every chip and control the player shows has a tooltip, in English and in Chinese: the saved-buffer
chips (held, freed, freed by an earlier call), the transport and jump buttons, the speed choices
and the call chooser."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QSlider, QToolButton

from gradviz.runner import cells
from gradviz.runner.session import Session
from tests.paths import SEED_NOTEBOOK
from ui.i18n import language_switcher
from ui.player import BackwardPlayer

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def seed():
    results = Session().run_cells(cells.split_percent_cells(SEED_NOTEBOOK.read_text(encoding="utf-8")))
    return [c for r in results for c in r.backward_calls], results[8].graph


def _chips(widget: BackwardPlayer) -> list[QLabel]:
    return [c for c in widget.chips.findChildren(QLabel, "bufferChip") if not c.isHidden()]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_chip_and_control_has_a_tooltip(qtbot, seed, language):
    assert language_switcher().apply(language)
    QSettings().remove("player/speed")
    widget = BackwardPlayer()
    qtbot.addWidget(widget)
    widget.set_language(language)
    widget.set_calls(*seed)
    widget.resize(900, 560)
    widget.show()
    translated = (
        (lambda tip: CJK.search(tip) is not None) if language == "zh_CN" else (lambda tip: CJK.search(tip) is None)
    )

    def check(tip: str, what: str) -> None:
        assert tip.strip(), f"{what} has no tooltip"
        assert translated(tip), f"{what}: {tip!r} is not in {language}"

    # buffer chips, held and freed, on the first call
    widget.select_call(0)
    kinds = set()
    for step in range(len(widget.replay)):
        widget.seek(step)
        for chip in _chips(widget):
            check(chip.toolTip(), f"chip {chip.text()!r} at step {step}")
            assert chip.text().split(" · ")[0] in chip.toolTip()  # it names its buffer
            kinds.add(chip.toolTip().split(":")[-1].split("：")[-1][:12])
    assert len(kinds) >= 2  # a held chip and a freed one were both seen
    # the error call: a chip for a buffer an earlier call freed
    widget.select_call(1)
    widget.seek(-1)
    error_node = widget.replay.state(-1).error["node_id"]
    earlier = [c for c in (widget.chips.chip((error_node, a)) for a in ("_saved_self", "_saved_other")) if c]
    assert earlier
    for chip in earlier:
        check(chip.toolTip(), f"chip {chip.text()!r}")
        assert "backward()" in chip.toolTip()
    # every control: transport, jumps, speed, call chooser, slider's neighbours
    controls = [
        *widget.findChildren(QToolButton),
        *widget.findChildren(QComboBox),
        *widget.findChildren(QAbstractSpinBox),
    ]
    assert len(controls) >= 10
    for control in controls:
        if control.isVisibleTo(widget) and not isinstance(control, QSlider):
            name = control.text() if isinstance(control, QToolButton) else control.objectName()
            check(control.toolTip(), f"{type(control).__name__} {name!r}")
    for i in range(widget.speed_box.count()):
        check(str(widget.speed_box.itemData(i, Qt.ItemDataRole.ToolTipRole)), f"speed {widget.speed_box.itemText(i)}")
    check(widget.memory_lane.toolTip(), "memory lane")
    language_switcher().apply("en")
