"""Application start-up: QApplication, preferences, theme and language, then the window.

Kept lean on purpose (see benchmarks/startup.py): the worker process and its numpy imports start
in the background after the window is on screen.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.i18n import language_switcher
from ui.settings import Preferences
from ui.theme import theme_manager

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.runner import RunController

translate = QCoreApplication.translate


def ensure_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setOrganizationName("gradviz")
    QCoreApplication.setApplicationName("gradviz")
    QGuiApplication.setDesktopFileName("gradviz")
    app = QApplication(["gradviz", *(argv or [])])
    if app.platformName() == "offscreen":
        install_offscreen_message_filter()
    return app


# What Qt's offscreen platform says about every window it shows: true of any offscreen window and
# no news to someone running `gradviz screenshot` or `gradviz export`.
OFFSCREEN_NOISE = frozenset({"This plugin does not support propagateSizeHints()"})


def install_offscreen_message_filter() -> None:
    """Leave out the offscreen platform's standing remarks; every other Qt message is printed as
    Qt prints it (or passed to the handler installed before)."""
    previous: Any = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message in OFFSCREEN_NOISE:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")

    previous = qInstallMessageHandler(handler)


def prepare_look(prefs: Preferences, theme: str | None = None, language: str | None = None) -> None:
    """Install language and theme before any widget exists, so the first paint is already right."""
    language_switcher().apply(language or prefs.language)
    manager = theme_manager()
    manager.apply(theme or prefs.theme)
    manager.follow_system_changes()


def build_window(
    prefs: Preferences, file: str | None, autosave: bool = True, runner: RunController | None = None
) -> tuple[MainWindow, str | None]:
    """The window with ``file`` (or the seed notebook) loaded; returns (window, error message)."""
    from ui.main_window import MainWindow

    window = MainWindow(prefs, runner=runner, autosave=autosave)
    window.inspector.language = language_switcher().language
    documents = window.documents
    error = None
    if file:
        from ui import files

        try:
            text = files.read_document(file)
        except files.DocumentError as exc:
            error = str(exc)
            documents.open_seed()
        else:
            path = Path(file).resolve()
            documents.load_text(text, path)
            documents.remember_recent(path)
    else:
        documents.open_seed()
    return window, error


def run_app(file: str | None = None) -> int:
    app = ensure_application()
    prefs = Preferences()
    prepare_look(prefs)
    window, error = build_window(prefs, file)
    window.restore_layout()
    window.show()
    from ui.extensions import install_later

    install_later(window)  # canvas, player, export: after the first paint
    window.start_background_work()
    if error:
        print(f"gradviz: {error}", file=sys.stderr)
        QTimer.singleShot(
            0, lambda: QMessageBox.critical(window, translate("MainWindow", "Could not open the file"), error)
        )
    else:
        QTimer.singleShot(0, window.documents.offer_recovery)
    return app.exec()
