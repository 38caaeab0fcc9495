"""One QGraphicsItem class per node kind of the snapshot (notes/graph_schema.md).

Every item does its work in two places only: ``_compose`` (text, heatmap cells and chips laid out
in item coordinates, whenever the node's data changes) and ``set_state`` (colours and pens, when
the theme, the player state, the highlight or the badge changes). ``paint`` draws that precomputed
state and nothing else, which keeps repaints of thousand-node graphs cheap. An item's origin is its
centre, matching the layout's positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gradviz.graph.summary import format_shape
from ui.graph.style import (
    HEAT_CELL,
    LOD_DETAIL,
    LOD_TEXT,
    PAD,
    GraphPalette,
    fonts,
    heat_color,
    heat_scale,
    mix,
    preview_grid,
)

__all__ = [
    "HALO",
    "AccumulateGradItem",
    "ConstantItem",
    "GroupItem",
    "LeafTensorItem",
    "NodeItem",
    "OpItem",
    "TensorItem",
    "item_class_for",
]

HALO = 5.0  # room around the box for the highlight halo and selection ring (part of boundingRect)
BADGE_CHARS = 14  # a badge text longer than this is an explanation: the chip shows BADGE_LABEL
BADGE_INSIDE = 4.0  # how far the chip reaches into the box; the rest sits above its top edge
BADGE_CLEAR = 9.0  # the chip starts this far right of the centre, clear of an arriving arrowhead


def badge_label() -> str:
    return QCoreApplication.translate("GraphCanvas", "grad: None")


def _shared(palette: GraphPalette, key: Any, make: Any) -> Any:
    """Pens and brushes shared by all items of one palette (thousands of items, a dozen looks)."""
    value = palette.styles.get(key)
    if value is None:
        value = palette.styles[key] = make()
    return value


@dataclass
class _Text:
    pos: QPointF  # baseline start
    text: str
    font_key: str  # "title" | "small" | "chip"
    muted: bool = False


@dataclass
class _Heat:
    rect: QRectF
    value: Any
    grad: bool


@dataclass
class _Chip:
    rect: QRectF
    text: str
    tensor: bool  # a saved tensor (can be freed) rather than a saved scalar
    attr: str  # "_saved_self"
    freed: bool


class NodeItem(QGraphicsItem):
    """Shared geometry, state and painting; subclasses decide the content in ``_compose``."""

    fill_key = "intermediate"
    rounded = 8.0
    dashed = False
    shows_badge = True  # False: a badge only sets the tooltip (constants need no grad marker)
    flow_tb = True  # laid out top-down (edges arrive at the top centre); the scene sets it

    def set_flow(self, top_down: bool) -> None:
        if top_down != self.flow_tb:
            self.prepareGeometryChange()
            self.flow_tb = top_down
            self._place_badge()

    def __init__(self, node_id: str, data: dict[str, Any], palette: GraphPalette) -> None:
        super().__init__()
        self.node_id = node_id
        self.node_data: dict[str, Any] = data
        self.palette = palette
        self.run_state = "idle"
        self.highlighted = False
        self.badge: str | None = None
        self._tooltip: str | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        # Text and heatmaps are the expensive part of a repaint; cache them in device pixels so a
        # pan only blits. Zooming re-renders, and level of detail keeps that cheap when far out.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(1.0)
        self._rect = QRectF()
        self._bounds = QRectF()
        self._texts: list[_Text] = []
        self._heat: list[_Heat] = []
        self._chips: list[_Chip] = []
        self._badge_rect = QRectF()
        self._scale = {False: 1.0, True: 1.0}
        self._relayout()
        self.set_state()

    # -- content -----------------------------------------------------------------------------
    def _compose(self) -> tuple[float, float]:
        """Fill _texts/_heat/_chips in top-left coordinates; return the box size."""
        raise NotImplementedError

    def _relayout(self) -> None:
        self._texts, self._heat, self._chips = [], [], []
        w, h = self._compose()
        # Shift everything so the origin is the centre of the box.
        dx, dy = -w / 2, -h / 2
        for t in self._texts:
            t.pos = t.pos + QPointF(dx, dy)
        for c in self._heat:
            c.rect.translate(dx, dy)
        for chip in self._chips:
            chip.rect.translate(dx, dy)
        self._rect = QRectF(dx, dy, w, h)
        self._scale = {
            False: heat_scale([[c.value] for c in self._heat if not c.grad]),
            True: heat_scale([[c.value] for c in self._heat if c.grad]),
        }
        self._place_badge()

    def _badge_size(self, text: str) -> tuple[float, float]:
        f = fonts()
        return f.advance("chip", text) + 10, f.fm("chip").height() + 2

    def _place_badge(self) -> None:
        # The chip sits on the top edge, right of the centre where the incoming edge and its
        # arrowhead arrive (TB), reaching only BADGE_INSIDE into the box. It may stick out to the
        # right of a narrow box: footprint() reserves that room in the layout, so the chip never
        # covers another node or another node's chip.
        if self.badge:
            bw, bh = self._badge_size(self.badge)
            # Top-down, the incoming arrow lands on the top centre: keep right of it. Left-to-right
            # it lands on the left side, so the chip only has to stay within the box.
            floor = BADGE_CLEAR if self.flow_tb else self._rect.left() + 2
            left = max(self._rect.right() - 4 - bw, floor)
            self._badge_rect = QRectF(left, self._rect.top() - bh + BADGE_INSIDE, bw, bh)
        else:
            self._badge_rect = QRectF()
        bounds = self._rect.adjusted(-HALO, -HALO, HALO, HALO)
        self._bounds = bounds.united(self._badge_rect.adjusted(-1, -1, 1, 1)) if self.badge else bounds

    def may_get_badge(self) -> bool:
        """Whether the player may mark this node "grad: None" (a tensor that needs grad has none)."""
        d = self.node_data
        return self.shows_badge and d.get("kind") == "tensor" and d.get("grad") is None

    def footprint(self) -> tuple[float, float]:
        """The size the layout must reserve: the box, widened (symmetrically, as the layout centres
        nodes) when a "grad: None" chip may later stick out on its right. Only top-down: left to
        right the layout attaches edges to the sides of this footprint, and the chip fits anyway."""
        w, h = self.size()
        if self.flow_tb and self.may_get_badge():
            bw, _ = self._badge_size(badge_label())
            w = max(w, 2 * (BADGE_CLEAR + bw + 4))
        return w, h

    def _heat_block(self, preview: Any, x: float, y: float, grad: bool) -> tuple[float, float]:
        """Lay out the preview's top-left cells at (x, y); return the block's size."""
        rows = preview_grid(preview)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self._heat.append(
                    _Heat(QRectF(x + c * HEAT_CELL, y + r * HEAT_CELL, HEAT_CELL, HEAT_CELL), value, grad)
                )
        if not rows:
            return 0.0, 0.0
        return max(len(r) for r in rows) * HEAT_CELL, len(rows) * HEAT_CELL

    # -- public state ------------------------------------------------------------------------
    def size(self) -> tuple[float, float]:
        return self._rect.width(), self._rect.height()

    def set_data(self, data: dict[str, Any]) -> None:
        """New snapshot data for the same node: re-measure, and tell Qt first if the size changes."""
        self.prepareGeometryChange()
        self.node_data = data
        self._relayout()
        self.set_state()

    def set_palette(self, palette: GraphPalette) -> None:
        self.palette = palette
        self.set_state()

    def set_run_state(self, state: str) -> None:
        if state != self.run_state:
            self.run_state = state
            self.set_state()

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.set_state()

    def set_badge(self, text: str | None, label: str | None = None) -> None:
        """A small chip on the top-right corner. ``text`` is the full explanation (the tooltip);
        the chip shows ``label``, else ``text`` when it is short, else "grad: None"."""
        full = text or None
        shown = None
        if full is not None and self.shows_badge:
            shown = label or (full if len(full) <= BADGE_CHARS else badge_label())
        if full != self._tooltip:
            self._tooltip = full
            self.setToolTip(full or "")
        if shown != self.badge:
            self.prepareGeometryChange()
            self.badge = shown
            self._place_badge()
            self.set_state()

    def set_buffer_freed(self, attr: str, freed: bool) -> bool:
        return False

    def scene_box(self) -> QRectF:
        """The node's box in scene coordinates (without the halo and the badge)."""
        return self._rect.translated(self.pos())

    def badge_rect(self) -> QRectF:
        """Where the badge chip is drawn, in item coordinates (empty without a badge)."""
        return QRectF(self._badge_rect)

    def chip_at(self, pos: QPointF) -> tuple[str, bool] | None:
        """The saved buffer chip under ``pos`` (item coordinates) as (attr, freed), or None."""
        for chip in self._chips:
            if chip.rect.contains(pos):
                return chip.attr, chip.freed
        return None

    def buffer_attrs(self) -> list[str]:
        """The saved buffers this node draws a chip for (only ops have them)."""
        return [chip.attr for chip in self._chips]

    def set_state(self) -> None:
        """Compute every pen, brush and colour paint() needs."""
        p = self.palette
        fill = QColor(p.fills.get(self.fill_key, p.fills["intermediate"]))
        border = p.states.get(self.run_state, p.border)
        width = 1.2
        style = Qt.PenStyle.DashLine if self.dashed else Qt.PenStyle.SolidLine
        if self.run_state == "pending":
            style = Qt.PenStyle.DotLine
            fill = mix(fill, p.background, 0.45)
        elif self.run_state in ("ready", "done"):
            width = 2.2
        elif self.run_state == "running":
            width = 3.2
            fill = mix(fill, p.grad_flow, 0.18)
        elif self.run_state == "error":
            width = 3.0
            fill = p.error_fill
        # Pens and brushes are shared by every item with the same look (a handful per palette).
        self._fill = _shared(p, ("fill", fill.rgba()), lambda: QBrush(fill))
        self._pen = _shared(p, ("pen", border.rgba(), width, style), lambda: QPen(border, width, style))
        self._select_pen = _shared(p, "select_pen", lambda: QPen(p.selected, 2.6))
        self._halo = _shared(p, "halo", lambda: QColor(p.highlight.red(), p.highlight.green(), p.highlight.blue(), 120))
        self._text_color = p.text
        self._muted_color = p.muted
        self._cell_colors = [heat_color(p, c.value, self._scale[c.grad]) for c in self._heat]
        self._cell_pen = _shared(p, "cell_pen", lambda: QPen(mix(p.border, p.background, 0.5), 0.5))
        self._chip_style = [self._chip_look(chip, fill) for chip in self._chips]
        self._badge_fill = _shared(p, "badge_fill", lambda: QBrush(p.note_fill))
        self._badge_pen = _shared(p, "badge_pen", lambda: QPen(p.note_border, 0.8))
        self.update()

    def _chip_look(self, chip: _Chip, fill: QColor) -> tuple[QBrush, QPen]:
        p = self.palette
        key = ("chip", fill.rgb(), chip.freed, chip.tensor)
        return _shared(
            p,
            key,
            lambda: (
                QBrush(mix(p.buffer_freed, fill, 0.75) if chip.freed else mix(fill, p.background, 0.5)),
                QPen(
                    p.buffer_freed if chip.freed else (p.buffer_alive if chip.tensor else p.border),
                    1.0,
                    Qt.PenStyle.DashLine if chip.freed else Qt.PenStyle.SolidLine,
                ),
            ),
        )

    # -- Qt overrides --------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        rect = self._rect
        if self.highlighted:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._halo)
            painter.drawRoundedRect(rect.adjusted(-HALO, -HALO, HALO, HALO), self.rounded + 3, self.rounded + 3)
        painter.setBrush(self._fill)
        painter.setPen(self._select_pen if self.isSelected() else self._pen)
        if lod < LOD_TEXT:
            painter.drawRect(rect)  # far out: a box is all the eye can resolve
            return
        painter.drawRoundedRect(rect, self.rounded, self.rounded)
        f = fonts()
        current = None
        for t in self._texts:
            if t.font_key != current:
                painter.setFont(f.by_key(t.font_key))
                current = t.font_key
            painter.setPen(self._muted_color if t.muted else self._text_color)
            painter.drawText(t.pos, t.text)
        if self._heat:
            painter.setPen(self._cell_pen if lod >= LOD_DETAIL else Qt.PenStyle.NoPen)
            for cell, color in zip(self._heat, self._cell_colors):
                painter.setBrush(color)
                painter.drawRect(cell.rect)
        if self._chips:
            painter.setFont(f.chip)
            for chip, (brush, pen) in zip(self._chips, self._chip_style):
                painter.setBrush(brush)
                painter.setPen(pen)
                painter.drawRoundedRect(chip.rect, 3, 3)
                painter.setPen(self._muted_color if chip.freed else self._text_color)
                painter.drawText(chip.rect, Qt.AlignmentFlag.AlignCenter, chip.text)
        if self.badge:
            painter.setPen(self._badge_pen)
            painter.setBrush(self._badge_fill)
            painter.drawRoundedRect(self._badge_rect, self._badge_rect.height() / 2, self._badge_rect.height() / 2)
            painter.setPen(self.palette.note_text)
            painter.setFont(f.chip)
            painter.drawText(self._badge_rect, Qt.AlignmentFlag.AlignCenter, self.badge)

    # -- helpers for subclasses --------------------------------------------------------------
    def _text_lines(self, lines: list[tuple[str, str, bool]], x: float, y: float) -> tuple[float, float]:
        """Stack (text, font_key, muted) lines at (x, y); return their width and height."""
        f = fonts()
        width = height = 0.0
        for text, key, muted in lines:
            fm = f.fm(key)
            self._texts.append(_Text(QPointF(x, y + height + fm.ascent()), text, key, muted))
            width = max(width, f.advance(key, text))
            height += fm.height()
        return width, height


