"""The window at the sizes learners use: text on the canvas readable at the default size, the graph
with the largest share, a usable window at 1024x640, the space used at 2560x1440; and the
containment notice and the confirmation before an uncontained file opened from disk runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from gradviz.runner.containment.status import Containment
from ui.app import prepare_look
from ui.extensions import install_all
from ui.graph.style import fonts
from ui.graph.view import READABLE_SECONDARY_PX, READABLE_TITLE_PX
from ui.i18n import language_switcher
from ui.main_window import MainWindow, worker_limits
from ui.runner import RunController
from ui.settings import Preferences, RunnerLimits
from ui.theme import theme_manager

RUN_TIMEOUT_MS = 60_000

CLASSIC = """# %%
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
"""


@pytest.fixture
def make_window(qtbot, tmp_path):
    made = []

    def make(width: int, height: int) -> MainWindow:
        QStandardPaths.setTestModeEnabled(True)
        prefs = Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        prepare_look(prefs, theme="light", language="en")
        win = MainWindow(prefs, runner=RunController(worker_limits(RunnerLimits(time_s=20.0))), autosave=False)
        install_all(win)
        win.resize(width, height)
        win.show()
        qtbot.waitExposed(win)
        win.balance_layout()
        made.append(win)
        return win

    yield make
    for win in made:
        win.editor.document().setModified(False)
        win.close()
        win.runner.shutdown()
        win.deleteLater()
    language_switcher().apply("en")
    theme_manager().apply("light")


def _run_classic(qtbot, window) -> None:
    window.documents.load_text(CLASSIC, None)
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.running.run_all()
    window.balance_layout()


def _on_screen_px(view) -> tuple[float, float]:
    """Node title and smallest secondary text height in screen pixels at the view's zoom."""
    f = fonts()
    scale = view.current_scale()
    secondary = min(view.font_pixels(f.small), view.font_pixels(f.chip))
    return view.font_pixels(f.title) * scale, secondary * scale


def test_at_the_default_size_text_is_readable_and_the_graph_has_the_largest_share(qtbot, make_window):
    window = make_window(1600, 1000)
    _run_classic(qtbot, window)
    view = window.canvas.view
    title, secondary = _on_screen_px(view)
    assert title >= READABLE_TITLE_PX and secondary >= READABLE_SECONDARY_PX, (title, secondary)
    graph = window.graph_column.width()
    assert graph > window.editor.width() and graph > window.inspector_dock.width()
    assert graph >= 0.45 * window.width()
    # the canvas takes most of the graph column; the player gets the rest
    assert view.height() > window.player.parentWidget().height()


def test_at_1024x640_the_editor_is_whole_and_the_minimap_small(qtbot, make_window):
    window = make_window(1024, 640)
    _run_classic(qtbot, window)
    assert window.editor.width() >= MainWindow.MIN_EDITOR_WIDTH - 30  # less the splitter handle and frame
    assert window.width() <= 1024  # no column forces the window wider than asked
    assert window.editor.height() >= 8 * window.editor.fontMetrics().lineSpacing()  # a cell's worth
    view = window.canvas.view
    viewport = view.viewport().rect()
    minimap = view.minimap.geometry()
    assert minimap.width() * minimap.height() <= viewport.width() * viewport.height() / 3
    assert viewport.width() >= 300 and viewport.height() >= 150


def test_at_2560x1440_the_space_is_used(qtbot, make_window):
    window = make_window(2560, 1440)
    _run_classic(qtbot, window)
    central = window.editor.width() + window.graph_column.width() + window.inspector_dock.width()
    assert central >= 0.95 * window.width()
    assert window.graph_column.width() >= 1200
    title, _secondary = _on_screen_px(window.canvas.view)
    assert title >= READABLE_TITLE_PX


# -- containment: say so, and confirm before an opened file runs uncontained ------------------------
def _uncontained(monkeypatch) -> None:
    monkeypatch.setattr(
        RunController, "containment", property(lambda self: Containment(False, [], "no Landlock in this kernel"))
    )


def test_an_uncontained_worker_is_named_in_the_status_bar_and_opened_files_ask_first(
    qtbot, make_window, tmp_path, monkeypatch
):
    _uncontained(monkeypatch)
    window = make_window(1200, 800)
    window.show_containment()
    assert window.containment_label.isVisible()
    assert "no Landlock in this kernel" in window.containment_label.toolTip()
    script = tmp_path / "lesson.py"
    script.write_text("# %%\nprint('ran the file')\n", encoding="utf-8")
    assert window.documents.open_file(script)
    asked: list[str] = []
    answer = [False]

    def ask(title: str, question: str) -> bool:
        asked.append(question)
        return answer[0]

    monkeypatch.setattr(window.documents, "ask", ask)
    window.actions_.run_all.trigger()
    assert asked and "lesson.py" in asked[0] and "Its code can reach your files" in asked[0]
    assert not window.runner.busy and window.output.result_for(0) is None  # refused: nothing ran
    assert "not confirmed" in window.status_label.text()
    answer[0] = True
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.actions_.run_all.trigger()
    assert "ran the file" in window.output.plain_text_for(0)
    asked.clear()
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.actions_.run_all.trigger()  # confirmed once for this file
    assert not asked
    # typed code always runs
    window.documents.load_text("# %%\nprint('typed')\n", None)
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.actions_.run_all.trigger()
    assert not asked and "typed" in window.output.plain_text_for(0)


def test_a_contained_worker_runs_opened_files_without_asking(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setattr(
        RunController, "containment", property(lambda self: Containment(True, ["landlock-abi-7", "seccomp"], ""))
    )
    window = make_window(1200, 800)
    window.show_containment()
    assert not window.containment_label.isVisible()
    script = tmp_path / "lesson.py"
    script.write_text("# %%\nprint('ran the file')\n", encoding="utf-8")
    assert window.documents.open_file(script)
    monkeypatch.setattr(window.documents, "ask", lambda *_: pytest.fail("must not ask"))
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.actions_.run_all.trigger()
    assert "ran the file" in window.output.plain_text_for(0)
