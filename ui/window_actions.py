"""The window's actions, menus and toolbar, with all their texts in one retranslatable place."""

from __future__ import annotations

import json
from importlib.resources import files

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QPlainTextEdit, QToolBar

from gradviz.resources import resource_path
from ui.i18n import LANGUAGE_NAMES

translate = QCoreApplication.translate

ICONS = files("ui") / "resources" / "icons"


def icon(name: str) -> QIcon:
    """The toolbar's and window's SVG icons (ui/resources/icons/NAME.svg); an empty icon if missing."""
    svg = ICONS / f"{name}.svg"
    return QIcon(str(resource_path(svg))) if svg.is_file() else QIcon()


class WindowActions(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window

        def make(
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            icon_name: str | None = None,
            checkable: bool = False,
        ) -> QAction:
            action = QAction(window)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            if icon_name:
                action.setIcon(icon(icon_name))
            action.setCheckable(checkable)
            window.addAction(action)  # shortcuts work even when the menu bar is hidden
            return action

        self.new = make(QKeySequence.StandardKey.New)
        self.open = make(QKeySequence.StandardKey.Open, "open")
        self.save = make(QKeySequence.StandardKey.Save, "save")
        self.save_as = make(QKeySequence.StandardKey.SaveAs)
        self.clear_recent = make()
        self.quit = make(QKeySequence.StandardKey.Quit)
        self.preferences = make(QKeySequence.StandardKey.Preferences)

        self.run_cell = make("Ctrl+Return", "run")
        self.run_advance = make("Shift+Return")
        self.run_all = make("Ctrl+Shift+Return", "run-all")
        self.cancel = make("Esc", "stop")
        self.cancel.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.restart = make(None, "restart")
        self.record_call = make()  # enabled while the player shows a call kept only as a summary
        self.record_call.setEnabled(False)

        self.theme_group = QActionGroup(window)
        self.theme_actions = {key: make(checkable=True) for key in ("system", "light", "dark")}
        for key, action in self.theme_actions.items():
            action.setData(key)
            self.theme_group.addAction(action)
        self.language_group = QActionGroup(window)
        self.language_actions = {key: make(checkable=True) for key in LANGUAGE_NAMES}
        for key, action in self.language_actions.items():
            action.setData(key)
            action.setText(LANGUAGE_NAMES[key])  # a language's own name is never translated
            self.language_group.addAction(action)
        self.tour = make()
        self.about = make()

        bar = window.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.new)
        self.file_menu.addAction(self.open)
        self.recent_menu = QMenu(window)
        self.file_menu.addMenu(self.recent_menu)
        self.examples_menu = QMenu(window)
        self.file_menu.addMenu(self.examples_menu)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.save)
        self.file_menu.addAction(self.save_as)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit)

        self.edit_menu = bar.addMenu("")
        self.edit_menu.addAction(self.preferences)

        self.run_menu = bar.addMenu("")
        for action in (self.run_cell, self.run_advance, self.run_all):
            self.run_menu.addAction(action)
        self.run_menu.addSeparator()
        self.run_menu.addAction(self.cancel)
        self.run_menu.addAction(self.restart)
        self.run_menu.addSeparator()
        self.run_menu.addAction(self.record_call)

        self.view_menu = bar.addMenu("")
        self.theme_menu = self.view_menu.addMenu("")
        for action in self.theme_actions.values():
            self.theme_menu.addAction(action)
        self.language_menu = self.view_menu.addMenu("")
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self.view_menu.addSeparator()
        self.panels_anchor = self.view_menu.addSeparator()

        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.tour)
        self.help_menu.addAction(self.about)

        self.toolbar = QToolBar(window)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.open, self.save):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (self.run_cell, self.run_all, self.cancel, self.restart):
            self.toolbar.addAction(action)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.retranslate()

    def retranslate(self) -> None:
        self.file_menu.setTitle(translate("MainWindow", "&File"))
        self.edit_menu.setTitle(translate("MainWindow", "&Edit"))
        self.run_menu.setTitle(translate("MainWindow", "&Run"))
        self.view_menu.setTitle(translate("MainWindow", "&View"))
        self.help_menu.setTitle(translate("MainWindow", "&Help"))
        self.recent_menu.setTitle(translate("MainWindow", "Open &Recent"))
        self.examples_menu.setTitle(translate("MainWindow", "&Examples"))
        self.theme_menu.setTitle(translate("MainWindow", "&Theme"))
        self.language_menu.setTitle(translate("MainWindow", "&Language"))
        self.new.setText(translate("MainWindow", "&New"))
        self.open.setText(translate("MainWindow", "&Open…"))
        self.save.setText(translate("MainWindow", "&Save"))
        self.save_as.setText(translate("MainWindow", "Save &As…"))
        self.clear_recent.setText(translate("MainWindow", "Clear Recent Files"))
        self.quit.setText(translate("MainWindow", "&Quit"))
        self.preferences.setText(translate("MainWindow", "&Preferences…"))
        self.run_cell.setText(translate("MainWindow", "Run Cell"))
        self.run_advance.setText(translate("MainWindow", "Run Cell and Advance"))
        self.run_all.setText(translate("MainWindow", "Run All"))
        self.cancel.setText(translate("MainWindow", "Cancel"))
        self.restart.setText(translate("MainWindow", "Restart Session"))
        self.record_call.setText(translate("MainWindow", "Record Call in Full"))
        self.theme_actions["system"].setText(translate("MainWindow", "Follow System"))
        self.theme_actions["light"].setText(translate("MainWindow", "Light"))
        self.theme_actions["dark"].setText(translate("MainWindow", "Dark"))
        self.tour.setText(translate("MainWindow", "&Tour of the Window"))
        self.about.setText(translate("MainWindow", "&About gradviz"))
        self.run_cell.setToolTip(translate("MainWindow", "Run the cell under the cursor (Ctrl+Enter)"))
        self.run_all.setToolTip(translate("MainWindow", "Run every cell from the top (Ctrl+Shift+Enter)"))
        self.cancel.setToolTip(translate("MainWindow", "Stop the running code (Esc)"))
        self.restart.setToolTip(translate("MainWindow", "Start a fresh session: all variables are forgotten"))
        self.record_call.setToolTip(
            translate(
                "MainWindow",
                "Run the script again from the same random seeds, keeping the selected backward call in full",
            )
        )


