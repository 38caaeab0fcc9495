"""Every colour the window draws with, in one place, for both themes.

The graph canvas, the editor, the highlighter, the inspector's heatmap and the output panel all read
their colours from the active :class:`Theme`, so switching theme is one call
(:func:`ThemeManager.apply`) and a widget that paints by hand listens to ``ThemeManager.changed``.

Every text colour meets WCAG AA contrast against the backgrounds it is drawn on (4.5:1; 3:1 for
icons), in both themes; tests/ui/test_contrast.py measures it. The style's own glyph icons (the
player's transport buttons) are drawn in the palette's button text colour, so they stay visible on
a dark background.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from importlib.resources import files

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

STYLESHEET = files("ui") / "resources" / "styles" / "gradviz.qss"

THEME_CHOICES = ("system", "light", "dark")


@dataclass(frozen=True)
class Theme:
    """Colours as ``#rrggbb`` strings (plain data: cheap to copy, easy to test, no Qt needed to read).

    Use :meth:`color` to get a ``QColor``. Fields are grouped: window chrome, editor, syntax,
    diagnostics, then the graph canvas (``node_*``, ``edge_*``, ``grad_*``) and the heatmap ramp.
    """

    name: str
    dark: bool
    # Window chrome
    window: str
    base: str
    alt_base: str
    text: str
    muted_text: str
    border: str
    accent: str
    accent_text: str
    selection: str
    # Editor
    gutter_bg: str
    gutter_text: str
    current_line: str
    current_cell: str
    cell_band: str
    cell_separator: str
    run_button: str
    span_highlight: str
    # Syntax
    syn_keyword: str
    syn_builtin: str
    syn_string: str
    syn_number: str
    syn_comment: str
    syn_cell_marker: str
    syn_decorator: str
    syn_definition: str
    syn_self: str
    # Diagnostics and output
    error: str
    error_bg: str
    warning: str
    warning_bg: str
    success: str
    echo: str
    # Graph canvas (read by ui/graph/)
    canvas_bg: str
    canvas_grid: str
    node_leaf: str
    node_intermediate: str
    node_constant: str
    node_op: str
    node_accumulate: str
    node_text: str
    node_border: str
    node_selected: str
    node_highlight: str
    edge_dataflow: str
    edge_gradfn: str
    grad_flow: str
    grad_none: str
    buffer_alive: str
    buffer_freed: str
    # Heatmap ramp: negative -> zero -> positive
    heat_negative: str
    heat_zero: str
    heat_positive: str

    def color(self, field_name: str) -> QColor:
        return QColor(getattr(self, field_name))

    def as_dict(self) -> dict[str, str | bool]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


LIGHT = Theme(
    name="light",
    dark=False,
    window="#f3f4f6",
    base="#ffffff",
    alt_base="#f7f8fa",
    text="#1f2328",
    muted_text="#57606a",
    border="#d0d7de",
    accent="#2563eb",
    accent_text="#ffffff",
    selection="#cfe0ff",
    gutter_bg="#f6f8fa",
    gutter_text="#656d76",
    current_line="#f2f6ff",
    current_cell="#f7f9ff",
    cell_band="#eef1f5",
    cell_separator="#c7ced6",
    run_button="#1a7f37",
    span_highlight="#fff2b3",
    syn_keyword="#a626a4",
    syn_builtin="#0b7285",
    syn_string="#1f7a33",
    syn_number="#c2410c",
    syn_comment="#636c75",
    syn_cell_marker="#2563eb",
    syn_decorator="#875b00",
    syn_definition="#1d4ed8",
    syn_self="#b45309",
    error="#cf222e",
    error_bg="#ffebe9",
    warning="#9a6700",
    warning_bg="#fff8c5",
    success="#1a7f37",
    echo="#0550ae",
    canvas_bg="#fbfbfc",
    canvas_grid="#eceef1",
    node_leaf="#dbeafe",
    node_intermediate="#e0f2e9",
    node_constant="#eef0f3",
    node_op="#fde8d4",
    node_accumulate="#ede4fb",
    node_text="#1f2328",
    node_border="#8b949e",
    node_selected="#2563eb",
    node_highlight="#f59e0b",
    edge_dataflow="#6e7781",
    edge_gradfn="#b45309",
    grad_flow="#dc2626",
    grad_none="#8c959f",
    buffer_alive="#1a7f37",
    buffer_freed="#cf222e",
    heat_negative="#2f6fd0",
    heat_zero="#f5f5f5",
    heat_positive="#d0452f",
)

DARK = Theme(
    name="dark",
    dark=True,
    window="#1e2228",
    base="#16191d",
    alt_base="#1b1f24",
    text="#d6dbe1",
    muted_text="#a4adb7",
    border="#343a42",
    accent="#4c8dff",
    accent_text="#0d1117",
    selection="#264f78",
    gutter_bg="#1b1f24",
    gutter_text="#8b949e",
    current_line="#1f252c",
    current_cell="#1a1e24",
    cell_band="#232932",
    cell_separator="#3b434d",
    run_button="#3fb950",
    span_highlight="#4d4420",
    syn_keyword="#d38cf0",
    syn_builtin="#56c2d6",
    syn_string="#8fd18a",
    syn_number="#f0a35e",
    syn_comment="#8d98a3",
    syn_cell_marker="#6ea8ff",
    syn_decorator="#e3b341",
    syn_definition="#79b8ff",
    syn_self="#f2a65a",
    error="#ff6b6b",
    error_bg="#3b1f22",
    warning="#e3b341",
    warning_bg="#3a3020",
    success="#3fb950",
    echo="#79b8ff",
    canvas_bg="#14171b",
    canvas_grid="#1f242a",
    node_leaf="#1d3557",
    node_intermediate="#1e3d2f",
    node_constant="#2a2f36",
    node_op="#4a3018",
    node_accumulate="#35264f",
    node_text="#e6edf3",
    node_border="#6e7781",
    node_selected="#4c8dff",
    node_highlight="#f59e0b",
    edge_dataflow="#8b949e",
    edge_gradfn="#e3a15a",
    grad_flow="#ff6b6b",
    grad_none="#6e7781",
    buffer_alive="#3fb950",
    buffer_freed="#ff6b6b",
    heat_negative="#4a8cff",
    heat_zero="#22262c",
    heat_positive="#ff6a4d",
)

THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK}


def system_prefers_dark() -> bool:
    """Qt 6.5+ reports the desktop's colour scheme; an unknown scheme counts as light."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve_theme(choice: str) -> Theme:
    """Map a preference ("system", "light", "dark") to a concrete theme."""
    if choice == "system":
        return DARK if system_prefers_dark() else LIGHT
    return THEMES.get(choice, LIGHT)


