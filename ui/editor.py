"""The code editor: a QPlainTextEdit that knows about ``# %%`` cells.

It draws a gutter (run buttons on cell markers, error dots, line numbers), a band on each marker
line and a tint over the cell holding the cursor, underlines errors with a wave, and turns the
notebook keys (Ctrl+Enter, Shift+Enter, Ctrl+Shift+Enter) into signals. It never runs code
itself: the main window connects the signals to the runner.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPolygonF,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from ui.cellmap import CellRange, cell_at_line, split_cells
from ui.highlighter import PythonHighlighter
from ui.theme import Theme, current_theme

translate = QCoreApplication.translate

INDENT = "    "
_RUN_COLUMN = 16  # px reserved at the gutter's left for the cell run triangles
_MARK_COLUMN = 12  # px for the error dot


@dataclass
class ErrorMarker:
    """An error shown in the text. The cursor's selection moves with edits, so the marker follows."""

    cell: int | None
    cursor: QTextCursor
    message: str

    @property
    def line(self) -> int:
        return self.cursor.block().blockNumber() + 1 if not self.cursor.isNull() else 0


def editor_font() -> QFont:
    font = QFont("DejaVu Sans Mono")
    if not QFontDatabase.hasFamily("DejaVu Sans Mono"):
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(10.5)
    return font


