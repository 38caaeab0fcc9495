"""The inspector: everything the snapshot knows about the selected node, like a debugger's pane.

Rows that name another node (grad_fn, inputs, next_functions, a saved tensor) are links: clicking
one emits ``node_activated`` and the window selects that node. The "created at" row emits
``line_activated``. Nothing here computes autograd state; it only formats the snapshot dict, and
what the backward player says holds at its step (saved buffers alive or freed, a leaf's .grad).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.graph.summary import array_summary, format_shape
from ui.editor import editor_font
from ui.heatmap import Heatmap
from ui.legend import stale_text
from ui.snapshot import SnapshotIndex, format_bytes, format_number
from ui.theme import Theme, current_theme

translate = QCoreApplication.translate

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
LINE_ROLE = Qt.ItemDataRole.UserRole + 2


def reason_text(reason: dict[str, Any] | None, language: str) -> str:
    """Why ``.grad`` is None, in words (gradviz.backward.explain renders reason codes in en and zh);
    a code it does not know is shown as it is, with its parameters."""
    from gradviz.backward.explain import render

    if not reason:
        return ""
    code = str(reason.get("code", ""))
    params = reason.get("params") or {}
    try:
        return render({"code": code, "params": params}, language)
    except (LookupError, ValueError):  # an unknown code, or a template its parameters do not fit
        pass
    if params:
        return code + " (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"
    return code


def _grad_summary(value: dict[str, Any]) -> dict[str, Any]:
    """A grad as a trace records it (shape, dtype, min/max/mean, the values when small) in the
    snapshot's summary form, so the inspector shows both alike."""
    shape = [int(n) for n in value.get("shape") or []]
    dtype = str(value.get("dtype", "float32"))
    values = value.get("values")
    if values is not None:
        array = np.asarray(values, dtype=float if dtype.startswith("float") else None)
        with contextlib.suppress(ValueError):
            return array_summary(array.reshape(shape), dtype)
    numel = int(np.prod(shape)) if shape else 1
    return {
        "shape": shape,
        "dtype": dtype,
        "numel": numel,
        **{k: value[k] for k in ("min", "max", "mean") if k in value},
    }


def _named_label(name: str) -> QLabel:
    """A label the stylesheet addresses by object name (ui/resources/styles/gradviz.qss)."""
    label = QLabel()
    label.setObjectName(name)
    return label


# Reasons whose fix is a line of code to run right after the tensor is made.
FIXABLE_AFTER_CREATION = frozenset({"not_leaf_no_retain", "requires_grad_false"})


def _tensor_title(node: dict[str, Any]) -> str:
    """The learner's name, else the expression that made the tensor (the label's first line)."""
    return str(node.get("name") or str(node.get("label") or "").split("\n", 1)[0] or "?")


