"""The backward-call chooser's model: one row per call, titled only when a row is shown.

A training loop can leave 20,000 calls. Adding them to a QComboBox item by item made 20,000 items
(and 20,000 titles, each scanning its call's events) before the player could show anything; this
model only says how many rows there are, and the chooser's view asks for the few titles it draws
(cached, dropped when the language or the source text changes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

__all__ = ["CallListModel"]

_Index = QModelIndex | QPersistentModelIndex


class CallListModel(QAbstractListModel):
    def __init__(self, title: Callable[[int], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._title = title  # row -> the call's title, in the UI language
        self._count = 0
        self._titles: dict[int, str] = {}

    def set_count(self, count: int) -> None:
        """A new list of calls: ``count`` rows, no title made yet."""
        self.beginResetModel()
        self._count = count
        self._titles.clear()
        self.endResetModel()

    def retitle(self) -> None:
        """The titles changed (language, source text): drop the cached ones, redraw the shown rows."""
        self._titles.clear()
        if self._count:
            self.dataChanged.emit(self.index(0), self.index(self._count - 1))

    def title(self, row: int) -> str:
        text = self._titles.get(row)
        if text is None:
            text = self._titles[row] = self._title(row)
        return text

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's signature)
        return 0 if parent.isValid() else self._count

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole):
            return self.title(index.row())
        return None
