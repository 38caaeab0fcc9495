"""The front end takes its language codes from gradviz.language: menus, preferences, exports."""

from __future__ import annotations

from gradviz.language import CHINESE, ENGLISH, LANGUAGES
from ui import settings
from ui.export.api import prepare_qt
from ui.i18n import LANGUAGE_NAMES, language_switcher
from ui.inspector import reason_text


def test_menu_and_preferences_list_the_qt_codes_of_every_language() -> None:
    assert LANGUAGE_NAMES == {"en": "English", "zh_CN": "简体中文"}
    assert tuple(language.qt for language in LANGUAGES) == settings.LANGUAGES


def test_an_export_in_zh_installs_the_chinese_catalogue_and_back(qapp) -> None:
    prepare_qt(CHINESE.text)
    assert language_switcher().language == CHINESE.qt
    prepare_qt(ENGLISH.text)
    assert language_switcher().language == ENGLISH.qt


def test_the_inspector_renders_reasons_in_the_ui_language() -> None:
    reason = {"code": "backward_not_called", "params": {"name": "w"}}
    assert reason_text(reason, "zh_CN") == reason_text(reason, "zh") != reason_text(reason, "en")
    assert ".grad of w" in reason_text(reason, "en")
