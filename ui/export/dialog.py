"""File -> Export: pictures and backward animations of the graph, from the running app.

Single pictures at the current step come from the live canvas (what the window shows, in its
theme); the final state, PDF handouts and animations are drawn from the snapshot and the recorded
backward calls (ui.export.api), in the current theme and language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGraphicsView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from gradviz.cli.export import ANIMATIONS, ExportError, ExportSource
from ui.export.api import ExportRequest, export_drawing, export_source, frames_for
from ui.export.camera import MAX_SIDE
from ui.export.scene_source import SceneDrawing, visible_rect
from ui.export.writers import Frame
from ui.i18n import language_switcher
from ui.theme import current_theme

__all__ = ["FORMAT_CHOICES", "ExportDialog", "add_export_actions"]

translate = QCoreApplication.translate

FORMAT_CHOICES = ("png", "svg", "pdf", "gif", "apng", "webp")
_FILTERS = {
    "png": "PNG (*.png)",
    "svg": "SVG (*.svg)",
    "pdf": "PDF (*.pdf)",
    "gif": "GIF (*.gif)",
    "apng": "APNG (*.apng *.png)",
    "webp": "WebP (*.webp)",
}


class ExportDialog(QDialog):
    """Options for one export; :meth:`export_to` writes the file (the OK button asks where first).

    ``snapshot`` and ``calls`` are callables so the dialog always exports what the window holds
    now; ``graph_view`` is the live canvas ("current step" and "visible part" are taken from it);
    ``current_step`` returns the step to draw when there is no canvas (None: the final state);
    ``live_step`` returns the player's (call index, step) that the canvas shows, so a picture of
    the current step carries that step's caption, rule with its numbers and .grad ledger.
    """

    def __init__(
        self,
        snapshot: Callable[[], dict[str, Any] | None],
        calls: Callable[[], list[dict[str, Any]]],
        graph_view: QGraphicsView | None = None,
        current_step: Callable[[], int | None] | None = None,
        parent: QWidget | None = None,
        *,
        live_step: Callable[[], tuple[int, int] | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._snapshot = snapshot
        self._calls = calls
        self._graph_view = graph_view
        self._live_step = live_step or (lambda: None)
        live = self._live_step
        self._current_step = current_step or (lambda: (live() or (0, None))[1])
        self.format_box = QComboBox()
        for fmt in FORMAT_CHOICES:
            self.format_box.addItem(fmt.upper(), fmt)
        self.area_box = QComboBox()
        self.area_box.addItem("", "whole")
        self.area_box.addItem("", "visible")
        self.state_box = QComboBox()
        self.state_box.addItem("", "step")
        self.state_box.addItem("", "final")
        self.state_box.addItem("", "all")
        self.view_box = QComboBox()
        self.view_box.addItem("", "dataflow")
        self.view_box.addItem("", "gradfn")
        self.call_box = QComboBox()
        self.scale_box = QDoubleSpinBox()
        self.scale_box.setRange(0.25, 8.0)
        self.scale_box.setSingleStep(0.5)
        self.scale_box.setValue(2.0)
        self.scale_box.setSuffix(" ×")
        self.transparent_box = QCheckBox()
        self.size_box = QSpinBox()
        self.size_box.setRange(256, 8192)
        self.size_box.setSingleStep(128)
        self.size_box.setValue(MAX_SIDE)
        self.size_box.setSuffix(" px")
        self.notices: list[str] = []  # what the last export sampled or reframed
        self.form = QFormLayout(self)
        # Every field has a label that is its buddy (Alt+letter focuses it; screen readers read
        # it): QFormLayout.addRow("", w) makes no label at all, which left the fields bare.
        self.fields: dict[str, QWidget] = {
            "format": self.format_box,
            "area": self.area_box,
            "state": self.state_box,
            "view": self.view_box,
            "call": self.call_box,
            "scale": self.scale_box,
            "transparent": self.transparent_box,
            "size": self.size_box,
        }
        self.labels: dict[str, QLabel] = {}
        for key, widget in self.fields.items():
            label = QLabel(self)
            label.setBuddy(widget)
            self.labels[key] = label
            self.form.addRow(label, widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._choose_file_and_export)
        self.buttons.rejected.connect(self.reject)
        self.form.addRow(self.buttons)
        self.format_box.currentIndexChanged.connect(self._sync)
        self.state_box.currentIndexChanged.connect(self._sync)
        self.area_box.currentIndexChanged.connect(self._sync)
        self.refresh_calls()
        self._retranslate()
        self._sync()

    # -- state -------------------------------------------------------------------------------
    def refresh_calls(self) -> None:
        self.call_box.clear()
        calls = self._calls() or []
        for i, call in enumerate(calls, start=1):
            where = f" (cell {call.get('cell')}, line {call.get('line')})" if call.get("line") else ""
            self.call_box.addItem(translate("ExportDialog", "Backward call {0}").format(i) + where, i)
        if calls:
            self.call_box.setCurrentIndex(len(calls) - 1)

    def _sync(self) -> None:
        """Enable only the options that apply to the chosen format and state."""
        fmt = self.format_box.currentData()
        animated = fmt in ANIMATIONS
        has_calls = self.call_box.count() > 0
        self.state_box.setEnabled(not animated and has_calls)
        self.call_box.setEnabled(has_calls)
        self.scale_box.setEnabled(fmt == "png" or animated)
        self.transparent_box.setEnabled(fmt == "png")
        self.size_box.setEnabled(animated)
        has_view = self._graph_view is not None and self._graph_view.scene() is not None
        self.area_box.setEnabled(has_view and not animated and self.state_box.currentData() == "step")

    def request(self) -> ExportRequest:
        fmt = str(self.format_box.currentData())
        mode = "all" if fmt in ANIMATIONS else str(self.state_box.currentData())
        if mode == "all" and fmt not in ("pdf", *ANIMATIONS):
            mode = "final"
        return ExportRequest(
            fmt=fmt,
            view=str(self.view_box.currentData()),
            theme=current_theme(),
            mode=mode,
            step=self._current_step(),
            scale=self.scale_box.value(),
            transparent=self.transparent_box.isChecked() and fmt == "png",
            lang=language_switcher().language,
            max_size=self.size_box.value() if fmt in ANIMATIONS else None,
        )

    # -- exporting ---------------------------------------------------------------------------
    def export_to(self, path: str | Path) -> int:
        """Write the export described by the dialog to ``path``; returns frames/pages written."""
        request = self.request()
        self.notices = []
        view = self._graph_view
        canvas = view.scene() if view is not None else None
        if (
            view is not None
            and canvas is not None
            and request.mode == "step"
            and request.fmt not in ANIMATIONS
            and not canvas.itemsBoundingRect().isEmpty()
        ):
            area = visible_rect(view) if self.area_box.currentData() == "visible" else None
            frames: list[Frame] = [(None, self._live_caption(request))]
            return export_drawing(path, SceneDrawing(canvas, area), frames, request, notice=self.notices.append)
        snapshot = self._snapshot()
        if not snapshot or not snapshot.get("nodes"):
            raise ExportError(translate("ExportDialog", "There is no graph to export yet: run a cell first."))
        calls = self._calls() or []
        number = self.call_box.currentData() if calls else None
        trace = calls[number - 1] if number else None
        if request.mode == "step":
            if trace is None or request.step is None:
                request.mode = "final" if trace is not None else "graph"
        elif trace is None:
            request.mode = "graph"
        source = ExportSource(snapshot, trace, number, None)
        return export_source(path, source, request, notice=self.notices.append)

    def _live_caption(self, request: ExportRequest) -> str | None:
        """The caption of the step the canvas shows (the player's call and step), as an export of
        that step from the recorded call would carry it; None when the player shows no step."""
        live = self._live_step()
        calls = self._calls() or []
        if live is None or not 0 <= live[0] < len(calls) or calls[live[0]].get("summarized"):
            return None
        index, step = live
        if not 0 <= step < len(calls[index].get("events", [])):
            return None
        frames = frames_for(calls[index], index + 1, "step", step, self._snapshot(), request.lang)
        return frames[0][1]

    def _choose_file_and_export(self) -> None:
        fmt = str(self.format_box.currentData())
        path, _ = QFileDialog.getSaveFileName(
            self, translate("ExportDialog", "Export graph"), f"graph.{fmt}", _FILTERS[fmt]
        )
        if not path:
            return
        if not Path(path).suffix:
            path += "." + fmt
        try:
            self.export_to(path)
        except ExportError as exc:
            QMessageBox.warning(self, translate("ExportDialog", "Export failed"), str(exc))
            return
        if self.notices:  # sampled steps or a window that follows the running node: say so
            QMessageBox.information(self, translate("ExportDialog", "Export graph"), "\n\n".join(self.notices))
        self.accept()

    # -- language ----------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.setWindowTitle(translate("ExportDialog", "Export graph"))
        texts = {
            "format": (translate("ExportDialog", "&Format:"), translate("ExportDialog", "The file type to write")),
            "area": (
                translate("ExportDialog", "&Area:"),
                translate("ExportDialog", "The whole graph, or only the part the window shows now"),
            ),
            "state": (
                translate("ExportDialog", "&State:"),
                translate("ExportDialog", "Which moment of the backward call the picture shows"),
            ),
            "view": (
                translate("ExportDialog", "&View:"),
                translate("ExportDialog", "Data flow (tensors and ops) or the grad_fn graph backward walks"),
            ),
            "call": (
                translate("ExportDialog", "&Backward call:"),
                translate("ExportDialog", "Which backward() call of the script to draw"),
            ),
            "scale": (
                translate("ExportDialog", "S&cale:"),
                translate("ExportDialog", "Pixels per unit for PNG and animations (2 × = twice as sharp)"),
            ),
            "transparent": (
                translate("ExportDialog", "&Transparent background:"),
                translate("ExportDialog", "PNG only: leave the background see-through"),
            ),
            "size": (
                translate("ExportDialog", "&Largest frame side:"),
                translate(
                    "ExportDialog",
                    "Animations: a frame's longest side in pixels; a bigger graph is shown around the running node",
                ),
            ),
        }
        for key, (text, tip) in texts.items():
            self.labels[key].setText(text)
            widget = self.fields[key]
            widget.setAccessibleName(re.sub(r"\(&\w\)", "", text).replace("&", "").rstrip(":："))
            widget.setToolTip(tip)
        self.area_box.setItemText(0, translate("ExportDialog", "Whole graph"))
        self.area_box.setItemText(1, translate("ExportDialog", "Visible part"))
        self.state_box.setItemText(0, translate("ExportDialog", "Current step"))
        self.state_box.setItemText(1, translate("ExportDialog", "Final state"))
        self.state_box.setItemText(2, translate("ExportDialog", "Every step (PDF handout)"))
        self.view_box.setItemText(0, translate("ExportDialog", "Data flow"))
        self.view_box.setItemText(1, translate("ExportDialog", "grad_fn graph"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


def _first_menu(window: QMainWindow) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            return menu
    return None


def add_export_actions(
    window: QMainWindow,
    graph_view: QGraphicsView | None,
    snapshot: Callable[[], dict[str, Any] | None] = lambda: None,
    calls: Callable[[], list[dict[str, Any]]] = list,
    file_menu: QMenu | None = None,
    live_step: Callable[[], tuple[int, int] | None] | None = None,
) -> QAction:
    """Add File -> Export… (Ctrl+E) to ``file_menu`` (default: the menu bar's first menu) and to
    the graph view's context menu.

    ``snapshot`` and ``calls`` return the latest graph and the session's backward calls when the
    dialog opens; "current step" pictures come from ``graph_view`` as it is painted, captioned
    with the step ``live_step`` names (the player's call index and step).
    """
    action = QAction(window)
    action.setShortcut(QKeySequence("Ctrl+E"))

    def retranslate() -> None:
        action.setText(translate("ExportDialog", "Export…"))

    def open_dialog() -> None:
        ExportDialog(snapshot, calls, graph_view, parent=window, live_step=live_step).exec()

    action.triggered.connect(open_dialog)
    retranslate()
    window.installEventFilter(_Retranslator(window, retranslate))
    menu = file_menu if file_menu is not None else _first_menu(window)
    if menu is not None:
        menu.addSeparator()
        menu.addAction(action)
    window.addAction(action)
    if graph_view is not None:
        graph_view.addAction(action)
        graph_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action


class _Retranslator(QObject):
    """Event filter that re-labels the action when the language changes."""

    def __init__(self, parent: QObject, callback: Callable[[], None]) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self._callback()
        return False
