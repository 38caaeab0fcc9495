"""Colours, fonts and sizes of the graph canvas, derived once per theme.

The colours themselves live in ``ui.theme.Theme`` (one place for the whole window); this module turns
a Theme into ready QColors/QPens so items never parse colour strings while painting, and adds the
few colours the theme does not name (the backward player's node states).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QColor, QFont, QFontMetricsF

from ui.theme import LIGHT, Theme

__all__ = [
    "HEAT_CELL",
    "HEAT_MAX_COLS",
    "HEAT_MAX_ROWS",
    "LOD_DETAIL",
    "LOD_TEXT",
    "NODE_STATES",
    "PAD",
    "Fonts",
    "GraphPalette",
    "fonts",
    "heat_color",
    "heat_scale",
    "mix",
    "palette_for",
    "preview_grid",
    "text_on",
]

NODE_STATES = ("idle", "pending", "ready", "running", "done", "error")

HEAT_CELL = 7.0  # side of one heatmap cell on a node, scene units
HEAT_MAX_ROWS = 4  # a node shows at most this block of its preview
HEAT_MAX_COLS = 6
PAD = 6.0  # inner padding of node boxes
LOD_TEXT = 0.45  # below this zoom nodes are plain boxes (text would be unreadable anyway)
LOD_DETAIL = 0.8  # below this zoom chips and heatmaps lose their inner detail


def mix(a: QColor, b: QColor, t: float) -> QColor:
    t = min(1.0, max(0.0, t))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


@dataclass(frozen=True)
class GraphPalette:
    """Every colour the canvas paints with, as QColor, for one theme."""

    theme_name: str
    dark: bool
    background: QColor
    grid: QColor
    text: QColor
    muted: QColor
    border: QColor
    selected: QColor
    highlight: QColor
    fills: dict[str, QColor]  # leaf / intermediate / constant / op / accumulate / group
    edge: dict[str, QColor]  # dataflow / gradfn
    grad_flow: QColor
    grad_none: QColor
    buffer_alive: QColor
    buffer_freed: QColor
    heat_negative: QColor
    heat_zero: QColor
    heat_positive: QColor
    states: dict[str, QColor] = field(default_factory=dict)  # border colour per player state
    error_fill: QColor = field(default_factory=QColor)
    badge_text: QColor = field(default_factory=QColor)
    # heatmap colours by quantised position on the ramp, filled lazily (see heat_color)
    heat_cache: dict[int, QColor] = field(default_factory=dict, compare=False, repr=False)
    # pens and brushes shared by all items of this palette, by look (see ui.graph.items._shared)
    styles: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    # The calm "grad: None" chip: amber, readable in both themes (contrast > 4.5:1 on its fill).
    note_fill: QColor = field(default_factory=QColor)
    note_border: QColor = field(default_factory=QColor)
    note_text: QColor = field(default_factory=QColor)


def palette_for(theme: Theme | None = None) -> GraphPalette:
    th = theme or LIGHT
    c = th.color
    fills = {
        "leaf": c("node_leaf"),
        "intermediate": c("node_intermediate"),
        "constant": c("node_constant"),
        "op": c("node_op"),
        "accumulate": c("node_accumulate"),
        "group": mix(c("node_op"), c("node_constant"), 0.5),
    }
    states = {
        "idle": c("node_border"),
        "pending": c("muted_text"),
        "ready": c("accent"),
        "running": c("grad_flow"),
        "done": c("success"),
        "error": c("error"),
    }
    return GraphPalette(
        theme_name=th.name,
        dark=th.dark,
        background=c("canvas_bg"),
        grid=c("canvas_grid"),
        text=c("node_text"),
        muted=c("muted_text"),
        border=c("node_border"),
        selected=c("node_selected"),
        highlight=c("node_highlight"),
        fills=fills,
        edge={"dataflow": c("edge_dataflow"), "gradfn": c("edge_gradfn")},
        grad_flow=c("grad_flow"),
        grad_none=c("grad_none"),
        buffer_alive=c("buffer_alive"),
        buffer_freed=c("buffer_freed"),
        heat_negative=c("heat_negative"),
        heat_zero=c("heat_zero"),
        heat_positive=c("heat_positive"),
        states=states,
        error_fill=c("error_bg"),
        badge_text=QColor("#ffffff"),
        note_fill=QColor("#4a3712" if th.dark else "#fff1cc"),
        note_border=QColor("#c99a2e" if th.dark else "#d9a227"),
        note_text=QColor("#ffe2a3" if th.dark else "#6b4a00"),
    )


def text_on(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill`` (WCAG relative luminance)."""

    def lin(c: float) -> float:
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(fill.red()) + 0.7152 * lin(fill.green()) + 0.0722 * lin(fill.blue())
    return QColor("#111111") if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else QColor("#ffffff")


