"""WCAG AA contrast in both themes: every text colour against the backgrounds it is drawn on
(4.5:1), and every icon the window shows against its button's background (3:1), measured from the
rendered pixels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPalette
from PySide6.QtWidgets import QToolButton

from ui.graph.style import palette_for, text_on
from ui.theme import DARK, LIGHT, Theme, build_palette, theme_manager

TEXT = 4.5
ICON = 3.0

# (text colour, backgrounds it is drawn on): fields of ui.theme.Theme.
TEXT_ON = {
    "text": ("window", "base", "alt_base", "current_line", "current_cell", "cell_band", "selection"),
    "muted_text": (
        "window",
        "base",
        "alt_base",
        "canvas_bg",
        "node_leaf",
        "node_intermediate",
        "node_constant",
        "node_op",
        "node_accumulate",
    ),
    "gutter_text": ("gutter_bg",),
    "node_text": ("canvas_bg", "node_leaf", "node_intermediate", "node_constant", "node_op", "node_accumulate"),
    "accent": ("base", "window"),
    "accent_text": ("accent",),
    "error": ("base", "error_bg"),
    "warning": ("warning_bg",),
    "success": ("base", "window"),
    "echo": ("base",),
    "buffer_alive": ("base",),
    **dict.fromkeys(
        (
            "syn_keyword",
            "syn_builtin",
            "syn_string",
            "syn_number",
            "syn_comment",
            "syn_decorator",
            "syn_definition",
            "syn_self",
        ),
        ("base", "current_line", "current_cell"),
    ),
    "syn_cell_marker": ("cell_band",),
}


def relative_luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_the_contrast_formula_matches_wcag():
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_every_text_colour_of_the_theme_meets_aa(theme: Theme):
    low = []
    for fg, backgrounds in TEXT_ON.items():
        for bg in backgrounds:
            ratio = contrast(theme.color(fg), theme.color(bg))
            if ratio < TEXT:
                low.append(f"{fg} on {bg}: {ratio:.2f}")
    assert not low, low


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_the_palette_and_the_canvas_text_meet_aa(qapp, theme: Theme):
    pal = build_palette(theme)
    role = QPalette.ColorRole
    for fg, bg in (
        (role.WindowText, role.Window),
        (role.Text, role.Base),
        (role.ButtonText, role.Button),
        (role.ToolTipText, role.ToolTipBase),
        (role.HighlightedText, role.Highlight),
        (role.PlaceholderText, role.Base),
        (role.Link, role.Base),
    ):
        assert contrast(pal.color(fg), pal.color(bg)) >= TEXT, (theme.name, fg, bg)
    graph = palette_for(theme)
    assert contrast(graph.note_text, graph.note_fill) >= TEXT
    assert contrast(text_on(graph.grad_flow), graph.grad_flow) >= TEXT  # edge gradient labels
    for state in ("running", "ready", "done", "error"):  # node borders are large marks: 3:1
        assert contrast(graph.states[state], graph.background) >= ICON, (theme.name, state)


def icon_colour(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    """The mean colour of an icon's opaque pixels, as drawn at 16 px."""
    image = icon.pixmap(QSize(16, 16), mode).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    total = [0.0, 0.0, 0.0]
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > 200:
                total[0] += pixel.redF()
                total[1] += pixel.greenF()
                total[2] += pixel.blueF()
                count += 1
    assert count, "the icon draws something"
    return QColor.fromRgbF(total[0] / count, total[1] / count, total[2] / count)


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_player_and_toolbar_icons_stand_out_from_their_buttons(qtbot, choice):
    from ui.main_window import MainWindow
    from ui.player import BackwardPlayer
    from ui.runner import RunController

    theme_manager().apply(choice)
    try:
        background = QGuiApplication.palette().color(QPalette.ColorRole.Button)
        player = BackwardPlayer()
        qtbot.addWidget(player)
        buttons = [b for b in player.findChildren(QToolButton) if not b.icon().isNull()]
        assert len(buttons) >= 5  # first, back, play, forward, last
        for button in buttons:
            ratio = contrast(icon_colour(button.icon()), background)
            assert ratio >= ICON, (choice, button.toolTip(), round(ratio, 2))
        window = MainWindow(runner=RunController(None), autosave=False)
        qtbot.addWidget(window)
        try:
            for action in window.actions_.toolbar.actions():
                if action.icon().isNull() or not action.isEnabled():
                    continue
                ratio = contrast(icon_colour(action.icon()), background)
                assert ratio >= ICON, (choice, action.text(), round(ratio, 2))
        finally:
            window.runner.shutdown()
    finally:
        theme_manager().apply("light")