def _title(data: dict[str, Any]) -> str:
    label = str(data.get("label") or data.get("name") or "")
    title = label.split("\n", 1)[0]
    # The snapshot's word for a tensor with neither a name nor a source span (gradviz.graph.naming).
    if title == "(unnamed)" or title.startswith("(unnamed)@"):
        return QCoreApplication.translate("GraphCanvas", "(unnamed)") + title[len("(unnamed)") :]
    return title


def _shape_text(data: dict[str, Any]) -> str:
    shape = data.get("shape")
    text = format_shape(shape) if isinstance(shape, list) else ""
    dtype = data.get("dtype")
    if dtype and dtype != "float32":
        text += f" {dtype}"
    return text


class TensorItem(NodeItem):
    """An intermediate result: name (or "(unnamed)"), shape, a value heatmap and, once backward has
    filled it, a grad heatmap."""

    fill_key = "intermediate"

    def _compose(self) -> tuple[float, float]:
        d = self.node_data
        lines = [(_title(d), "title", d.get("name") is None), (_shape_text(d), "small", True)]
        collapsed = d.get("collapsed")
        if collapsed:
            lines.append((f"+{int(collapsed) - 1} folded in", "chip", True))
        tw, th = self._text_lines(lines, PAD, PAD)
        x = PAD + tw + PAD
        values = (d.get("values") or {}).get("preview")
        vw, vh = self._heat_block(values, x, PAD, grad=False)
        grad = (d.get("grad") or {}).get("preview") if d.get("grad") else None
        gw = gh = 0.0
        if grad is not None:
            gw, gh = self._heat_block(grad, x + vw + (3 if vw else 0), PAD, grad=True)
        heat_w = vw + gw + (3 if vw and gw else 0)
        width = max(PAD + tw + (PAD + heat_w if heat_w else 0) + PAD, 56.0)
        height = max(th, vh, gh) + 2 * PAD
        return width, height


