"""The main window's document: new, open, save, save as, unsaved-changes prompts, crash recovery
from autosaves, the recent-files and examples menus.

MainWindow (ui/main_window.py) owns one :class:`DocumentController` as ``window.documents``. It
talks back through signals: ``document_replaced`` (the results of the old text are stale) and
``status_message`` (a line for the status bar).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from ui import files
from ui.editor import CodeEditor
from ui.settings import Preferences
from ui.window_actions import WindowActions

translate = QCoreApplication.translate


class DocumentController(QObject):
    """The text in the editor as a file on disk (or an example opened as an untitled copy)."""

    document_replaced = Signal()  # the editor holds another document: output and graphs are stale
    status_message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        editor: CodeEditor,
        prefs: Preferences,
        actions: WindowActions,
        autosave: bool = True,
    ) -> None:
        super().__init__(window)
        self._window = window  # parent of the dialogs; shows the document's name in its title
        self._editor = editor
        self._prefs = prefs
        self._actions = actions
        self._path: Path | None = None
        # Text read from a file on disk that may run only after the learner confirms it (where the
        # worker is not contained by the operating system). Typed text and the shipped examples
        # and seed always run.
        self._untrusted = False
        self._display_name = translate("MainWindow", "Untitled")
        self.autosaver = files.Autosaver(self._autosave_state, parent=self) if autosave else None
        editor.document().modificationChanged.connect(self._on_modified)
        actions.clear_recent.triggered.connect(self.clear_recent)
        self.refresh_recent_menu()
        self.refresh_examples_menu()
        self._update_title()

    @property
    def path(self) -> Path | None:
        """The file the text is saved to; None for new text and for examples (opened as copies)."""
        return self._path

    @property
    def display_name(self) -> str:
        return self._display_name

    def load_text(self, text: str, path: Path | None, display_name: str | None = None, dirty: bool = False) -> None:
        self._editor.setPlainText(text)
        self._editor.document().setModified(dirty)
        self._path = path
        self._untrusted = False  # open_file marks text read from disk after loading it
        self._display_name = display_name or (path.name if path else translate("MainWindow", "Untitled"))
        self.document_replaced.emit()
        first = next((c for c in self._editor.cells if c.is_code), None)
        if first is not None:
            self._editor.goto_line(first.first_line)
        self._update_title()

    def new_document(self) -> None:
        if self.maybe_save():
            self.load_text("# %%\n", None)

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        start = str(self._path.parent) if self._path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self._window,
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
            self.remember_recent(file.resolve())
            self._untrusted = file.resolve() != files.seed_path().resolve()
        return True

    @property
    def needs_confirmation(self) -> bool:
        """True while the text came from a file on disk and the learner has not agreed to run it."""
        return self._untrusted

    def confirm_run(self, contained: bool) -> bool:
        """Before running: a file opened from disk runs in an uncontained worker only after the
        learner says yes (once per opened file). ``ask`` is the question; tests replace it."""
        if contained or not self._untrusted:
            return True
        if self.ask(
            translate("MainWindow", "Run {name}?").format(name=self.display_name),
            translate(
                "MainWindow",
                "Run {name}? Its code can reach your files: this computer cannot contain the code "
                "gradviz runs, so only run files you trust.",
            ).format(name=self.display_name),
        ):
            self._untrusted = False
            return True
        self.status_message.emit(
            translate("MainWindow", "Not run: {name} was not confirmed").format(name=self.display_name)
        )
        return False

    def ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self._window,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_seed(self) -> bool:
        """The seed notebook (the app's first document); an empty cell if it is missing."""
        seed = files.seed_path()
        if seed.is_file():
            return self.open_file(seed)
        self.load_text("# %%\nimport torch as t\n", None)
        return False

    def save(self) -> bool:
        if self._path is None:
            return self.save_as()
        return self._write(self._path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            start = str(self._path or Path.home() / "untitled.py")
            chosen, _ = QFileDialog.getSaveFileName(
                self._window,
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
        self._path = file.resolve()
        self._display_name = file.name
        self.remember_recent(self._path)
        self._update_title()
        return True

    def _write(self, file: Path) -> bool:
        try:
            files.write_document(file, self._editor.toPlainText())
        except files.DocumentError as exc:
            self.show_error(translate("MainWindow", "Could not save the file"), str(exc))
            return False
        self._editor.document().setModified(False)
        if self.autosaver is not None:
            self.autosaver.discard()
        self.status_message.emit(translate("MainWindow", "Saved {name}").format(name=file.name))
        return True

    def maybe_save(self) -> bool:
        """True when it is safe to drop the current text (saved, discarded or unchanged)."""
        if not self._editor.document().isModified():
            return True
        answer = QMessageBox.warning(
            self._window,
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
        self.status_message.emit(message)
        QMessageBox.critical(self._window, title, message)

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest autosave left behind. True if it was restored."""
        recoveries = files.find_recoveries()
        if not recoveries:
            return False
        newest = recoveries[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(newest.saved_at))
        answer = QMessageBox.question(
            self._window,
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

    def stop_autosave(self) -> None:
        """The window closes with the text saved or knowingly discarded: no autosave is left behind."""
        if self.autosaver is not None:
            self.autosaver.stop()
            self.autosaver.discard()

    def _autosave_state(self) -> tuple[bool, str | None, str]:
        path = str(self._path) if self._path else None
        return self._editor.document().isModified(), path, self._editor.toPlainText()

    def _on_modified(self, modified: bool) -> None:
        self._window.setWindowModified(modified)
        if modified and self.autosaver is not None:
            self.autosaver.start()

    def _update_title(self) -> None:
        self._window.setWindowTitle(f"{self._display_name}[*] — gradviz")
        self._window.setWindowModified(self._editor.document().isModified())

    # ----- menus -------------------------------------------------------------------------------
    def remember_recent(self, path: Path) -> None:
        """Put ``path`` first in File -> Open Recent (and in the stored preferences)."""
        self.refresh_recent_menu(self._prefs.add_recent_file(str(path)))

    def refresh_recent_menu(self, recent: list[str] | None = None) -> None:
        menu = self._actions.recent_menu
        menu.clear()
        recent = self._prefs.recent_files if recent is None else recent
        for path in recent:
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p, ask_first=True))
        if recent:
            menu.addSeparator()
        menu.addAction(self._actions.clear_recent)
        menu.setEnabled(True)
        self._actions.clear_recent.setEnabled(bool(recent))

    def clear_recent(self) -> None:
        self._prefs.clear_recent_files()
        self.refresh_recent_menu([])

    def refresh_examples_menu(self) -> None:
        menu = self._actions.examples_menu
        menu.clear()
        for path in files.example_files():
            action = menu.addAction(path.name)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p, ask_first=True))
        menu.setEnabled(bool(menu.actions()))
