"""Heatmap cells always say their number when one digit fits, and never say -0."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetrics

from ui.heatmap import Heatmap, cell_texts

VALUES = [[-0.0, 123456.789, 0.16666667, -2.5e-7], [4.5, -0.00001, 1.0, 2 / 3]]


def test_cell_texts_shrink_and_never_read_minus_zero():
    assert cell_texts(0.16666667) == ["0.1667", "0.167", "0.17", "0.2"]
    assert cell_texts(-0.0) == ["0"]
    assert cell_texts(4.5) == ["4.5", "4"]
    assert cell_texts(123456.789) == ["1.235e5", "1.23e5", "1.2e5", "1e5"]
    for row in VALUES:
        for value in row:
            texts = cell_texts(value)
            assert all(not t.startswith("-0") or t.startswith("-0.") for t in texts), texts
            assert [len(t) for t in texts] == sorted((len(t) for t in texts), reverse=True)


def test_narrow_cells_show_a_rounded_value_instead_of_nothing(qtbot):
    heat = Heatmap()
    qtbot.addWidget(heat)
    heat.set_preview(VALUES)
    heat.resize(4 * 34 + 2, 80)  # 34 px cells: "0.1667" does not fit, "0.17" does
    metrics = QFontMetrics(heat.font())
    for r, row in enumerate(VALUES):
        for c, value in enumerate(row):
            rect = heat._cell_rect(r, c)
            text = heat.cell_text(value, rect, metrics.horizontalAdvance)
            assert text is not None, (value, rect.width())
            assert text != "-0"
    assert heat.tooltip_text(0, 0) == "[0, 0] = 0"
    assert heat.tooltip_text(0, 2) == "[0, 2] = 0.16666667"
    # a cell too narrow for any digit keeps its colour and leaves the value to the tooltip
    assert heat.cell_text(123456.789, QRectF(0, 0, 3, 10), metrics.horizontalAdvance) is None
