"""The graph canvas (ui/graph/) on the seed notebook's graph, offscreen with pytest-qt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

import gradviz.torch as t
from gradviz.graph.snapshot import build_snapshot
from ui.graph import (
    AccumulateGradItem,
    ConstantItem,
    GraphPanel,
    GroupItem,
    LeafTensorItem,
    OpItem,
    TensorItem,
    render_scene_to_image,
)
from ui.graph.edges import GradMarkerItem
from ui.theme import DARK, LIGHT

# Animations end on Qt's clock; wait generously for their end state (waitUntil returns once it holds).
STATE_TIMEOUT_MS = 30_000


@pytest.fixture()
def seed():
    """Seed notebook cell 7: x = ones(3, 2); y = x**2; z = (y + 1) * y; s = z.sum()."""
    x = t.ones(3, 2, requires_grad=True)
    y = x**2
    z = (y + 1) * y
    s = z.sum()
    named = {"x": x, "y": y, "z": z, "s": s}
    return named, build_snapshot(named)


@pytest.fixture()
def panel(qtbot, seed):
    p = GraphPanel(theme=LIGHT)
    qtbot.addWidget(p)
    p.resize(900, 700)
    p.show()
    qtbot.waitExposed(p)
    p.set_snapshot(seed[1])
    return p


def _ids(snapshot, **match):
    return [n["id"] for n in snapshot["nodes"] if all(n.get(k) == v for k, v in match.items())]


def test_seed_graph_items_per_kind(panel, seed):
    named, snap = seed
    scene = panel.view.graph_scene
    assert isinstance(scene.nodes[named["x"].gid], LeafTensorItem)
    assert type(scene.nodes[named["y"].gid]) is TensorItem
    (one,) = _ids(snap, label="1")
    assert isinstance(scene.nodes[one], ConstantItem)
    ops = _ids(snap, kind="op")
    assert len(ops) == 4 and all(isinstance(scene.nodes[o], OpItem) for o in ops)
    assert len(scene.nodes) == 10 and len(scene.edges) == 10  # data-flow view
    rects = [item.sceneBoundingRect() for item in scene.nodes.values()]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.adjusted(5, 5, -5, -5).intersects(b.adjusted(5, 5, -5, -5))
    mul = scene.nodes[named["z"].grad_fn.gid]
    assert [c.text for c in mul._chips] == ["other", "self"]
    pow_chips = {c.text for c in scene.nodes[named["y"].grad_fn.gid]._chips}
    assert pow_chips == {"self", "exponent=2"}


def test_click_selects_and_emits(panel, seed, qtbot):
    named, _ = seed
    view = panel.view
    pos = view.item_view_pos(named["y"].gid).toPoint()
    with qtbot.waitSignal(panel.node_selected, timeout=2000) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert blocker.args == [named["y"].gid]
    assert view.selected_id() == named["y"].gid
    empty = view.mapFromScene(view.graph_scene.sceneRect().topLeft() + QPointF(3, 3))
    with qtbot.waitSignal(panel.node_selected, timeout=2000) as blocker:
        QTest.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, empty + QPoint(2, 2)
        )
    assert blocker.args == [""]


def test_select_node_from_outside_is_quiet(panel, seed, qtbot):
    named, _ = seed
    with qtbot.assertNotEmitted(panel.node_selected):
        panel.select_node(named["z"].gid)
        panel.set_snapshot(seed[1])  # same graph again: selection survives, still quiet
    assert panel.view.selected_id() == named["z"].gid
    panel.select_node(None)
    assert panel.view.selected_id() is None


def test_toggle_views_and_direction(panel, seed):
    named, snap = seed
    scene = panel.view.graph_scene
    panel.set_view_mode("gradfn")
    assert scene.view_mode == "gradfn" and panel.gradfn_button.isChecked()
    kinds = {type(item) for item in scene.nodes.values()}
    assert AccumulateGradItem in kinds and ConstantItem not in kinds
    (acc,) = _ids(snap, kind="accumulate")
    assert scene.nodes[acc].node_data["variable_name"] == "x"
    x, s = named["x"].gid, named["s"].gid
    assert scene.nodes[x].pos().y() < scene.nodes[s].pos().y()
    panel.set_direction("LR")
    assert panel.direction_button.isChecked()
    assert scene.nodes[x].pos().x() < scene.nodes[s].pos().x()
    panel.set_view_mode("dataflow")
    (one,) = _ids(snap, label="1")
    assert one in scene.nodes and acc not in scene.nodes


def test_fit_and_zoom(panel):
    view = panel.view
    view.set_scale(4.0)
    content = view.graph_scene.itemsBoundingRect()
    assert not view.visible_scene_rect().contains(content)
    view.fit_whole()  # the Fit button and F: the whole graph, readable or not
    assert view.visible_scene_rect().adjusted(-1, -1, 1, 1).contains(content)
    view.set_scale(4.0)
    view.fit_to_view()  # after a run: whole when readable, else the readable size
    assert _fitted(view)
    before = view.current_scale()
    view.zoom_by(2.0)
    assert view.current_scale() == pytest.approx(before * 2.0)
    view.set_scale(1000)
    assert view.current_scale() == pytest.approx(6.0)


def test_search_selects_and_centres(panel, seed, qtbot):
    named, _ = seed
    view = panel.view
    view.set_scale(3.0)
    with qtbot.waitSignal(panel.node_selected, timeout=2000) as blocker:
        matches = panel.search("z")
    assert matches[0] == named["z"].gid and blocker.args == [named["z"].gid]
    assert view.selected_id() == named["z"].gid
    centre = view.visible_scene_rect().center()
    item_centre = view.graph_scene.nodes[named["z"].gid].sceneBoundingRect().center()
    assert abs(centre.x() - item_centre.x()) < 5 and abs(centre.y() - item_centre.y()) < 5
    assert panel.search("mulback") == [named["z"].grad_fn.gid]
    assert panel.search("nothing-like-this") == [] and panel.search_status.text() == "no match"


def test_new_nodes_keep_old_items(qtbot, seed):
    named, snap = seed
    panel = GraphPanel(theme=LIGHT)
    qtbot.addWidget(panel)
    panel.set_snapshot(snap)
    scene = panel.view.graph_scene
    old = dict(scene.nodes)
    w = named["s"] * 3
    panel.set_snapshot(build_snapshot({**named, "w": w}))
    qtbot.waitUntil(lambda: not scene._moves, timeout=STATE_TIMEOUT_MS)
    assert all(scene.nodes[k] is item for k, item in old.items())
    assert w.gid in scene.nodes and w.grad_fn.gid in scene.nodes
    for node_id, item in scene.nodes.items():
        assert scene.layout_result is not None
        x, y = scene.layout_result.positions[node_id]
        assert item.pos().x() == pytest.approx(x) and item.pos().y() == pytest.approx(y)


def test_playback_hooks(panel, seed, qtbot):
    named, snap = seed
    scene = panel.view.graph_scene
    z, y = named["z"], named["y"]
    mul, add = z.grad_fn.gid, z.grad_fn.next_functions[0][0].gid
    panel.view.set_node_states({mul: "done", add: "running"})
    assert scene.nodes[mul].run_state == "done" and scene.nodes[add].run_state == "running"
    with pytest.raises(ValueError):
        panel.view.set_node_states({mul: "exploded"})
    # grad_fn ids are joined through the unnamed (y + 1) tensor in the data-flow view
    assert panel.view.set_edge_grad((mul, add), "1x3x2")
    active = [e for e in scene.edges.values() if e.active]
    assert len(active) == 2 and any(e.grad_text == "1x3x2" for e in active)
    # the AccumulateGrad id stands for its leaf in the data-flow view
    (acc,) = _ids(snap, kind="accumulate")
    anim = panel.view.animate_marker(y.grad_fn.gid, acc, 50, "g")
    assert anim is not None
    assert any(isinstance(i, GradMarkerItem) for i in scene.items())
    qtbot.waitUntil(lambda: not any(isinstance(i, GradMarkerItem) for i in scene.items()), timeout=STATE_TIMEOUT_MS)
    panel.view.set_buffer_freed(mul, "self", True)
    chips = {c.text: c.freed for c in scene.nodes[mul]._chips}
    assert chips == {"other": False, "self": True}
    panel.view.set_badge(y.gid, "grad is None")
    assert scene.nodes[y.gid].badge == "grad is None"
    # state survives a view switch and back
    panel.set_view_mode("gradfn")
    assert scene.nodes[mul].run_state == "done"
    panel.set_view_mode("dataflow")
    assert scene.nodes[y.gid].badge == "grad is None"
    panel.view.clear_player_state()
    assert scene.nodes[mul].run_state == "idle" and scene.nodes[y.gid].badge is None
    assert not any(e.active for e in scene.edges.values())
    assert not any(c.freed for c in scene.nodes[mul]._chips)
    assert panel.view.animate_marker(named["x"].gid, named["s"].gid, 10) is None  # no drawn route


def test_highlight_nodes(panel, seed):
    named, _ = seed
    scene = panel.view.graph_scene
    panel.highlight_nodes([named["y"].gid, named["y"].grad_fn.gid])
    assert {v for v, i in scene.nodes.items() if i.highlighted} == {named["y"].gid, named["y"].grad_fn.gid}
    panel.highlight_nodes([])
    assert not any(i.highlighted for i in scene.nodes.values())


def _colours(image, step=3):
    return {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_render_whole_scene_light_and_dark(qtbot, seed, theme, tmp_path):
    named, snap = seed
    panel = GraphPanel(theme=theme)
    qtbot.addWidget(panel)
    panel.resize(700, 500)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_snapshot(snap)
    panel.view.set_badge(named["y"].gid, "grad is None")
    view, scene = panel.view, panel.view.graph_scene
    view.set_scale(3.0)  # zoomed in: the export must still contain everything
    image = render_scene_to_image(scene, 2.0)
    content = scene.itemsBoundingRect().adjusted(-16, -16, 16, 16)
    assert image.width() == round(content.width() * 2) and image.height() == round(content.height() * 2)
    assert QColor(image.pixel(2, 2)) == QColor(theme.canvas_bg)
    # the heatmap of x (all ones, the largest value) is drawn in the positive heat colour
    x_item = scene.nodes[named["x"].gid]
    cell = x_item._heat[0].rect.translated(x_item.pos()).center()
    px = (cell - content.topLeft()) * 2
    assert QColor(image.pixel(int(px.x()), int(px.y()))) == QColor(theme.heat_positive)
    assert len(_colours(image)) > 40  # text, edges, fills: not a blank canvas
    image.save(str(tmp_path / f"seed_{theme.name}.png"))
    view.fit_to_view()
    grab = view.grab()
    assert grab.width() > 100
    assert grab.save(str(tmp_path / f"view_{theme.name}.png"))
    # theme switch repaints with the other palette
    other = DARK if theme is LIGHT else LIGHT
    panel.set_theme(other)
    assert QColor(render_scene_to_image(scene, 1.0).pixel(1, 1)) == QColor(other.canvas_bg)


def test_large_graph_collapses_and_expands(qtbot):
    x = t.ones(2, requires_grad=True)
    y = x
    for _ in range(600):
        y = y * 1.01
    snap = build_snapshot({"x": x, "y": y})
    panel = GraphPanel(theme=LIGHT)
    qtbot.addWidget(panel)
    panel.set_snapshot(snap)
    scene = panel.view.graph_scene
    groups = [i for i in scene.nodes.values() if isinstance(i, GroupItem)]
    assert groups and len(scene.nodes) < 100 < len(snap["nodes"])
    (loop,) = groups
    assert loop.node_data["label"] == "600 x mul"
    # a member of a group is found through its group
    member = next(iter(scene.membership))
    assert scene.node_item(member) is scene.nodes[scene.membership[member]]
    # Opened, the 600 multiplies come a page at a time (gradviz.graph.loop_pages): the first, ten
    # more, the last, and one box for the rest, which opens the next page.
    assert scene.expand_group(loop.node_id)
    assert loop.node_id in scene.group_frames.frames
    (rest,) = [i for i in scene.nodes.values() if isinstance(i, GroupItem)]
    assert rest.node_data["label"] == "steps 11–599 (589 more)"
    assert len(scene.nodes) < 100
    assert scene.expand_group(rest.node_id)
    labels = {i.node_data["label"] for i in scene.nodes.values() if isinstance(i, GroupItem)}
    assert labels == {"steps 2–10 (9 earlier)", "steps 21–599 (579 more)"}
    image = render_scene_to_image(scene, 0.2)
    assert not image.isNull()
    # ... and the loop closes again.
    assert scene.collapse_group(loop.node_id)
    assert loop.node_id in scene.nodes and len(scene.nodes) == 3 and not scene.group_frames.frames


def _grown_snapshot(named, extra_ops):
    """The seed graph with a long chain of further ops hung below ``s``."""
    s = named["s"]
    more = dict(named)
    for i in range(extra_ops):
        s = s * 2
        more[f"s{i}"] = s
    return build_snapshot(more)


def test_first_snapshot_is_fitted_even_before_the_final_size(qtbot, seed):
    _named, snap = seed
    p = GraphPanel(theme=LIGHT)
    qtbot.addWidget(p)
    p.set_snapshot(snap)  # before show(): the view has no real size yet
    p.resize(700, 380)
    p.show()
    qtbot.waitExposed(p)
    view = p.view
    assert _fitted(view)
    assert view.auto_fit


def test_growing_graph_refits_until_the_user_moves_the_view(panel, seed, qtbot):
    named, _ = seed
    view = panel.view
    panel.set_snapshot(_grown_snapshot(named, 6))
    assert _fitted(view)
    view.zoom_by(2.0)  # a manual zoom: from now on the user's view is kept
    assert not view.auto_fit
    scale, centre = view.current_scale(), view.visible_scene_rect().center()
    panel.set_snapshot(_grown_snapshot(named, 12))
    assert view.current_scale() == pytest.approx(scale)
    assert abs(view.visible_scene_rect().center().x() - centre.x()) < 2
    new = [
        i
        for i in view.graph_scene.nodes.values()
        if i.node_id not in {n["id"] for n in _grown_snapshot(named, 0)["nodes"]}
    ]
    assert new and any(i.opacity() < 1.0 for i in new)  # new nodes fade in
    qtbot.waitUntil(lambda: all(i.opacity() == 1.0 for i in new), timeout=STATE_TIMEOUT_MS)
    panel.fit_to_view()
    assert view.auto_fit
    assert _fitted(view)


def _fitted(view) -> bool:
    """Fitting shows the whole graph, except that a small graph is never shrunk below readable
    text: then the view sits exactly at the readable scale (the minimap shows the rest)."""
    whole = view.visible_scene_rect().adjusted(-1, -1, 1, 1).contains(view.graph_scene.content_rect())
    return whole or view.current_scale() == pytest.approx(view.readable_scale())


def test_fitting_a_tall_small_graph_keeps_labels_readable(qtbot, seed):
    _named, snap = seed
    p = GraphPanel(theme=LIGHT)
    qtbot.addWidget(p)
    p.resize(500, 260)  # far too short for the seed graph top-down
    p.show()
    qtbot.waitExposed(p)
    p.set_snapshot(snap)
    p.fit_to_view()
    assert p.view.current_scale() == pytest.approx(p.view.readable_scale())
    assert not p.view.visible_scene_rect().contains(p.view.graph_scene.content_rect())
    assert not p.view.note.isVisible()
    # The Fit button shows the whole graph anyway and says the text is now too small to read;
    # its "Readable size" link goes back to the readable zoom.
    p.fit_button.click()
    assert p.view.visible_scene_rect().adjusted(-1, -1, 1, 1).contains(p.view.graph_scene.content_rect())
    assert not p.view.text_is_readable() and p.view.note.isVisible()
    p.view.note.button.click()
    assert p.view.current_scale() == pytest.approx(p.view.readable_scale())
    assert not p.view.note.isVisible()


def test_grad_none_badges_are_small_calm_and_never_overlap(panel, seed):
    named, snap = seed
    scene = panel.view.graph_scene
    (one,) = _ids(snap, label="1")
    reason = "y is not a leaf: it was computed by PowBackward0, so .grad is not kept (call y.retain_grad())"
    tensors = [n["id"] for n in snap["nodes"] if n["kind"] == "tensor"]
    for tid in tensors:
        panel.view.set_badge(tid, reason)
    y = scene.nodes[named["y"].gid]
    assert y.badge == "grad: None" and y.toolTip() == reason  # full reason in the tooltip
    constant = scene.nodes[one]
    assert constant.badge is None and constant.toolTip() == reason  # no chip on the Python 1
    for direction in ("TB", "LR"):
        panel.set_direction(direction)
        chips = [(v, i.mapRectToScene(i._badge_rect)) for v, i in scene.nodes.items() if i.badge]
        assert len(chips) == len(tensors) - 1
        boxes = {v: i.mapRectToScene(i._rect) for v, i in scene.nodes.items()}
        for v, chip in chips:
            assert chip.height() < 16 and chip.width() < 70  # a chip, not a banner
            for w, box in boxes.items():
                if w != v:
                    assert not chip.intersects(box), (direction, v, w)
            for w, other in chips:
                if w != v:
                    assert not chip.intersects(other), (direction, v, w)
    panel.view.set_badge(named["y"].gid, "why?", label="∅ .grad")
    assert y.badge == "∅ .grad"
    panel.view.set_badge(named["y"].gid, None)
    assert y.badge is None and y.toolTip() == ""


def test_big_graph_collapses_around_landmarks_and_double_click_expands(qtbot):
    W = t.ones(3, 3, requires_grad=True)
    h = t.ones(1, 3)
    named = {"W": W, "x": h}
    for i in range(300):
        h = (h @ W * 0.5).tanh()
        if i % 100 == 99:
            named[f"h{i}"] = h
    named["loss"] = h.sum()
    p = GraphPanel(theme=LIGHT)
    qtbot.addWidget(p)
    p.resize(900, 700)
    p.show()
    qtbot.waitExposed(p)
    p.set_snapshot(build_snapshot(named))
    view, scene = p.view, p.view.graph_scene
    for name, tensor in named.items():
        assert tensor.gid in scene.nodes, name  # named tensors, leaves and the loss stay visible
    groups = [i for i in scene.nodes.values() if isinstance(i, GroupItem)]
    assert len(groups) >= 2 and len(scene.nodes) < 30
    group = groups[0]
    members = scene.groups[group.node_id]
    view.centerOn(group)
    QTest.mouseDClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        view.mapFromScene(group.sceneBoundingRect().center()),
    )
    assert group.node_id not in scene.nodes
    # A folded loop opens into its steps (each one box), framed by the loop it belongs to.
    assert all(scene.drawn_id(m) not in (None, group.node_id) for m in members)
    assert group.node_id in scene.group_frames.frames
    assert all(tensor.gid in scene.nodes for tensor in named.values())


def test_minimap_only_while_part_of_the_graph_is_off_screen(panel):
    view = panel.view
    view.fit_whole()
    assert not view.minimap.isVisible()  # the whole graph is on screen: no corner box over it
    view.zoom_by(4.0)
    assert view.minimap.isVisible()
    panel.minimap_button.setChecked(False)
    assert not view.minimap.isVisible()
    panel.minimap_button.setChecked(True)
    view.fit_whole()
    assert not view.minimap.isVisible()


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_edges_touch_the_boxes_they_join(panel, direction):
    panel.set_direction(direction)
    scene = panel.view.graph_scene
    for (u, v, _key), edge in scene.edges.items():
        for node_id, point in ((u, edge.points[0]), (v, edge.points[-1])):
            box = scene.nodes[node_id].mapRectToScene(scene.nodes[node_id]._rect)
            assert box.adjusted(-3, -3, 3, 3).contains(QPointF(*point)), (direction, u, v, node_id)


# -- module boxes and folded loops: groups as the learner wrote them -----------------------------


def test_group_captions_are_pure_text():
    from ui.graph.modules import frame_title, group_caption, shapes_text

    data = {
        "label": "Linear(4, 16)",
        "group_kind": "module",
        "path": "model.0",
        "inputs_shapes": ["[2, 4]"],
        "outputs_shapes": ["[2, 16]"],
    }
    assert [t for t, _, _ in group_caption(data)] == ["Linear(4, 16)", "model.0", "[2, 4] → [2, 16]"]
    loop = {"label": "300 x tanh(h * 1.01 + 0.1)", "group_kind": "loop", "inputs_shapes": [], "outputs_shapes": []}
    assert [t for t, _, _ in group_caption(loop)] == ["300 x tanh(h * 1.01 + 0.1)"]
    assert shapes_text(["[1]"] * 5, []) == "[1], … (5) → ·"
    assert frame_title("module", "Linear(4, 16)", "model.0") == "Linear(4, 16) · model.0"
    assert frame_title("loop", "3 x mul", None) == "3 x mul"


def test_layout_hint_aligns_group_sources_and_gathers_rows():
    from gradviz.graph.layout.hint import align_group_sources, gather_group_rows

    # 0 -> 2 -> 3 and 1 -> 3: source 1 sits one rank lower than source 0 until aligned.
    pred = [[], [], [0], [2, 1]]
    assert align_group_sources([0, 1, 1, 2], ["g", "g", None, None], pred) == [0, 0, 1, 2]
    # A member with inputs does not move; an emptied rank is closed up.
    assert align_group_sources([0, 2, 1, 3], [None, "g", "g", None], [[], [], [0], [1, 2]]) == [0, 1, 1, 2]
    rows, moved = gather_group_rows([[0, 5, 1, 2]], ["g", "g", None, None])
    assert moved and rows == [[0, 1, 5, 2]]  # 5 is a dummy (no group)
    assert gather_group_rows([[2, 0, 1]], ["g", "g", None]) == ([[2, 0, 1]], False)


@pytest.fixture()
def mlp_snapshot():
    from collections import OrderedDict

    from gradviz.torch import nn

    t.manual_seed(0)
    net = nn.Sequential(OrderedDict(fc1=nn.Linear(2, 4), act=nn.ReLU(), fc2=nn.Linear(4, 2)))
    x = t.randn(5, 2)
    out = net(x)
    loss = out.sum()
    named = {"x": x, "out": out, "loss": loss}
    named.update({f"model.{k}": p for k, p in net.named_parameters()})
    params = {f"model.{k}": p.gid for k, p in net.named_parameters()}
    return build_snapshot(named), params


def _panel(qtbot, snapshot):
    p = GraphPanel(theme=LIGHT)
    qtbot.addWidget(p)
    p.resize(1000, 800)
    p.show()
    qtbot.waitExposed(p)
    p.set_snapshot(snapshot)
    return p


def _double_click(view, rect):
    view.centerOn(rect.center())
    QTest.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, view.mapFromScene(rect.center())
    )


@pytest.mark.parametrize("view_mode", ["dataflow", "gradfn"])
def test_module_box_collapses_to_one_node_expands_in_place_and_collapses_again(qtbot, mlp_snapshot, view_mode):
    snap, params = mlp_snapshot
    p = _panel(qtbot, snap)
    p.set_view_mode(view_mode)
    view, scene = p.view, p.view.graph_scene
    frames = scene.group_frames.frames
    titles = sorted(f.title for f in frames.values())
    assert titles == ["Linear(2, 4) · model.fc1", "Linear(4, 2) · model.fc2", "ReLU · model.act", "Sequential · model"]
    fc1 = next(g for g, f in frames.items() if f.title.startswith("Linear(2, 4)"))
    outer = next(g for g, f in frames.items() if f.title.startswith("Sequential"))
    weight = scene.nodes[params["model.fc1.weight"]]
    assert frames[fc1].frame_rect().contains(weight.sceneBoundingRect())
    assert frames[outer].frame_rect().contains(frames[fc1].frame_rect())  # nested boxes nest
    assert frames[fc1].zValue() < min(e.zValue() for e in scene.edges.values())

    # A double-click on the frame closes the box into one node with its shapes.
    inside = frames[fc1].frame_rect()
    empty = QPointF(inside.left() + 3, inside.bottom() - 3)
    _double_click(view, QRectF(empty, empty))
    qtbot.waitUntil(lambda: fc1 in scene.nodes, timeout=STATE_TIMEOUT_MS)
    box = scene.nodes[fc1]
    assert isinstance(box, GroupItem)
    texts = [t.text for t in box._texts]
    assert texts[:2] == ["Linear(2, 4)", "model.fc1"]
    if view_mode == "dataflow":
        assert texts[2] == "[5, 2] → [5, 4]"
    assert params["model.fc1.weight"] not in scene.nodes and fc1 not in frames
    assert scene.node_item(params["model.fc1.weight"]) is box
    assert view.selected_id() == fc1

    # A double-click on the box opens it where it was, and the "−" closes it again.
    _double_click(view, box.sceneBoundingRect())
    qtbot.waitUntil(lambda: fc1 in frames, timeout=STATE_TIMEOUT_MS)
    assert params["model.fc1.weight"] in scene.nodes and fc1 not in scene.nodes
    assert view.text_is_readable()
    toggle = frames[fc1].toggle_rect()
    view.centerOn(toggle.center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(toggle.center()))
    qtbot.waitUntil(lambda: fc1 in scene.nodes, timeout=STATE_TIMEOUT_MS)


def test_search_zooms_to_and_selects_a_match_inside_a_folded_loop(qtbot):
    h0 = t.ones(3, requires_grad=True)
    h = h0
    for _ in range(300):
        h = t.tanh(h * 1.01 + 0.1)
    p = _panel(qtbot, build_snapshot({"h0": h0, "h": h}))
    view, scene = p.view, p.view.graph_scene
    (loop,) = [i for i in scene.nodes.values() if isinstance(i, GroupItem)]
    assert loop.node_data["label"] == "300 x mul → add → tanh"
    view.set_scale(0.1)
    with qtbot.waitSignal(p.node_selected, timeout=2000):
        matches = p.search("TanhBackward0")
    assert len(matches) == 300
    assert p.search_status.text() == "1/300 · in 300 x mul → add → tanh"
    assert view.selected_id() == loop.node_id and view.text_is_readable()
    centre = view.visible_scene_rect().center()
    box = loop.sceneBoundingRect().center()
    assert abs(centre.x() - box.x()) < 5 and abs(centre.y() - box.y()) < 5


def test_opening_a_loop_too_big_to_read_whole_says_why(qtbot):
    h0 = t.ones(3, requires_grad=True)
    h = h0
    for _ in range(60):
        h = t.tanh(h * 1.01 + 0.1)
    p = _panel(qtbot, build_snapshot({"h0": h0, "h": h}))
    view, scene = p.view, p.view.graph_scene
    (loop,) = [i for i in scene.nodes.values() if isinstance(i, GroupItem)]
    assert view.expand_group(loop.node_id)
    boxes = [i.node_data["label"] for i in scene.nodes.values() if isinstance(i, GroupItem)]
    assert len(boxes) == 12 and "steps 11–59 (49 more)" in boxes  # a page of steps, the first and the last
    assert view.text_is_readable()
    assert view.note.isVisible() and "readable" in view.note.label.text()
    assert view.collapse_group(loop.node_id)
    assert loop.node_id in scene.nodes and not scene.group_frames.frames


def test_group_frames_follow_moves_and_themes(qtbot, mlp_snapshot, tmp_path):
    snap, params = mlp_snapshot
    p = _panel(qtbot, snap)
    scene = p.view.graph_scene
    fc1 = next(g for g, f in scene.group_frames.frames.items() if f.title.startswith("Linear(2, 4)"))
    frame = scene.group_frames.frames[fc1]
    weight = scene.nodes[params["model.fc1.weight"]]
    weight.setPos(weight.pos() + QPointF(0, -40))  # as an animation step would move it
    scene._step_animation(1.0)
    assert frame.frame_rect().contains(weight.sceneBoundingRect())
    light_fill = frame._fill.color()
    p.set_theme(DARK)
    assert frame._fill.color() != light_fill and frame._fill.color().lightness() < 80
    image = render_scene_to_image(scene, 1.0)
    assert image.save(str(tmp_path / "mlp_frames_dark.png"))
