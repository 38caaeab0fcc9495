"""The languages gradviz speaks, and the one place their codes are converted.

gradviz's own texts (why ``.grad`` is None, error and training explanations) and the commands'
``--lang`` option name a language "en" or "zh"; Qt's translation catalogues, locales and the saved
preference name the same languages "en" and "zh_CN". :func:`language_for` reads any of these
spellings (and locale names such as "zh-Hans" or "en_GB.UTF-8") and gives both.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHINESE", "ENGLISH", "LANGUAGES", "Language", "language_for"]


@dataclass(frozen=True)
class Language:
    text: str  # the key of gradviz's own texts and of --lang: "en", "zh"
    qt: str  # Qt's locale name and the catalogue's suffix (gradviz_zh_CN.qm): "en", "zh_CN"
    name: str  # the language's name in itself, as a language menu shows it


ENGLISH = Language(text="en", qt="en", name="English")
CHINESE = Language(text="zh", qt="zh_CN", name="简体中文")
LANGUAGES = (ENGLISH, CHINESE)


def language_for(code: str | None) -> Language:
    """The language a code names: any Chinese locale ("zh", "zh_CN", "zh-Hans", "zh_TW") reads as
    the Simplified Chinese gradviz is translated into; everything else, or nothing, as English."""
    primary = (code or "").strip().replace("-", "_").split("_", 1)[0].split(".", 1)[0].lower()
    for language in LANGUAGES:
        if primary == language.text:
            return language
    return ENGLISH
