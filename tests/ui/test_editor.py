"""The cell-aware code editor, driven with real key events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from ui.editor import CodeEditor
from ui.theme import LIGHT

TEXT = "# %% first\na = 1\nb = a + 1\n# %% second\nprint(b)\n"


@pytest.fixture
def editor(qtbot):
    widget = CodeEditor()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.setPlainText(TEXT)
    widget.show()
    return widget


def caret_to(editor: CodeEditor, line: int, col: int = 0) -> None:
    block = editor.document().findBlockByNumber(line - 1)
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + col)
    editor.setTextCursor(cursor)


def type_text(widget, text: str) -> None:
    """QTest.keyClicks cannot type a newline (Qt asserts); press Return for each one."""
    for n, chunk in enumerate(text.split("\n")):
        if n:
            QTest.keyClick(widget, Qt.Key.Key_Return)
        if chunk:
            QTest.keyClicks(widget, chunk)


def test_cells_are_tracked_live(editor):
    assert [(c.index, c.first_line, c.title) for c in editor.cells] == [(0, 2, "first"), (1, 5, "second")]
    caret_to(editor, 5)
    type_text(editor, "x\n# %% third\ny")
    assert [c.title for c in editor.cells] == ["first", "second", "third"]
    assert editor.current_cell().index == 2


def test_ctrl_enter_runs_the_cell_under_the_caret_and_does_not_edit(editor, qtbot):
    caret_to(editor, 3, 4)
    with qtbot.waitSignal(editor.run_cell_requested) as blocker:
        QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [0]
    assert editor.toPlainText() == TEXT


def test_shift_enter_runs_and_advances_creating_a_cell_at_the_end(editor, qtbot):
    caret_to(editor, 2)
    with qtbot.waitSignal(editor.run_cell_and_advance_requested) as blocker:
        QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == [0]
    editor.advance_to_next_cell(0)
    assert editor.current_line() == 5
    editor.advance_to_next_cell(1)  # past the last cell: a new empty cell is appended
    assert len(editor.cells) == 3 and editor.current_cell().index == 2


def test_ctrl_shift_enter_runs_all(editor, qtbot):
    with qtbot.waitSignal(editor.run_all_requested):
        QTest.keyClick(
            editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )


def test_tab_inserts_four_spaces_and_enter_keeps_indent(editor):
    editor.setPlainText("")
    QTest.keyClicks(editor, "for i in range(3):")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "print(i)")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "pass")
    assert editor.toPlainText() == "for i in range(3):\n    print(i)\n    pass"
    editor.setPlainText("")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    QTest.keyClicks(editor, "x")
    assert editor.toPlainText() == "    x"
    QTest.keyClick(editor, Qt.Key.Key_Backtab)
    assert editor.toPlainText() == "x"


def test_backspace_in_indentation_removes_a_whole_level(editor):
    editor.setPlainText("")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    QTest.keyClick(editor, Qt.Key.Key_Backspace)
    assert editor.toPlainText() == "    "


def test_error_marker_underlines_the_line_and_explains_itself(editor):
    editor.add_error_marker(3, 4, "NameError: name 'a' is not defined", cell=0)
    assert editor.error_markers() == [(3, "NameError: name 'a' is not defined")]
    waves = [s for s in editor.extraSelections() if s.format.underlineStyle() == s.format.UnderlineStyle.WaveUnderline]
    assert len(waves) == 1
    assert waves[0].cursor.selectedText() == "a + 1"
    # The marker follows its line when text is inserted above it.
    caret_to(editor, 1)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert editor.error_markers()[0][0] == 4
    editor.clear_error_markers(cell=1)  # another cell's markers stay
    assert len(editor.error_markers()) == 1
    editor.clear_error_markers(cell=0)
    assert editor.error_markers() == []


def test_clicking_a_run_triangle_in_the_gutter_runs_that_cell(editor, qtbot):
    block = editor.document().findBlockByNumber(3)  # "# %% second"
    y = int(editor.blockBoundingGeometry(block).translated(editor.contentOffset()).center().y())
    with qtbot.waitSignal(editor.run_cell_requested) as blocker:
        QTest.mouseClick(editor._gutter, Qt.MouseButton.LeftButton, pos=QPoint(6, y))
    assert blocker.args == [1]


def test_highlighter_colours_keywords_strings_and_markers(editor):
    editor.setPlainText('# %% cell\ndef f(x):\n    return "s" + 1  # note\n')
    editor.set_theme(LIGHT)

    def color_at(line: int, col: int) -> str:
        block = editor.document().findBlockByNumber(line - 1)
        for fmt_range in block.layout().formats():
            if fmt_range.start <= col < fmt_range.start + fmt_range.length:
                return fmt_range.format.foreground().color().name()
        return ""

    assert color_at(1, 2) == LIGHT.syn_cell_marker
    assert color_at(2, 0) == LIGHT.syn_keyword  # def
    assert color_at(2, 4) == LIGHT.syn_definition  # f
    assert color_at(3, 11) == LIGHT.syn_string  # "s"
    assert color_at(3, 17) == LIGHT.syn_number  # 1
    assert color_at(3, 20) == LIGHT.syn_comment


def test_triple_quoted_strings_span_lines(editor):
    editor.setPlainText('s = """one\ntwo\nthree"""\nx = 1\n')
    editor.set_theme(LIGHT)
    second = editor.document().findBlockByNumber(1)
    fourth = editor.document().findBlockByNumber(3)
    assert second.userState() == 2
    assert [f.format.foreground().color().name() for f in second.layout().formats()] == [LIGHT.syn_string]
    assert fourth.userState() == 0


def test_span_highlight_moves_the_caret_without_echoing_a_line_change(editor, qtbot):
    seen = []
    editor.cursor_line_changed.connect(seen.append)
    editor.highlight_span(3, 4, 3, 9)
    assert editor.current_line() == 3
    assert seen == []
