"""The player's small parts: memory lane, saved-buffer chips, VJP panel, grad ledger.

Each widget paints state handed to it (a ReplayState, a vjp_view dict); none of them computes
autograd state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gradviz.backward.replay import format_grad
from ui.heatmap import Heatmap
from ui.player.flow import FlowLayout
from ui.snapshot import format_bytes
from ui.theme import Theme, current_theme

CONTEXT = "BackwardPlayer"


def tr(text: str) -> str:
    """Translate with the player's fixed context (see ui/i18n.py for why not the class name)."""
    return QCoreApplication.translate(CONTEXT, text)


def grad_preview(grad: dict[str, Any] | None) -> Any:
    """A trace grad's values in the shape Heatmap.set_preview reads (at most 2-d, <= 64 values)."""
    if grad is None or grad.get("values") is None:
        return None
    values = grad["values"]
    if not isinstance(values, list):
        return values
    if values and isinstance(values[0], list) and values[0] and isinstance(values[0][0], list):
        flat: list[Any] = []
        stack = [values]
        while stack:  # iterative flatten: arbitrary rank, no recursion
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            else:
                flat.append(item)
        return flat[:64]
    if values and isinstance(values[0], list):
        return [row[:8] for row in values[:8]]
    return values[:64]


class MemoryLane(QWidget):
    """Live bytes of saved buffers per step, as a step chart with the current step marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lane: list[int] = []
        self._step = 0
        self._cache: tuple[tuple[int, int, int], QPixmap] | None = None
        self._theme: Theme = current_theme()
        self.setMinimumHeight(34)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(tr("Memory held by saved buffers at each step"))

    def sizeHint(self) -> QSize:
        return QSize(240, 38)

    def set_lane(self, lane: list[int]) -> None:
        self._lane = list(lane)
        self._cache = None
        self.update()

    def set_step(self, step: int) -> None:
        if step != self._step:
            self._step = step
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        t = self._theme
        rect = QRectF(self.rect()).adjusted(2, 14, -2, -2)
        painter.fillRect(QRectF(self.rect()), t.color("alt_base"))
        peak = max(self._lane, default=0)
        n = len(self._lane)
        live = self._lane[min(self._step, n - 1)] if n else 0
        if n and peak > 0:
            painter.drawPixmap(0, 0, self._bars(rect, peak))
        painter.setPen(t.color("muted_text"))
        painter.drawText(
            QRectF(4, 0, self.width() - 8, 14),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            tr("saved buffers: {live} (peak {peak})").format(live=format_bytes(live), peak=format_bytes(peak)),
        )
        if not n or peak <= 0:
            painter.end()
            return
        w = rect.width() / n
        x = rect.left() + (min(self._step, n - 1) + 0.5) * w
        painter.setPen(QPen(t.color("grad_flow"), 2))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        painter.end()

    def _bars(self, rect: QRectF, peak: int) -> QPixmap:
        """The bars, drawn once per size: at most one bar per pixel column (max of its steps)."""
        key = (self.width(), self.height(), id(self._lane))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        pixmap = QPixmap(self.size())
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        fill = self._theme.color("accent")
        fill.setAlpha(110)
        n = len(self._lane)
        columns = max(1, min(n, int(rect.width())))
        per = n / columns
        w = rect.width() / columns
        for c in range(columns):
            chunk = self._lane[int(c * per) : max(int((c + 1) * per), int(c * per) + 1)]
            h = rect.height() * max(chunk) / peak
            painter.fillRect(QRectF(rect.left() + c * w, rect.bottom() - h, max(w - 0.5, 0.5), h), fill)
        painter.end()
        self._cache = (key, pixmap)
        return pixmap


class BufferChips(QWidget):
    """One chip per saved buffer of the call: alive (filled) or freed (struck through).

    The chips wrap onto as many rows as the width needs (FlowLayout), so none is cut off. Chip
    labels are pooled: a new set of buffers rewrites the labels' text in place and restyles only
    the chips whose look changed (a style sheet per frame per chip is what made big calls stutter).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = FlowLayout(self, spacing=4)
        sizing = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        sizing.setHeightForWidth(True)
        self.setSizePolicy(sizing)
        self._pool: list[QLabel] = []  # every chip label ever made, in layout order
        self._used = 0  # the first _used labels of the pool show a chip
        self._chips: dict[tuple[str, str], QLabel] = {}
        self._alive: dict[tuple[str, str], bool] = {}
        self._styled: dict[int, tuple[bool, bool]] = {}  # id(label) -> (alive, pointed) painted
        self._tips: dict[int, tuple[Any, ...]] = {}  # id(label) -> what its tooltip was made from
        self._names: dict[tuple[str, str], str] = {}  # buffer -> "MulBackward0._saved_self"
        self._earlier: set[tuple[str, str]] = set()  # buffers an earlier call freed (ensure_chip)
        self._theme = current_theme()

    def set_buffers(
        self,
        buffers: dict[tuple[str, str], Any],
        label_of: Callable[[str], str],
        alive: Mapping[tuple[str, str], bool] | None = None,
    ) -> None:
        """Show one chip per buffer, alive unless ``alive`` says otherwise (passing the step's
        states here saves restyling every chip twice)."""
        self._chips.clear()
        self._alive.clear()
        self._names.clear()
        self._earlier.clear()
        self._used = 0
        for key, buf in buffers.items():
            self._names[key] = f"{label_of(key[0])}.{key[1]}"
            self._take(key, f"{self._names[key]} · {format_bytes(buf.nbytes)}", wrap=False)
            self._paint(key, True if alive is None else alive.get(key, True), False)
        for chip in self._pool[self._used :]:
            if not chip.isHidden():
                chip.hide()
        self._layout.invalidate()
        self.updateGeometry()

    def ensure_chip(self, key: tuple[str, str], text: str, name: str | None = None) -> QLabel:
        """A chip for a buffer this call does not own (freed by an earlier call), shown freed;
        ``name`` is the buffer as the tooltip names it (``MulBackward0._saved_other``)."""
        chip = self._chips.get(key)
        self._earlier.add(key)
        self._names[key] = name or self._names.get(key) or f"{key[0]}.{key[1]}"
        if chip is None:
            # long "(freed by call #1 …)" chips wrap inside a narrow column
            chip = self._take(key, text, wrap=True)
            self._paint(key, False, False)
            self._layout.invalidate()
            self.updateGeometry()
        return chip

    def chip(self, key: tuple[str, str]) -> QLabel | None:
        return self._chips.get(key)

    def set_alive(self, alive: dict[tuple[str, str], bool], pointed: tuple[str, str] | None = None) -> None:
        for key in self._chips:
            now = alive.get(key, self._alive.get(key, True))
            self._paint(key, now, key == pointed)

    def _take(self, key: tuple[str, str], text: str, wrap: bool) -> QLabel:
        """The next pooled label (a new one only when the pool is used up), showing ``text``."""
        if self._used < len(self._pool):
            chip = self._pool[self._used]
        else:
            chip = QLabel(self)
            chip.setObjectName("bufferChip")
            self._pool.append(chip)
            self._layout.addWidget(chip)
        self._used += 1
        if chip.wordWrap() != wrap:
            chip.setWordWrap(wrap)
        chip.setText(text)  # QLabel ignores an unchanged text
        if chip.isHidden():
            chip.show()
        self._chips[key] = chip
        return chip

    def _paint(self, key: tuple[str, str], alive: bool, pointed: bool) -> None:
        """Restyle a chip only when its look changes: parsing a style sheet per chip per frame
        is what made stepping through big calls stutter."""
        chip = self._chips[key]
        self._alive[key] = alive
        look = (key, alive, key in self._earlier, self._names.get(key))
        if self._tips.get(id(chip)) != look:  # a pooled label may now show another buffer
            self._tips[id(chip)] = look
            chip.setToolTip(self.tooltip_for(key, alive))
        if self._styled.get(id(chip)) == (alive, pointed):
            return
        self._styled[id(chip)] = (alive, pointed)
        t = self._theme
        chip.setProperty("pointed", pointed)
        border = t.error if pointed else t.border
        if alive:
            style = f"background:{t.node_op}; color:{t.node_text}; border:1px solid {border};"
        else:
            style = (
                f"background:{t.alt_base}; color:{t.muted_text}; border:{2 if pointed else 1}px "
                f"{'solid' if pointed else 'dashed'} {border}; text-decoration:line-through;"
            )
        chip.setStyleSheet(f"QLabel#bufferChip {{{style} border-radius:6px; padding:1px 6px;}}")

    def retranslate(self) -> None:
        """The UI language changed: tooltips are made again on the next paint."""
        self._tips.clear()

    def tooltip_for(self, key: tuple[str, str], alive: bool) -> str:
        """What a chip means, in the UI language: which buffer, and why it is held or gone."""
        name = self._names.get(key, f"{key[0]}.{key[1]}")
        if key in self._earlier:
            return tr("{buffer}: freed by an earlier backward() call; this call needed it again").format(buffer=name)
        if alive:
            return tr("{buffer}: saved in the forward pass for this node's backward; still held").format(buffer=name)
        return tr("{buffer}: freed once its node ran (backward frees saved tensors unless retain_graph=True)").format(
            buffer=name
        )


