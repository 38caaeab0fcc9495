"""What the window, the backward player and the training panel call on each other, as Protocols.

The canvas (ui/graph/) and the player (ui/player/) are installed after the window's first paint
and can be swapped for test doubles, so the window holds them by these interfaces rather than by
class. mypy checks that the real classes satisfy them where they are installed (ui/extensions.py):
``GraphPanel`` is a :class:`GraphCanvas`, ``GraphView`` a :class:`PlaybackCanvas` and
``BackwardPlayer`` a :class:`BackwardPlayerView`. Every method listed is called; none is optional.

Methods whose result the caller ignores return ``object``, so an implementation may return
something useful to its other callers (``GraphView.select_node`` says whether the node exists).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance

from ui.theme import Theme

__all__ = ["BackwardPlayerView", "GraphCanvas", "PlaybackCanvas"]


class GraphCanvas(Protocol):
    """The graph tab as the main window drives it (ui.graph.GraphPanel)."""

    @property
    def node_selected(self) -> SignalInstance:
        """Signal(str): the learner clicked a node ("" on empty canvas); the window routes it to
        the editor, outline and inspector, and back to :meth:`select_node`."""

    @property
    def running_node_changed(self) -> SignalInstance:
        """Signal(str): the node the backward player runs now ("" when none); the inspector follows it."""

    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        """The graph to draw (docs/graph-format.md), or None for an empty canvas."""

    def select_node(self, node_id: str | None) -> object:
        """Reflect a selection made elsewhere; must not emit ``node_selected``."""

    def highlight_nodes(self, ids: list[str]) -> None:
        """The nodes created on the editor's caret line."""

    def set_theme(self, theme: Theme) -> None:
        """Colours changed."""

    def fit_to_view(self) -> None:
        """Show the whole graph (the window calls it when a run changed which nodes exist)."""


class PlaybackCanvas(Protocol):
    """The canvas as the backward player paints a replay step on it (ui.graph.GraphView).

    Ids are snapshot ids; edges run in the gradfn direction (next function -> consumer), one per
    input slot: ``(next function, consumer, slot)``, never a bare node pair (``y * y`` has two)."""

    def set_node_states(self, states: dict[str, str]) -> None:
        """Merge node states: "idle" (removes), "pending", "ready", "running", "done", "error"."""

    def set_edge_grad(self, edge: tuple[str, str, int], text: str | None) -> object:
        """Show ``text`` on the route of input slot ``edge[2]`` between the two nodes; None clears it."""

    def set_input_sum(self, node_id: str, output_nr: int, text: str | None) -> None:
        """Show the node's input buffer adding up (``2.25 + 2.25 = 4.5``); None removes it."""

    def animate_marker(self, source: str, target: str, duration_ms: int, *, slot: int | None = None) -> object:
        """Slide a marker from ``source`` to ``target`` over ``duration_ms``, along slot ``slot``'s edge."""

    def set_buffer_freed(self, node_id: str, attr: str, freed: bool) -> None:
        """Draw an op's saved buffer ``attr`` freed or alive."""

    def set_badge(self, tensor_id: str, text: str | None) -> None:
        """The why-``.grad``-is-None badge on a tensor (None removes it)."""


class BackwardPlayerView(Protocol):
    """The backward player as the window and the training panel drive it (ui.player.BackwardPlayer)."""

    @property
    def call_selected(self) -> SignalInstance:
        """Signal(int): the call now shown (picked by the learner or by :meth:`select_call`)."""

    @property
    def step_changed(self) -> SignalInstance:
        """Signal(int): the step now shown within the call."""

    @property
    def apply_fix_requested(self) -> SignalInstance:
        """Signal(str): the learner asked to apply a suggested edit ({"line", "find", "replace"} JSON)."""

    @property
    def current_call(self) -> int:
        """The call shown (0-based), -1 when there is none."""

    def set_source(self, text: str) -> None:
        """The editor's text, to title each call with its code."""

    def set_cell_graphs(self, graphs: Mapping[int, dict[str, Any]]) -> None:
        """The graph each cell left behind, to name tensors a later cell rebound."""

    def set_calls(self, calls: list[dict[str, Any]], snapshot: dict[str, Any] | None = None) -> None:
        """Every backward call of the session (trace dicts) and the latest graph snapshot."""

    def select_call(self, index: int) -> None:
        """Show call ``index`` (0-based) from its first step."""

    def set_language(self, language: str) -> None:
        """ "en" or "zh_CN": explanations and badges are re-rendered in it."""

    def buffer_states(self) -> Mapping[tuple[str, str], bool] | None:
        """Saved buffers at the current step, (node id, attr) -> alive; None with no call selected."""

    def grad_states(self) -> Mapping[str, tuple[str, dict[str, Any] | None]] | None:
        """Leaves' .grad at the current step, tensor id -> ("before"|"after" this call's
        AccumulateGrad, the value); None with no call selected."""
