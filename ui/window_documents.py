"""Documents in the main window: new, open, save, save as, unsaved-changes prompts, crash
recovery from autosaves, the recent-files and examples menus.

A mixin of MainWindow (ui/main_window.py), which owns the widgets named below.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from ui import files
from ui.editor import CodeEditor
from ui.output import OutputPanel
from ui.settings import Preferences
from ui.window_actions import WindowActions

translate = QCoreApplication.translate


class WindowDocuments:
    """The text in the editor as a file on disk (or an example opened as an untitled copy)."""

    editor: CodeEditor
    output: OutputPanel
    prefs: Preferences
    actions_: WindowActions
    status_label: QLabel
    autosaver: Any  # files.Autosaver | None
    document_path: Path | None
    _display_name: str
    _calls_by_cell: dict[int, list[dict[str, Any]]]
    _graphs_by_cell: dict[int, dict[str, Any]]
    set_snapshot: Callable[[dict[str, Any] | None], None]  # MainWindow's
    _publish_backward_calls: Callable[[], None]  # WindowRunning's

    def load_text(self, text: str, path: Path | None, display_name: str | None = None, dirty: bool = False) -> None:
        self.editor.setPlainText(text)
        self.editor.document().setModified(dirty)
        self.document_path = path
        self._display_name = display_name or (path.name if path else translate("MainWindow", "Untitled"))
        self.output.clear_all()
        self.editor.clear_error_markers()
        self.set_snapshot(None)
        self._calls_by_cell.clear()
        self._graphs_by_cell.clear()
        self._publish_backward_calls()
        first = next((c for c in self.editor.cells if c.is_code), None)
        if first is not None:
            self.editor.goto_line(first.first_line)
        self._update_title()

    def new_document(self) -> None:
        if self.maybe_save():
            self.load_text("# %%\n", None)

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        start = str(self.document_path.parent) if self.document_path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("MainWindow", "Open"),
            start,
            translate("MainWindow", "Python scripts and notebooks (*.py *.ipynb)"),
        )
        return self.open_file(path) if path else False

    def open_file(self, path: str | Path, ask_first: bool = False) -> bool:
        """Open ``path``; on failure show the reason and keep the current document."""
        if ask_first and not self.maybe_save():
            return False
        file = Path(path)
        try:
            text = files.read_document(file)
        except files.DocumentError as exc:
            self.show_error(translate("MainWindow", "Could not open the file"), str(exc))
            return False
        if files.is_example(file):
            label = translate("MainWindow", "{name} (example)").format(name=file.name)
            self.load_text(text, None, label)
        else:
            self.load_text(text, file.resolve())
            self._refresh_recent_menu(self.prefs.add_recent_file(str(file.resolve())))
        return True

    def save(self) -> bool:
        if self.document_path is None:
            return self.save_as()
        return self._write(self.document_path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            start = str(self.document_path or Path.home() / "untitled.py")
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                translate("MainWindow", "Save As"),
                start,
                translate("MainWindow", "Python script (*.py);;Jupyter notebook (*.ipynb)"),
            )
            if not chosen:
                return False
            path = chosen
        file = Path(path)
        if file.suffix.lower() not in files.SUPPORTED_SUFFIXES:
            file = file.with_suffix(".py")
        if not self._write(file):
            return False
        self.document_path = file.resolve()
        self._display_name = file.name
        self._refresh_recent_menu(self.prefs.add_recent_file(str(self.document_path)))
        self._update_title()
        return True

    def _write(self, file: Path) -> bool:
        try:
            files.write_document(file, self.editor.toPlainText())
        except files.DocumentError as exc:
            self.show_error(translate("MainWindow", "Could not save the file"), str(exc))
            return False
        self.editor.document().setModified(False)
        if self.autosaver is not None:
            self.autosaver.discard()
        self.status_label.setText(translate("MainWindow", "Saved {name}").format(name=file.name))
        return True

    def maybe_save(self) -> bool:
        """True when it is safe to drop the current text (saved, discarded or unchanged)."""
        if not self.editor.document().isModified():
            return True
        answer = QMessageBox.warning(
            self,
            translate("MainWindow", "Unsaved changes"),
            translate("MainWindow", "{name} has changes that are not saved. Save them?").format(
                name=self._display_name
            ),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def show_error(self, title: str, message: str) -> None:
        self.status_label.setText(message)
        QMessageBox.critical(self, title, message)

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest autosave left behind. True if it was restored."""
        recoveries = files.find_recoveries()
        if not recoveries:
            return False
        newest = recoveries[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(newest.saved_at))
        answer = QMessageBox.question(
            self,
            translate("MainWindow", "Restore unsaved work?"),
            translate(
                "MainWindow", "gradviz closed unexpectedly. Unsaved work from {time} was kept. Restore it?"
            ).format(time=when),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        for recovery in recoveries:
            recovery.file.unlink(missing_ok=True)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        path = Path(newest.original_path) if newest.original_path else None
        self.load_text(newest.text, path, dirty=True)
        return True

    def _autosave_state(self) -> tuple[bool, str | None, str]:
        path = str(self.document_path) if self.document_path else None
        return self.editor.document().isModified(), path, self.editor.toPlainText()

    def _on_modified(self, modified: bool) -> None:
        self.setWindowModified(modified)
        if modified and self.autosaver is not None:
            self.autosaver.start()

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self._display_name}[*] — gradviz")
        self.setWindowModified(self.editor.document().isModified())

    def _refresh_recent_menu(self, recent: list[str] | None = None) -> None:
        menu = self.actions_.recent_menu
        menu.clear()
        recent = self.prefs.recent_files if recent is None else recent
        for path in recent:
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p, ask_first=True))
        if recent:
            menu.addSeparator()
        menu.addAction(self.actions_.clear_recent)
        menu.setEnabled(True)
        self.actions_.clear_recent.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        self.prefs.clear_recent_files()
        self._refresh_recent_menu([])

    def _refresh_examples_menu(self) -> None:
        menu = self.actions_.examples_menu
        menu.clear()
        for path in files.example_files():
            action = menu.addAction(path.name)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p, ask_first=True))
        menu.setEnabled(bool(menu.actions()))

    def open_seed(self) -> bool:
        seed = files.seed_path()
        if seed.is_file():
            return self.open_file(seed)
        self.load_text("# %%\nimport torch as t\n", None)
        return False
