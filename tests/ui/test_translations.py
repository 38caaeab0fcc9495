"""Simplified Chinese ships complete: every marked string is in the .ts, translated, compiled."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QTranslator

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "ui" / "resources" / "translations" / "gradviz_zh_CN.ts"
QM = REPO / "ui" / "resources" / "translations" / "gradviz_zh_CN.qm"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def ts_messages() -> dict[tuple[str, str], str]:
    out = {}
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            if translation.get("type") in ("obsolete", "vanished"):
                continue
            assert translation.get("type") != "unfinished", message.findtext("source")
            out[(name, message.findtext("source"))] = translation.text or ""
    return out


def marked_strings() -> set[tuple[str, str]]:
    """Every translate("Context", "text") literal in the window's modules (ui/*.py; the canvas,
    player and export packages under ui/ keep catalogues of their own)."""
    found = set()
    for path in (REPO / "ui").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name != "translate":
                continue
            ctx, text = node.args[0], node.args[1]
            if isinstance(ctx, ast.Constant) and isinstance(text, ast.Constant):
                found.add((ctx.value, text.value))
    return found


def test_every_marked_string_is_in_the_catalogue_and_translated():
    messages = ts_messages()
    marked = marked_strings()
    assert len(marked) > 80
    missing = marked - set(messages)
    assert not missing, f"run pyside6-lupdate and translate: {sorted(missing)[:5]}"
    for (context, source), translation in messages.items():
        assert translation.strip(), (context, source)
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation)), source
        assert ("&" in source) == ("&" in translation), source  # keep mnemonics


def test_compiled_catalogue_matches_the_source(qapp):
    translator = QTranslator()
    assert translator.load(str(QM))
    for (context, source), translation in ts_messages().items():
        assert translator.translate(context, source) == translation, source


def test_the_training_panels_strings_with_a_named_context_are_translated():
    """ui/training marks strings as translate(CONTEXT, "..."), which the literal scan above skips:
    the dock's own title was once left in English in the Chinese window."""
    from ui.training.curve import CONTEXT

    messages = ts_messages()
    marked = set()
    for path in (REPO / "ui" / "training").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and len(node.args) >= 2 and getattr(node.func, "attr", "") == "translate":
                ctx, text = node.args[0], node.args[1]
                if isinstance(ctx, ast.Name) and ctx.id == "CONTEXT" and isinstance(text, ast.Constant):
                    marked.add((CONTEXT, text.value))
    assert ("TrainingPanel", "Training loop") in marked
    assert not marked - set(messages), sorted(marked - set(messages))
