"""TrainingPanel: a session's training loops, one iteration at a time.

It reads the backward calls the window publishes (gradviz.backward.training finds the loops and the grads
that keep accumulating) and drives the backward player: picking an iteration selects that
iteration's backward call, and a call picked in the player moves the panel to its iteration. The
panel computes nothing about autograd itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.backward.training import (
    GradGrowth,
    TrainingLoop,
    detect_loops,
    finite_losses,
    grad_growth,
    render_training,
)
from gradviz.graph.calls import nearest_detailed
from ui.protocols import BackwardPlayerView
from ui.theme import Theme, current_theme, theme_manager
from ui.training.curve import CONTEXT, LossCurve, format_loss


def all_iterations_tip() -> str:
    """What "All iterations" does (the panel's box and the View menu's action say the same)."""
    return QCoreApplication.translate(
        CONTEXT,
        "Draw the graphs of every iteration kept in full together, as the cell left them; "
        "the player still replays the chosen iteration's backward() on them",
    )


class TrainingPanel(QWidget):
    iteration_selected = Signal(int)  # index within the current loop
    record_requested = Signal(int)  # backward-call index of a summarised iteration to record in full
    loops_changed = Signal(int)  # how many loops the latest calls hold
    all_iterations_changed = Signal(bool)  # the learner asked for every kept iteration drawn together (or one)

    def __init__(self, parent: QWidget | None = None, language: str = "en") -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.language = language
        self._calls: list[dict[str, Any]] = []
        self._names: dict[str, str] = {}
        self._loops: list[TrainingLoop] = []
        self._growth: list[GradGrowth] = []
        self._loop = -1
        self._iteration = -1
        self._player: BackwardPlayerView | None = None
        self._all_iterations = False
        self._theme: Theme = current_theme()
        self._build()
        theme_manager().changed.connect(self._on_theme)
        self._retranslate()
        self._refresh()

    def tr(self, text: str, /, disambiguation: str | None = None, n: int = -1) -> str:
        """Qt's tr() under the panel's fixed context (ui/i18n.py says why not the class name)."""
        return QCoreApplication.translate(CONTEXT, text, disambiguation, n)

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        root.setSpacing(6)
        self.banner = QLabel()
        self.banner.setObjectName("trainingBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setMargin(6)
        self.banner.hide()
        root.addWidget(self.banner)

        top = QHBoxLayout()
        self.loop_box = QComboBox()
        self.loop_box.currentIndexChanged.connect(self._on_loop_chosen)
        top.addWidget(self.loop_box, 1)
        self.summary = QLabel()
        self.summary.setObjectName("trainingSummary")
        top.addWidget(self.summary)
        root.addLayout(top)

        self.curve = LossCurve()
        self.curve.iteration_clicked.connect(self.select_iteration)
        root.addWidget(self.curve, 1)

        row = QHBoxLayout()
        self.prev_button = QToolButton()
        self.prev_button.setText("‹")
        self.prev_button.clicked.connect(lambda: self.select_iteration(self._iteration - 1))
        self.next_button = QToolButton()
        self.next_button.setText("›")
        self.next_button.clicked.connect(lambda: self.select_iteration(self._iteration + 1))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimum(0)
        self.slider.setMinimumWidth(120)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.valueChanged.connect(self.select_iteration)
        # Its own line above the slider: in the narrow dock a label beside it squeezed the slider to a knob.
        self.position = QLabel()
        self.position.setObjectName("trainingPosition")
        # One iteration's graph, or every kept iteration's drawn together (the graph as the cell left it).
        self.all_button = QCheckBox()
        self.all_button.setObjectName("trainingAllIterations")
        self.all_button.toggled.connect(self._on_all_toggled)
        above = QHBoxLayout()
        above.addWidget(self.position, 1)
        above.addWidget(self.all_button)
        row.addWidget(self.prev_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.next_button)
        root.addLayout(above)
        root.addLayout(row)
        self.merged_note = QLabel()
        self.merged_note.setObjectName("trainingMergedNote")
        self.merged_note.setWordWrap(True)
        self.merged_note.hide()
        root.addWidget(self.merged_note)

        # An iteration kept only as a summary has no graph: say so, and offer the nearest one that has.
        detail = QHBoxLayout()
        self.detail_note = QLabel()
        self.detail_note.setObjectName("trainingDetailNote")
        self.detail_note.setWordWrap(True)
        self.nearest_button = QPushButton()
        self.nearest_button.setObjectName("trainingNearest")
        self.nearest_button.clicked.connect(self._go_nearest)
        # ... or run the script again keeping this one in full (Run > Record Call in Full).
        self.record_button = QPushButton()
        self.record_button.setObjectName("trainingRecord")
        self.record_button.clicked.connect(self._request_record)
        buttons = QVBoxLayout()
        buttons.addWidget(self.nearest_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        detail.addWidget(self.detail_note, 1)
        detail.addLayout(buttons)
        root.addLayout(detail)
        self.detail_note.hide()
        self.nearest_button.hide()
        self.record_button.hide()
        self.records_calls = False  # set by whoever handles record_requested (the window)
        self._nearest: int | None = None

        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setFrameShape(QFrame.Shape.NoFrame)
        root.addWidget(self.empty)
        self._style_banner()

    # -- inputs ----------------------------------------------------------------------------------
    def set_player(self, player: BackwardPlayerView | None) -> None:
        """The backward player to drive (None: the panel only shows the loops)."""
        if self._player is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # the old player may be gone already
                self._player.call_selected.disconnect(self._on_player_call)
        self._player = player
        if player is not None:
            player.call_selected.connect(self._on_player_call)

    def set_calls(self, calls: list[Any]) -> None:
        """Every backward call of the session (trace dicts), as the window publishes them."""
        self._calls = [c if isinstance(c, dict) else c.to_dict() for c in calls]
        if not self._calls:
            self._names.clear()  # a restarted session reuses tensor ids
        self._loops = detect_loops(self._calls)
        self._growth = grad_growth([it for loop in self._loops for it in loop.iterations], self._names)
        self.loop_box.blockSignals(True)
        self.loop_box.clear()
        for loop in self._loops:
            self.loop_box.addItem(self._loop_title(loop))
        self.loop_box.blockSignals(False)
        self._loop = len(self._loops) - 1
        self._iteration = -1
        if self._loops:
            self.loop_box.setCurrentIndex(self._loop)
            self._show_loop(self._loop, select_last=True, drive_player=False)
        self.loops_changed.emit(len(self._loops))
        self._refresh()

    def set_snapshot(self, snapshot: Mapping[str, Any] | None) -> None:
        """Learn the learners' names of tensors (``model.weight``) for the banner."""
        changed = False
        for node in (snapshot or {}).get("nodes", []):
            name = node.get("name")
            if node.get("kind") == "tensor" and name and self._names.get(node["id"]) != name:
                self._names[node["id"]] = name
                changed = True
        if changed and self._loops:
            self._growth = grad_growth([it for loop in self._loops for it in loop.iterations], self._names)
            self._refresh_banner()

    def set_language(self, language: str) -> None:
        """ "en" or "zh_CN": the banner's words come from gradviz.backward.training in that language."""
        self.language = language
        self._refresh_banner()

    # -- selection ---------------------------------------------------------------------------------
    def select_loop(self, index: int) -> None:
        if not 0 <= index < len(self._loops):
            raise IndexError(f"loop {index} out of range 0..{len(self._loops) - 1}")
        self.loop_box.setCurrentIndex(index)  # -> _on_loop_chosen

    def select_iteration(self, index: int) -> None:
        """Show iteration ``index`` of the current loop and select its backward call in the player."""
        if not 0 <= self._loop < len(self._loops):
            return
        iterations = self._loops[self._loop].iterations
        index = max(0, min(index, len(iterations) - 1))
        call = iterations[index].call_index
        # The panel stays on its iteration while the player shows another cell's call: picking
        # that iteration again must still bring its call back.
        if index == self._iteration and (self._player is None or self._player.current_call == call):
            return
        self._set_iteration(index)
        if self._player is not None and self._player.current_call != call:
            self._player.select_call(call)
        self.iteration_selected.emit(index)

    def set_all_iterations(self, on: bool) -> None:
        """Check or uncheck "All iterations" without emitting all_iterations_changed (the window's
        View menu and the saved preference set it this way)."""
        self._all_iterations = on
        if self.all_button.isChecked() != on:
            self.all_button.blockSignals(True)
            self.all_button.setChecked(on)
            self.all_button.blockSignals(False)
        self._refresh_position()

    @property
    def all_iterations(self) -> bool:
        """Whether every kept iteration is drawn together (the player then replays one on them all)."""
        return self._all_iterations

    @property
    def current_call(self) -> int | None:
        """The backward call of the current iteration (what the player should show), if any."""
        if not 0 <= self._loop < len(self._loops) or self._iteration < 0:
            return None
        return self._loops[self._loop].iterations[self._iteration].call_index

    @property
    def loops(self) -> list[TrainingLoop]:
        return list(self._loops)

    @property
    def growth(self) -> list[GradGrowth]:
        return list(self._growth)

    @property
    def current_loop(self) -> int:
        return self._loop

    @property
    def current_iteration(self) -> int:
        return self._iteration

    # -- internals ---------------------------------------------------------------------------------
    def _on_all_toggled(self, on: bool) -> None:
        self._all_iterations = on
        self._refresh_position()
        self.all_iterations_changed.emit(on)

    def _on_loop_chosen(self, index: int) -> None:
        if 0 <= index < len(self._loops) and index != self._loop:
            self._show_loop(index, select_last=False, drive_player=True)

    def _show_loop(self, index: int, select_last: bool, drive_player: bool) -> None:
        self._loop = index
        loop = self._loops[index]
        flagged = {i for g in self._growth if g.loop == index for i in g.iterations[1:]}
        self.curve.set_curve(len(loop.iterations), finite_losses(loop.iterations), flagged)
        self.slider.blockSignals(True)
        self.slider.setMaximum(max(0, len(loop.iterations) - 1))
        self.slider.setTickInterval(max(1, len(loop.iterations) // 20))  # a tick per iteration, thinned past 20
        self.slider.blockSignals(False)
        self._iteration = -1
        target = len(loop.iterations) - 1 if select_last else 0
        if drive_player:
            self.select_iteration(target)
        else:
            self._set_iteration(target)
        self._refresh()

    def _set_iteration(self, index: int) -> None:
        self._iteration = index
        self.curve.set_current(index)
        if self.slider.value() != index:
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)
        self._refresh_position()

    def _on_player_call(self, call_index: int) -> None:
        """The player moved to another call: follow it when it is an iteration of some loop."""
        for loop in self._loops:
            for it in loop.iterations:
                if it.call_index != call_index:
                    continue
                if loop.index != self._loop:
                    self.loop_box.blockSignals(True)
                    self.loop_box.setCurrentIndex(loop.index)
                    self.loop_box.blockSignals(False)
                    self._show_loop(loop.index, select_last=False, drive_player=False)
                if it.index != self._iteration:
                    self._set_iteration(it.index)
                    self.iteration_selected.emit(it.index)
                return

    def _loop_title(self, loop: TrainingLoop) -> str:
        title = self.tr("Loop at line {line} (cell {cell}): {n} iterations").format(
            line=loop.line, cell=loop.cell, n=len(loop.iterations)
        )
        if any(g.loop == loop.index for g in self._growth):
            title = "⚠ " + title + " · " + self.tr("grads keep adding up")
        return title

    def _refresh(self) -> None:
        has = bool(self._loops)
        for widget in (
            self.curve,
            self.slider,
            self.prev_button,
            self.next_button,
            self.position,
            self.summary,
            self.all_button,
        ):
            widget.setVisible(has)
        self.loop_box.setVisible(len(self._loops) > 1)
        self.empty.setVisible(not has)
        if has:
            loop = self._loops[self._loop]
            losses = finite_losses(loop.iterations)
            if losses:
                self.summary.setText(
                    self.tr("loss {first} → {last}").format(
                        first=format_loss(losses[0][1]), last=format_loss(losses[-1][1])
                    )
                )
            else:
                self.summary.setText(self.tr("no scalar loss"))
            if len(self._loops) == 1:
                self.summary.setText(self._loop_title(loop) + "   " + self.summary.text())
        self._refresh_position()
        self._refresh_banner()

    @property
    def nearest_detailed_iteration(self) -> int | None:
        """When the current iteration was kept as a summary: the nearest one with its graph (0-based)."""
        return self._nearest

    def _go_nearest(self) -> None:
        if self._nearest is not None:
            self.select_iteration(self._nearest)

    def _request_record(self) -> None:
        loop = self._loops[self._loop] if 0 <= self._loop < len(self._loops) else None
        if loop is not None and 0 <= self._iteration < len(loop.iterations):
            self.record_requested.emit(loop.iterations[self._iteration].call_index)

    def _refresh_detail(self) -> None:
        """The note under the slider for an iteration kept only as a summary (no graph to show)."""
        self._nearest = None
        loop = self._loops[self._loop] if 0 <= self._loop < len(self._loops) else None
        if (
            loop is None
            or not 0 <= self._iteration < len(loop.iterations)
            or not loop.iterations[self._iteration].summarized
        ):
            self.detail_note.hide()
            self.nearest_button.hide()
            self.record_button.hide()
            return
        it = loop.iterations[self._iteration]
        near = nearest_detailed(self._calls, it.call_index, loop.call_indices)
        self._nearest = loop.call_indices.index(near) if near is not None else None
        self.detail_note.setText(
            self.tr(
                "Iteration {n} was kept as a summary to save memory: its loss only, so there is no graph "
                "of it to show. Long loops keep the graphs of their first and last iterations."
            ).format(n=it.index + 1)
        )
        self.detail_note.show()
        if self._nearest is not None:
            self.nearest_button.setText(self.tr("Show iteration {n}").format(n=self._nearest + 1))
            self.nearest_button.setToolTip(self.tr("The nearest iteration whose graph was kept"))
        self.nearest_button.setVisible(self._nearest is not None)
        self.record_button.setText(self.tr("Record it in full"))
        self.record_button.setToolTip(
            self.tr("Run the script again from the same random seeds, keeping iteration {n}'s graph").format(
                n=it.index + 1
            )
        )
        self.record_button.setVisible(self.records_calls)

    def _refresh_merged(self) -> None:
        """In "All iterations": say what is drawn and which iteration the player replays on it."""
        loop = self._loops[self._loop] if 0 <= self._loop < len(self._loops) else None
        if not self._all_iterations or loop is None or not 0 <= self._iteration < len(loop.iterations):
            self.merged_note.hide()
            return
        kept = sum(not it.summarized for it in loop.iterations)
        if loop.iterations[self._iteration].summarized:
            text = self.tr(
                "Drawn: the {kept} of {total} iterations kept in full, together. Iteration {n} has no graph among them."
            )
        else:
            text = self.tr(
                "Drawn: the {kept} of {total} iterations kept in full, together. "
                "The player replays iteration {n}'s backward() on them."
            )
        self.merged_note.setText(text.format(kept=kept, total=len(loop.iterations), n=self._iteration + 1))
        self.merged_note.show()

    def _refresh_position(self) -> None:
        self._refresh_detail()
        self._refresh_merged()
        if not (0 <= self._loop < len(self._loops)) or self._iteration < 0:
            self.position.setText("")
            self.prev_button.setEnabled(False)
            self.next_button.setEnabled(False)
            return
        loop = self._loops[self._loop]
        it = loop.iterations[self._iteration]
        loss = format_loss(it.loss) if it.loss is not None else "—"
        text = self.tr("iteration {n} of {total} · loss {loss}").format(
            n=self._iteration + 1, total=len(loop.iterations), loss=loss
        )
        if it.summarized:
            text += " · " + self.tr("summary only")
        self.position.setText(text)
        self.prev_button.setEnabled(self._iteration > 0)
        self.next_button.setEnabled(self._iteration < len(loop.iterations) - 1)

    def _refresh_banner(self) -> None:
        growth = [g for g in self._growth if g.loop == self._loop]
        if not growth:
            self.banner.hide()
            self.banner.setText("")
            return
        lines = [render_training(growth[0].reason(), self.language)]
        for extra in growth[1:]:
            name = extra.name or self.tr("a parameter")
            lines.append(
                self.tr("{name}.grad too, iterations {first}–{last}: {ledger}").format(
                    name=name, first=extra.first + 1, last=extra.last + 1, ledger=extra.reason().params["ledger"]
                )
            )
        self.banner.setText("\n".join(lines))
        self.banner.show()

    def _retranslate(self) -> None:
        self.prev_button.setToolTip(self.tr("Previous iteration"))
        self.next_button.setToolTip(self.tr("Next iteration"))
        self.slider.setToolTip(self.tr("Iteration: draws its own graph and replays its backward() call"))
        self.all_button.setText(self.tr("All iterations"))
        self.all_button.setToolTip(all_iterations_tip())
        self.empty.setText(
            self.tr("No training loop yet: a loop appears here when the same backward() line runs more than once.")
        )
        for i, loop in enumerate(self._loops):
            self.loop_box.setItemText(i, self._loop_title(loop))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            from ui.i18n import language_switcher

            self.language = language_switcher().language  # the banner's words follow the UI
            self._retranslate()
        super().changeEvent(event)

    def _on_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._style_banner()

    def _style_banner(self) -> None:
        t = self._theme
        self.banner.setStyleSheet(
            f"QLabel#trainingBanner {{ background: {t.warning_bg}; color: {t.text};"
            f" border: 1px solid {t.warning}; border-radius: 4px; }}"
        )
