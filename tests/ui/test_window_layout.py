"""The window at the sizes learners use: text on the canvas readable at the default size, the graph
with the largest share, a usable window at 1024x640, the space used at 2560x1440; and the
containment notice and the confirmation before an uncontained file opened from disk runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QStandardPaths

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


# -- Help -> Tour of the Window ---------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_tour_points_at_editor_graph_player_and_inspector(qtbot, make_window, language):
    window = make_window(1400, 900)
    window.set_language(language)
    window.actions_.tour.trigger()
    tour = window.tour
    seen = []
    while tour.index >= 0:
        target = tour.current_target()
        assert tour.frame.geometry().contains(QRect(target.mapTo(window, QPoint(0, 0)), target.size()))
        assert tour.bubble.isVisible() and window.rect().contains(tour.bubble.geometry())
        seen.append((target, tour.bubble.title.text(), tour.bubble.next.text()))
        tour.next()
    assert [t for t, _title, _next in seen] == [
        window.editor,
        window.graph_area,
        window._player_host,
        window.inspector_dock,
    ]
    titles = [title for _t, title, _n in seen]
    if language == "en":
        assert titles[0] == "1. Write PyTorch code" and seen[-1][2] == "Done"
    else:
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in titles)  # translated
    assert not tour.bubble.isVisible() and not tour.frame.isVisible()


# -- legend and tooltips --------------------------------------------------------------------------------
def test_the_legend_toggles_and_nodes_edges_and_chips_have_tooltips(qtbot, make_window):
    from ui.legend import LEGEND_ROWS, tooltip_for

    window = make_window(1600, 1000)
    _run_classic(qtbot, window)
    panel, view = window.canvas, window.canvas.view
    assert not panel.legend.isVisible()
    panel.legend_button.click()
    assert panel.legend.isVisible()
    assert len(panel.legend.labels) == len(LEGEND_ROWS) and all(label.text() for label in panel.legend.labels)
    panel.legend_button.click()
    assert not panel.legend.isVisible()
    scene = view.graph_scene
    names = lambda node_id: view._drawn_name(node_id)  # noqa: E731
    y = next(i for i in scene.nodes.values() if i.node_data.get("name") == "y")
    text = tooltip_for([y], y.sceneBoundingRect().center(), names)
    assert text.startswith("y\n") and "Intermediate tensor" in text
    mul = next(i for i in scene.nodes.values() if i.buffer_attrs())
    chip = mul.buffer_attrs()[0]
    chip_rect = next(c.rect for c in mul._chips if c.attr == chip)
    assert chip in tooltip_for([mul], mul.mapToScene(chip_rect.center()), names)
    edge = next(iter(scene.edges.values()))
    text = tooltip_for([edge], edge.path().pointAtPercent(0.5), names)
    assert "→" in text and edge.source not in text.split("\n")[0].split()  # names, not internal ids
