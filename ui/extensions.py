"""Plug the graph canvas (ui/graph), the backward player (ui/player), File -> Export (ui/export)
and the training dock (ui/training) into the main window.

They import numpy, networkx and the layout engine (~0.3 s), so the app installs them right after
the window's first paint (``install_later``) instead of before it; until then the Outline tab is
the graph view. Each piece is optional: one that fails to install is logged and the window stays
fully usable.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from ui.theme import theme_manager

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from ui.graph import GraphPanel
    from ui.main_window import MainWindow
    from ui.player import BackwardPlayer

log = logging.getLogger(__name__)


def install_graph_panel(window: MainWindow) -> GraphPanel:
    from ui.graph import GraphPanel

    panel = GraphPanel(theme=theme_manager().theme)
    panel.follow_button.setChecked(window.prefs.follow_player)  # the learner's last choice
    panel.follow_button.toggled.connect(lambda on: setattr(window.prefs, "follow_player", on))
    panel.set_legend_visible(window.prefs.legend_visible)
    panel.legend_button.toggled.connect(lambda on: setattr(window.prefs, "legend_visible", on))
    window.set_graph_widget(panel)
    return panel


def install_player(window: MainWindow, panel: GraphPanel | None) -> BackwardPlayer:
    from ui.i18n import language_switcher
    from ui.player import BackwardPlayer
    from ui.player.targets import SceneGroups

    player = BackwardPlayer()
    if panel is not None:
        player.set_canvas(panel.view)
        player.set_groups(SceneGroups(panel.view.graph_scene))  # "step over" runs a folded group
    window.node_selected.connect(player.set_selected_node)  # "Run to…" offers the selection
    player.set_language(language_switcher().language)
    window.set_player_widget(player)
    return player


def install_export(window: MainWindow, panel: GraphPanel | None) -> QAction:
    from ui.export.dialog import add_export_actions

    action = add_export_actions(
        window,
        panel.view if panel is not None else None,
        snapshot=lambda: window.snapshot,
        calls=lambda: window.running.backward_calls,
        file_menu=window.actions_.file_menu,
        live_step=lambda: _player_step(window),
    )
    menu = window.actions_.file_menu
    menu.insertAction(window.actions_.quit, action)
    menu.insertSeparator(window.actions_.quit)
    return action


def _player_step(window: MainWindow) -> tuple[int, int] | None:
    """The (call index, step) the player paints on the canvas, for the export's caption."""
    player = window.player
    step = getattr(player, "current_step", None)
    if player is None or not isinstance(step, int) or player.current_call < 0 or step < 0:
        return None
    return player.current_call, step


def install_all(window: MainWindow) -> dict[str, object]:
    """Install what is available; a piece that fails is logged and skipped."""
    installed: dict[str, object] = {}
    panel = None
    try:
        panel = install_graph_panel(window)
        installed["graph"] = panel
    except Exception:  # logged; the Outline tab still shows the graph
        log.exception("graph canvas not installed")
    for name, install in (("player", install_player), ("export", install_export)):
        try:
            installed[name] = install(window, panel)
        except Exception:  # logged; an optional piece must not keep the window from opening
            log.exception("%s not installed", name)
    from ui.training import install_training_panel

    install_training_panel(window)  # a dock owned by the window; logs and returns None on failure
    return installed


def install_later(window: MainWindow) -> None:
    """After the first paint: canvas, player, export and the training dock."""
    QTimer.singleShot(0, lambda: install_all(window))
