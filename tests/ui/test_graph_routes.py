"""Which drawn edges a grad travels on in the data-flow view (GraphScene.route)."""

from __future__ import annotations

import gradviz.torch as t
from gradviz.graph.snapshot import build_snapshot
from ui.graph import GraphView
from ui.theme import LIGHT


def test_a_grad_between_two_ops_travels_through_the_tensor_one_made_and_the_other_used(qtbot) -> None:
    """In z = (y + 1) * y, MulBackward0 sends AddBackward0 its grad through (y + 1), not through
    y, which both ops read. The candidates were once tried in a set's order, which follows the
    ids' string hashes, so the route changed from graph to graph (and run to run); every fresh
    graph here has new ids, so a hash-dependent choice would not pick the right one every time."""
    view = GraphView(theme=LIGHT)
    qtbot.addWidget(view)
    for _ in range(8):
        x = t.ones(3, 2, requires_grad=True)
        y = x**2
        w = y + 1
        z = w * y
        view.set_snapshot(build_snapshot({"x": x, "y": y, "z": z}))
        scene = view.graph_scene
        add, mul = w.grad_fn.gid, z.grad_fn.gid
        route = scene.route(add, mul)  # the player's edge: (receiver, sender) of the grad
        assert route is not None
        assert [(edge.source, edge.target, forward) for edge, forward in route] == [
            (add, w.gid, True),
            (w.gid, mul, True),
        ]
        view.set_edge_grad((add, mul, 0), "grad 3x2")
        # the number sits on the edge of the slot it was sent along, the rest of the route is lit
        assert scene.edges[(w.gid, mul, 0)].grad_text == "grad 3x2"
        assert scene.edges[(add, w.gid, 0)].active and scene.edges[(add, w.gid, 0)].grad_text is None
        assert not scene.edges[(y.gid, add, 0)].active and not scene.edges[(y.gid, mul, 1)].active
        view.clear_player_state()
