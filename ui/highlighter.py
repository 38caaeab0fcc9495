"""Python syntax colouring for the editor, with gradviz's own rules (no external lexer).

Single-line tokens are found with one combined regular expression per block; triple-quoted strings
span blocks through QSyntaxHighlighter's block state (1 = inside ''', 2 = inside \"\"\").
"""

from __future__ import annotations

import builtins
import keyword
import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from gradviz.runner.cells import is_cell_marker
from ui.theme import Theme

_BUILTINS = sorted(n for n in dir(builtins) if not n.startswith("_") and n not in keyword.kwlist)

_TOKEN = re.compile(
    r"(?P<comment>\#.*$)"
    r"|(?P<string>[rRbBuUfF]{0,2}(?:'(?:[^'\\]|\\.)*'?|\"(?:[^\"\\]|\\.)*\"?))"
    r"|(?P<decorator>^\s*@[\w.]+)"
    r"|(?P<number>\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?j?)\b)"
    r"|(?P<defname>(?<=\bdef\s)\s*\w+|(?<=\bclass\s)\s*\w+)"
    r"|(?P<self>\b(?:self|cls)\b)"
    r"|(?P<keyword>\b(?:" + "|".join([*keyword.kwlist, "match", "case"]) + r")\b)"
    r"|(?P<builtin>\b(?:" + "|".join(_BUILTINS) + r")\b)"
)
_TRIPLE = {1: "'''", 2: '"""'}


class PythonHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, theme: Theme) -> None:
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        def fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
            f = QTextCharFormat()
            f.setForeground(QColor(color))
            if bold:
                f.setFontWeight(QFont.Weight.DemiBold)
            f.setFontItalic(italic)
            return f

        self._formats = {
            "keyword": fmt(theme.syn_keyword, bold=True),
            "builtin": fmt(theme.syn_builtin),
            "string": fmt(theme.syn_string),
            "number": fmt(theme.syn_number),
            "comment": fmt(theme.syn_comment, italic=True),
            "marker": fmt(theme.syn_cell_marker, bold=True),
            "decorator": fmt(theme.syn_decorator),
            "defname": fmt(theme.syn_definition, bold=True),
            "self": fmt(theme.syn_self, italic=True),
        }
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        self.setCurrentBlockState(0)
        if is_cell_marker(text):
            self.setFormat(0, len(text), self._formats["marker"])
            return
        start = 0
        previous = self.previousBlockState()
        if previous in _TRIPLE:
            end = text.find(_TRIPLE[previous])
            if end < 0:
                self.setFormat(0, len(text), self._formats["string"])
                self.setCurrentBlockState(previous)
                return
            start = end + 3
            self.setFormat(0, start, self._formats["string"])
        self._highlight_from(text, start)

    def _highlight_from(self, text: str, pos: int) -> None:
        while pos < len(text):
            triple = self._find_triple_start(text, pos)
            segment_end = triple if triple >= 0 else len(text)
            self._highlight_tokens(text, pos, segment_end)
            if triple < 0:
                return
            quote = text[triple : triple + 3]
            close = text.find(quote, triple + 3)
            if close < 0:
                self.setFormat(triple, len(text) - triple, self._formats["string"])
                self.setCurrentBlockState(1 if quote == "'''" else 2)
                return
            self.setFormat(triple, close + 3 - triple, self._formats["string"])
            pos = close + 3

    @staticmethod
    def _find_triple_start(text: str, pos: int) -> int:
        """First ''' or \"\"\" at/after pos that is not inside a comment or a one-line string."""
        i = pos
        while i < len(text):
            ch = text[i]
            if ch == "#":
                return -1
            if text.startswith("'''", i) or text.startswith('"""', i):
                return i
            if ch in "'\"":
                j = i + 1
                while j < len(text) and text[j] != ch:
                    j += 2 if text[j] == "\\" else 1
                i = j + 1
                continue
            i += 1
        return -1

    def _highlight_tokens(self, text: str, start: int, end: int) -> None:
        segment = text[:end]
        for match in _TOKEN.finditer(segment, start):
            kind = match.lastgroup
            if kind is None:
                continue
            s, e = match.span(kind)
            if kind == "defname":
                stripped = match.group(kind)
                s += len(stripped) - len(stripped.lstrip())
            self.setFormat(s, e - s, self._formats[kind])