def apply_text_fix(editor: QPlainTextEdit, fix: str) -> int | None:
    """Replace ``find`` by ``replace`` on ``line`` of the editor (JSON from the player's fix
    button) with one cursor edit, so one undo takes it back. Returns the line, or None when the
    fix is malformed or the line no longer holds ``find`` (the learner edited it since)."""
    try:
        data = json.loads(fix)
        line, find, replace = int(data["line"]), str(data["find"]), str(data["replace"])
    except (ValueError, KeyError, TypeError):
        return None
    block = editor.document().findBlockByNumber(line - 1)
    at = block.text().find(find) if block.isValid() else -1
    if at < 0:
        return None
    cursor = editor.textCursor()
    cursor.setPosition(block.position() + at)
    cursor.setPosition(block.position() + at + len(find), cursor.MoveMode.KeepAnchor)
    cursor.insertText(replace)
    editor.setTextCursor(cursor)
    return line


def insert_fix(editor: QPlainTextEdit, fix: str) -> int | None:
    """Insert a why-None fix ({"code", "name", "after_line"}, JSON from the inspector) right below
    the statement that made the tensor, where gradviz.backward.fixes places it, as one undo step.
    Returns the new line's number, or None when the fix is malformed or the script (edited since)
    has no certain place for it."""
    from gradviz.backward.fixes import fix_insertion

    try:
        data = json.loads(fix)
        code, name, after = str(data["code"]), str(data["name"]), int(data["after_line"])
    except (ValueError, KeyError, TypeError):
        return None
    insertion = fix_insertion(editor.toPlainText(), code, name, after)
    if insertion is None:
        return None
    document = editor.document()
    cursor = editor.textCursor()
    block = document.findBlockByNumber(insertion.before_line - 1)
    if block.isValid():
        cursor.setPosition(block.position())
        cursor.insertText(insertion.text + "\n")
    else:  # below the last line
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText("\n" + insertion.text)
    editor.setTextCursor(cursor)
    return insertion.before_line
