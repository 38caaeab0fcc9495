"""The Export dialog labels every field: a buddy label (and the same accessible name) per input."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QFormLayout, QLabel

from ui.export.dialog import ExportDialog
from ui.i18n import language_switcher


def _inputs(dialog: ExportDialog) -> list:
    found = [w for kind in (QComboBox, QAbstractSpinBox, QAbstractButton) for w in dialog.findChildren(kind)]
    # the OK / Cancel buttons say what they are; the inputs are what the form lays out
    return [w for w in found if w.parentWidget() is dialog]


def _buddies(dialog: ExportDialog) -> dict:
    return {id(label.buddy()): label for label in dialog.findChildren(QLabel) if label.buddy() is not None}


def test_every_input_has_a_buddy_label_or_an_accessible_name(qtbot) -> None:
    dialog = ExportDialog(lambda: None, list)
    qtbot.addWidget(dialog)
    inputs = _inputs(dialog)
    assert len(inputs) == 8  # format, area, state, view, call, scale, transparent, largest frame side
    buddies = _buddies(dialog)
    for widget in inputs:
        label = buddies.get(id(widget))
        assert (label is not None and label.text().strip()) or widget.accessibleName(), widget
        assert widget.accessibleName(), widget
        assert dialog.form.labelForField(widget) is label
    texts = [buddies[id(w)].text() for w in inputs]
    assert "S&cale:" in texts and "&Transparent background:" in texts
    assert dialog.scale_box.text().endswith("×")


def test_labels_in_chinese(qtbot) -> None:
    switcher = language_switcher()
    before = switcher.language
    switcher.apply("zh_CN")
    try:
        dialog = ExportDialog(lambda: None, list)
        qtbot.addWidget(dialog)
        texts = [label.text() for label in dialog.labels.values()]
        assert all(t and not t.isascii() for t in texts), texts
        assert dialog.form.rowCount() == 9
        assert isinstance(dialog.form.itemAt(0, QFormLayout.ItemRole.LabelRole).widget(), QLabel)
    finally:
        switcher.apply(before)
