"""Per-cell output, the way a notebook shows it: printed text, the echoed value, warnings, errors.

Rendered as rich text in a QTextBrowser (selectable, copyable, cheap). Each cell keeps only its
latest result. Error lines are links (``gradviz-line:N:C``); clicking one emits ``line_activated``
so the window moves the editor's caret to the failing line.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from gradviz.runner.results import CellResult, ErrorInfo
from ui.editor import editor_font
from ui.theme import Theme, current_theme

translate = QCoreApplication.translate

LINK_SCHEME = "gradviz-line"


@dataclass
class _Entry:
    index: int
    title: str
    result: CellResult | None  # None while the cell is running
    rerun: bool = False  # replayed after a worker restart
    stale: str | None = None  # "ran before cell 1 changed": an earlier cell ran again since


def explanation_text(error: ErrorInfo) -> str:
    """The plain-language reason for an error (gradviz.backward.explain) in the UI language, or ""."""
    from gradviz.backward.explain import explain_error, render
    from ui.i18n import language_switcher

    reason = error.explanation or explain_error(error.type, error.message)
    if not reason:
        return ""
    return render(reason, language_switcher().language)


def error_location_text(line: int | None, headline: str) -> str:
    """``line 3: RuntimeError: ...`` (the line prefix only when the error has a line)."""
    if line is None:
        return headline
    return translate("OutputPanel", "line {line}").format(line=line) + ": " + headline


class OutputPanel(QTextBrowser):
    line_activated = Signal(int, int)  # line (1-based), col (0-based)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: dict[int, _Entry] = {}
        self._theme: Theme = current_theme()
        self._message: str | None = None
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.document().setDocumentMargin(8)
        self._render()

    # ----- public API -------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._render()

    def cell_started(self, index: int, title: str = "") -> None:
        self._entries[index] = _Entry(index, title, None)
        self._render()

    def show_result(self, result: CellResult, title: str = "", rerun: bool = False) -> None:
        self._entries[result.index] = _Entry(result.index, title, result, rerun)
        self._render()

    def mark_stale(self, index: int, note: str | None) -> None:
        """Dim a cell's output with ``note`` (an earlier cell ran again since); None clears it."""
        entry = self._entries.get(index)
        if entry is not None and entry.stale != note:
            entry.stale = note
            self._render()

    def stale_note(self, index: int) -> str | None:
        entry = self._entries.get(index)
        return entry.stale if entry is not None else None

    def forget_cell(self, index: int) -> None:
        self._entries.pop(index, None)
        self._render()

    def show_message(self, text: str | None) -> None:
        """A line above all cell outputs (e.g. 'session restarted'); None removes it."""
        self._message = text
        self._render()

    def clear_all(self) -> None:
        self._entries.clear()
        self._message = None
        self._render()

    def result_for(self, index: int) -> CellResult | None:
        entry = self._entries.get(index)
        return entry.result if entry else None

    def plain_text_for(self, index: int) -> str:
        """The text a user would see for one cell (used by tests and by 'copy output')."""
        entry = self._entries.get(index)
        if entry is None or entry.result is None:
            return ""
        return "\n".join(part for _, part in self._parts(entry.result))

    # ----- rendering --------------------------------------------------------------------------
    def _parts(self, result: CellResult) -> list[tuple[str, str]]:
        parts: list[tuple[str, str]] = []
        if result.stdout:
            parts.append(("stdout", result.stdout.rstrip("\n")))
        for warning in result.warnings:
            parts.append(("warning", warning.rstrip("\n")))
        if result.echo is not None:
            parts.append(("echo", result.echo))
        if result.error is not None:
            parts.append(("error", error_location_text(result.error.line, result.error.headline)))
        return parts

    def _render(self) -> None:
        t = self._theme
        mono = editor_font().family()
        scroll = self.verticalScrollBar().value()
        out = [f"<html><body style='color:{t.text};'>"]
        if self._message:
            out.append(f"<p style='color:{t.muted_text};'>{html.escape(self._message)}</p>")
        if not self._entries and not self._message:
            hint = translate("OutputPanel", "Run a cell (Ctrl+Enter) to see its output here.")
            out.append(f"<p style='color:{t.muted_text};'>{html.escape(hint)}</p>")
        for index in sorted(self._entries):
            out.append(self._render_entry(self._entries[index], mono))
        out.append("</body></html>")
        self.setHtml("".join(out))
        self.verticalScrollBar().setValue(scroll)

    def _render_entry(self, entry: _Entry, mono: str) -> str:
        t = self._theme
        label = entry.title or translate("OutputPanel", "Cell {index}").format(index=entry.index)
        meta = ""
        if entry.result is None:
            meta = translate("OutputPanel", "running…")
        else:
            meta = f"{entry.result.duration_s * 1000:.0f} ms"
            if entry.rerun:
                meta += " · " + translate("OutputPanel", "re-run after restart")
        status_color = t.muted_text
        if entry.result is not None and entry.result.error is not None:
            status_color = t.error
        head = (
            f"<table width='100%' cellspacing='0' cellpadding='2' style='margin-top:6px;'><tr>"
            f"<td style='color:{status_color}; font-weight:600;'>[{entry.index}]&nbsp;{html.escape(label)}</td>"
            f"<td align='right' style='color:{t.muted_text};'>{html.escape(meta)}</td></tr></table>"
        )
        if entry.result is None:
            return head
        body = []
        pre = f"font-family:'{mono}'; white-space:pre-wrap; margin:0;"
        for kind, text in self._parts(entry.result):
            escaped = html.escape(text)
            if kind == "stdout":
                body.append(f'<pre style="{pre}">{escaped}</pre>')
            elif kind == "echo":
                body.append(f'<pre style="{pre} color:{t.echo};">{escaped}</pre>')
            elif kind == "warning":
                body.append(self._boxed(escaped, t.warning, t.warning_bg, pre))
            else:
                err = entry.result.error
                assert err is not None
                if err.line is not None:
                    href = f"{LINK_SCHEME}:{err.line}:{err.col or 0}"
                    escaped = f"<a href='{href}' style='color:{t.error}; text-decoration:none;'>{escaped}</a>"
                body.append(self._boxed(escaped, t.error, t.error_bg, pre))
                why = explanation_text(err)
                if why:
                    body.append(f"<p style='color:{t.muted_text}; margin:2px 4px;'>{html.escape(why)}</p>")
        if entry.stale:
            # out of date: the whole output in the muted colour, under its note
            note = f"<p style='color:{t.warning}; margin:2px 4px;'>⚠ {html.escape(entry.stale)}</p>"
            muted = "".join(body).replace(f"color:{t.error}", f"color:{t.muted_text}")
            return head + note + f"<div style='color:{t.muted_text};'>{muted}</div>"
        if not body:
            return head
        return head + "".join(body)

    @staticmethod
    def _boxed(inner: str, fg: str, bg: str, pre: str) -> str:
        return (
            f"<table width='100%' cellspacing='0' cellpadding='4' style='background-color:{bg};'>"
            f'<tr><td><pre style="{pre} color:{fg};">{inner}</pre></td></tr></table>'
        )

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if not text.startswith(LINK_SCHEME + ":"):
            return
        pieces = text.split(":")[1:]
        try:
            line = int(pieces[0])
            col = int(pieces[1]) if len(pieces) > 1 else 0
        except (ValueError, IndexError):
            return
        self.line_activated.emit(line, col)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)
