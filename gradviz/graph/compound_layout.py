"""A layered layout that keeps every open group in a box of its own (module boxes, opened loops).

The layered layout (gradviz.graph.layout.sugiyama) knows nothing about groups, so a rectangle
drawn around a module's nodes afterwards may hold nodes of other modules too. Here each open group
is laid out on its own, innermost first, with each open child group standing in as one node the
size of its finished box; the parent then places that box like any node. Nodes inside a box move
with it. An edge that enters or leaves a box follows the route drawn at the level where both of
its ends are visible and continues straight to the node inside.

Pure: networkx graphs in, a LayoutResult out; no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from gradviz.graph.layout.sugiyama import LayoutResult, layout

__all__ = ["Block", "BoxStyle", "compound_layout"]

Point = tuple[float, float]


@dataclass(frozen=True)
class BoxStyle:
    pad: float = 14.0  # room between a box's edge and the nodes inside
    title: float = 20.0  # height of the title strip on top of a box


@dataclass
class Block:
    """One open group's box: top-left corner and size, in the drawing's coordinates."""

    x: float
    y: float
    width: float
    height: float


def _chain(group: Hashable | None, parent: Mapping[Hashable, Hashable | None]) -> list[Hashable]:
    out: list[Hashable] = []
    while group is not None:
        out.append(group)
        group = parent.get(group)
    return out


def compound_layout(
    drawn: nx.MultiDiGraph,
    inner: Mapping[Hashable, Hashable | None],
    parent: Mapping[Hashable, Hashable | None],
    *,
    direction: str = "TB",
    style: BoxStyle = BoxStyle(),
    min_width: Mapping[Any, float] | None = None,
    previous: Callable[[Hashable | None], LayoutResult | None] | None = None,
) -> tuple[LayoutResult, dict[Hashable, Block], dict[Hashable | None, LayoutResult]]:
    """Lay out ``drawn`` with every group of ``parent`` (group -> its parent group or None) as a
    box. ``inner`` maps each drawn node to the innermost group it sits in (None: top level).
    Returns the whole drawing's result, each group's box, and each level's own result (hand
    those back through ``previous`` next time to keep the picture stable; for another iteration
    of a loop, renamed to its nodes by gradviz.graph.calls.carry_layout, which also renames the
    point nodes ``("in"|"out", box, node)`` named after a node outside the box)."""
    depth = {g: len(_chain(g, parent)) for g in parent}
    levels: list[Hashable | None] = sorted(parent, key=lambda g: -depth[g])
    levels.append(None)
    # The node standing for x at level g: x itself when it sits right in g, else the child box of g
    # that holds it; None when x is outside g.
    chains = {v: _chain(inner.get(v), parent) for v in drawn.nodes}

    def stand_in(v: Hashable, level: Hashable | None) -> Hashable | None:
        chain = chains[v]
        if level is None:
            return ("box", chain[-1]) if chain else v
        if level not in chain:
            return None
        i = chain.index(level)
        return v if i == 0 else ("box", chain[i - 1])

    tb = direction == "TB"
    sizes: dict[Hashable, Point] = {}
    results: dict[Hashable | None, LayoutResult] = {}
    level_edges: dict[Hashable | None, dict[tuple[Any, Any, Any], tuple[Any, Any, Any]]] = {}
    for level in levels:
        sub: nx.MultiDiGraph[Any] = nx.MultiDiGraph()
        for v, data in drawn.nodes(data=True):
            if inner.get(v) == level:
                sub.add_node(v, width=data.get("width", 120.0), height=data.get("height", 40.0))
        for g in parent:
            if parent[g] == level and g in sizes:
                w, h = sizes[g]
                sub.add_node(("box", g), width=w, height=h)
        mapping: dict[tuple[Any, Any, Any], tuple[Any, Any, Any]] = {}
        for u, v, key in drawn.edges(keys=True):
            su, sv = stand_in(u, level), stand_in(v, level)
            if (su is None) != (sv is None):
                # An edge crossing this box's border starts (or ends) at a point node on the box's
                # first (or last) rank, so inside the box it is routed like any edge.
                su = su if su is not None else ("in", level, u)
                sv = sv if sv is not None else ("out", level, v)
                for end in (su, sv):
                    if end not in sub:
                        sub.add_node(end, width=1.0, height=1.0)
            if su is None or sv is None or su == sv:
                continue
            if su == u and sv == v:
                sub.add_edge(su, sv, key=key)
                mapping[(u, v, key)] = (su, sv, key)
            else:
                if not sub.has_edge(su, sv):
                    sub.add_edge(su, sv, key=0)
                mapping[(u, v, key)] = (su, sv, next(iter(sub[su][sv])))
        level_edges[level] = mapping
        if sub.number_of_nodes() == 0:
            continue
        result = layout(sub, direction=direction, previous=previous(level) if previous is not None else None)
        results[level] = result
        if level is not None:
            width = max(result.width + 2 * style.pad, (min_width or {}).get(level, 0.0))
            sizes[level] = (width, result.height + 2 * style.pad + style.title)

    # Place every level inside its box, outermost first.
    positions: dict[Hashable, Point] = {}
    blocks: dict[Hashable, Block] = {}
    offset: dict[Hashable | None, Point] = {None: (0.0, 0.0)}
    root = results.get(None)
    for level in reversed(levels):
        placed = results.get(level)
        if placed is None:
            continue
        dx, dy = offset[level]
        for node, (x, y) in placed.positions.items():
            at = (x + dx, y + dy)
            if isinstance(node, tuple) and len(node) == 2 and node[0] == "box":
                g = node[1]
                w, h = sizes[g]
                blocks[g] = Block(at[0] - w / 2, at[1] - h / 2, w, h)
                inside = results.get(g)
                if inside is not None:
                    spare = w - 2 * style.pad - inside.width
                    offset[g] = (
                        blocks[g].x + style.pad + spare / 2 - inside.origin[0],
                        blocks[g].y + style.pad + style.title - inside.origin[1],
                    )
            elif node in drawn:  # not the point nodes where edges cross a box's border
                positions[node] = at

    def shifted(level: Hashable | None, points: list[Point]) -> list[Point]:
        dx, dy = offset.get(level, (0.0, 0.0))
        return [(x + dx, y + dy) for x, y in points]

    def port(v: Hashable, incoming: bool) -> Point:
        x, y = positions[v]
        w, h = float(drawn.nodes[v].get("width", 120.0)), float(drawn.nodes[v].get("height", 40.0))
        if tb:
            return (x, y - h / 2) if incoming else (x, y + h / 2)
        return (x - w / 2, y) if incoming else (x + w / 2, y)

    def route(level: Hashable | None, u: Hashable, v: Hashable, key: Any) -> list[Point]:
        found = level_edges.get(level, {}).get((u, v, key))
        done = results.get(level)
        if found is None or done is None:
            return []
        points = shifted(level, list(done.edge_points.get(found, [])))
        block = blocks.get(level) if level is not None else None
        if block is None or not points:
            return points
        # Between the box's border and a point node, run along the padding (above or left of the
        # first rank, below or right of the last) so the edge crosses no node of the box.
        if _is_point(found[0], "in"):
            x, y = points[0]
            joint = (x, block.y + style.title + style.pad / 2) if tb else (block.x + style.pad / 2, y)
            points.insert(0, joint)
        if _is_point(found[1], "out"):
            x, y = points[-1]
            joint = (x, block.y + block.height - style.pad / 2) if tb else (block.x + block.width - style.pad / 2, y)
            points.append(joint)
        return points

    edge_points: dict[tuple[Hashable, ...], list[Point]] = {}
    for u, v, key in drawn.edges(keys=True):
        chain_u, chain_v = chains[u], chains[v]
        common = [g for g in chain_u if g in chain_v]
        top = common[0] if common else None
        # Out of u's boxes (innermost first), across the level both ends share, into v's boxes.
        points: list[Point] = []
        for level in chain_u[: chain_u.index(top) if top in chain_u else len(chain_u)]:
            points.extend(route(level, u, v, key))
        points.extend(route(top, u, v, key))
        down = chain_v[: chain_v.index(top) if top in chain_v else len(chain_v)]
        for level in reversed(down):
            points.extend(route(level, u, v, key))
        if len(points) < 2:
            points = [port(u, incoming=False), port(v, incoming=True)]
        edge_points[(u, v, key)] = points

    ranks: dict[Hashable, int] = {}
    order: list[list[Hashable]] = []
    if root is not None:
        for v in drawn.nodes:
            top = stand_in(v, None)
            ranks[v] = root.ranks.get(top, 0)
        order = [
            [w for item in row for w in ([item] if item in positions else _members_of(item, chains))]
            for row in root.order
        ]
    xs = [p[0] for p in positions.values()] + [b.x for b in blocks.values()] + [b.x + b.width for b in blocks.values()]
    ys = [p[1] for p in positions.values()] + [b.y for b in blocks.values()] + [b.y + b.height for b in blocks.values()]
    origin = (min(xs), min(ys)) if xs else (0.0, 0.0)
    whole = LayoutResult(
        positions=positions,
        sizes={v: (float(d.get("width", 120.0)), float(d.get("height", 40.0))) for v, d in drawn.nodes(data=True)},
        edge_points=edge_points,
        ranks=ranks,
        order=order,
        width=(max(xs) - origin[0]) if xs else 0.0,
        height=(max(ys) - origin[1]) if ys else 0.0,
        direction=direction,
        origin=origin,
    )
    return whole, blocks, results


def _is_point(node: Any, side: str) -> bool:
    return isinstance(node, tuple) and len(node) == 3 and node[0] == side


def _members_of(item: Hashable, chains: Mapping[Hashable, list[Hashable]]) -> list[Hashable]:
    """The drawn nodes inside a box stand-in ``("box", g)``, in a stable order."""
    if not (isinstance(item, tuple) and len(item) == 2 and item[0] == "box"):
        return []
    g = item[1]
    return sorted((v for v, chain in chains.items() if g in chain), key=str)