def _as_float(value: Any) -> float | None:
    if isinstance(value, str):  # "nan", "inf", "-inf" as the snapshot writes them
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, (int, float)):
        v = float(value)
        return v
    return None


HEAT_STEPS = 64  # ramp resolution: finer than the eye can tell on a 7-pixel cell


def heat_color(p: GraphPalette, value: Any, scale: float) -> QColor:
    """Diverging ramp symmetric around zero; NaN shows as the muted colour, +-inf saturate.

    The ramp is quantised to HEAT_STEPS per side and each colour made once per palette: a
    thousand-node graph has tens of thousands of cells, and mixing a QColor for each was a
    large share of building the scene.
    """
    v = _as_float(value)
    if v is None or v != v:
        return p.muted
    if math.isinf(v):
        return p.heat_positive if v > 0 else p.heat_negative
    t = v / scale if scale > 0 else 0.0
    step = round(max(-1.0, min(1.0, t)) * HEAT_STEPS)
    color = p.heat_cache.get(step)
    if color is None:
        q = step / HEAT_STEPS
        color = mix(p.heat_zero, p.heat_positive, q) if q >= 0 else mix(p.heat_zero, p.heat_negative, -q)
        p.heat_cache[step] = color
    return color


def preview_grid(preview: Any, max_rows: int = HEAT_MAX_ROWS, max_cols: int = HEAT_MAX_COLS) -> list[list[Any]]:
    """The top-left block of an ArraySummary preview as rows (a scalar is 1x1, a vector one row)."""
    if preview is None:
        return []
    if not isinstance(preview, list):
        return [[preview]]
    if not preview:
        return []
    rows = preview if isinstance(preview[0], list) else [preview]
    return [list(r[:max_cols]) for r in rows[:max_rows] if isinstance(r, list) and r]


def heat_scale(rows: list[list[Any]]) -> float:
    values = [abs(v) for r in rows for v in map(_as_float, r) if v is not None and math.isfinite(v)]
    top = max(values, default=0.0)
    return top if top > 0 else 1.0


@dataclass
class Fonts:
    title: QFont
    small: QFont
    chip: QFont
    metrics: dict[str, QFontMetricsF] = field(default_factory=dict)  # by font key
    widths: dict[tuple[str, str], float] = field(default_factory=dict)  # (font key, text) -> advance

    def by_key(self, key: str) -> QFont:
        return {"title": self.title, "small": self.small, "chip": self.chip}[key]

    def fm(self, key: str) -> QFontMetricsF:
        """Metrics are asked for thousands of times per layout; make them once per font."""
        m = self.metrics.get(key)
        if m is None:
            m = self.metrics[key] = QFontMetricsF(self.by_key(key))
        return m

    def advance(self, key: str, text: str) -> float:
        """Width of ``text`` in font ``key``, remembered: the same few hundred strings ("[3, 2]",
        "MulBackward0", "self") are measured for thousands of items."""
        width = self.widths.get((key, text))
        if width is None:
            if len(self.widths) > 20000:
                self.widths.clear()
            width = self.widths[(key, text)] = self.fm(key).horizontalAdvance(text)
        return width


_fonts: Fonts | None = None


def fonts() -> Fonts:
    """Shared fonts (created after QApplication exists; QFont needs it for metrics)."""
    global _fonts
    if _fonts is None:
        title = QFont()
        title.setPointSizeF(9.5)
        title.setBold(True)
        small = QFont()
        small.setPointSizeF(8.0)
        chip = QFont()
        chip.setPointSizeF(7.0)
        _fonts = Fonts(title, small, chip)
    return _fonts