def build_palette(theme: Theme) -> QPalette:
    c = theme.color
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c("window"),
        QPalette.ColorRole.WindowText: c("text"),
        QPalette.ColorRole.Base: c("base"),
        QPalette.ColorRole.AlternateBase: c("alt_base"),
        QPalette.ColorRole.ToolTipBase: c("base"),
        QPalette.ColorRole.ToolTipText: c("text"),
        QPalette.ColorRole.PlaceholderText: c("muted_text"),
        QPalette.ColorRole.Text: c("text"),
        QPalette.ColorRole.Button: c("window"),
        QPalette.ColorRole.ButtonText: c("text"),
        QPalette.ColorRole.BrightText: c("error"),
        QPalette.ColorRole.Highlight: c("accent"),
        QPalette.ColorRole.HighlightedText: c("accent_text"),
        QPalette.ColorRole.Link: c("accent"),
        QPalette.ColorRole.LinkVisited: c("accent"),
        QPalette.ColorRole.Mid: c("border"),
        QPalette.ColorRole.Midlight: c("alt_base"),
        QPalette.ColorRole.Dark: c("border"),
    }
    for role, color in roles.items():
        pal.setColor(role, color)
    muted = c("muted_text")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, muted)
    return pal


def build_stylesheet(theme: Theme) -> str:
    """The small stylesheet in ui/resources/styles/ with ``@field`` placeholders filled from the theme.

    Longest names are substituted first so ``@base`` never clobbers ``@base_alt``-like names.
    """
    try:
        template = STYLESHEET.read_text(encoding="utf-8")
    except OSError:
        return ""
    values = {k: v for k, v in theme.as_dict().items() if isinstance(v, str)}
    for key in sorted(values, key=len, reverse=True):
        template = template.replace("@" + key, values[key])
    return template