class LeafTensorItem(TensorItem):
    """A leaf that requires grad: where backward() finally deposits ``.grad``."""

    fill_key = "leaf"
    rounded = 10.0


class ConstantItem(TensorItem):
    """Does not require grad (a wrapped Python number, or a tensor created without requires_grad):
    grey and dashed, because no gradient ever flows into it."""

    fill_key = "constant"
    dashed = True
    # Nobody expects a grad on the 1 of ``y + 1``: the grey dashed box already says "no grad flows
    # here", so the reason goes to the tooltip (and the inspector) but no chip is drawn.
    shows_badge = False

    def _compose(self) -> tuple[float, float]:
        d = self.node_data
        if d.get("wrapped_number"):
            f = fonts()
            text = _title(d)
            self._text_lines([(text, "title", False)], PAD + 2, 3)
            return max(f.advance("title", text) + 2 * PAD + 4, 28.0), f.fm("title").height() + 6
        return super()._compose()


class OpItem(NodeItem):
    """A grad_fn (``MulBackward0``) with one chip per saved buffer; freed buffers turn red and dashed."""

    fill_key = "op"
    rounded = 3.0

    def _compose(self) -> tuple[float, float]:
        d = self.node_data
        seq = d.get("sequence_nr")
        lines = [(_title(d), "title", False)]
        if seq is not None:
            lines.append((f"seq {seq}", "chip", True))
        tw, th = self._text_lines(lines, PAD, PAD)
        chips: list[tuple[str, dict[str, Any]]] = []
        saved = [buf for buf in d.get("saved") or [] if buf.get("kind") != "none"]
        shapes = [buf for buf in saved if buf.get("kind") != "tensor" and _is_shape_record(buf)]
        if len(shapes) < 2:
            shapes = []
        for buf in saved:
            if shapes and buf is shapes[0]:
                # AddmmBackward0 keeps four of these (mat1_sym_sizes, ...): one chip says they are
                # there; the tooltip and the inspector list them with their values.
                chips.append((QCoreApplication.translate("GraphCanvas", "{0} sizes/strides").format(len(shapes)), buf))
                continue
            if any(buf is s for s in shapes):
                continue
            attr = str(buf.get("attr", ""))
            short = attr[len("_saved_") :] if attr.startswith("_saved_") else attr
            text = short if buf.get("kind") == "tensor" else f"{short}={buf.get('value', '')}"
            if len(text) > 22:
                text = text[:21] + "…"
            chips.append((text, buf))
        fm = fonts().fm("chip")
        chip_h = fm.height() + 3
        max_row = max(tw, 120.0)
        x, y = PAD, PAD + th + (3 if chips else 0)
        row_w = 0.0
        for text, buf in chips:
            cw = fonts().advance("chip", text) + 8
            if x > PAD and x + cw > PAD + max_row:
                x, y = PAD, y + chip_h + 3
            self._chips.append(
                _Chip(
                    QRectF(x, y, cw, chip_h),
                    text,
                    buf.get("kind") == "tensor",
                    str(buf.get("attr", "")),
                    bool(buf.get("freed")),
                )
            )
            x += cw + 3
            row_w = max(row_w, x - 3 - PAD)
        height = (y + chip_h if chips else PAD + th) + PAD
        return max(tw, row_w) + 2 * PAD, height

    def set_buffer_freed(self, attr: str, freed: bool) -> bool:
        changed = False
        for chip in self._chips:
            if chip.attr == attr and chip.tensor and chip.freed != freed:
                chip.freed = freed
                changed = True
        if changed:
            self.set_state()
        return changed


