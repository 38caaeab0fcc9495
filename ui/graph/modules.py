"""Which drawn parameters belong to which module: pure functions, no Qt.

A learner sees ``model.hidden.weight`` and ``model.hidden.bias`` as two boxes; the canvas frames
them together under "model.hidden" so the layer they make up is visible. This module decides the
groups from the snapshot alone and whether a layout left a group's members side by side (only
then may a frame be drawn without covering other nodes); the scene does the drawing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["adjacent_in_layout", "module_groups", "module_of"]


def module_of(node: Mapping[str, Any]) -> str | None:
    """The module path of a tensor node ("model.hidden" for "model.hidden.weight"), else None.

    The oldest dotted name wins: ``names`` lists bindings oldest first, and the attribute path a
    module gave its parameter is bound before a learner's later alias (``w = model.fc.weight``).
    """
    if node.get("kind") != "tensor":
        return None
    names = [str(n) for n in (node.get("names") or []) if n]
    name = node.get("name")
    if name and str(name) not in names:
        names.append(str(name))
    for n in names:
        head, dot, attr = n.rpartition(".")
        if dot and head and attr:
            return head
    return None


def module_groups(snapshot: Mapping[str, Any] | None, only: Iterable[Hashable] | None = None) -> dict[str, list[str]]:
    """``{module path: [tensor node ids]}`` for parameters (``is_param`` or a dotted name).

    Members keep the snapshot's node order; modules come in order of their first member. ``only``
    restricts to ids that are actually drawn (a view or a collapse may hide some). Earlier values
    of an in-place-modified tensor ("t7@v0") are history, not the module's parameter, and are left
    out. A parameter without a dotted name (a bare ``nn.Parameter``) has no module to show.
    """
    if not snapshot:
        return {}
    allowed = set(only) if only is not None else None
    groups: dict[str, list[str]] = {}
    for node in snapshot.get("nodes") or []:
        node_id = str(node.get("id"))
        if "@v" in node_id or (allowed is not None and node_id not in allowed):
            continue
        module = module_of(node)
        if module is None:
            continue
        # A dotted name alone (is_param may be missing in older snapshots) still names a module.
        groups.setdefault(module, []).append(node_id)
    return groups


def adjacent_in_layout(
    members: Sequence[Hashable], ranks: Mapping[Hashable, int], order: Sequence[Sequence[Hashable]]
) -> bool:
    """True when all members sit on one rank with no other node between them in that rank's order.

    ``ranks`` and ``order`` are a LayoutResult's: ``order[r]`` lists rank ``r``'s nodes in drawing
    order. Only then does a rectangle around the members avoid every other node of the rank.
    """
    if not members or any(m not in ranks for m in members):
        return False
    rank = {ranks[m] for m in members}
    if len(rank) != 1:
        return False
    (r,) = rank
    if r < 0 or r >= len(order):
        return False
    row = list(order[r])
    index = {v: i for i, v in enumerate(row)}
    if any(m not in index for m in members):
        return False
    slots = sorted(index[m] for m in members)
    return slots[-1] - slots[0] == len(slots) - 1
