"""Run-time language switching: gradviz's own .qm catalogue plus Qt's for standard dialogs.

Strings are marked with ``translate(CONTEXT, text)`` (``translate = QCoreApplication.translate``)
rather than ``self.tr``: PySide's ``tr`` uses the Python class name as context, which silently
breaks for subclasses, while an explicit context is stable and pyside6-lupdate extracts it.

The catalogue covers the whole front end (window, canvas, player, export). To update it after
adding strings, run from the repository root and translate the new (unfinished) entries:

    .venv/bin/pyside6-lupdate ui/*.py ui/graph/*.py ui/player/*.py ui/export/*.py \
        -ts ui/resources/translations/gradviz_zh_CN.ts
    .venv/bin/pyside6-lrelease ui/resources/translations/gradviz_zh_CN.ts

(ui/player/widgets.py's module-level ``tr()`` translates in the "BackwardPlayer" context; lupdate
files those strings under an empty context name, so move them there.) The compiled .qm is
committed so a fresh checkout needs no Qt tools; tests/ui/test_translations.py checks both agree.

Installing a translator makes Qt send ``QEvent.LanguageChange`` to every widget; each gradviz
widget re-sets its texts in ``changeEvent``.
"""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gradviz.language import LANGUAGES
from gradviz.resources import resource_path

TRANSLATIONS = files("ui") / "resources" / "translations"

LANGUAGE_NAMES = {language.qt: language.name for language in LANGUAGES}


class LanguageSwitcher:
    """Owns the installed translators so switching language removes the previous ones first."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, language: str) -> bool:
        """Install ``language`` ("en" or "zh_CN"). Returns False if its catalogue is missing."""
        app = QCoreApplication.instance()
        if app is None:
            return False
        for translator in self._installed:
            app.removeTranslator(translator)
        self._installed.clear()
        self.language = language
        if language == "en":
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
            return True
        ok = False
        own = QTranslator(app)
        catalogue = TRANSLATIONS / f"gradviz_{language}.qm"
        if catalogue.is_file() and own.load(str(resource_path(catalogue))):
            app.installTranslator(own)
            self._installed.append(own)
            ok = True
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_base = QTranslator(app)
        if qt_base.load(f"qtbase_{language}", qt_dir):  # Save/Discard/Cancel, file dialogs
            app.installTranslator(qt_base)
            self._installed.append(qt_base)
        QLocale.setDefault(QLocale(language))
        return ok


_switcher: LanguageSwitcher | None = None


def language_switcher() -> LanguageSwitcher:
    global _switcher
    if _switcher is None:
        _switcher = LanguageSwitcher()
    return _switcher
