"""The graph canvas: a snapshot (gradviz.graph.snapshot.build_snapshot) laid out by
gradviz.graph.layout.sugiyama and drawn.

Widgets
-------
``GraphPanel(parent=None, theme=None)``
    Toolbar (data flow / grad_fn, top-down / left-right, fit, zoom, minimap, search) over a
    GraphView. Hand this to ``MainWindow.set_graph_widget``; it is the window's
    ui.protocols.GraphCanvas: ``set_snapshot(dict | None)``, ``select_node(id | None)`` (never
    re-emits), ``highlight_nodes(ids)``, ``set_theme(Theme)``, ``fit_to_view()`` (shows the whole
    graph) and the signal ``node_selected(str)`` (a click on empty canvas sends ""). ``panel.view``
    is the GraphView.

    Fitting: the view follows the graph — it fits on the first snapshot, on resizes, and whenever
    a new snapshot no longer fits — until the user zooms, pans or uses the minimap
    (``view.auto_fit`` turns False; new nodes then fade in where they land and the view stays).
    ``fit_to_view()`` (button, F key, or a call) fits and starts following again. The minimap is
    shown only while part of the graph is off screen.

    Groups as the learner wrote them (gradviz.graph.grouping): every nn.Module call is a box
    (``Linear(4, 16) · model.0``) and repeated loop bodies fold into one box ("300 x tanh(h * 1.01 +
    0.1)"). Open boxes are laid out each in a frame of their own (gradviz.graph.compound_layout);
    they start open while the drawing stays under 150 nodes, a loop of more than five steps starts
    folded. Double-click a collapsed box to open it in place (the view frames it, at a readable
    size or with a note saying why not all of it); double-click an open frame, or its "−", to
    close it again. ``scene.expand_group(id)`` / ``collapse_group(id)`` do the same in code.
    An opened loop of more than 12 steps shows a page at a time (gradviz.graph.loop_pages): its
    first step, 10 steps and its last step, the others folded into "steps 11–299 (289 more)" boxes;
    the frame's "‹" / "›" (``scene.turn_page(loop, ±1)``) or a double-click on a folded run turn
    the page (to the running node's page when backward runs inside the run, whose box is lit).
    Graphs still over 400 drawn nodes fold chains of ops into groups around landmarks that always
    stay visible: named tensors, leaves and sinks (the loss). Search selects what it finds (or the
    box holding it) and centres it at a readable zoom.
``GraphView(parent=None, theme=None)``
    QGraphicsView over a ``GraphScene`` (``view.graph_scene``) with a minimap in the corner. Also
    ``set_view_mode("dataflow" | "gradfn")``, ``set_direction("TB" | "LR")``, ``fit_to_view()``,
    ``zoom_by(f)``, ``set_scale(s)``, ``search(text) -> [ids]``, ``center_on_node(id)``,
    ``item_view_pos(id)``, ``selected_id()``.

Playback hooks (ui.protocols.PlaybackCanvas for the backward player; on GraphView, all forwarded to GraphScene)
-------------------------------------------------------------------------------------------------------------
Ids are snapshot ids: tensors "t<uid>", grad_fn nodes "n<uid>" (an AccumulateGrad id also works
in the data-flow view, where its leaf stands in for it). State is kept by id, so it survives a
relayout, a new snapshot and a view switch; ``clear_player_state()`` drops all of it.

``set_node_states({id: state})``
    Merge states; state is one of "idle", "pending", "ready", "running", "done", "error" (idle
    removes). Pending is dotted and faded, ready/done thick in the accent/success colour, running
    thick in the grad colour, error red.
``set_edge_grad((source, target, slot), text | None) -> bool``
    Show ``text`` (e.g. "[[1., 1.]]" or "grad 2x3") on the drawn route between two nodes and
    draw the route active; None clears. A route is the direct edge in either direction or two
    edges through one node (grad_fn ops are joined through a tensor in the data-flow view).
    ``slot`` (the position in the consumer's next_functions) picks the edge of that input slot:
    ``y * y`` draws two parallel edges, each with its own grad. False when no route is drawn.
``set_input_sum(node_id, output_nr, text | None)``
    A chip beside the node (in the data-flow view: beside the tensor it is the grad of) with its
    input buffer adding up, ``2.25 + 2.25 = 4.5``; None removes it.
``animate_marker(source, target, duration_ms=600, text=None, slot=None) -> QVariantAnimation | None``
    A marker slides from source to target along the route; the animation is already running,
    connect to its ``finished`` to chain the next step. None when no route is drawn.
``set_buffer_freed(node_id, attr, freed)``
    Saved-buffer chip of an op (attr "_saved_self" or "self") drawn freed (red, dashed) or alive.
``set_badge(tensor_id, text | None, label=None)``
    A small amber chip on the node's top-right corner for a ``.grad`` that is None. ``text`` is the
    full explanation (tooltip); the chip shows ``label``, else ``text`` if it is at most 14
    characters, else "grad: None". It never covers a neighbouring node or chip. Constants (the
    ``1`` of ``y + 1``) get the tooltip only: their grey dashed box already says "no grad".

Export
------
``render_scene_to_image(scene, scale=2.0, *, margin=16, background=None, source=None) -> QImage``
renders the whole scene, not only what is visible.
"""

from __future__ import annotations

from ui.graph.export import render_scene_to_image, scene_content_rect
from ui.graph.items import AccumulateGradItem, ConstantItem, GroupItem, LeafTensorItem, NodeItem, OpItem, TensorItem
from ui.graph.panel import GraphPanel
from ui.graph.scene import GraphScene
from ui.graph.style import NODE_STATES, GraphPalette, palette_for
from ui.graph.view import GraphView

__all__ = [
    "NODE_STATES",
    "AccumulateGradItem",
    "ConstantItem",
    "GraphPalette",
    "GraphPanel",
    "GraphScene",
    "GraphView",
    "GroupItem",
    "LeafTensorItem",
    "NodeItem",
    "OpItem",
    "TensorItem",
    "palette_for",
    "render_scene_to_image",
    "scene_content_rect",
]