class _OutputRow:
    """One "input i -> target: value" line of the VJP panel and the heatmap of that value."""

    def __init__(self, parent: QWidget, layout: QVBoxLayout) -> None:
        self.label = QLabel(parent)
        self.label.setWordWrap(True)
        self.heat = Heatmap(parent)
        self.heat.set_preview(None)
        layout.addWidget(self.label)
        layout.addWidget(self.heat)

    def set_visible(self, visible: bool) -> None:
        if self.label.isHidden() == visible:
            self.label.setVisible(visible)
        if not visible and not self.heat.isHidden():
            self.heat.hide()


class VjpPanel(QFrame):
    """The current node's vector-Jacobian product: upstream grad, local rule, grads sent on.

    Every widget is made once and updated in place: a new node rewrites label texts and heatmap
    values; output rows are pooled and only shown or hidden when the number of inputs changes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        # "AddmmBackward0 (output of model.2) 正在运行" is wider than the panel: wrapped, never cut
        self.title.setWordWrap(True)
        self.rule = QLabel(self)
        self.rule.setWordWrap(True)
        self.rule.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.upstream_label = QLabel(self)
        self.upstream_label.setWordWrap(True)
        self.upstream_map = Heatmap(self)
        self._outputs = QVBoxLayout()
        self._outputs.setContentsMargins(0, 0, 0, 0)
        self.accumulated_label = QLabel(self)
        self.accumulated_label.setWordWrap(True)
        self.accumulated_label.hide()
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.rule)
        self._layout.addWidget(self.upstream_label)
        self._layout.addWidget(self.upstream_map)
        self._layout.addLayout(self._outputs)
        self._layout.addWidget(self.accumulated_label)
        self._layout.addStretch(1)
        self._rows: list[_OutputRow] = []
        self._previews: dict[int, Any] = {}  # id(heatmap) -> the preview it shows
        for _ in range(2):  # most ops have one or two inputs: rows exist before the first node
            self._rows.append(_OutputRow(self, self._outputs))
        for row in self._rows:
            row.set_visible(False)
        self.output_texts: list[str] = []
        self.summary_lines: list[str] = []
        self.rule_lines: list[str] = []
        self._key: Any = None
        self._shown = False
        self.show_view(None)

    def show_summary(self, heading: str, lines: list[str]) -> None:
        """No node is running at this step: say what the step did and the call's node order
        (each line already translated, with ✓ on the nodes that have run)."""
        self.show_view(None)
        self.summary_lines = list(lines)
        self.title.setText(f"<b>{_escape(heading)}</b>")
        self.rule.setText("\n".join(lines))

    def show_view(self, view: dict[str, Any] | None) -> None:
        key = (
            None
            if view is None
            else (
                view["node_id"],
                view.get("ran"),
                len(view.get("outputs", [])),
                view.get("accumulated") is not None,
                tuple(view.get("rule_lines") or ()),
            )
        )
        if key == self._key and self._shown:
            return
        self._key, self._shown = key, True
        self.output_texts = []
        self.summary_lines = []
        self.rule_lines = []
        if view is None:
            self.title.setText(tr("No node is running at this step."))
            self.rule.setText("")
            self.upstream_label.setText("")
            self._heat(self.upstream_map, None)
            self._show_outputs([])
            self._show_accumulated(None)
            return
        self.title.setText(
            # named as the order line names it (MulBackward0 (z)); internal ids stay out of sight
            tr("<b>{name}</b> is running").format(name=_escape(view.get("display_name") or view["name"]))
        )
        rule = view.get("rule")
        text = tr("local rule: {rule}").format(rule=rule) if rule else tr("local rule: (not in the table)")
        # the rule again with this step's numbers in it, one line per input (or per element)
        self.rule_lines = list(view.get("rule_lines") or [])
        self.rule.setText("\n".join([text, *self.rule_lines]))
        upstream = view.get("upstream") or []
        if view.get("ran"):
            texts = ", ".join(format_grad(g) for g in upstream)
            self.upstream_label.setText(tr("grad arriving (upstream): {values}").format(values=texts))
            self._heat(self.upstream_map, grad_preview(upstream[0]) if upstream else None)
        else:
            self.upstream_label.setText(tr("has not run yet"))
            self._heat(self.upstream_map, None)
        self._show_outputs(view.get("outputs", []))
        self._show_accumulated(view.get("accumulated"))

    def _show_outputs(self, outputs: list[dict[str, Any]]) -> None:
        while len(self._rows) < len(outputs):
            self._rows.append(_OutputRow(self, self._outputs))
        for row, out in zip(self._rows, outputs):
            if out["target"] is None:
                text = tr("input {i}: needs no grad").format(i=out["index"])
            else:
                text = tr("input {i} -> {target}: {value}").format(
                    i=out["index"], target=out["target_name"] or out["target"], value=out["text"]
                )
            if out.get("reduced_from"):
                text += "  " + tr("(summed from shape {src} down to {dst})").format(
                    src=tuple(out["reduced_from"]), dst=tuple(out.get("reduced_to") or ())
                )
            self.output_texts.append(text)
            row.label.setText(text)
            row.set_visible(True)
            self._heat(row.heat, grad_preview(out.get("value")))
        for row in self._rows[len(outputs) :]:
            row.set_visible(False)
            self._previews.pop(id(row.heat), None)

    def _show_accumulated(self, acc: dict[str, Any] | None) -> None:
        if acc is None:
            if not self.accumulated_label.isHidden():
                self.accumulated_label.hide()
            return
        text = tr(".grad: {before} + {contribution} = {after}").format(
            before=format_grad(acc["before"]),
            contribution=format_grad(acc["contribution"]),
            after=format_grad(acc["after"]),
        )
        self.output_texts.append(text)
        self.accumulated_label.setText(text)
        if self.accumulated_label.isHidden():
            self.accumulated_label.show()

    def _heat(self, heat: Heatmap, preview: Any) -> None:
        """Give a heatmap new values only when they differ (set_preview always re-lays out)."""
        if id(heat) in self._previews and self._previews[id(heat)] == preview:
            return
        self._previews[id(heat)] = preview
        heat.set_preview(preview)


class LedgerView(QListWidget):
    """Each leaf's ``.grad`` ledger, one readable row per change (``x.grad: None → +6 → 6``,
    wrapped when long); the newest ``+=`` flashes briefly when it appears. Earlier calls' rows
    come first, dimmed, then a heading for the call shown and its rows: the view scrolls to that
    heading whenever the call changes, so a loop's late iteration does not open on iteration 1."""

    FLASH_MS = 600

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._unflash)
        self.setWordWrap(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(48)
        self._earlier: list[str] = []
        self._heading: str | None = None
        self.current_start = 0  # row of the heading (or of this call's first row)

    def set_entries(
        self, texts: list[str], flash_last: bool, earlier: list[str] | None = None, heading: str | None = None
    ) -> None:
        """``texts``: the call's own rows; ``earlier``: rows of the calls before it (dimmed);
        ``heading``: the line between the two."""
        earlier = list(earlier or [])
        if texts == self._texts and earlier == self._earlier and heading == self._heading:
            return
        same_call = earlier == self._earlier and heading == self._heading
        grew = same_call and len(texts) > len(self._texts) and texts[: len(self._texts)] == self._texts
        self._texts = list(texts)
        self._earlier = earlier
        self._heading = heading
        self.clear()
        dim = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for text in earlier:
            item = QListWidgetItem(text, self)
            item.setToolTip(text)
            item.setForeground(dim)
        self.current_start = self.count()
        if heading is not None:
            item = QListWidgetItem(heading, self)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
        for text in texts:
            item = QListWidgetItem(text, self)
            item.setToolTip(text)
        self.show_current()
        if grew and self.count():
            item = self.item(self.count() - 1)
            if flash_last:
                item.setBackground(QColor(current_theme().node_highlight))
                self._timer.start(self.FLASH_MS)
            self.scrollToItem(item)  # the newest row in view, the heading too while it fits

    def show_current(self) -> None:
        """Scroll so that the call's part (its heading and rows) starts at the top; the rows it
        has not reached yet are below."""
        if self.current_start < self.count():
            self.scrollToItem(self.item(self.current_start), QAbstractItemView.ScrollHint.PositionAtTop)
        elif self.count():
            self.scrollToBottom()

    def flashing(self) -> bool:
        return self._timer.isActive()

    def _unflash(self) -> None:
        for i in range(self.count()):
            self.item(i).setBackground(QColor(0, 0, 0, 0))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
