"""`gradviz [FILE]` / `gradviz screenshot` entry points and the window's plug-ins (canvas, player)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, qWarning
from PySide6.QtGui import QImage

from gradviz.cli import app as cli_app
from ui.app import install_offscreen_message_filter, prepare_look
from ui.extensions import install_all
from ui.i18n import language_switcher
from ui.main_window import MainWindow
from ui.runner import RunController
from ui.screenshot import InProcessClient
from ui.settings import Preferences
from ui.theme import theme_manager

REPO = Path(__file__).resolve().parents[2]


def test_importing_the_entry_points_does_not_import_qt():
    code = "import sys, gradviz, gradviz.cli.app; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def test_screenshot_runs_the_file_and_writes_a_png(qapp, tmp_path, capsys, qtlog):
    script = tmp_path / "small.py"
    script.write_text(
        "# %%\nimport torch as t\nw = t.ones(2, 2, requires_grad=True)\n"
        "# %%\nloss = (w * 3).sum()\nloss.backward()\nprint(w.grad)\n",
        encoding="utf-8",
    )
    out = tmp_path / "shot.png"
    try:
        assert (
            cli_app.screenshot_main(
                [str(script), "-o", str(out), "--size", "1000x700", "--theme", "dark", "--lang", "zh"]
            )
            == 0
        )
    finally:
        language_switcher().apply("en")
        theme_manager().apply("light")
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    # Dark theme: the window background is dark (sample the status bar's row).
    assert image.pixelColor(5, 695).lightness() < 80
    assert "wrote" in capsys.readouterr().out
    # No painting into an empty pixmap (a toolbar icon tinted at size 0 before the window showed).
    assert not [r.message for r in qtlog.records if "QPainter" in r.message]


def test_the_offscreen_platforms_standing_remark_is_left_out_and_nothing_else(qapp, qtlog):
    install_offscreen_message_filter()
    qWarning("This plugin does not support propagateSizeHints()")
    qWarning("a message that matters")
    assert [r.message for r in qtlog.records] == ["a message that matters"]


def test_screenshot_of_a_missing_file_is_an_error_not_a_crash(qapp, tmp_path, capsys):
    assert cli_app.screenshot_main([str(tmp_path / "nope.py"), "-o", str(tmp_path / "x.png")]) == 1
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_app.screenshot_main(["a.py", "-o", "b.png", "--size", "huge"])


def test_canvas_player_and_fix_are_plugged_into_the_window(qtbot, tmp_path):
    prefs = Preferences(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    prepare_look(prefs, theme="light", language="en")
    window = MainWindow(prefs, runner=RunController(None, InProcessClient), autosave=False)
    try:
        installed = install_all(window)
        assert set(installed) == {"graph", "player", "export"}
        assert window.graph_area.canvas is installed["graph"]
        window.documents.load_text(
            "# %%\nimport torch as t\nx = t.ones(2, requires_grad=True)\ny = (x * x).sum()\n"
            "y.backward()\n# %%\ny.backward()\n",
            None,
        )
        window.show()
        with qtbot.waitSignal(window.run_idle, timeout=30_000):
            window.running.run_all()
        assert window.snapshot is not None and window.outline._items
        assert len(window.running.backward_calls) == 2  # both cells' calls, in run order
        assert window.player._calls == window.running.backward_calls
        from ui.player import apply_screenshot_args

        apply_screenshot_args(window, -1, -1)  # the failed second call, at its last step
        fix = window.player.suggested_fix
        assert fix is not None  # the second backward() hit freed buffers
        line = json.loads(fix)["line"]
        assert window.apply_fix(fix)
        assert "backward(retain_graph=True)" in window.editor.document().findBlockByNumber(line - 1).text()
        window.editor.undo()
        assert "retain_graph" not in window.editor.toPlainText()
        assert window.actions_.file_menu.actions().index(
            installed["export"]
        ) < window.actions_.file_menu.actions().index(window.actions_.quit)
    finally:
        window.editor.document().setModified(False)
        window.close()
        window.runner.shutdown()


def test_screenshot_call_and_step_show_the_player_there_or_exit_2(qapp, tmp_path, capsys, monkeypatch):
    script = tmp_path / "two.py"
    script.write_text(
        "# %%\nimport torch as t\nw = t.ones(2, requires_grad=True)\ny = (w * w).sum()\n"
        "y.backward(retain_graph=True)\n# %%\ny.backward()\n",
        encoding="utf-8",
    )
    import ui.player as player_module

    shown = []
    real = player_module.apply_screenshot_args

    def spy(window, call, step):
        player = real(window, call, step)
        shown.append((player.current_call, player.current_step, len(player.replay)))
        return player

    monkeypatch.setattr(player_module, "apply_screenshot_args", spy)
    out = tmp_path / "ok.png"
    assert (
        cli_app.screenshot_main([str(script), "-o", str(out), "--size", "900x600", "--call", "1", "--step", "-1"]) == 0
    )
    assert out.stat().st_size > 0
    assert shown and shown[0][0] == 0 and shown[0][1] == shown[0][2] - 1  # first call, last step
    capsys.readouterr()
    bad = tmp_path / "bad.png"
    assert cli_app.screenshot_main([str(script), "-o", str(bad), "--call", "5"]) == 2
    assert "--call 5" in capsys.readouterr().err and not bad.exists()
    assert cli_app.screenshot_main([str(script), "-o", str(bad), "--call", "-1", "--step", "999"]) == 2
    assert "--step 999" in capsys.readouterr().err and not bad.exists()
