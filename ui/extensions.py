"""Plug the graph canvas (ui/graph), the backward player (ui/player) and File -> Export (ui/export)
into the main window.

They import numpy, networkx and the layout engine (~0.3 s), so the app installs them right after
the window's first paint (``install_later``) instead of before it; until then the Outline tab is
the graph view. Each piece is optional: a missing package leaves the window fully usable.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QTimer

from ui.theme import theme_manager

log = logging.getLogger(__name__)


def install_graph_panel(window: Any) -> Any:
    from ui.graph import GraphPanel

    panel = GraphPanel(theme=theme_manager().theme)
    window.set_graph_widget(panel)
    return panel


def install_player(window: Any, panel: Any) -> Any:
    from ui.player import BackwardPlayer

    player = BackwardPlayer()
    if panel is not None:
        player.set_canvas(getattr(panel, "view", panel))
    call_if = getattr(player, "set_language", None)
    if callable(call_if):
        from ui.i18n import language_switcher

        call_if(language_switcher().language)
    player.apply_fix_requested.connect(window.apply_fix)
    window.set_player_widget(player)
    return player


def install_export(window: Any, panel: Any) -> Any:
    from ui.export.dialog import add_export_actions

    action = add_export_actions(window, getattr(panel, "view", None) if panel is not None else None)
    menu = window.actions_.file_menu
    menu.insertAction(window.actions_.quit, action)
    menu.insertSeparator(window.actions_.quit)
    return action


def install_all(window: Any) -> dict[str, Any]:
    """Install what is available; a piece that fails is logged and skipped."""
    installed: dict[str, Any] = {}
    panel = None
    try:
        panel = installed["graph"] = install_graph_panel(window)
    except Exception:
        log.exception("graph canvas not installed")
    for name, install in (("player", install_player), ("export", install_export)):
        try:
            installed[name] = install(window, panel)
        except Exception:
            log.exception("%s not installed", name)
    __import__("ui.training", fromlist=["install_training_panel"]).install_training_panel(
        window, panel
    )  # a dock owned by the window; logs and returns None on failure
    return installed


def install_later(window: Any) -> None:
    """After the first paint: canvas, player and export, then the worker process."""
    QTimer.singleShot(0, lambda: install_all(window))
