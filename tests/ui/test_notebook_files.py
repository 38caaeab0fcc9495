"""The app on notebooks it must not trust: a malformed .ipynb gives a message naming the file and
the problem (and keeps the current document); a notebook whose markdown, raw cells and metadata
try to become code opens and runs with only its code cells' code."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from tests.test_notebook_input import BREAKS, MALFORMED, PAYLOAD, _hostile_notebook
from ui.app import prepare_look
from ui.cellmap import split_cells
from ui.main_window import MainWindow, worker_limits
from ui.runner import RunController
from ui.settings import Preferences, RunnerLimits

RUN_TIMEOUT_MS = 60_000


@pytest.fixture
def window(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)  # autosaves go to a test location, never the user's
    prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    prepare_look(prefs, theme="light", language="en")
    win = MainWindow(prefs, runner=RunController(worker_limits(RunnerLimits(time_s=20.0))), autosave=False)
    win.show()
    yield win
    win.editor.document().setModified(False)  # closing must not prompt
    win.close()
    win.runner.shutdown()
    win.deleteLater()


def test_malformed_notebooks_give_a_message_and_keep_the_document(window, tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    window.documents.load_text("# %%\nkept = 1\n", None)
    for case in sorted(MALFORMED):
        text, problem = MALFORMED[case]
        path = tmp_path / f"{case}.ipynb"
        path.write_text(text, encoding="utf-8")
        assert not window.documents.open_file(path)
        assert path.name in shown[-1] and problem in shown[-1], shown[-1]
    assert len(shown) == len(MALFORMED)
    assert window.editor.toPlainText() == "# %%\nkept = 1\n"


def test_only_code_cells_become_code_in_the_editor_and_run(qtbot, window, tmp_path):
    path = tmp_path / "hostile.ipynb"
    # Without the code cell whose comment holds U+2028: Qt's editor turns that character into a
    # line break, so that cell's comment would end early in the app (a code cell, not this test's).
    path.write_text(_hostile_notebook(separator_in_code=False), encoding="utf-8")
    assert window.documents.open_file(path)
    text = window.editor.toPlainText()
    code = [cell for cell in split_cells(text) if cell.is_code]
    assert [cell.source.strip() for cell in code] == ["x = 1"] * len(BREAKS) + ["done = True"]
    for cell in code:
        assert PAYLOAD not in cell.source
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.actions_.run_all.trigger()
    results = [window.output.result_for(cell.index) for cell in code]
    assert all(r is not None and r.error is None and r.stdout == "" for r in results)
    # Titles may show the payload's text; nothing printed it.
    assert "PWNED" not in [line.strip() for line in window.output.toPlainText().splitlines()]
