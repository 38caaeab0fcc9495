"""`gradviz screenshot`: run a file's cells in the real window, offscreen, and save it as a PNG.

Uses the same window, runner and worker as the app, with a throw-away settings file so the user's
preferences, recent files and autosaves are neither read nor touched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from ui.app import build_window, ensure_application, prepare_look
from ui.settings import Preferences


def render_screenshot(file: str, out: str, size: tuple[int, int] = (1440, 900), theme: str = "light",
                      language: str = "en", select: str | None = None, timeout_s: float = 60.0) -> tuple[bool, str]:
    """Returns (ok, message). ``select`` picks a node to show in the inspector (default: the first
    named leaf tensor, so the picture shows the inspector at work)."""
    ensure_application()
    with tempfile.TemporaryDirectory() as tmp:
        prefs = Preferences(QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat))
        prepare_look(prefs, theme=theme, language="zh_CN" if language.startswith("zh") else "en")
        window, error = build_window(prefs, file, autosave=False)
        if error:
            window.runner.shutdown()
            window.deleteLater()
            return False, error
        window.resize(*size)
        window.show()
        loop = QEventLoop()
        window.run_idle.connect(loop.quit)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        window.run_all()
        if window.runner.busy:
            loop.exec()
        timed_out = window.runner.busy
        window.select_node(select or _default_selection(window))
        cell = window.editor.cells[0] if window.editor.cells else None
        if cell is not None:
            window.editor.goto_line(cell.first_line)
        for _ in range(3):
            ensure_application().processEvents()
        ok = window.grab().save(out, "PNG")
        window.editor.document().setModified(False)
        window.close()
        if timed_out:
            return ok, f"wrote {out} (the run did not finish within {timeout_s:.0f} s)"
        return ok, f"wrote {out}" if ok else f"could not write {out}"


def _default_selection(window) -> str | None:
    snapshot = window.snapshot or {}
    tensors = [n for n in snapshot.get("nodes", []) if n.get("kind") == "tensor"]
    for node in tensors:
        if node.get("name") and node.get("role") == "leaf" and node.get("grad"):
            return str(node["id"])
    for node in tensors:
        if node.get("name"):
            return str(node["id"])
    return None
