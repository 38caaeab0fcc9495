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


@pytest.fixture(scope="module")
def two_iterations() -> list[dict[str, Any]]:
    """The last and the first iteration's own graphs of the 20-step Adam MLP (tests/test_call_graph.py)."""
    from gradviz.backward.training import iteration_graph
    from gradviz.runner.session import Session
    from tests.test_call_graph import MLP_LOOP, STEPS

    result = Session().run_cell(0, MLP_LOOP)
    assert result.error is None and result.graph is not None
    calls = [c if isinstance(c, dict) else c.to_dict() for c in result.backward_calls]
    graphs = []
    for k in (STEPS - 1, 0):
        found = iteration_graph(result.graph, calls, k)
        assert found is not None and found.snapshot is not None
        graphs.append(found.snapshot)
    return graphs


def _boxed(snapshot: dict[str, Any], view: str) -> tuple[Any, dict[Hashable, Any], dict[Hashable, Any]]:
    """The drawn graph (sizes by place in the loop body), each node's innermost box and the box tree."""
    graph = from_node_link(snapshot)
    grouping = group_graph(graph)
    drawn = view_subgraph(graph, view)
    for _, data in drawn.nodes(data=True):
        data["width"], data["height"] = 80.0 + 7 * (sum(map(ord, data["counterpart"])) % 5), 36.0
    inner: dict[Hashable, Any] = {v: grouping.owner.get(v) for v in drawn.nodes}
    parent: dict[Hashable, Any] = {g: grp.parent for g, grp in grouping.groups.items()}
    return drawn, inner, parent


@pytest.mark.parametrize("view", ["dataflow", "gradfn"])
@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_the_next_iteration_takes_the_places_of_the_last_in_every_box(two_iterations, view, direction):
    from gradviz.graph.calls import carry_layout

    (old, inner_old, parent_old), (new, inner_new, parent_new) = (_boxed(s, view) for s in two_iterations)
    assert parent_old == parent_new and len(parent_new) == 7  # Sequential, 3 Linear, 2 ReLU, MSELoss
    before, blocks_before, levels_before = compound_layout(old, inner_old, parent_old, direction=direction)

    def previous(level: Hashable | None) -> Any:
        return carry_layout(levels_before[level], old, new) if level in levels_before else None

    after, blocks_after, levels_after = compound_layout(
        new, inner_new, parent_new, direction=direction, previous=previous
    )
    # Every box, and every node in it, stands where its counterpart stood.
    assert blocks_after.keys() == blocks_before.keys()
    for g, block in blocks_after.items():
        was = blocks_before[g]
        assert (block.x, block.y, block.width, block.height) == pytest.approx((was.x, was.y, was.width, was.height))
    where = {old.nodes[v]["counterpart"]: p for v, p in before.positions.items()}
    for v, p in after.positions.items():
        assert p == pytest.approx(where[new.nodes[v]["counterpart"]]), v
    # Each box's own layout found every one of its items in the carried picture, the points where
    # edges cross its border (named after the node outside) too: nothing inside was placed afresh.
    crossings = 0
    for level, result in levels_after.items():
        carried = previous(level)
        assert carried is not None and set(result.positions) == set(carried.positions), level
        crossings += sum(isinstance(k, tuple) and k[0] in ("in", "out") for k in result.positions)
    assert crossings > 0