def _is_shape_record(buf: dict[str, Any]) -> bool:
    """A saved size or stride list (``_saved_mat1_sym_sizes``): shape bookkeeping, not a value."""
    return str(buf.get("attr", "")).endswith(("_sym_sizes", "_sym_strides", "_sizes", "_strides"))


class AccumulateGradItem(NodeItem):
    """The sink of a leaf: shows which variable's ``.grad`` it adds into, and that grad."""

    fill_key = "accumulate"
    rounded = 3.0

    def _compose(self) -> tuple[float, float]:
        d = self.node_data
        target = d.get("variable_name") or d.get("variable") or "?"
        tw, th = self._text_lines([("AccumulateGrad", "title", False), (f"→ {target}.grad", "small", True)], PAD, PAD)
        grad = d.get("variable_grad")
        gw, gh = self._heat_block(grad, PAD + tw + PAD, PAD, grad=True) if grad is not None else (0.0, 0.0)
        return PAD + tw + (PAD + gw if gw else 0) + PAD, max(th, gh) + 2 * PAD


class GroupItem(NodeItem):
    """A collapsed group: a module box ("Linear(4, 16)", its path and in/out shapes), a folded loop
    ("300 x tanh(h * 1.01 + 0.1)") or a run of chained ops; double-click expands it in place."""

    fill_key = "group"
    rounded = 6.0
    shows_badge = False  # a member's "grad: None" is the member's; the box keeps it as a tooltip

    def _compose(self) -> tuple[float, float]:
        from ui.graph.modules import group_caption

        lines = [(text, key, muted) for text, key, muted in group_caption(self.node_data)]
        lines.append((QCoreApplication.translate("GraphCanvas", "double-click to expand"), "chip", True))
        tw, th = self._text_lines(lines, PAD, PAD)
        return max(tw + 2 * PAD, 80.0), th + 2 * PAD

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # A stack of cards behind a loop's box says "many steps here"; a module box is one box.
        if self.node_data.get("group_kind") != "module":
            painter.setPen(self._pen)
            painter.setBrush(self._fill)
            painter.drawRoundedRect(self._rect.translated(4, 4).adjusted(0, 0, -2, -2), self.rounded, self.rounded)
        super().paint(painter, option, widget)


def item_class_for(data: dict[str, Any]) -> type[NodeItem]:
    kind = data.get("kind")
    if kind == "op":
        return OpItem
    if kind == "accumulate":
        return AccumulateGradItem
    if kind == "group":
        return GroupItem
    role = data.get("role")
    if role == "leaf":
        return LeafTensorItem
    if role == "constant":
        return ConstantItem
    return TensorItem
