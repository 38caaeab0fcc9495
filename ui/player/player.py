"""BackwardPlayer: step through a recorded backward() call and paint each state on the canvas.

Every frame is ``Replay.state(k)`` (gradviz/backward/replay.py) turned into canvas calls; the player keeps
what it last sent so a step only sends what changed. The canvas is a ui.protocols.PlaybackCanvas
(ui/graph's GraphView); the player also works with no canvas at all.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.backward.explain import annotate_snapshot, explain_error, render
from gradviz.backward.numbers import format_values
from gradviz.backward.replay import (
    InputBuffer,
    Ledger,
    LedgerEntry,
    Replay,
    ReplayState,
    find_freeing_call,
    format_grad,
    short_name,
    vjp_view,
)
from gradviz.backward.rules import node_rule
from gradviz.backward.training import detect_loops
from ui.player.calls import CallListModel
from ui.player.names import TensorNames
from ui.player.run_to import RunToMenu
from ui.player.schedule import SPEEDS, Speed, TickPlan, plan_for, speed_by_key
from ui.player.targets import GroupLookup, trace_nodes_for
from ui.player.widgets import CONTEXT, BufferChips, LedgerView, MemoryLane, VjpPanel
from ui.protocols import PlaybackCanvas

_UNSENT: Any = object()  # "never sent to the canvas", distinct from any (grad, text) pair


class BackwardPlayer(QWidget):
    call_selected = Signal(int)
    step_changed = Signal(int)
    apply_fix_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backwardPlayer")
        self._calls: list[dict[str, Any]] = []
        self._snapshot: dict[str, Any] | None = None
        self._nodes_by_id: dict[str, dict[str, Any]] | None = None  # snapshot nodes, built on first use
        self._replay: Replay | None = None
        self._call = -1
        self._step = 0
        self._canvas: PlaybackCanvas | None = None
        self._sent_states: dict[str, str] = {}
        self._sent_edges: dict[tuple[str, str, int], tuple[Any, str | None]] = {}  # edge -> (grad, text)
        self._sent_sums: dict[tuple[str, int], str] = {}  # (node, output_nr) -> "2.25 + 2.25 = 4.5"
        self._sum_texts: dict[tuple[str, int], tuple[InputBuffer, str]] = {}  # the buffer each text is of
        self._sent_alive: dict[tuple[str, str], bool] = {}
        self._fix: str | None = None
        self._vjp_cache: dict[str, dict[str, Any]] = {}
        self._events_by_node: dict[str, list[dict[str, Any]]] | None = None  # the selected call's, by node
        self._chip_keys: list[tuple[str, str]] | None = None  # the chips shown, to skip unchanged frames
        self._buffers_by_node: dict[str, list[tuple[str, str]]] | None = None  # the call's, by node
        self._earlier_ledger: list[str] = []
        self._observed_ledger: list[str] = []  # changes made between the previous call and this one
        self._session_ledger: list[LedgerEntry] | None = None  # every call's .grad changes, made once per set_calls
        self._iteration_numbers: dict[int, int] | None = None  # call index -> 1-based iteration of its loop
        self._source_lines: list[str] = []
        self._names = TensorNames()
        self._groups: GroupLookup | None = None
        self._selected_node: str | None = None  # the graph's selection, a "run to" target
        self._run_target: int | None = None  # playback stops at this step (run to a node)
        self._plan = TickPlan(500, 1)
        self._speed = speed_by_key("1")
        self.language = str(QSettings().value("appearance/language", "en"))
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        # While idle after a call is picked, its checkpoints are made ahead (a few ms a turn of the
        # event loop), so the first far seek is as fast as later ones.
        self._prepare = QTimer(self)
        self._prepare.setInterval(0)
        self._prepare.timeout.connect(self._prepare_seeks)
        self._build()
        self._set_speed(QSettings().value("player/speed", "1"))
        self._shortcuts()
        self._refresh_enabled()

    def tr(self, text: str, /, disambiguation: str | None = None, n: int = -1) -> str:
        """Qt's tr() under the player's fixed context (ui/i18n.py says why not the class name)."""
        return QCoreApplication.translate(CONTEXT, text, disambiguation, n)

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        """Transport bar with the call picker; the step's headline; slider and memory lane; then
        the VJP panel (with the error box above it) beside the ledger and the saved buffers."""
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 4, 6, 4)
        root.setSpacing(4)
        bar = QHBoxLayout()
        sp = QStyle.StandardPixmap
        self.start_button = self._tool(sp.SP_MediaSkipBackward, self.tr("To start (Home)"), lambda: self.seek(0))
        self.back_button = self._tool(sp.SP_MediaSeekBackward, self.tr("Step back (Left)"), self.step_back)
        self.play_button = self._tool(sp.SP_MediaPlay, self.tr("Play / pause (Space)"), self.toggle_play)
        self.forward_button = self._tool(sp.SP_MediaSeekForward, self.tr("Step forward (Right)"), self.step_forward)
        self.end_button = self._tool(
            sp.SP_MediaSkipForward, self.tr("To end (End)"), lambda: self.seek(len(self._replay or ()) - 1)
        )
        for b in (self.start_button, self.back_button, self.play_button, self.forward_button, self.end_button):
            bar.addWidget(b)
        # Jumps for long calls: over a folded group, to the next .grad written, to a chosen node.
        self.step_over_button = self._text_tool(self.step_over)
        self.next_grad_button = self._text_tool(self.next_accumulation)
        self.run_to_menu = RunToMenu(self)
        self.run_to_menu.node_chosen.connect(self.run_to_node)
        self.run_to_button = self._text_tool(None)
        self.run_to_button.setMenu(self.run_to_menu)
        self.run_to_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.run_to_menu.aboutToShow.connect(self._fill_run_to)
        for b in (self.step_over_button, self.next_grad_button, self.run_to_button):
            bar.addWidget(b)
        self.speed_box = QComboBox(self)
        for speed in SPEEDS:
            self.speed_box.addItem("", speed.multiplier if speed.multiplier is not None else speed.key)
        self.speed_box.currentIndexChanged.connect(lambda i: self._set_speed(SPEEDS[i].key, save=True))
        bar.addWidget(self.speed_box)
        bar.addStretch(1)
        # The call chooser has a row of its own above the transport: its titles need the width.
        calls_row = QHBoxLayout()
        self.calls_label = QLabel(self)
        calls_row.addWidget(self.calls_label)
        # The number box jumps straight to call #N (a loop's 20,000th); the list shows titles.
        self.call_number = QSpinBox(self)
        self.call_number.setObjectName("backwardCallNumber")
        self.call_number.setKeyboardTracking(False)  # typing "19999" picks once, not five times
        self.call_number.valueChanged.connect(self._on_call_number)
        calls_row.addWidget(self.call_number)
        self.call_model = CallListModel(lambda row: self._call_title(row, self._calls[row]), self)
        self.call_box = QComboBox(self)
        self.call_box.setObjectName("backwardCalls")
        self.call_box.setModel(self.call_model)
        popup = QListView(self.call_box)
        popup.setUniformItemSizes(True)  # the popup sizes 20,000 rows from one
        self.call_box.setView(popup)
        self.call_box.setMaxVisibleItems(20)
        self.call_box.setMinimumContentsLength(12)  # grows with the bar; the popup shows full titles
        self.call_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.call_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.call_box.currentIndexChanged.connect(self._on_row)
        calls_row.addWidget(self.call_box, 1)
        root.addLayout(calls_row)
        root.addLayout(bar)

        self.step_label = QLabel(self)
        self.step_label.setObjectName("playerStep")
        # Ignored width: a new text each frame must not re-layout the whole dock.
        self.step_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = self.step_label.font()
        font.setBold(True)
        self.step_label.setFont(font)
        root.addWidget(self.step_label)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self.seek)
        root.addWidget(self.slider)
        self.memory_lane = MemoryLane(self)
        root.addWidget(self.memory_lane)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_detail(split))
        split.addWidget(self._build_side(split))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        root.addWidget(split, 1)
        self._retranslate_bar()

    def _retranslate_bar(self) -> None:
        """The transport bar's texts and tooltips in the UI language (at start and on a switch)."""
        self.step_over_button.setText(self.tr("Step over"))
        self.next_grad_button.setText(self.tr("Next .grad"))
        self.step_over_button.setToolTip(
            self.tr(
                "Step over: run the folded group the running node is drawn in (or the next node) "
                "in one step (Shift+Right)"
            )
        )
        self.next_grad_button.setToolTip(
            self.tr("Jump to the next leaf accumulation: the next time AccumulateGrad writes a .grad (Ctrl+Right)")
        )
        self.run_to_button.setText(self.tr("Run to…"))
        self.run_to_button.setToolTip(
            self.tr("Pick a node (or the node selected in the graph): playback runs until it executes")
        )
        for i, speed in enumerate(SPEEDS):
            self.speed_box.setItemText(i, self._speed_text(speed))
            self.speed_box.setItemData(i, self._speed_tip(speed), Qt.ItemDataRole.ToolTipRole)
        self.speed_box.setToolTip(self.tr("Playback speed"))
        self.calls_label.setText(self.tr("Backward call:"))
        self.call_number.setToolTip(self.tr("Go to backward call number N"))
        self._show_call_count()
        self.call_box.setToolTip(self.tr("Which backward() call to replay (✗: it raised an error)"))

    def _show_call_count(self) -> None:
        """The number box: "#k / n", or "no backward call yet" (never "#1 / 0") before any call."""
        count = len(self._calls)
        box = self.call_number
        box.blockSignals(True)
        if count:
            box.setSpecialValueText("")
            box.setPrefix("#")
            box.setSuffix(f" / {count}")
            box.setRange(1, count)
        else:
            box.setPrefix("")
            box.setSuffix("")
            box.setRange(0, 0)  # the minimum shows the special text
            box.setSpecialValueText(self.tr("no backward call yet"))
        box.setEnabled(count > 0)
        box.blockSignals(False)

    def _on_call_number(self, number: int) -> None:
        if number >= 1:
            self._on_row(number - 1)

    def _speed_text(self, speed: Speed) -> str:
        if speed.seconds is not None:
            return self.tr("whole call in {n} s").format(n=f"{speed.seconds:g}")
        return f"{speed.multiplier:g}×"

    def _speed_tip(self, speed: Speed) -> str:
        if speed.seconds is not None:
            return self.tr("As fast as it takes to play the whole call in {n} s, however long it is").format(
                n=f"{speed.seconds:g}"
            )
        return self.tr("{n} steps a second").format(n=f"{speed.steps_per_second(0):g}")

    def _build_detail(self, parent: QWidget) -> QWidget:
        """Left: the error box (when the step raised) above the VJP panel, scrolling together."""
        scroll = QScrollArea(parent)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(200)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps instead
        body = QWidget(scroll)
        # as wide as the visible area whatever a line asks for: every label wraps (a zh title has no
        # spaces to wrap at and a long one widened the body past the right edge, cut off there)
        body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bv = QVBoxLayout(body)
        bv.setContentsMargins(0, 0, 0, 0)
        self.error_box = QFrame(body)
        self.error_box.setObjectName("playerError")
        ev = QVBoxLayout(self.error_box)
        self.error_label = QLabel(self.error_box)
        self.error_label.setWordWrap(True)
        self.explain_label = QLabel(self.error_box)
        self.explain_label.setWordWrap(True)
        self.fix_button = QPushButton(self.error_box)
        self.fix_button.clicked.connect(self._emit_fix)
        ev.addWidget(self.error_label)
        ev.addWidget(self.explain_label)
        ev.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.error_box.setStyleSheet("QFrame#playerError { border: 1px solid #cf222e; border-radius: 6px; }")
        self.error_box.hide()
        bv.addWidget(self.error_box)
        self.vjp_panel = VjpPanel(body)
        bv.addWidget(self.vjp_panel, 1)
        scroll.setWidget(body)
        return scroll

    def _build_side(self, parent: QWidget) -> QWidget:
        """Right: the .grad ledger over the saved-buffer chips (wrapping)."""
        side = QWidget(parent)
        side.setMinimumWidth(190)
        sv = QVBoxLayout(side)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.setSpacing(2)
        self.ledger_title = QLabel(self.tr(".grad ledger"), side)
        sv.addWidget(self.ledger_title)
        self.ledger_view = LedgerView(side)
        sv.addWidget(self.ledger_view, 3)
        self.chips_title = QLabel(self.tr("Saved buffers"), side)
        sv.addWidget(self.chips_title)
        chips_scroll = QScrollArea(side)
        chips_scroll.setWidgetResizable(True)
        chips_scroll.setFrameShape(QFrame.Shape.NoFrame)
        chips_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chips = BufferChips(chips_scroll)
        chips_scroll.setWidget(self.chips)
        sv.addWidget(chips_scroll, 2)
        return side

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_bar()
            self.ledger_title.setText(self.tr(".grad ledger"))
            self.chips_title.setText(self.tr("Saved buffers"))
            self.call_model.retitle()
        super().changeEvent(event)

    def _tool(self, icon: QStyle.StandardPixmap, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _text_tool(self, slot: Any) -> QToolButton:
        """A transport button labelled in words (drawn in the palette's text colour, so readable in
        both themes; its text is set by _retranslate_bar)."""
        button = QToolButton(self)
        if slot is not None:
            button.clicked.connect(slot)
        return button

    def _shortcuts(self) -> None:
        for key, slot in (
            (Qt.Key.Key_Space, self.toggle_play),
            (Qt.Key.Key_Left, self.step_back),
            (Qt.Key.Key_Right, self.step_forward),
            (Qt.Key.Key_Home, lambda: self.seek(0)),
            (Qt.Key.Key_End, lambda: self.seek(len(self._replay or ()) - 1)),
            (QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_Right), self.step_over),
            (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Right), self.next_accumulation),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- public API ------------------------------------------------------------------------
    def set_canvas(self, canvas: PlaybackCanvas | None) -> None:
        """The canvas each step is painted on (None: the player's own panels only)."""
        self._canvas = canvas
        self._forget_sent()
        if self._replay is not None:
            self._paint_badges()
            self._show(self._step, animate=False)

    def set_calls(self, calls: list[Any], snapshot: dict[str, Any] | None = None) -> None:
        """The script's backward calls (trace dicts or BackwardTrace) and the latest graph snapshot."""
        self.pause()
        self._calls = [c if isinstance(c, dict) else c.to_dict() for c in calls]
        self._snapshot = snapshot
        self._nodes_by_id = None
        self._names.set_snapshot(snapshot)
        self.call_box.blockSignals(True)
        self.call_model.set_count(len(self._calls))
        self.call_box.blockSignals(False)
        self._show_call_count()
        self._call = -1
        self._replay = None
        self._session_ledger = None
        self._iteration_numbers = None
        if self._calls:
            self.select_call(len(self._calls) - 1)
        else:
            self._refresh_enabled()
            self.vjp_panel.show_summary(
                self.tr("No backward() call yet."),
                [self.tr("Run a cell that calls .backward() to replay it here node by node.")],
            )
            self.step_label.setText(self.tr("No backward() call yet."))

    def select_call(self, index: int) -> None:
        if not 0 <= index < len(self._calls):
            raise IndexError(f"call {index} out of range 0..{len(self._calls) - 1}")
        self.pause()
        self._call = index
        if self._calls[index].get("summarized"):
            self._show_summarized(index)
            return
        self._replay = Replay(self._calls[index], self._snapshot, call_index=index)
        self._vjp_cache = {}
        self._events_by_node = None
        self._earlier_ledger = self._ledger_before(index)
        self._observed_ledger = self._ledger_observed(index)
        ticks = len(self._replay)
        self.slider.setTickInterval(max(1, ticks // 200))  # a tick per event, thinned past 200
        self._forget_sent()
        self._show_call_choice(index)
        self._chip_keys = None
        self._buffers_by_node = None
        self.memory_lane.set_lane(self._replay.memory_lane())
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(self._replay) - 1)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self._refresh_enabled()
        self._paint_badges()
        self._step = -1
        self.call_selected.emit(index)
        self.seek(0)
        self._prepare.start()

    PREPARE_STEPS = 512  # checkpoint-making steps per idle turn: a few ms

    def _prepare_seeks(self) -> None:
        if self._replay is None or self._replay.extend_checkpoints(self.PREPARE_STEPS):
            self._prepare.stop()

    EARLIER_LEDGER_ROWS = 200  # a loop's earlier calls: their latest .grad changes, and how many more

    def _ledger_before(self, index: int) -> list[str]:
        """The .grad changes of the calls before ``index``, as ledger rows: the session's ledger is
        built once (an external change is dated by the call that observed it, so the entries before
        ``index`` are those Ledger.from_traces(calls[:index]) gives), and a long loop shows its latest
        EARLIER_LEDGER_ROWS changes under a line counting the rest. Each row names the call (or the
        loop's iteration) it belongs to: a loop's earlier rows read like this call's otherwise."""
        if self._session_ledger is None:
            self._session_ledger = Ledger.from_traces(self._calls).entries
        entries = self._session_ledger
        count = bisect_left([e.call for e in entries], index)
        shown = entries[max(0, count - self.EARLIER_LEDGER_ROWS) : count]
        rows = [f"{self._call_mark(e.call)} · {self._ledger_text(e)}" for e in shown]
        if count > len(shown):
            rows.insert(0, self.tr("… {n} earlier changes to .grad").format(n=count - len(shown)))
        return rows

    def _ledger_observed(self, index: int) -> list[str]:
        """Rows for the .grad changes call ``index`` found when it started (``zero_grad()`` after
        the previous iteration): they belong to this call's part, before its first ``+=``."""
        entries = self._session_ledger or []
        first = bisect_left([e.call for e in entries], index)
        last = bisect_right([e.call for e in entries], index)
        return [self._ledger_text(e) for e in entries[first:last] if e.kind == "external"]

    def _call_mark(self, index: int) -> str:
        """How a ledger row names call ``index``: its iteration in a loop, else its number."""
        if self._iteration_numbers is None:
            self._iteration_numbers = {
                it.call_index: it.index + 1 for loop in detect_loops(self._calls) for it in loop.iterations
            }
        iteration = self._iteration_numbers.get(index)
        if iteration is not None:
            return self.tr("iteration {n}").format(n=iteration)
        return self.tr("call #{n}").format(n=index + 1)

    def _show_summarized(self, index: int) -> None:
        """A call of a long loop kept only as a summary: nothing to replay, say what is known."""
        call = self._calls[index]
        summary = call.get("summary") or {}
        self._replay = None
        self._vjp_cache = {}
        self._forget_sent()
        self._show_call_choice(index)
        self._chip_keys = None
        self.memory_lane.set_lane([])
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.blockSignals(False)
        self._refresh_enabled()
        self._step = -1
        lines = []
        values = summary.get("root_values") or []
        if len(values) == 1 and values[0] is not None:
            lines.append(self.tr("loss: {value}").format(value=values[0]))
        lines.append(self.tr("{count} nodes").format(count=summary.get("node_count", 0)))
        if summary.get("error"):
            lines.append(str(summary["error"]))
        lines.append(
            self.tr(
                "This call was kept as a summary to save memory: a long loop keeps every step of its "
                "first and last calls only. Pick one of those to replay it, or keep this one with "
                "Run > Record Call in Full."
            )
        )
        heading = self.tr("Call #{n}: kept as a summary").format(n=index + 1)
        self.vjp_panel.show_summary(heading, lines)
        self.step_label.setText(heading)
        self.call_selected.emit(index)

    def _show_call_choice(self, index: int) -> None:
        """The chooser (number and list) shows call ``index`` without picking it again."""
        for widget in (self.call_box, self.call_number):
            widget.blockSignals(True)
        self.call_box.setCurrentIndex(index)
        self.call_number.setValue(index + 1)
        for widget in (self.call_box, self.call_number):
            widget.blockSignals(False)

    def seek(self, step: int) -> None:
        if self._replay is None:
            return
        n = len(self._replay)
        step = max(0, min(step + n if step < 0 else step, n - 1))
        animate = step == self._step + 1
        if step == self._step:
            return
        self._step = step
        if self.slider.value() != step:
            self.slider.blockSignals(True)
            self.slider.setValue(step)
            self.slider.blockSignals(False)
        self._show(step, animate)
        self.step_changed.emit(step)

    def step_forward(self) -> None:
        self.seek(self._step + 1)

    def step_back(self) -> None:
        self.seek(max(0, self._step - 1))

    def play(self) -> None:
        if self._replay is None:
            return
        if self._step >= len(self._replay) - 1:
            self.seek(0)
        self._run_target = None
        self._start_timer()

    def _start_timer(self) -> None:
        assert self._replay is not None
        remaining = self._run_target - self._step if self._run_target is not None else None
        self._plan = plan_for(self._speed, len(self._replay), remaining)
        self._timer.start(self._plan.interval_ms)
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))

    def pause(self) -> None:
        self._timer.stop()
        self._run_target = None
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))

    # -- jumps for long calls ---------------------------------------------------------------
    def set_groups(self, groups: GroupLookup | None) -> None:
        """The canvas's folded groups (ui.player.targets.SceneGroups over the graph scene), which
        "step over" runs in one step; None: every node is its own group."""
        self._groups = groups

    def set_selected_node(self, node_id: str | None) -> None:
        """The node selected in the graph (any snapshot id, a folded group's too): "Run to…" offers it."""
        self._selected_node = node_id or None

    def run_target_step(self, node_id: str) -> int | None:
        """The step at which playback toward ``node_id`` stops: the next time a node it stands for
        starts (a tensor's grad_fn, a leaf's AccumulateGrad, a group's first member to run) after
        the current step, else the first time in the call; None if the call never runs it."""
        if self._replay is None:
            return None
        nodes = trace_nodes_for(node_id, self._replay.nodes, self._snapshot_nodes(), self._groups)
        starts = sorted(k for k in (self._replay.start_step(n) for n in nodes) if k is not None)
        if not starts:
            return None
        later = [k for k in starts if k > self._step]
        return later[0] if later else starts[0]

    def run_to_node(self, node_id: str) -> bool:
        """Play until ``node_id`` executes, then pause on the step where it starts. Played at the
        chosen speed, raised so the way there takes at most a few seconds. False (and a note in
        the step line) when this call never runs that node."""
        target = self.run_target_step(node_id)
        if target is None:
            self.pause()
            if self._replay is not None:
                self.step_label.setText(self.tr("This call never runs that node."))
            return False
        self.pause()
        if target < self._step:
            self.seek(0)
        if target == self._step:
            return True
        self._run_target = target
        self._start_timer()
        return True

    def step_over_target(self) -> int | None:
        """Where "step over" lands: the first step after the current one at which a node outside
        the unit starts, the unit being the folded group of the running node (or, between nodes,
        of the next node to run), or that node alone when it is not folded. None at the end."""
        replay = self._replay
        if replay is None:
            return None
        starts = replay.steps_of("node_started")
        state = replay.state(self._step)
        running = state.current_node if state.node_states.get(state.current_node or "") == "running" else None
        first = running
        if first is None:
            following = replay.next_step(self._step, "node_started")
            if following is None:
                return replay.last_step if self._step < replay.last_step else None
            first = str(replay.events[following]["node_id"])
        groups = self._groups
        group = groups.group_of(first) if groups is not None else None
        for k in starts[bisect_right(starts, self._step) :]:
            nid = str(replay.events[k]["node_id"])
            in_unit = nid == first or (group is not None and groups is not None and groups.group_of(nid) == group)
            if not in_unit:
                return k
        return replay.last_step if self._step < replay.last_step else None

    def step_over(self) -> None:
        """Run the folded group the running node is in (or the next node) in one step."""
        target = self.step_over_target()
        self.pause()
        if target is not None:
            self.seek(target)

    def next_accumulation(self) -> bool:
        """Jump to the next step at which AccumulateGrad writes a leaf's .grad; False when none is left."""
        if self._replay is None:
            return False
        target = self._replay.next_step(self._step, "grad_accumulated")
        self.pause()
        if target is None:
            return False
        self.seek(target)
        return True

    def _fill_run_to(self) -> None:
        """Fill the "Run to…" menu as it opens: the selected node first, then the call's nodes in run order."""
        replay = self._replay
        if replay is None:
            self.run_to_menu.set_choices(None, [])
            return
        selected = None
        if self._selected_node and self.run_target_step(self._selected_node) is not None:
            selected = (self._selected_node, self._selected_label(self._selected_node))
        order = replay.node_order
        self.run_to_menu.set_choices(selected, [(nid, self._order_label(nid)) for nid in order])

    def _selected_label(self, node_id: str) -> str:
        """The selected graph item as the menu names it: the learner's name, else its op."""
        node = self._snapshot_nodes().get(node_id) or {}
        if node.get("kind") == "tensor":
            return str(node.get("name") or str(node.get("label") or "").split("\n", 1)[0] or node_id)
        if node_id in (self._replay.nodes if self._replay is not None else {}):
            return self._order_label(node_id)
        return self.tr("the selected group")

    def toggle_play(self) -> None:
        self.pause() if self._timer.isActive() else self.play()

    def set_language(self, language: str) -> None:
        """ "en" or "zh_CN": re-renders explanations and badges."""
        self.language = language
        self._vjp_cache = {}  # rule lines are in the old language
        self._sum_texts.clear()  # "(300 grads)" too
        self.chips.retranslate()
        if self._replay is not None:
            self._paint_badges()
            self._show(self._step, animate=False)

    @property
    def seeks_prepared(self) -> bool:
        """True once the selected call's checkpoints are all made (seeks anywhere are then cheap)."""
        return not self._prepare.isActive()

    @property
    def is_playing(self) -> bool:
        return self._timer.isActive()

    @property
    def current_step(self) -> int:
        return self._step

    @property
    def current_call(self) -> int:
        return self._call

    @property
    def call_count(self) -> int:
        """How many backward calls the player holds (the call picker's length)."""
        return len(self._calls)

    def summarized_calls(self) -> list[bool]:
        """Per call: kept only as a summary (no steps to replay)."""
        return [bool(c.get("summarized")) for c in self._calls]

    @property
    def replay(self) -> Replay | None:
        return self._replay

    def buffer_states(self) -> dict[tuple[str, str], bool] | None:
        """Saved buffers of the selected call at the current step: (node id, attr) -> alive.
        None when no call is selected (the inspector then shows the snapshot's states)."""
        if self._replay is None or self._step < 0:
            return None
        return self._replay.state(self._step).buffers

    def grad_states(self) -> dict[str, tuple[str, dict[str, Any] | None]] | None:
        """Each leaf's ``.grad`` at the current step, for the leaves the selected call accumulates
        into: tensor id -> ("before", the value before this call's AccumulateGrad ran, None after
        ``zero_grad()``) or ("after", the value it left). None when no call is selected; a leaf the
        call does not touch is left out (its .grad does not change during the call)."""
        if self._replay is None or self._step < 0:
            return None
        out: dict[str, tuple[str, dict[str, Any] | None]] = {}
        for k, event in enumerate(self._replay.events):
            if event.get("type") != "grad_accumulated":
                continue
            tensor = str(event.get("tensor_id"))
            if k <= self._step:
                out[tensor] = ("after", event.get("after"))
            elif tensor not in out:
                out[tensor] = ("before", event.get("before"))
        return out

    @property
    def suggested_fix(self) -> str | None:
        return self._fix

    # -- painting a step -------------------------------------------------------------------
    def _show(self, step: int, animate: bool) -> None:
        assert self._replay is not None
        state = self._replay.state(step)
        self.memory_lane.set_step(step)
        self.step_label.setText(
            # one numbering everywhere (gradviz.backward.replay.step_position): 0 = the call starts
            self.tr("step {k}/{n}: {what}").format(
                k=self._replay.step_position(step)[0],
                n=self._replay.last_step,
                what=self._event_text(state.event),
            )
        )
        view = None if state.finished else self._vjp(state)
        if state.finished:
            # The call is over: no node is running any more; say what every leaf's .grad holds.
            self.vjp_panel.show_summary(self._event_text(state.event), self._finished_lines(state))
        elif view is None:
            self.vjp_panel.show_summary(self._event_text(state.event), self._order_lines(state))
        else:
            self.vjp_panel.show_view(view)
        self._show_ledger(state, animate)
        self._show_error(state)
        self._drive_canvas(state, animate)

    def _vjp(self, state: ReplayState) -> dict[str, Any] | None:
        """The current node's VJP as of this step: what it sent appears once it has finished."""
        node = state.current_node
        if node is None:
            return None
        view = self._vjp_cache.get(node)
        if view is None:
            view = vjp_view(self._node_trace(node), node)
            rule = node_rule(view, self._snapshot, self.language, self._snapshot_nodes())
            view["rule"] = rule.rule or view.get("rule")
            view["rule_lines"] = rule.lines
            view["display_name"] = self._order_label(node)
            self._vjp_cache[node] = view
        if node in state.grads_out:
            return view
        # Before the node finished: the rule with the arriving grad, without what it sends on.
        pending = {**view, "outputs": [], "accumulated": None}
        pending["rule_lines"] = node_rule(pending, self._snapshot, self.language, self._snapshot_nodes()).lines
        return pending

    def _node_trace(self, node: str) -> dict[str, Any]:
        """The call's trace cut to its CallStarted and ``node``'s own events: what vjp_view reads
        of it, without scanning a 2,710-event call once per node (events grouped in one pass)."""
        assert self._replay is not None
        if self._events_by_node is None:
            grouped: dict[str, list[dict[str, Any]]] = {}
            for event in self._replay.events[1:]:
                if event.get("node_id") is not None:
                    grouped.setdefault(str(event["node_id"]), []).append(event)
            self._events_by_node = grouped
        return {"events": [self._replay.events[0], *self._events_by_node.get(node, [])]}

    ORDER_HEAD = 12  # "order of this call": the first nodes, the last ones and the current one
    ORDER_TAIL = 4

    def _finished_lines(self, state: ReplayState) -> list[str]:
        """The end of the call: each leaf that received a grad and what its .grad holds now."""
        lines = [
            self.tr("finished: {tensor}.grad = {value}").format(
                tensor=self._tensor_label(tid), value=format_values(grad)
            )
            for tid, grad in state.leaf_grads.items()
            if grad is not None
        ]
        lines += [
            self.tr("finished: grad of {tensor} = {value}").format(
                tensor=self._tensor_label(tid), value=format_values(grad)
            )
            for tid, grad in state.captured.items()
            if grad is not None
        ]
        if state.ok is False:
            lines.insert(0, self.tr("The call stopped with an error; the ledger shows what it changed before."))
        elif not lines:
            lines.append(self.tr("The call is over; no leaf received a grad."))
        return lines + self._order_lines(state)

    def _order_lines(self, state: ReplayState) -> list[str]:
        """The call's nodes in the order the engine runs them, marked by what they did so far."""
        assert self._replay is not None
        marks = {"done": "✓", "running": "▶", "error": "✗"}
        order = self._replay.node_order
        shown = bounded_order(len(order), self.ORDER_HEAD, self.ORDER_TAIL, _index_of(order, state.current_node))
        names = [
            self.tr("… {n} more").format(n=item[1])
            if item[0] == "gap"
            else f"{marks.get(state.node_states.get(order[item[1]], ''), '·')} {self._order_label(order[item[1]])}"
            for item in shown
        ]
        lines = [self.tr("Order of this call: {nodes}").format(nodes="  →  ".join(names))] if names else []
        if state.event.get("type") == "call_started":
            lines.append(self.tr("Step forward to watch the root's grad flow back, one node at a time."))
        return lines

    def _show_ledger(self, state: ReplayState, animate: bool) -> None:
        """Earlier calls' rows (dimmed, each naming its call) above a heading for this call and
        its rows so far; the view opens on this call's part."""
        heading = None
        if self._earlier_ledger:
            heading = self.tr("This call ({mark}):").format(mark=self._call_mark(self._call))
        current = self._observed_ledger + [self._ledger_text(e) for e in state.ledger]
        self.ledger_view.set_entries(
            current,
            flash_last=animate and state.event.get("type") == "grad_accumulated",
            earlier=self._earlier_ledger,
            heading=heading,
        )

    MAX_CHIPS = 16

    def _show_chips(self, state: ReplayState) -> None:
        """All buffer chips for small graphs; for big ones the current node's and the latest freed."""
        assert self._replay is not None
        buffers = self._replay.buffers
        if len(buffers) <= self.MAX_CHIPS:
            keys = list(buffers)
        else:
            # Found through indexes, not by scanning a 900-buffer call every frame: the running
            # node's buffers, then the latest freed ones (the trace's buffer_freed steps, newest first).
            if self._buffers_by_node is None:
                self._buffers_by_node = {}
                for key in buffers:
                    self._buffers_by_node.setdefault(key[0], []).append(key)
            current = self._buffers_by_node.get(state.current_node or "", [])[: self.MAX_CHIPS]
            room = self.MAX_CHIPS - len(current)
            freed: list[tuple[str, str]] = []
            steps = self._replay.steps_of("buffer_freed")
            for k in reversed(steps[: bisect_right(steps, state.step)]):
                if len(freed) >= room:
                    break
                event = self._replay.events[k]
                key = (str(event["node_id"]), str(event["attr"]))
                if key in buffers and key not in current and key not in freed:
                    freed.append(key)
            keys = current + freed[::-1]
        if keys != self._chip_keys:
            self._chip_keys = keys
            self.chips.set_buffers({k: buffers[k] for k in keys}, self._node_label, state.buffers)

    def _show_error(self, state: ReplayState) -> None:
        self._show_chips(state)
        error = state.error
        self._fix = None
        pointed = None
        if error is None:
            self.error_box.hide()
            self.chips.set_alive(state.buffers)
            return
        error_node = error.get("node_id")
        where = self._node_label(error_node) if error_node else "?"
        self.error_label.setText(
            self.tr("{type} at {node}: {message}").format(
                type=error["error_type"], node=where, message=error["message"]
            )
        )
        reason = explain_error(error["error_type"], error["message"])
        lines = [render(reason, self.language)] if reason else []
        freeing = find_freeing_call(self._calls, self._call, error["node_id"]) if error.get("node_id") else None
        if freeing is not None:
            i, attrs = freeing
            pointed = (error["node_id"], attrs[0])
            for attr in attrs:
                self.chips.ensure_chip(
                    (error["node_id"], attr),
                    self.tr("{node}.{attr} (freed by call #{n})").format(node=where, attr=attr, n=i + 1),
                    f"{where}.{attr}",
                )
            lines.append(
                self.tr("Its saved buffers ({attrs}) were freed by call {n}.").format(
                    attrs=", ".join(attrs), n=self._call_title(i, self._calls[i])
                )
            )
            lines.append(self.tr("Fix: keep them alive with backward(retain_graph=True) in that earlier call."))
            earlier = self._calls[i]
            self._fix = json.dumps(
                {
                    "cell": earlier.get("cell"),
                    "line": earlier.get("line"),
                    "find": "backward()",
                    "replace": "backward(retain_graph=True)",
                    "code": "retain_graph=True",
                }
            )
        self.explain_label.setText("\n".join(lines))
        self.fix_button.setVisible(self._fix is not None)
        self.fix_button.setText(self.tr("Apply fix"))
        self.fix_button.setToolTip(self.tr("Write backward(retain_graph=True) into the earlier call, as one undo step"))
        self.error_box.show()
        self.chips.set_alive(state.buffers, pointed)
        if pointed is not None and pointed not in state.buffers and self._canvas is not None:
            self._canvas.set_buffer_freed(pointed[0], pointed[1], True)

    def _emit_fix(self) -> None:
        if self._fix is not None:
            self.apply_fix_requested.emit(self._fix)

    def _drive_canvas(self, state: ReplayState, animate: bool) -> None:
        canvas = self._canvas
        if canvas is None:
            return
        # Set differences of dict items run in C: a 1,000-node call costs microseconds per frame.
        changed = dict(state.node_states.items() - self._sent_states.items())
        if changed:
            canvas.set_node_states(changed)
            self._sent_states.update(changed)
        # Canvas edges run in the gradfn direction (next function -> consumer): reverse ours, one
        # per input slot. A grad dict is shared by every state that holds it, so identity says
        # "unchanged" and format_grad runs only for the edges whose grad is new.
        edges = state.edge_grads
        edge_texts: dict[tuple[str, str, int], str | None] = {}
        if len(self._sent_edges) > len(edges):
            for receiver, sender, slot in [e for e in self._sent_edges if (e[1], e[0], e[2]) not in edges]:
                edge_texts[(receiver, sender, slot)] = None
                del self._sent_edges[(receiver, sender, slot)]
        for (s, r, slot), grad in edges.items():
            sent = self._sent_edges.get((r, s, slot), _UNSENT)
            if sent is _UNSENT or sent[0] is not grad:
                text = format_grad(grad)
                if sent is _UNSENT or sent[1] != text:
                    edge_texts[(r, s, slot)] = text
                self._sent_edges[(r, s, slot)] = (grad, text)
        # A seek changes hundreds of edges: one batch where the canvas takes one (GraphView does;
        # it redraws its routes once), edge by edge otherwise.
        send_all = getattr(canvas, "set_edge_grads", None)
        if send_all is not None and len(edge_texts) > 1:
            send_all(edge_texts)
        else:
            for edge, edge_text in edge_texts.items():
                canvas.set_edge_grad(edge, edge_text)
        # A node whose input buffer received several grads shows them adding up (2.25 + 2.25 = 4.5).
        sums = {key: self._sum_text(key, b) for key, b in state.input_buffers.items() if len(b.contributions) > 1}
        for gone in [k for k in self._sent_sums if k not in sums]:
            canvas.set_input_sum(gone[0], gone[1], None)
            del self._sent_sums[gone]
        for where, text in sums.items():
            if self._sent_sums.get(where) != text:
                canvas.set_input_sum(where[0], where[1], text)
                self._sent_sums[where] = text
        for key, alive in state.buffers.items() - self._sent_alive.items():
            canvas.set_buffer_freed(key[0], key[1], not alive)
            self._sent_alive[key] = alive
        event = state.event
        if animate and event.get("type") == "node_finished":
            for position, g in enumerate(event.get("grads_out", [])):
                if g.get("target"):
                    slot = int(g.get("index", position))
                    canvas.animate_marker(g["target"], event["node_id"], self._interval_ms(), slot=slot)

    SUM_TERMS = 4  # an input buffer with more grads than this shows its first, its last and the count

    def _sum_text(self, key: tuple[str, int], buffer: InputBuffer) -> str:
        """``2.25 + 2.25 = 4.5``; a weight used 300 times reads ``a + … + z = total (300 grads)``
        instead of 300 terms. Buffers are immutable and shared between states, so the text is
        made once per new buffer, not once per frame."""
        made = self._sum_texts.get(key)
        if made is not None and made[0] is buffer:
            return made[1]
        grads = buffer.contributions
        if len(grads) <= self.SUM_TERMS:
            text = buffer.text()
        else:
            first, last = (format_grad(c.value) for c in (grads[0], grads[-1]))
            text = self.tr("{a} + … + {z} = {total} ({n} grads)").format(
                a=f"({first})" if first.startswith("-") else first,
                z=f"({last})" if last.startswith("-") else last,
                total=format_grad(buffer.total),
                n=len(grads),
            )
        self._sum_texts[key] = (buffer, text)
        return text

    def _paint_badges(self) -> None:
        canvas = self._canvas
        if canvas is None or self._snapshot is None:
            return
        snapshot = json.loads(json.dumps(self._snapshot))  # annotate a copy; the caller's stays as given
        annotate_snapshot(snapshot, self._calls)
        for node in snapshot.get("nodes", []):
            if node.get("kind") == "tensor" and node.get("grad_none_reason"):
                text = render(node["grad_none_reason"], self.language)
                canvas.set_badge(node["id"], text)

    def _forget_sent(self) -> None:
        self._sum_texts.clear()
        self._sent_states.clear()
        self._sent_edges.clear()
        self._sent_sums.clear()
        self._sent_alive.clear()

    # -- helpers ---------------------------------------------------------------------------
    def _tick(self) -> None:
        """One timer tick: ``stride`` steps on (the plan's), stopping at a "run to" target."""
        if self._replay is None:
            self.pause()
            return
        end = self._run_target if self._run_target is not None else len(self._replay) - 1
        if self._step >= end:
            self.pause()
            return
        self.seek(min(self._step + self._plan.stride, end))
        if self._step >= end:
            self.pause()

    def _interval_ms(self) -> int:
        """How long one step is on screen while playing (a grad marker slides that long)."""
        return self._plan.interval_ms

    @property
    def speed(self) -> Speed:
        return self._speed

    @property
    def tick_plan(self) -> TickPlan:
        """The plan playback uses now (or would use from the current step)."""
        return self._plan

    def _set_speed(self, speed: object, save: bool = False) -> None:
        """``speed``: a multiplier (4.0), a settings key ("call:5") or a Speed."""
        self._speed = speed if isinstance(speed, Speed) else speed_by_key(speed)
        row = SPEEDS.index(self._speed)
        if self.speed_box.currentIndex() != row:
            self.speed_box.blockSignals(True)
            self.speed_box.setCurrentIndex(row)
            self.speed_box.blockSignals(False)
        if self._replay is not None:
            remaining = self._run_target - self._step if self._run_target is not None else None
            self._plan = plan_for(self._speed, len(self._replay), remaining)
            if self._timer.isActive():
                self._timer.setInterval(self._plan.interval_ms)
        if save:
            # a multiplier as a number, which Preferences.animation_speed reads; "call:5" as text
            key = self._speed.multiplier if self._speed.multiplier is not None else self._speed.key
            QSettings().setValue("player/speed", key)

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(self._calls) and row != self._call:
            self.select_call(row)
        elif row == self._call:
            self._show_call_choice(row)  # the number box and the list agree again

    def _refresh_enabled(self) -> None:
        has = self._replay is not None
        for w in (
            self.start_button,
            self.back_button,
            self.play_button,
            self.forward_button,
            self.end_button,
            self.step_over_button,
            self.next_grad_button,
            self.run_to_button,
            self.slider,
        ):
            w.setEnabled(has)

    def set_source(self, text: str) -> None:
        """The editor's text, so each call is titled with its code ("#3 cell 7 · s.backward()")."""
        self._source_lines = text.splitlines()
        self.call_model.retitle()

    def _call_code(self, call: dict[str, Any]) -> str | None:
        span = call.get("source") or {}
        line, col, end_col = span.get("line"), span.get("col"), span.get("end_col")
        lines = self._source_lines
        if line is None or span.get("end_line") != line or not 0 < line <= len(lines):
            return None
        code = lines[line - 1][col:end_col].strip()
        return code if code.endswith(")") else None

    def _call_title(self, i: int, call: dict[str, Any]) -> str:
        events = call.get("events", [])
        kind = events[0].get("kind", "backward") if events else "backward"
        code = self._call_code(call) or f"{kind}()"
        mark = "✗" if any(e.get("type") == "error_raised" for e in events) else "✓"
        summary = call.get("summary")
        if call.get("summarized") and isinstance(summary, dict):
            mark = "✓" if summary.get("ok", True) else "✗"
            code += " · " + self.tr("summary")
        if call.get("cell") is None:
            return f"{mark} #{i + 1} · {code}"
        where = self.tr("cell {cell}").format(cell=call.get("cell"))
        title = f"{mark} #{i + 1} {where} · {code}"
        if call.get("stale_since") is not None:
            # made before an earlier cell ran again: its numbers may not be what the code says now
            title += " · " + self.tr("stale: ran before cell {cell} changed").format(cell=call["stale_since"])
        return title

    def _ledger_text(self, entry: LedgerEntry) -> str:
        label = self._tensor_label(entry.tensor_id, entry.call)
        if entry.kind == "external" and entry.after is None:
            # ``optimizer.zero_grad()`` (or ``p.grad = None``) between calls, seen by the next call
            return self.tr("{label}.grad: {before} → None (cleared, as zero_grad() does)").format(
                label=label, before=format_grad(entry.before)
            )
        return f"{label}.grad: {entry.text().replace(' -> ', ' → ')}"

    def _snapshot_nodes(self) -> dict[str, dict[str, Any]]:
        """The snapshot's nodes by id, built once per snapshot (labels and rules look them up)."""
        if self._nodes_by_id is None:
            self._nodes_by_id = {str(n.get("id")): n for n in (self._snapshot or {}).get("nodes", [])}
        return self._nodes_by_id

    def _order_label(self, node_id: str) -> str:
        """A node as the order line names it: its op and the tensor it made or feeds, by the
        learner's name (``MulBackward0 (z)``, ``AccumulateGrad (x)``), so two multiplies differ."""
        label = self._node_label(node_id)
        nodes = self._snapshot_nodes()
        node = nodes.get(node_id) or {}
        tensor_id = node.get("variable") or next(iter(node.get("outputs") or []), None)
        tensor = nodes.get(str(tensor_id), {}) if tensor_id else {}
        # an unnamed intermediate reads as its source text, the first line of its label (y * y)
        label_line = str(tensor.get("label") or "").split("\n", 1)[0]
        name = tensor.get("name") or (label_line if label_line and not label_line.startswith("(") else None)
        return f"{label} ({name})" if name else label

    def _node_label(self, node_id: str) -> str:
        info = self._replay.nodes.get(node_id) if self._replay is not None else None
        return short_name(info["name"]) if info else node_id

    def set_cell_graphs(self, graphs: Mapping[int, dict[str, Any]]) -> None:
        """The graph snapshot each cell left behind (cell index -> snapshot), so a tensor whose
        variable a later cell rebound is still shown by the name it had: ``x (cell 3)``."""
        self._names.set_cell_graphs(graphs)

    def _tensor_label(self, tensor_id: str, call: int | None = None) -> str:
        """A tensor as the learner knew it when ``call`` (default: the selected one) was made."""
        index = self._call if call is None else call
        cell = self._calls[index].get("cell") if 0 <= index < len(self._calls) else None
        return self._names.label(tensor_id, cell)

    def _event_text(self, event: dict[str, Any]) -> str:
        kind = event.get("type")
        node = self._node_label(event["node_id"]) if event.get("node_id") else ""
        if kind == "call_started":
            return self.tr("backward() starts; every node pending")
        if kind == "node_started":
            return self.tr("{node} runs").format(node=node)
        if kind == "node_finished":
            return self.tr("{node} sends its grads").format(node=node)
        if kind == "grad_accumulated":
            return self.tr("{tensor}.grad += {value}").format(
                tensor=self._tensor_label(event["tensor_id"]), value=format_grad(event.get("contribution"))
            )
        if kind == "buffer_freed":
            return self.tr("{node} frees {attr}").format(node=node, attr=event["attr"])
        if kind == "hook_called":
            return self.tr("{hook} hook on {node}").format(hook=event.get("hook"), node=node)
        if kind == "grad_captured":
            return self.tr("grad captured for {tensor}").format(tensor=self._tensor_label(event["tensor_id"]))
        if kind == "error_raised":
            return self.tr("{type} at {node}").format(type=event["error_type"], node=node)
        if kind == "call_finished":
            return self.tr("finished") if event.get("ok") else self.tr("failed")
        return str(kind)


def _index_of(order: list[str], node: str | None) -> int | None:
    if node is None:
        return None
    try:
        return order.index(node)
    except ValueError:
        return None


def bounded_order(count: int, head: int, tail: int, current: int | None) -> list[tuple[str, int]]:
    """Which of ``count`` nodes the order line names: the first ``head``, the last ``tail`` and
    ``current``, with ``("gap", n)`` for each run of ``n`` left out; ``("node", i)`` otherwise.
    A 900-node call reads as 17 names and two gaps instead of a wall of names."""
    keep = set(range(min(head, count))) | set(range(max(0, count - tail), count))
    if current is not None and 0 <= current < count:
        keep.add(current)
    out: list[tuple[str, int]] = []
    gap = 0
    for i in range(count):
        if i in keep:
            if gap:
                out.append(("gap", gap))
                gap = 0
            out.append(("node", i))
        else:
            gap += 1
    if gap:
        out.append(("gap", gap))
    return out