# Single-colour glyphs of the style (Fusion draws them near-black whatever the palette says).
GLYPH_ICONS = frozenset(
    {
        QStyle.StandardPixmap.SP_MediaPlay,
        QStyle.StandardPixmap.SP_MediaPause,
        QStyle.StandardPixmap.SP_MediaStop,
        QStyle.StandardPixmap.SP_MediaSeekForward,
        QStyle.StandardPixmap.SP_MediaSeekBackward,
        QStyle.StandardPixmap.SP_MediaSkipForward,
        QStyle.StandardPixmap.SP_MediaSkipBackward,
        QStyle.StandardPixmap.SP_ArrowBack,
        QStyle.StandardPixmap.SP_ArrowForward,
        QStyle.StandardPixmap.SP_ArrowUp,
        QStyle.StandardPixmap.SP_ArrowDown,
        QStyle.StandardPixmap.SP_BrowserReload,
        QStyle.StandardPixmap.SP_BrowserStop,
        QStyle.StandardPixmap.SP_ToolBarHorizontalExtensionButton,
        QStyle.StandardPixmap.SP_ToolBarVerticalExtensionButton,
    }
)


class GlyphIconEngine(QIconEngine):
    """Draws a style glyph in the application palette's button text colour at paint time, so an
    icon made once follows later theme switches (disabled: the palette's disabled text colour)."""

    def __init__(self, base: QIcon) -> None:
        super().__init__()
        self._base = base

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        source = self._base.pixmap(size, QIcon.Mode.Normal, state)
        if source.isNull():  # an empty size (a toolbar laid out before it is shown): nothing to tint
            return source
        group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
        color = QGuiApplication.palette().color(group, QPalette.ColorRole.ButtonText)
        tinted = QPixmap(source.size())
        tinted.setDevicePixelRatio(source.devicePixelRatio())
        tinted.fill(Qt.GlobalColor.transparent)
        painter = QPainter(tinted)
        painter.drawPixmap(0, 0, source)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(tinted.rect(), color)
        painter.end()
        return tinted

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.drawPixmap(rect, self.pixmap(rect.size(), mode, state))

    def clone(self) -> QIconEngine:
        return GlyphIconEngine(self._base)


class ThemedStyle(QProxyStyle):
    """Fusion, with its single-colour glyph icons drawn in the theme's text colour."""

    def standardIcon(  # noqa: N802 - Qt override
        self, standard_icon: QStyle.StandardPixmap, option: QStyleOption | None = None, widget: QWidget | None = None
    ) -> QIcon:
        icon = super().standardIcon(standard_icon, option, widget)
        if standard_icon in GLYPH_ICONS and not icon.isNull():
            return QIcon(GlyphIconEngine(icon))
        return icon


class ThemeManager(QObject):
    """Holds the active theme; widgets that paint by hand connect to ``changed``."""

    changed = Signal(object)  # Theme

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choice = "system"
        self._theme = LIGHT

    @property
    def theme(self) -> Theme:
        return self._theme

    @property
    def choice(self) -> str:
        return self._choice

    def apply(self, choice: str) -> Theme:
        """Resolve ``choice``, install palette + stylesheet on the application, notify listeners."""
        self._choice = choice if choice in THEME_CHOICES else "system"
        self._theme = resolve_theme(self._choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            if not isinstance(app.style(), ThemedStyle):
                # Fusion honours the palette the same way on every platform
                app.setStyle(ThemedStyle("Fusion"))
            app.setPalette(build_palette(self._theme))
            app.setStyleSheet(build_stylesheet(self._theme))
        self.changed.emit(self._theme)
        return self._theme

    def follow_system_changes(self) -> None:
        """Re-resolve when the desktop flips light/dark while the preference is "system"."""
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    def _on_system_scheme(self, _scheme: object) -> None:
        if self._choice == "system":
            self.apply("system")


_manager: ThemeManager | None = None


def theme_manager() -> ThemeManager:
    """The process-wide manager (created on first use, after QApplication exists)."""
    global _manager
    if _manager is None:
        _manager = ThemeManager()
    return _manager


def current_theme() -> Theme:
    return theme_manager().theme