class Inspector(QWidget):
    node_activated = Signal(str)
    line_activated = Signal(int)
    # {"code": "y.retain_grad()", "name": "y", "after_line": last line of the expression that made
    # the tensor} for the window, which inserts the code right below that statement.
    fix_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = SnapshotIndex(None)
        self._node_id: str | None = None
        # (op id, attr) -> alive at the backward player's current step; None: the snapshot's own.
        self._buffer_states: Mapping[tuple[str, str], bool] | None = None
        self._shown_buffers: tuple[Any, ...] = ()
        # leaf tensor id -> its .grad at the player's step (see BackwardPlayer.grad_states); None:
        # the snapshot's own (the one after the cell ran)
        self._grad_states: Mapping[str, tuple[str, dict[str, Any] | None]] | None = None
        self._shown_grad: Any = None
        self._theme: Theme = current_theme()
        self.language = "en"

        self._title = _named_label("inspectorTitle")
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._badge = _named_label("inspectorBadge")
        header = QHBoxLayout()
        header.setContentsMargins(10, 8, 10, 4)
        header.addWidget(self._title, 1)
        header.addWidget(self._badge, 0)

        # a node an earlier run made, still drawn (faded) after a re-run failed: say its numbers are old
        self.stale_label = _named_label("staleNote")
        self.stale_label.setWordWrap(True)
        self.stale_label.setContentsMargins(10, 0, 10, 4)

        self._empty = _named_label("emptyHint")
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(12)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemClicked.connect(self._on_item_clicked)

        # The full "why is .grad None" text: the tree row shows it cut to one line.
        self.why_label = QLabel()
        self.why_label.setWordWrap(True)
        self.why_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fix_button = QPushButton()
        self.fix_button.clicked.connect(self._request_fix)
        self._fix: dict[str, Any] | None = None
        self._values_label = _named_label("sectionLabel")
        self.values_heatmap = Heatmap()
        self._grad_label = _named_label("sectionLabel")
        self.grad_heatmap = Heatmap()
        self._repr = QPlainTextEdit()
        self._repr.setReadOnly(True)
        self._repr.setFont(editor_font())
        self._repr.setMaximumHeight(96)
        self._repr.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        detail = QVBoxLayout()
        detail.setContentsMargins(10, 0, 10, 8)
        detail.setSpacing(4)
        detail.addWidget(self.why_label)
        detail.addWidget(self.fix_button)
        detail.addWidget(self._values_label)
        detail.addWidget(self.values_heatmap)
        detail.addWidget(self._grad_label)
        detail.addWidget(self.grad_heatmap)
        detail.addWidget(self._repr)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.stale_label)
        layout.addWidget(self._empty, 1)
        layout.addWidget(self.tree, 1)
        layout.addLayout(detail)
        self._show_node(None)

    # ----- public API -------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.values_heatmap.set_theme(theme)
        self.grad_heatmap.set_theme(theme)
        self._show_node(self._node_id)

    def set_snapshot(self, index: SnapshotIndex) -> None:
        self._index = index
        self._show_node(self._node_id if self._node_id in index.nodes else None)

    def show_node(self, node_id: str | None) -> None:
        self._show_node(node_id)

    def set_buffer_states(self, states: Mapping[tuple[str, str], bool] | None) -> None:
        """Saved buffers alive (True) or freed (False) at the backward player's current step,
        keyed by (op node id, attr). Buffers not in ``states``, or every buffer when ``states``
        is None (no call selected), show the snapshot's state: the one after the cell ran.

        Re-renders only when the selected op's buffers change state, so the player can call
        this every frame."""
        self._buffer_states = states
        if self._buffer_key() != self._shown_buffers:
            self._show_node(self._node_id)

    def set_grad_states(self, states: Mapping[str, tuple[str, dict[str, Any] | None]] | None) -> None:
        """Leaf ``.grad`` values at the backward player's current step, by tensor id: ("before",
        value) while this call's AccumulateGrad has not run (None after ``zero_grad()``), ("after",
        value) once it has. A leaf not in ``states``, or every one when ``states`` is None, shows
        the snapshot's ``.grad``: the one after the cell ran. Re-renders only when the selected
        tensor's shown value changes."""
        self._grad_states = states
        if self._grad_key() != self._shown_grad:
            self._show_node(self._node_id)

    def _grad_key(self) -> tuple[str, int] | None:
        """What the selected tensor's .grad rows depend on: before/after and which recorded value."""
        states = self._grad_states
        found = states.get(self._node_id) if states is not None and self._node_id else None
        return (found[0], id(found[1])) if found is not None else None

    def buffer_freed(self, node_id: str, attr: str, snapshot_freed: bool) -> bool:
        """Whether the inspector shows this buffer as freed (the player's step wins)."""
        states = self._buffer_states
        if states is not None and (node_id, attr) in states:
            return not states[(node_id, attr)]
        return snapshot_freed

    @property
    def node_id(self) -> str | None:
        return self._node_id

    def rows(self) -> dict[str, str]:
        """Flat {label: value} of the visible rows (children as "parent/child"); used by tests."""
        out: dict[str, str] = {}
        stack = [(self.tree.topLevelItem(i), "") for i in range(self.tree.topLevelItemCount())]
        while stack:
            item, prefix = stack.pop(0)
            if item is None:
                continue
            key = prefix + item.text(0)
            out[key] = item.text(1)
            stack.extend((item.child(j), key + "/") for j in range(item.childCount()))
        return out

    # ----- building rows ----------------------------------------------------------------------
    def _add(
        self,
        parent: QTreeWidget | QTreeWidgetItem,
        label: str,
        value: str = "",
        *,
        node: str | None = None,
        line: int | None = None,
        color: str | None = None,
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label, value])
        item.setToolTip(1, value)
        if node:
            item.setData(0, NODE_ROLE, node)
            item.setForeground(1, QColor(self._theme.accent))
            item.setToolTip(1, translate("Inspector", "Click to select {node}").format(node=self._index.label(node)))
        if line is not None:
            item.setData(0, LINE_ROLE, line)
            item.setForeground(1, QColor(self._theme.accent))
        if color:
            item.setForeground(1, QColor(color))
        item.setForeground(0, QColor(self._theme.muted_text))
        return item

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        font = QFont(self.tree.font())
        font.setWeight(QFont.Weight.DemiBold)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        item.setExpanded(True)
        return item

    def _node_ref(self, parent: QTreeWidgetItem, label: str, node_id: str | None) -> None:
        if not node_id:
            self._add(parent, label, "None")
            return
        node = self._index.node(node_id) or {}
        text = self._index.label(node_id)
        if node.get("kind") == "tensor":
            text += "  " + format_shape(node.get("shape"))
        self._add(parent, label, text, node=node_id)

    def _buffer_key(self) -> tuple[Any, ...]:
        """What the selected op's buffer rows depend on: its id and each buffer's shown state."""
        node = self._index.node(self._node_id) if self._node_id else None
        if not node or node.get("kind") != "op":
            return ()
        return (
            self._node_id,
            *(
                self.buffer_freed(str(node["id"]), str(b.get("attr", "")), bool(b.get("freed")))
                for b in node.get("saved") or []
            ),
        )

    def _show_node(self, node_id: str | None) -> None:
        self._node_id = node_id
        self._shown_buffers = self._buffer_key()
        self._shown_grad = self._grad_key()
        self.tree.clear()
        node = self._index.node(node_id) if node_id else None
        self._empty.setVisible(node is None)
        self.tree.setVisible(node is not None)
        self._fix = None
        for widget in (
            self.why_label,
            self.fix_button,
            self._values_label,
            self.values_heatmap,
            self._grad_label,
            self.grad_heatmap,
            self._repr,
        ):
            widget.setVisible(False)
        if node is None:
            self.stale_label.setVisible(False)
            self._title.setText(translate("Inspector", "Nothing selected"))
            self._badge.setVisible(False)
            self._empty.setText(
                translate(
                    "Inspector", "Select a node in the graph or the outline to see its attributes, values and gradient."
                )
            )
            return
        if node.get("stale"):
            self.stale_label.setText("⚠ " + stale_text())
            self.stale_label.setStyleSheet(f"color: {self._theme.warning};")
        self.stale_label.setVisible(bool(node.get("stale")))
        kind = node.get("kind")
        self._badge.setVisible(True)
        if kind == "tensor":
            self._show_tensor(node)
        elif kind == "op":
            self._show_op(node)
        else:
            self._show_accumulate(node)
        self.tree.expandAll()

    def _created_at(self, parent: QTreeWidgetItem, node: dict[str, Any]) -> None:
        span = node.get("span")
        if span and len(span) >= 2:
            text = translate("Inspector", "line {line}").format(line=span[1])
            self._add(parent, translate("Inspector", "created at"), text, line=int(span[1]))

    def _show_tensor(self, node: dict[str, Any]) -> None:
        t = self._theme
        self._title.setText(_tensor_title(node))
        role = str(node.get("role", ""))
        self._badge.setText(
            {
                "leaf": translate("Inspector", "leaf tensor"),
                "intermediate": translate("Inspector", "intermediate tensor"),
                "constant": translate("Inspector", "constant tensor"),
            }.get(role, translate("Inspector", "tensor"))
        )
        attrs = self._section(translate("Inspector", "Tensor"))
        names = node.get("names") or []
        if len(names) > 1:
            self._add(attrs, translate("Inspector", "names"), ", ".join(map(str, names)))
        self._add(attrs, "shape", format_shape(node.get("shape")))
        self._add(attrs, "dtype", str(node.get("dtype", "")))
        self._add(attrs, "requires_grad", str(node.get("requires_grad")))
        self._add(attrs, "is_leaf", str(node.get("is_leaf")))
        self._node_ref(attrs, "grad_fn", node.get("grad_fn"))
        self._add(attrs, translate("Inspector", "version"), str(node.get("version", 0)))
        if node.get("retains_grad"):
            self._add(attrs, "retains_grad", "True")
        self._created_at(attrs, node)

        values = node.get("values") or {}
        self._summary_section(translate("Inspector", "Values"), values)
        grad_section = self._section(".grad")
        grad = node.get("grad")
        at_step = self._grad_states.get(str(node.get("id"))) if self._grad_states is not None else None
        if at_step is not None:
            # the player's step decides: None (zero_grad) or the previous value until this call's
            # AccumulateGrad runs, its result after, as the .grad ledger shows it
            when, value = at_step
            grad = _grad_summary(value) if value is not None else None
            self._add(
                grad_section,
                translate("Inspector", "at the player's step"),
                translate("Inspector", "before this call's AccumulateGrad")
                if when == "before"
                else translate("Inspector", "after this call's AccumulateGrad"),
            )
        if grad:
            self._summary_rows(grad_section, grad)
        else:
            self._add(grad_section, ".grad", "None", color=t.grad_none)
            reason = None if at_step is not None else reason_text(node.get("grad_none_reason"), self.language)
            if reason:
                self._add(grad_section, translate("Inspector", "why None"), reason, color=t.warning)
                self.why_label.setText(reason)
                self.why_label.setStyleSheet(f"color: {t.warning};")
                self.why_label.setVisible(True)
                self._offer_fix(node)

        if values.get("preview") is not None:
            self._values_label.setText(self._heat_title(translate("Inspector", "values"), values))
            self.values_heatmap.set_preview(values.get("preview"))
            self._values_label.setVisible(True)
        if grad and grad.get("preview") is not None:
            self._grad_label.setText(self._heat_title(".grad", grad))
            self.grad_heatmap.set_preview(grad.get("preview"))
            self._grad_label.setVisible(True)
        if node.get("repr"):
            self._repr.setPlainText(str(node["repr"]))
            self._repr.setVisible(True)

    def _offer_fix(self, node: dict[str, Any]) -> None:
        """A reason that comes with code (``y.retain_grad()``) gets a button that inserts it right
        below the line that made the tensor (gradviz.backward.fixes says where, and the core only
        keeps a fix that has such a place)."""
        reason = node.get("grad_none_reason") or {}
        params = reason.get("params") or {}
        code, line, name = params.get("fix"), params.get("fix_after_line"), node.get("name")
        if not code or line is None or not name or reason.get("code") not in FIXABLE_AFTER_CREATION:
            return
        self._fix = {"code": str(code), "name": str(name), "after_line": int(line)}
        self.fix_button.setText(translate("Inspector", "Insert {code} after line {line}").format(code=code, line=line))
        self.fix_button.setVisible(True)

    def _request_fix(self) -> None:
        if self._fix is not None:
            self.fix_requested.emit(json.dumps(self._fix))

    @staticmethod
    def _heat_title(title: str, summary: dict[str, Any]) -> str:
        text = title
        if summary.get("truncated"):
            text += "  " + translate("Inspector", "(first {n} of {total} values)").format(
                n=sum(len(r) if isinstance(r, list) else 1 for r in summary.get("preview") or []),
                total=summary.get("numel", "?"),
            )
        return text

    def _summary_section(self, title: str, summary: dict[str, Any]) -> None:
        if not summary:
            return
        section = self._section(title)
        self._summary_rows(section, summary)

    def _summary_rows(self, parent: QTreeWidgetItem, summary: dict[str, Any]) -> None:
        self._add(parent, "numel", str(summary.get("numel", "")))
        for key in ("min", "max", "mean"):
            if key in summary:
                self._add(parent, key, format_number(summary[key]))

    def _show_op(self, node: dict[str, Any]) -> None:
        t = self._theme
        node_id = str(node["id"])
        self._title.setText(str(node.get("name") or node.get("label") or "?"))
        self._badge.setText(translate("Inspector", "backward function"))
        attrs = self._section(translate("Inspector", "Autograd node"))
        self._add(attrs, translate("Inspector", "name"), str(node.get("name", "")))
        self._add(attrs, translate("Inspector", "sequence number"), str(node.get("sequence_nr", "")))
        self._created_at(attrs, node)
        inputs = self._section(translate("Inspector", "Inputs (forward)"))
        for position, tensor_id in enumerate(self._index.inputs(node_id)):
            self._node_ref(inputs, f"[{position}]", tensor_id)
        if not inputs.childCount():
            self._add(inputs, "—", "")
        outputs = self._section(translate("Inspector", "Outputs (forward)"))
        for position, tensor_id in enumerate(self._index.outputs(node_id)):
            self._node_ref(outputs, f"[{position}]", tensor_id)
        nexts = self._section("next_functions")
        for position, next_id in enumerate(self._index.next_functions(node_id)):
            self._node_ref(nexts, f"[{position}]", next_id)
        if not nexts.childCount():
            self._add(nexts, "()", "")
        saved = node.get("saved") or []
        buffers = self._section(translate("Inspector", "Saved buffers"))
        for buffer in saved:
            snapshot_freed = bool(buffer.get("freed"))
            freed = self.buffer_freed(node_id, str(buffer.get("attr", "")), snapshot_freed)
            state = translate("Inspector", "freed") if freed else translate("Inspector", "alive")
            size = format_bytes(buffer.get("nbytes"))
            summary = "  ".join(
                part
                for part in (
                    format_shape(buffer.get("shape")) if buffer.get("shape") is not None else "",
                    str(buffer.get("dtype") or ""),
                    size,
                    state,
                )
                if part
            )
            item = self._add(
                buffers, str(buffer.get("attr", "")), summary, color=t.buffer_freed if freed else t.buffer_alive
            )
            if buffer.get("tensor"):
                self._node_ref(item, translate("Inspector", "tensor"), str(buffer["tensor"]))
            if snapshot_freed and not freed:
                pass  # alive at the player's step, but the snapshot (taken after) kept no value
            elif freed and not snapshot_freed:
                self._add(item, translate("Inspector", "value"), "<freed>")
            elif buffer.get("value") not in (None, ""):
                self._add(item, translate("Inspector", "value"), str(buffer["value"]))
        if not saved:
            self._add(buffers, translate("Inspector", "none"), "")

    def _show_accumulate(self, node: dict[str, Any]) -> None:
        self._title.setText(str(node.get("name") or "AccumulateGrad"))
        self._badge.setText(translate("Inspector", "gradient accumulator"))
        attrs = self._section(translate("Inspector", "Autograd node"))
        self._node_ref(attrs, "variable", node.get("variable"))
        self._created_at(attrs, node)

    # ----- interaction ------------------------------------------------------------------------
    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        node = item.data(0, NODE_ROLE)
        if node:
            self.node_activated.emit(str(node))
            return
        line = item.data(0, LINE_ROLE)
        if line:
            self.line_activated.emit(int(line))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._show_node(self._node_id)
        super().changeEvent(event)
