"""The window inserts a why-None fix exactly where gradviz.backward.fixes places it, as one undo step."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QPlainTextEdit

from gradviz.backward.fixes import apply_insertion, fix_insertion
from ui.window_actions import insert_fix

SCRIPT = (
    "import torch\nx = torch.ones(2, requires_grad=True)\nfor i in range(2):\n    y = x * i\n"
    "    loss = y.sum()\nw = torch.ones(2)\n"
)


def _editor(qtbot, text: str) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    return editor


def test_the_window_applies_the_fix_as_the_core_places_it(qtbot) -> None:
    for code, name, line in (("y.retain_grad()", "y", 4), ("w.requires_grad_()", "w", 6)):
        editor = _editor(qtbot, SCRIPT)
        insertion = fix_insertion(SCRIPT, code, name, line)
        assert insertion is not None
        inserted = insert_fix(editor, json.dumps({"code": code, "name": name, "after_line": line}))
        assert inserted == insertion.before_line
        assert editor.toPlainText() == apply_insertion(SCRIPT, insertion)
        editor.undo()
        assert editor.toPlainText() == SCRIPT


def test_a_script_edited_since_gets_no_insertion(qtbot) -> None:
    editor = _editor(qtbot, "def f(x):\n    y = x * 2\n    return y\n")
    assert insert_fix(editor, json.dumps({"code": "y.retain_grad()", "name": "y", "after_line": 2})) is None
    assert insert_fix(editor, "not json") is None
    assert editor.toPlainText() == "def f(x):\n    y = x * 2\n    return y\n"
