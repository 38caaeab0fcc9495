"""Help -> Tour of the window: a few steps, each pointing at one part of the window (editor, graph,
player, inspector) with a frame around it and a bubble beside it that says what it is for.

The tour is a pair of overlay widgets on the main window, not a dialog: the window stays visible
under it, the learner can see what each step points at, and Escape or Done ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

__all__ = ["TourStep", "WindowTour"]

translate = QCoreApplication.translate


@dataclass(frozen=True)
class TourStep:
    key: str  # "editor" | "graph" | "player" | "inspector"
    target: Callable[[], QWidget | None]  # the widget pointed at (None: the step is skipped)


def step_texts(key: str) -> tuple[str, str]:
    """(title, text) of a step, in the current language."""
    texts = {
        "editor": (
            translate("Tour", "1. Write PyTorch code"),
            translate(
                "Tour",
                "Type PyTorch-style code here. '# %%' lines split it into cells; Ctrl+Enter runs "
                "the cell under the caret, and the output appears below.",
            ),
        ),
        "graph": (
            translate("Tour", "2. See the autograd graph"),
            translate(
                "Tour",
                "Every tensor and backward function your code made. Click a node to inspect it; "
                "Legend explains the colours and outlines; Fit shows the whole graph.",
            ),
        ),
        "player": (
            translate("Tour", "3. Play backward() step by step"),
            translate(
                "Tour",
                "Step through a backward() call: the running node is outlined in red, the numbers on "
                "the edges are the gradients flowing, and the view follows the running node.",
            ),
        ),
        "inspector": (
            translate("Tour", "4. Inspect a node"),
            translate(
                "Tour",
                "Everything about the selected (or running) node: shape, values, grad, saved "
                "buffers, and why a .grad is None.",
            ),
        ),
    }
    return texts[key]


class _Frame(QWidget):
    """A coloured outline around the widget a step points at; mouse events pass through."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(self.palette().ColorRole.Highlight), 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 6, 6)
        painter.end()


class _Bubble(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tourBubble")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setMaximumWidth(360)
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.count = QLabel(self)
        self.back = QPushButton(self)
        self.next = QPushButton(self)
        self.close_button = QPushButton(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(QPen(QColor(self.palette().color(self.palette().ColorRole.Highlight)), 2))
        painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
        painter.end()


class WindowTour(QWidget):
    """The tour over ``window``: :meth:`start`, then Next/Back; ``finished`` when it ends."""

    finished = Signal()

    def __init__(self, window: QWidget, steps: list[TourStep]) -> None:
        super().__init__(window)
        self._window = window
        self._steps = steps
        self._index = -1
        self.frame = _Frame(window)
        self.bubble = _Bubble(window)
        self.bubble.back.clicked.connect(self.back)
        self.bubble.next.clicked.connect(self.next)
        self.bubble.close_button.clicked.connect(self.stop)
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self._escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self._escape.setEnabled(False)
        self._escape.activated.connect(self.stop)
        self.hide()  # only a holder: the frame and the bubble are what shows
        window.installEventFilter(self)

    @property
    def index(self) -> int:
        """The step shown (0-based), -1 when the tour is not running."""
        return self._index

    @property
    def step_count(self) -> int:
        return len(self._steps)

    def current_target(self) -> QWidget | None:
        return self._steps[self._index].target() if 0 <= self._index < len(self._steps) else None

    def start(self) -> None:
        self._show(0)

    def next(self) -> None:
        if self._index + 1 >= len(self._steps):
            self.stop()
        else:
            self._show(self._index + 1)

    def back(self) -> None:
        if self._index > 0:
            self._show(self._index - 1)

    def stop(self) -> None:
        self._index = -1
        self._escape.setEnabled(False)
        self.frame.hide()
        self.bubble.hide()
        self.finished.emit()

    def _show(self, index: int) -> None:
        self._index = index
        step = self._steps[index]
        target = step.target()
        if target is None or not target.isVisible():
            # a part that is not there (a closed dock): skip it in the direction we were going
            if index + 1 < len(self._steps):
                self._show(index + 1)
            else:
                self.stop()
            return
        title, text = step_texts(step.key)
        b = self.bubble
        b.title.setText(title)
        b.text.setText(text)
        b.count.setText(f"{index + 1}/{len(self._steps)}")
        b.back.setText(translate("Tour", "Back"))
        b.back.setEnabled(index > 0)
        last = index == len(self._steps) - 1
        b.next.setText(translate("Tour", "Done") if last else translate("Tour", "Next"))
        b.close_button.setText(translate("Tour", "Close"))
        b.next.setDefault(True)
        self._place(target)
        self._escape.setEnabled(True)
        self.frame.show()
        self.frame.raise_()
        b.show()
        b.raise_()
        b.next.setFocus()

    def _place(self, target: QWidget) -> None:
        top_left = target.mapTo(self._window, QPoint(0, 0))
        rect = QRect(top_left, target.size())
        self.frame.setGeometry(rect.adjusted(-3, -3, 3, 3))
        b = self.bubble
        b.adjustSize()
        area = self._window.rect()
        # beside the target where there is room (right, left, below, else inside its top-left)
        x = rect.right() + 12
        if x + b.width() > area.right():
            x = rect.left() - b.width() - 12
        if x < area.left():
            x = rect.left() + 16
        y = max(area.top() + 8, min(rect.top() + 16, area.bottom() - b.height() - 8))
        b.move(x, y)

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        if watched is self._window and self._index >= 0:
            if event.type() == QEvent.Type.Resize:
                target = self.current_target()
                if target is not None:
                    self._place(target)
            elif event.type() == QEvent.Type.LanguageChange:
                self._show(self._index)
        return False
