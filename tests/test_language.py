"""One converter for language codes: gradviz's texts say "en"/"zh", Qt's catalogues "en"/"zh_CN"."""

from __future__ import annotations

from importlib.resources import files

import pytest

from gradviz.backward.explain import REASON_CODES, Reason, render
from gradviz.backward.explain_text import TEXTS, UNNAMED
from gradviz.backward.training import GROWTH_CODE, TRAINING_TEXTS, render_training
from gradviz.language import CHINESE, ENGLISH, LANGUAGES, language_for


@pytest.mark.parametrize("code", ["zh", "zh_CN", "zh-CN", "ZH_cn", "zh-Hans", "zh_TW", "zh_CN.UTF-8", " zh "])
def test_every_chinese_spelling_is_chinese(code: str) -> None:
    assert language_for(code) is CHINESE


@pytest.mark.parametrize("code", ["en", "en_US", "en-GB", "C", "", None, "fr_FR", "zhx", "de"])
def test_everything_else_is_english(code: str | None) -> None:
    assert language_for(code) is ENGLISH


@pytest.mark.parametrize("language", LANGUAGES, ids=[language.text for language in LANGUAGES])
def test_both_spellings_name_the_same_language(language) -> None:
    assert language_for(language.text) is language
    assert language_for(language.qt) is language


def test_codes_of_our_texts_and_of_qt() -> None:
    assert [(language.text, language.qt) for language in LANGUAGES] == [("en", "en"), ("zh", "zh_CN")]


def test_every_language_but_english_has_a_shipped_qt_catalogue() -> None:
    catalogues = files("ui") / "resources" / "translations"
    for language in LANGUAGES:
        if language is not ENGLISH:
            assert (catalogues / f"gradviz_{language.qt}.qm").is_file()


def test_every_text_is_written_in_every_language() -> None:
    keys = {language.text for language in LANGUAGES}
    for table in (TEXTS, TRAINING_TEXTS):
        # "<lang>_nofix" is an optional twin of "<lang>" (explain.render_from); it too comes in every language
        written = {code: {key.removesuffix("_nofix") for key in words} for code, words in table.items()}
        assert written == dict.fromkeys(table, keys)
        for words in table.values():
            nofix = {key for key in words if key.endswith("_nofix")}
            assert not nofix or nofix == {f"{key}_nofix" for key in keys}
    assert set(UNNAMED) == keys


@pytest.mark.parametrize("code", REASON_CODES)
def test_explanations_accept_either_spelling(code: str) -> None:
    reason = Reason(code, {"name": "y", "fix": "y.retain_grad()", "roots": "s", "dtype": "int64", "value": "1"})
    assert render(reason, "zh_CN") == render(reason, "zh") != render(reason, "en")
    assert render(reason, "fr") == render(reason, "en")


def test_training_advice_accepts_either_spelling() -> None:
    reason = {"code": GROWTH_CODE, "params": {"name": "w", "first": 1, "last": 3}}
    assert render_training(reason, "zh_CN") == render_training(reason, "zh") != render_training(reason, "en")
