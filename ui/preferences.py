"""The Preferences dialog: theme, language, runner limits, animation speed.

The dialog only edits a copy of the values; the window applies them on OK (so Cancel is free) and
writes them to QSettings through ui.settings.Preferences.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import LANGUAGE_NAMES
from ui.settings import RunnerLimits

translate = QCoreApplication.translate


@dataclass(frozen=True)
class PreferenceValues:
    theme: str
    language: str
    limits: RunnerLimits
    animation_speed: float


class PreferencesDialog(QDialog):
    def __init__(self, values: PreferenceValues, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("PreferencesDialog", "Preferences"))
        self.setMinimumWidth(420)

        self.theme = QComboBox()
        for key, label in (
            ("system", translate("PreferencesDialog", "Follow system")),
            ("light", translate("PreferencesDialog", "Light")),
            ("dark", translate("PreferencesDialog", "Dark")),
        ):
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(values.theme)))

        self.language = QComboBox()
        for key, label in LANGUAGE_NAMES.items():
            self.language.addItem(label, key)
        self.language.setCurrentIndex(max(0, self.language.findData(values.language)))

        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(0.5, 600.0)
        self.time_limit.setDecimals(1)
        self.time_limit.setSingleStep(1.0)
        self.time_limit.setSuffix(" s")
        self.time_limit.setValue(values.limits.time_s)

        self.max_elements = QSpinBox()
        self.max_elements.setRange(1, 2_000_000_000)
        self.max_elements.setGroupSeparatorShown(True)
        self.max_elements.setSingleStep(1_000_000)
        self.max_elements.setValue(values.limits.max_elements)

        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.125, 8.0)
        self.speed.setDecimals(2)
        self.speed.setSingleStep(0.25)
        self.speed.setSuffix("×")
        self.speed.setValue(values.animation_speed)

        appearance = QGroupBox(translate("PreferencesDialog", "Appearance"))
        form = QFormLayout(appearance)
        form.addRow(translate("PreferencesDialog", "Theme"), self.theme)
        form.addRow(translate("PreferencesDialog", "Language"), self.language)

        runner = QGroupBox(translate("PreferencesDialog", "Code runner"))
        form = QFormLayout(runner)
        form.addRow(translate("PreferencesDialog", "Time limit per cell"), self.time_limit)
        form.addRow(translate("PreferencesDialog", "Max elements per tensor"), self.max_elements)

        player = QGroupBox(translate("PreferencesDialog", "Backward animation"))
        form = QFormLayout(player)
        form.addRow(translate("PreferencesDialog", "Speed"), self.speed)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(appearance)
        layout.addWidget(runner)
        layout.addWidget(player)
        layout.addWidget(buttons)

    def values(self) -> PreferenceValues:
        return PreferenceValues(
            theme=str(self.theme.currentData()),
            language=str(self.language.currentData()),
            limits=RunnerLimits(time_s=self.time_limit.value(), max_elements=self.max_elements.value()),
            animation_speed=self.speed.value(),
        )
