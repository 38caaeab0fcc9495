"""Where the player's jumps land: the node a picked graph item stands for, and folded groups.

Pure lookups over plain data (the call's nodes, the snapshot, the canvas's groups), so the jump
logic is tested without a canvas. The groups come from the graph scene's public API: ``groups``
(drawn group id -> member ids) and ``drawn_id`` (the drawn node standing for an id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["GroupLookup", "SceneGroups", "trace_nodes_for"]


class GroupLookup(Protocol):
    def group_of(self, node_id: str) -> str | None:
        """The folded group ``node_id`` is drawn inside, None when it is drawn on its own."""

    def members(self, group_id: str) -> list[str]:
        """The ids a folded group stands for (empty when it is not a group)."""


class _Scene(Protocol):
    groups: dict[str, list[str]]

    def drawn_id(self, node_id: str) -> str | None: ...


class SceneGroups:
    """The folded groups a graph scene draws now (ui.graph.scene.GraphScene), looked up live, so
    expanding or collapsing a group on the canvas changes what "step over" skips."""

    def __init__(self, scene: _Scene) -> None:
        self._scene = scene

    def group_of(self, node_id: str) -> str | None:
        drawn = self._scene.drawn_id(node_id)
        return drawn if drawn is not None and drawn in self._scene.groups else None

    def members(self, group_id: str) -> list[str]:
        return list(self._scene.groups.get(group_id, []))


def trace_nodes_for(
    picked: str,
    call_nodes: Mapping[str, Any],
    snapshot_nodes: Mapping[str, Mapping[str, Any]],
    groups: GroupLookup | None = None,
) -> set[str]:
    """The nodes of this call that run for a picked graph item: an op itself, a tensor's grad_fn,
    a leaf's AccumulateGrad, and for a folded group those of every member. Empty when the call
    runs nothing for it (the player then says so)."""
    found: set[str] = set()
    picks = [picked, *(groups.members(picked) if groups is not None else [])]
    wanted = set(picks)
    for item in picks:
        if item in call_nodes:
            found.add(item)
            continue
        grad_fn = (snapshot_nodes.get(item) or {}).get("grad_fn")
        if grad_fn is not None and str(grad_fn) in call_nodes:
            found.add(str(grad_fn))
    for nid in call_nodes:  # a leaf (or a group holding one) runs as its AccumulateGrad
        variable = (snapshot_nodes.get(nid) or {}).get("variable")
        if variable is not None and str(variable) in wanted:
            found.add(nid)
    return found
