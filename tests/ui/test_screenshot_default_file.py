"""``gradviz screenshot`` without FILE pictures the seed notebook, opened the way the app opens it."""

from __future__ import annotations

from PySide6.QtGui import QImage

import ui.screenshot
from gradviz.cli import app as cli_app
from gradviz.resources import seed_notebook

SEED_NOTEBOOK = seed_notebook()


def test_screenshot_without_file_shows_the_seed_like_the_app(qapp, tmp_path, capsys, monkeypatch):
    opened = []
    build_window = ui.screenshot.build_window

    def recording_build_window(prefs, file, **options):
        window, error = build_window(prefs, file, **options)
        opened.append((file, window.editor.toPlainText(), window.windowTitle(), error))
        return window, error

    monkeypatch.setattr(ui.screenshot, "build_window", recording_build_window)
    out = tmp_path / "seed.png"
    assert cli_app.screenshot_main(["-o", str(out), "--size", "900x600"]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"gradviz screenshot: no FILE given, running the seed notebook {SEED_NOTEBOOK}\n"
    assert captured.out == f"gradviz screenshot: wrote {out}\n"
    [(file, text, title, error)] = opened
    assert file is None and error is None  # the window opened the seed itself, as `gradviz` does
    assert text == SEED_NOTEBOOK.read_text(encoding="utf-8")
    assert "seed_notebook.py" in title
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