class _Gutter(QWidget):
    """Line numbers, cell run buttons and error dots; all painting is done by the editor."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._editor.gutter_clicked(event.position().toPoint(), event.button())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._editor.gutter_tooltip(event)
            return True
        return super().event(event)


class CodeEditor(QPlainTextEdit):
    run_cell_requested = Signal(int)  # cell index
    run_cell_and_advance_requested = Signal(int)
    run_all_requested = Signal()
    cursor_line_changed = Signal(int)  # 1-based line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme: Theme = current_theme()
        self._cells: list[CellRange] = []
        self._markers: list[ErrorMarker] = []
        self._span_selection: QTextCursor | None = None
        self._last_line = 0
        self._current_cell_index: int | None = None
        self.setFont(editor_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.setCenterOnScroll(False)
        self._gutter = _Gutter(self)
        self._highlighter = PythonHighlighter(self.document(), self._theme)
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._on_update_request)
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        self.textChanged.connect(self._refresh_cells)
        self._update_gutter_width()
        self._refresh_cells()
        self._refresh_extra_selections()

    # ----- public API -------------------------------------------------------------------------
    @property
    def cells(self) -> list[CellRange]:
        return list(self._cells)

    def current_line(self) -> int:
        return self.textCursor().blockNumber() + 1

    def current_cell(self) -> CellRange | None:
        return cell_at_line(self._cells, self.current_line())

    def cell_by_index(self, index: int) -> CellRange | None:
        return next((c for c in self._cells if c.index == index), None)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._highlighter.set_theme(theme)
        self._refresh_extra_selections()
        self.viewport().update()
        self._gutter.update()

    def goto_line(self, line: int, col: int = 0) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            return
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(col, block.length() - 1)))
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus()

    def goto_cell(self, index: int) -> None:
        cell = self.cell_by_index(index)
        if cell is not None:
            self.goto_line(cell.first_line)

    def add_error_marker(self, line: int, col: int | None, message: str, cell: int | None = None) -> None:
        """Underline from ``col`` to the end of ``line`` (the whole code of the line without col)."""
        block = self.document().findBlockByNumber(line - 1)
        if not block.isValid():
            return
        text = block.text()
        start = len(text) - len(text.lstrip()) if col is None else min(max(col, 0), len(text))
        end = len(text.rstrip())
        if end <= start:  # error at end of line (e.g. unexpected EOF): mark the last character
            start, end = max(0, end - 1), max(end, 1)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + start)
        cursor.setPosition(block.position() + min(end, len(text)), QTextCursor.MoveMode.KeepAnchor)
        self._markers.append(ErrorMarker(cell, cursor, message))
        self._refresh_extra_selections()
        self._gutter.update()

    def clear_error_markers(self, cell: int | None = None) -> None:
        """Remove the markers of one cell, or all of them when ``cell`` is None."""
        self._markers = [m for m in self._markers if cell is not None and m.cell != cell]
        self._refresh_extra_selections()
        self._gutter.update()

    def error_markers(self) -> list[tuple[int, str]]:
        return [(m.line, m.message) for m in self._markers]

    def marker_at(self, line: int) -> ErrorMarker | None:
        return next((m for m in self._markers if m.line == line), None)

    def highlight_span(self, line: int, col: int | None, end_line: int, end_col: int | None) -> None:
        """Show where a graph node was created (clicking a node); scrolls it into view."""
        doc = self.document()
        first = doc.findBlockByNumber(line - 1)
        last = doc.findBlockByNumber(max(line, end_line) - 1)
        if not first.isValid():
            self.clear_span_highlight()
            return
        if not last.isValid():
            last = first
        cursor = QTextCursor(first)
        start = first.position() + (col or 0)
        stop = last.position() + (end_col if end_col is not None else last.length() - 1)
        if stop <= start:
            stop = last.position() + last.length() - 1
        cursor.setPosition(min(start, doc.characterCount() - 1))
        cursor.setPosition(min(stop, doc.characterCount() - 1), QTextCursor.MoveMode.KeepAnchor)
        self._span_selection = cursor
        self._refresh_extra_selections()
        plain = QTextCursor(first)
        self.blockSignals(True)  # moving the caret here must not echo back as a line selection
        self.setTextCursor(plain)
        self.blockSignals(False)
        self.centerCursor()
        self.viewport().update()

    def clear_span_highlight(self) -> None:
        self._span_selection = None
        self._refresh_extra_selections()

    # ----- cells ------------------------------------------------------------------------------
    def _refresh_cells(self) -> None:
        self._cells = split_cells(self.toPlainText())
        self._update_current_cell()
        self.viewport().update()
        self._gutter.update()

    def _update_current_cell(self) -> None:
        cell = self.current_cell()
        index = cell.index if cell else None
        if index != self._current_cell_index:
            self._current_cell_index = index
            self.viewport().update()

    def _on_cursor_moved(self) -> None:
        self._update_current_cell()
        self._refresh_extra_selections()
        line = self.current_line()
        if line != self._last_line:
            self._last_line = line
            self.cursor_line_changed.emit(line)

    # ----- extra selections (current line, errors, span) -----------------------------------
    def _refresh_extra_selections(self) -> None:
        selections = []
        if not self.isReadOnly():
            current = QTextEdit.ExtraSelection()
            current.format.setBackground(self._theme.color("current_line"))
            current.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            current.cursor = self.textCursor()
            current.cursor.clearSelection()
            selections.append(current)
        if self._span_selection is not None:
            span = QTextEdit.ExtraSelection()
            span.format.setBackground(self._theme.color("span_highlight"))
            span.cursor = self._span_selection
            selections.append(span)
        for marker in self._markers:
            wave = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(self._theme.color("error"))
            wave.format = fmt
            wave.cursor = marker.cursor
            selections.append(wave)
        self.setExtraSelections(selections)

    # ----- painting ---------------------------------------------------------------------------
    def gutter_width(self) -> int:
        digits = max(3, len(str(max(1, self.blockCount()))))
        return _RUN_COLUMN + _MARK_COLUMN + self.fontMetrics().horizontalAdvance("9") * digits + 10

    def _update_gutter_width(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_gutter_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def _visible_blocks(self) -> Iterator[tuple[QTextBlock, QRectF]]:
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        bottom_limit = self.viewport().rect().bottom()
        while block.isValid():
            geom = self.blockBoundingGeometry(block).translated(offset)
            if geom.top() > bottom_limit:
                break
            if block.isVisible():
                yield block, geom
            block = block.next()

    def _marker_lines(self) -> set[int]:
        return {c.marker_line for c in self._cells if c.marker_line is not None}

    def paintEvent(self, event: QPaintEvent) -> None:
        markers = self._marker_lines()
        current = self.current_cell()
        width = self.viewport().width()
        painter = QPainter(self.viewport())
        band = self._theme.color("cell_band")
        tint = self._theme.color("current_cell")
        for block, geom in self._visible_blocks():
            line = block.blockNumber() + 1
            rect = QRectF(0, geom.top(), width, geom.height())
            if line in markers:
                painter.fillRect(rect, band)
            elif current is not None and current.contains(line):
                painter.fillRect(rect, tint)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setPen(self._theme.color("cell_separator"))
        for block, geom in self._visible_blocks():
            if block.blockNumber() + 1 in markers:
                y = int(geom.top())
                painter.drawLine(0, y, width, y)
        if current is not None and current.marker_line is not None:
            # A accent bar at the left edge of the text marks the active cell, like notebook UIs.
            top = bottom = None
            for block, geom in self._visible_blocks():
                if current.contains(block.blockNumber() + 1):
                    top = geom.top() if top is None else top
                    bottom = geom.bottom()
            if top is not None and bottom is not None:
                painter.fillRect(QRectF(0, top, 3, bottom - top), self._theme.color("accent"))
        painter.end()

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), self._theme.color("gutter_bg"))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        markers = self._marker_lines()
        error_lines = {m.line for m in self._markers}
        current_line = self.current_line()
        fm = self.fontMetrics()
        width = self._gutter.width()
        for block, geom in self._visible_blocks():
            line = block.blockNumber() + 1
            top, height = geom.top(), geom.height()
            if line in markers:
                painter.fillRect(QRectF(0, top, width, height), self._theme.color("cell_band"))
                self._paint_run_triangle(painter, QRectF(3, top, _RUN_COLUMN - 4, height))
            if line in error_lines:
                d = min(8.0, height - 6)
                cx, cy = _RUN_COLUMN + _MARK_COLUMN / 2, top + height / 2
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(self._theme.color("error"))
                painter.drawEllipse(QRectF(cx - d / 2, cy - d / 2, d, d))
            color = "text" if line == current_line else "gutter_text"
            painter.setPen(self._theme.color(color))
            painter.setFont(self.font())
            painter.drawText(
                QRectF(0, top, width - 6, fm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                str(line),
            )
        painter.setPen(self._theme.color("border"))
        painter.drawLine(width - 1, event.rect().top(), width - 1, event.rect().bottom())
        painter.end()

    def _paint_run_triangle(self, painter: QPainter, rect: QRectF) -> None:
        size = min(rect.width(), rect.height()) * 0.7
        cx, cy = rect.center().x(), rect.center().y()
        tri = QPolygonF(
            [
                QPoint(int(cx - size / 3), int(cy - size / 2)),
                QPoint(int(cx - size / 3), int(cy + size / 2)),
                QPoint(int(cx + size * 0.55), int(cy)),
            ]
        )
        path = QPainterPath()
        path.addPolygon(tri)
        path.closeSubpath()
        painter.fillPath(path, self._theme.color("run_button"))

    def _line_at_y(self, y: int) -> int | None:
        for block, geom in self._visible_blocks():
            if geom.top() <= y <= geom.bottom():
                return block.blockNumber() + 1
        return None

    def gutter_clicked(self, pos: QPoint, button: Qt.MouseButton) -> None:
        line = self._line_at_y(pos.y())
        if line is None or button != Qt.MouseButton.LeftButton:
            return
        cell = next((c for c in self._cells if c.marker_line == line), None)
        if cell is not None and pos.x() <= _RUN_COLUMN + _MARK_COLUMN:
            self.run_cell_requested.emit(cell.index)
            return
        self.goto_line(line)

    def gutter_tooltip(self, event: QHelpEvent) -> None:
        pos = event.pos()
        line = self._line_at_y(pos.y())
        marker = self.marker_at(line) if line else None
        cell = next((c for c in self._cells if c.marker_line == line), None) if line else None
        if marker is not None:
            QToolTip.showText(event.globalPos(), marker.message, self._gutter)
        elif cell is not None and pos.x() <= _RUN_COLUMN + _MARK_COLUMN:
            QToolTip.showText(event.globalPos(), translate("CodeEditor", "Run cell (Ctrl+Enter)"), self._gutter)
        else:
            QToolTip.hideText()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            cursor = self.cursorForPosition(event.pos())  # type: ignore[attr-defined]
            line = cursor.blockNumber() + 1
            marker = self.marker_at(line)
            if marker is not None:
                QToolTip.showText(event.globalPos(), marker.message, self.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # ----- keys -------------------------------------------------------------------------------
    @staticmethod
    def _is_enter(event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def event(self, event: QEvent) -> bool:
        # Claim the notebook shortcuts so window-level actions with the same keys do not steal them
        # while the editor has focus (the editor then runs the cell under its caret).
        if event.type() == QEvent.Type.ShortcutOverride and self._is_enter(event):  # type: ignore[arg-type]
            mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # type: ignore[attr-defined]
            if mods:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if self._is_enter(event) and (ctrl or shift):
            if ctrl and shift:
                self.run_all_requested.emit()
            else:
                cell = self.current_cell()
                if cell is not None:
                    (self.run_cell_requested if ctrl else self.run_cell_and_advance_requested).emit(cell.index)
            return
        if event.key() == Qt.Key.Key_Tab and not mods:
            self._indent()
            return
        if event.key() == Qt.Key.Key_Backtab:
            self._dedent()
            return
        if self._is_enter(event) and not mods:
            self._newline_with_indent()
            return
        if event.key() == Qt.Key.Key_Backspace and not mods and self._backspace_indent():
            return
        super().keyPressEvent(event)

    def advance_to_next_cell(self, index: int) -> None:
        """After Shift+Enter: caret to the next cell's body, appending a new cell at the end."""
        following = self.cell_by_index(index + 1)
        if following is None:
            cursor = self.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            text = self.toPlainText()
            cursor.insertText(("" if text.endswith("\n") or not text else "\n") + "# %%\n")
            self.setTextCursor(cursor)
            return
        self.goto_line(following.first_line)

    def _selected_blocks(self) -> tuple[int, int]:
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        end_block = doc.findBlock(cursor.selectionEnd())
        last = end_block.blockNumber()
        if cursor.hasSelection() and cursor.selectionEnd() == end_block.position() and last > first:
            last -= 1
        return first, last

    def _indent(self) -> None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            column = cursor.positionInBlock()
            cursor.insertText(" " * (4 - column % 4))
            return
        first, last = self._selected_blocks()
        cursor.beginEditBlock()
        for number in range(first, last + 1):
            block_cursor = QTextCursor(self.document().findBlockByNumber(number))
            block_cursor.insertText(INDENT)
        cursor.endEditBlock()

    def _dedent(self) -> None:
        first, last = self._selected_blocks()
        cursor = self.textCursor()
        cursor.beginEditBlock()
        for number in range(first, last + 1):
            block = self.document().findBlockByNumber(number)
            text = block.text()
            remove = len(text) - len(text.lstrip(" "))
            remove = min(remove, 4)
            if remove:
                block_cursor = QTextCursor(block)
                block_cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, remove)
                block_cursor.removeSelectedText()
        cursor.endEditBlock()

    def _newline_with_indent(self) -> None:
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        indent = before[: len(before) - len(before.lstrip())]
        code = before.split("#", 1)[0].rstrip() if "#" in before else before.rstrip()
        if code.endswith(":"):
            indent += INDENT
        elif code.split() and code.split()[0] in ("return", "pass", "break", "continue", "raise"):
            indent = indent[:-4] if indent.endswith(INDENT) else indent
        cursor.beginEditBlock()
        cursor.insertText("\n" + indent)
        cursor.endEditBlock()
        self.ensureCursorVisible()

    def _backspace_indent(self) -> bool:
        """Backspace in leading spaces removes back to the previous multiple of four."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        column = cursor.positionInBlock()
        before = cursor.block().text()[:column]
        if column == 0 or before.strip() or not before.endswith(" "):
            return False
        remove = column % 4 or 4
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, remove)
        cursor.removeSelectedText()
        return True

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._update_gutter_width()
        super().changeEvent(event)
