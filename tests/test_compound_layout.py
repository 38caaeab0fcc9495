"""Open module boxes laid out each in a box of its own: no box holds a node it does not own."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pytest

import gradviz.torch as torch
from gradviz.graph.compound_layout import Block, compound_layout
from gradviz.graph.grouping import group_graph
from gradviz.graph.snapshot import build_snapshot, from_node_link, view_subgraph
from gradviz.torch import nn


def _mlp_graph() -> Any:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
    x = torch.randn(3, 4)
    loss = model(x).sum()
    named: dict[str, Any] = {"x": x, "loss": loss}
    named.update({f"model.{k}": p for k, p in model.named_parameters()})
    return from_node_link(build_snapshot(named))


def _inside(block: Block, x: float, y: float, w: float, h: float) -> bool:
    eps = 1e-6
    return (
        block.x - eps <= x - w / 2
        and x + w / 2 <= block.x + block.width + eps
        and block.y - eps <= y - h / 2
        and y + h / 2 <= block.y + block.height + eps
    )


def _overlap(block: Block, x: float, y: float, w: float, h: float) -> bool:
    apart_x = x + w / 2 <= block.x or block.x + block.width <= x - w / 2
    apart_y = y + h / 2 <= block.y or block.y + block.height <= y - h / 2
    return not (apart_x or apart_y)


@pytest.mark.parametrize("view", ["dataflow", "gradfn"])
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_every_node_sits_in_its_own_boxes_and_outside_all_others(view, direction):
    graph = _mlp_graph()
    grouping = group_graph(graph)
    drawn = view_subgraph(graph, view)
    for i, v in enumerate(drawn.nodes):
        drawn.nodes[v]["width"], drawn.nodes[v]["height"] = 80.0 + 7 * (i % 5), 36.0
    parent: dict[Hashable, Hashable | None] = {g: grp.parent for g, grp in grouping.groups.items()}
    inner: dict[Hashable, Hashable | None] = {v: grouping.owner.get(v) for v in drawn.nodes}
    result, blocks, _levels = compound_layout(drawn, inner, parent, direction=direction)
    assert set(blocks) == set(grouping.groups)
    for v in drawn.nodes:
        x, y = result.positions[v]
        w, h = drawn.nodes[v]["width"], drawn.nodes[v]["height"]
        mine = set(grouping.chain(grouping.owner.get(v)))
        for g, block in blocks.items():
            if g in mine:
                assert _inside(block, x, y, w, h), (v, g)
            else:
                assert not _overlap(block, x, y, w, h), (v, g)
    # Sibling boxes never overlap; a child box sits inside its parent's.
    for g, block in blocks.items():
        for other, box in blocks.items():
            if other == g:
                continue
            if parent[other] == g:
                assert _inside(block, box.x + box.width / 2, box.y + box.height / 2, box.width, box.height)
            elif parent[other] == parent[g]:
                assert not _overlap(block, box.x + box.width / 2, box.y + box.height / 2, box.width, box.height)
    # Every edge has a route from its source to its target.
    for u, v, key in drawn.edges(keys=True):
        points = result.edge_points[(u, v, key)]
        assert len(points) >= 2


def test_no_groups_is_the_plain_layout():
    graph = _mlp_graph()
    drawn = view_subgraph(graph, "dataflow")
    result, blocks, levels = compound_layout(drawn, {}, {})
    assert blocks == {} and set(levels) == {None}
    assert set(result.positions) == set(drawn.nodes)
