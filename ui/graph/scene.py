"""GraphScene: a snapshot laid out and drawn as items, plus the state the backward player paints.

The scene owns one item per drawn node and edge, keyed by snapshot id, and keeps them across
snapshots: a new cell only adds items, and the layout is asked to keep old nodes where they were
(``layout(previous=...)``); whatever still moves glides there in a short animation. Player state
(node states, grads on edges, freed buffers, badges) is stored by id, so it survives a relayout
or a switch between the data-flow and grad_fn views.

Edges are keyed ``(source, target, key)``, the snapshot's MultiDiGraph key (the input slot), never
by node pair: ``y * y`` draws two edges into the multiply, each carrying its own grad, and the
node the two grads flow into shows its input buffer adding up (``set_input_sum``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Hashable, Iterable
from typing import Any, cast

import networkx as nx
from PySide6.QtCore import QEasingCurve, QObject, QPointF, QRectF, QVariantAnimation, Signal
from PySide6.QtGui import QBrush, QPainterPath
from PySide6.QtWidgets import QGraphicsScene

from gradviz.graph.calls import CounterpartMemory
from gradviz.graph.compound_layout import BoxStyle, compound_layout
from gradviz.graph.grouping import Grouping, default_collapsed, group_graph
from gradviz.graph.layout.collapse import collapse, fold_groups
from gradviz.graph.layout.sugiyama import LayoutResult, layout
from gradviz.graph.loop_pages import LoopPages
from gradviz.graph.snapshot import from_node_link, view_subgraph
from ui.graph.edges import GRAD_SPOTS, EdgeItem, GradMarkerItem, InputSumItem, polyline_path
from ui.graph.items import HALO, NodeItem, item_class_for
from ui.graph.module_frames import FRAME_PAD, FrameSpec, GroupFrames
from ui.graph.style import NODE_STATES, GraphPalette, fonts, palette_for

__all__ = ["ANIMATION_MS", "COLLAPSE_THRESHOLD", "GROUP_BUDGET", "EdgeKey", "GraphScene"]

EdgeKey = tuple[str, str, int]  # (source, target, key): one drawn edge per input slot
GradKey = tuple[str, str, int | None]  # (receiver, sender, slot): one grad the player shows

COLLAPSE_THRESHOLD = 400  # above this many drawn nodes, chains are folded into groups
GROUP_BUDGET = 150  # module boxes and loops start open while the drawing stays this small
ANIMATION_MS = 260
STALE_OPACITY = 0.35  # nodes a retired run made (snapshot "stale": true), and their edges
ANIMATE_MAX_ITEMS = 1500  # beyond this a relayout jumps: animating thousands of items stutters
MARGIN = 40.0
# When a group stands for several nodes it shows the most eventful member's state.
STATE_RANK = {s: i for i, s in enumerate(("idle", "done", "pending", "ready", "error", "running"))}


def frame_title_height() -> float:
    """The height of an open group frame's title strip (ui.graph.module_frames draws it)."""
    return fonts().fm("chip").height() + 4.0


def _lerp(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


class GraphScene(QGraphicsScene):
    layout_changed = Signal()

    def __init__(self, palette: GraphPalette | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.graph_palette = palette or palette_for(None)
        self.view_mode = "dataflow"
        self.direction = "TB"
        self.collapse_threshold = COLLAPSE_THRESHOLD
        self.animate_changes = True
        self.snapshot: dict[str, Any] | None = None
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.drawn: nx.MultiDiGraph = nx.MultiDiGraph()  # what is on screen (a view, maybe collapsed)
        self.layout_result: LayoutResult | None = None
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[EdgeKey, EdgeItem] = {}
        self._between: dict[tuple[str, str], list[EdgeKey]] = {}  # node pair -> its edges, by key
        self.membership: dict[str, str] = {}  # original id -> drawn id, for collapsed groups
        self.groups: dict[str, list[str]] = {}
        self.expanded: set[str] = set()  # chain groups opened (their id and their members)
        self._opened_chains: dict[str, tuple[str, list[str]]] = {}  # chain id -> (label, members)
        self._chain_members: dict[str, list[str]] = {}  # chain groups of the last build
        # Module boxes and loops (gradviz.graph.grouping): which the learner opened or closed.
        self.grouping: Grouping | None = None
        self.group_budget = GROUP_BUDGET
        self.user_opened: set[str] = set()
        self.user_collapsed: set[str] = set()
        self.collapsed_groups: set[str] = set()
        self.frame_specs: dict[str, FrameSpec] = {}
        self._layouts: dict[tuple[str, str, Hashable | None], LayoutResult] = {}  # per view, direction, box
        self._counterparts = CounterpartMemory()  # where _layouts' nodes stand in a loop body, for the next iteration
        self._states: dict[str, str] = {}
        self._edge_grads: dict[GradKey, str] = {}  # (receiver, sender, slot) -> text
        # A player step changes a handful of nodes and grads; these indexes let it repaint only
        # those items instead of re-deriving every node's state and every grad's route.
        self._stand_ins: dict[str, list[str]] = {}  # drawn id -> the ids whose player state it shows
        self._grad_order: dict[GradKey, int] = {}  # when each grad was first set (a later one wins)
        self._grad_count = 0
        self._grad_routes: dict[GradKey, tuple[EdgeKey, ...]] = {}  # grad -> the drawn edges it travels
        self._edge_users: dict[EdgeKey, set[GradKey]] = {}  # drawn edge -> the grads travelling on it
        self._input_sums: dict[tuple[str, int], str] = {}  # (node, output_nr) -> "2.25 + 2.25 = 4.5"
        self._sum_items: dict[tuple[str, int], InputSumItem] = {}
        self._freed: dict[tuple[str, str], bool] = {}
        self._badges: dict[str, tuple[str, str | None]] = {}  # id -> (full text, chip label)
        self._highlight: set[str] = set()
        # The drawing's extent, asked for on every scroll (is the minimap needed?): measured again
        # only after something moved or grew, not by walking thousands of items per pan step.
        self._content: QRectF | None = None
        self._moves: list[tuple[Any, Any, Any]] = []
        self._fading: list[Any] = []  # new items fading in during the animation
        self._anim = QVariantAnimation(self)
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._anim.valueChanged.connect(self._step_animation)
        self._anim.finished.connect(lambda: self._step_animation(1.0))
        self._markers: list[tuple[GradMarkerItem, QVariantAnimation]] = []
        # Open module boxes and loops framed around what they hold, behind the nodes.
        self.group_frames = GroupFrames(self)
        self.loop_pages = LoopPages()  # an open long loop shows a page of its steps at a time
        self.group_frames.on_page = self.turn_page
        self.setBackgroundBrush(QBrush(self.graph_palette.background))

    # -- input -------------------------------------------------------------------------------
    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        """Draw a new snapshot; nodes already drawn keep their place, new ones are added."""
        self.snapshot = snapshot
        self.graph = from_node_link(snapshot) if snapshot else nx.MultiDiGraph()
        self.grouping = group_graph(self.graph) if snapshot else None
        self._freed.clear()  # freed state now comes from the snapshot itself
        self.rebuild()

    def set_view_mode(self, view: str) -> None:
        if view not in ("dataflow", "gradfn"):
            raise ValueError(f"unknown view {view!r}")
        if view != self.view_mode:
            self.view_mode = view
            self.rebuild(animate=False)

    def set_direction(self, direction: str) -> None:
        if direction not in ("TB", "LR"):
            raise ValueError(f"unknown direction {direction!r}")
        if direction != self.direction:
            self.direction = direction
            self.rebuild(animate=False)

    def set_palette(self, palette: GraphPalette) -> None:
        self.graph_palette = palette
        self.setBackgroundBrush(QBrush(palette.background))
        for item in self.nodes.values():
            item.set_palette(palette)
        for edge in self.edges.values():
            edge.set_palette(palette)
        for chip in self._sum_items.values():
            chip.set_palette(palette)
        for marker, _ in self._markers:
            marker.set_palette(palette)
        self.group_frames.set_palette(palette)

    def expand_group(self, group_id: str) -> bool:
        """Open a collapsed group in place: a module box or loop shows what it holds inside a frame,
        a chain of ops its ops; a folded run of an open loop's steps turns the loop to its page
        (the page of the running node, if it holds it). False if ``group_id`` is not a group drawn now."""
        running = [v for v, s in self._states.items() if s == "running"]
        paged = self.loop_pages.apply(self.grouping) if self.grouping is not None else None
        loop_id = self.loop_pages.open_page(paged, group_id, running) if paged is not None else None
        if loop_id is not None:
            self._show_page(loop_id)
            return True
        if self.grouping is not None and group_id in self.grouping.groups and group_id in self.collapsed_groups:
            self.user_opened.add(group_id)
            self.user_collapsed.discard(group_id)
        elif group_id in self.groups:
            label = str(self.drawn.nodes[group_id].get("label", group_id)) if group_id in self.drawn else group_id
            members = list(self._chain_members.get(group_id, []))
            self._opened_chains[group_id] = (label, members)
            self.expanded.update(members)
            self.expanded.add(group_id)
        else:
            return False
        self.rebuild(animate=False)
        return True

    def collapse_group(self, group_id: str) -> bool:
        """Close an open group back into one node (the inverse of expand_group)."""
        if self.grouping is not None and group_id in self.grouping.groups and group_id not in self.collapsed_groups:
            self.user_collapsed.add(group_id)
            self.user_opened.discard(group_id)
        elif group_id in self._opened_chains:
            _, members = self._opened_chains.pop(group_id)
            self.expanded.difference_update(members)
            self.expanded.discard(group_id)
        else:
            return False
        self.rebuild(animate=False)
        return True

    def turn_page(self, loop_id: str, delta: int) -> bool:
        """Show the page ``delta`` pages on of an open loop shown a page at a time; False if none."""
        if self.grouping is None or not self.loop_pages.turn(self.grouping, loop_id, delta):
            return False
        self._show_page(loop_id)
        return True

    def _show_page(self, loop_id: str) -> None:
        # A page is laid out afresh: values kept where the last page had them would leave gaps.
        for key in [k for k in self._layouts if k[2] == loop_id]:
            del self._layouts[key]
        self.rebuild(animate=False)

    def group_rect(self, group_id: str) -> QRectF:
        """Where a group is drawn: its frame when open, its node when collapsed (empty if neither)."""
        frame = self.group_frames.frames.get(group_id)
        if frame is not None:
            return frame.frame_rect()
        item = self.nodes.get(group_id)
        if item is None and self.grouping is not None:  # a page of a loop was opened: its steps
            rect = QRectF()
            for step in self.loop_pages.shown_steps(self.loop_pages.apply(self.grouping), group_id):
                rect = rect.united(self.group_rect(str(step)))
            return rect
        return item.sceneBoundingRect() if item is not None else QRectF()

    # -- building ----------------------------------------------------------------------------
    def _drawn_graph(self) -> nx.MultiDiGraph:
        shown = view_subgraph(self.graph, self.view_mode) if self.graph.number_of_nodes() else nx.MultiDiGraph()
        for _, data in shown.nodes(data=True):
            if data.get("kind") == "accumulate":
                var = data.get("variable")
                vd = self.graph.nodes[var] if var in self.graph else {}
                data["variable_name"] = vd.get("name") or str(vd.get("label", var or "?")).split("\n")[0]
                grad = vd.get("grad")
                data["variable_grad"] = grad.get("preview") if grad else None
        self.membership, self.groups = {}, {}
        self._chain_members = {}
        self.frame_specs = {}
        self.collapsed_groups = set()
        drawn: nx.MultiDiGraph = shown
        if self.grouping is not None and self.grouping.groups:
            grouping = self.loop_pages.apply(self.grouping)
            base = default_collapsed(grouping, shown.nodes, self.group_budget)
            self.collapsed_groups = (base | (self.user_collapsed & set(grouping.groups))) - self.user_opened
            folded = fold_groups(shown, grouping, self.collapsed_groups, full=self.graph)
            drawn = cast("nx.MultiDiGraph", folded.graph)
            self.membership = {str(k): str(v) for k, v in folded.membership.items() if k != v}
            self.groups = {str(g): [str(m) for m in ms] for g, ms in folded.groups.items()}
            for gid, members in grouping.open_frames(self.collapsed_groups, drawn.nodes).items():
                group = grouping.groups[gid]
                self.frame_specs[gid] = FrameSpec.for_group(group, [str(m) for m in members])
        if drawn.number_of_nodes() > self.collapse_threshold:
            drawn = self._collapse_chains(drawn)
        return drawn

    def _collapse_chains(self, drawn: nx.MultiDiGraph) -> nx.MultiDiGraph:
        """Runs of ops in a graph still too big after grouping become chain groups (landmarks and
        collapsed module boxes and loops stay visible); opened chains are framed."""
        keep = self._landmarks(drawn) | {v for v, d in drawn.nodes(data=True) if d.get("kind") == "group"}
        folded = collapse(drawn, keep=keep)
        opened = [g for g in folded.groups if g in self.expanded or any(m in self.expanded for m in folded.groups[g])]
        self._chain_members = {str(g): [str(m) for m in ms] for g, ms in folded.groups.items()}
        if opened:
            folded = folded.expand(opened)
        first = self.membership
        originals: dict[str, list[str]] = {}
        for v in self.graph.nodes:  # every original node once: through its group, then its chain
            level1 = first.get(str(v), str(v))
            level2 = str(folded.membership.get(level1, level1))
            if level2 != str(v):
                first[str(v)] = level2
            originals.setdefault(level2, []).append(str(v))
        self.groups = {str(g): originals.get(str(g), []) for g in folded.graph.nodes if str(g) in originals}
        self.groups = {g: ms for g, ms in self.groups.items() if ms != [g]}
        for spec in self.frame_specs.values():  # an open group's items may sit in a chain now
            spec.members = list(dict.fromkeys(str(folded.membership.get(m, m)) for m in spec.members))
        for gid, (label, members) in self._opened_chains.items():
            inside = [m for m in members if m in folded.graph]
            if inside:
                self.frame_specs[gid] = FrameSpec(" ".join(label.split()), inside, None, "chain")
        return cast("nx.MultiDiGraph", folded.graph)

    @staticmethod
    def _landmarks(shown: nx.MultiDiGraph) -> set[str]:
        """Nodes a collapse must leave visible: what the learner named, the leaves (where grads
        end up) and the sinks (the loss, or whatever the script computed last)."""
        keep: set[str] = set()
        for v, data in shown.nodes(data=True):
            if (data.get("kind") == "tensor" and (data.get("name") or data.get("role") == "leaf")) or shown.out_degree(
                v
            ) == 0:
                keep.add(v)
        return keep

    def rebuild(self, animate: bool = True) -> None:
        # Thousands of items and dicts are made and none freed; the cyclic GC would only rescan them.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._rebuild(animate)
        finally:
            if collecting:
                gc.enable()

    def _rebuild(self, animate: bool) -> None:
        self._finish_animation()
        drawn = self._drawn_graph()
        old_pos = {v: (item.pos().x(), item.pos().y()) for v, item in self.nodes.items()}
        old_edges = {k: list(e.points) for k, e in self.edges.items()}
        # Items a later snapshot adds fade in, so the eye finds what the new cell created; the
        # first drawing (nothing on screen yet) simply appears.
        fade = animate and self.animate_changes and bool(self.nodes)
        fading: list[Any] = []
        for v in [v for v in self.nodes if v not in drawn]:
            self.removeItem(self.nodes.pop(v))
        for v, data in drawn.nodes(data=True):
            item = self.nodes.get(v)
            cls = item_class_for(data)
            if item is not None and type(item) is not cls:
                self.removeItem(self.nodes.pop(v))
                item = None
            clean = {k: x for k, x in data.items() if k not in ("width", "height")}  # snapshot data only
            if item is None:
                item = cls(v, clean, self.graph_palette)
                self.nodes[v] = item
                self.addItem(item)
                if fade:
                    fading.append(item)
            elif item.node_data != clean:
                item.set_data(clean)
            item.set_flow(self.direction == "TB")
            w, h = item.footprint()
            data["width"], data["height"] = max(w, 1.0), max(h, 1.0)
        result = self._layout(drawn)
        self.layout_result = result
        self.drawn = drawn
        moves: list[tuple[Any, Any, Any]] = []
        for v, item in self.nodes.items():
            target = result.positions[v]
            start = old_pos.get(v)
            if start is not None and start != target and animate:
                moves.append((item, start, target))
            else:
                item.setPos(QPointF(*target))
        fresh_edges = self._sync_edges(drawn, result, old_edges if animate else {}, moves)
        if fade:
            fading.extend(fresh_edges)
        self._index_stand_ins()
        self._apply_player_state()
        self._apply_stale()
        self._finish_frames(moves)
        self._content = None
        bounds = self.content_rect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setSceneRect(bounds)
        self._moves = moves
        self._fading = fading
        if (moves or fading) and self.animate_changes and len(moves) + len(fading) <= ANIMATE_MAX_ITEMS:
            for item in fading:
                item.setOpacity(0.0)
            self._anim.setDuration(ANIMATION_MS)
            self._anim.start()
        else:
            self._step_animation(1.0)
        self.layout_changed.emit()

    def _layout(self, drawn: nx.MultiDiGraph) -> LayoutResult:
        """Positions for ``drawn``: open module boxes and loops each laid out in a box of their own
        (gradviz.graph.compound_layout), so a frame never holds a node it does not own."""
        view, direction = self.view_mode, self.direction
        if drawn.number_of_nodes() == 0:  # an iteration kept as a summary: the next one carries on from the last
            return layout(drawn, direction=direction)
        boxes = {g: spec for g, spec in self.frame_specs.items() if spec.kind != "chain"}
        if not boxes:
            key = (view, direction, None)
            previous = self._layouts.get(key)
            if previous is not None:  # another iteration of a loop: its nodes stand where their counterparts stood
                previous = self._counterparts.carry(previous, drawn)
            result = layout(drawn, direction=direction, previous=previous)
            self._layouts[key] = result
            self._counterparts.remember(drawn)
            return result
        parent: dict[Hashable, Hashable | None] = {
            g: (s.parent if s.parent in boxes else None) for g, s in boxes.items()
        }

        def depth(g: Hashable | None) -> int:
            n = 0
            while g is not None:
                n, g = n + 1, parent[g]
            return n

        inner: dict[Hashable, Hashable | None] = {}
        for g in sorted(boxes, key=depth):  # deeper groups come later and win
            for m in boxes[g].members:
                if m in drawn:
                    inner[m] = g
        f = fonts()
        title_h = f.fm("chip").height() + 4.0
        style = BoxStyle(pad=FRAME_PAD + HALO + 4.0, title=title_h + FRAME_PAD)
        widths = {g: spec.min_width() + 2 * HALO for g, spec in boxes.items()}
        result, _blocks, levels = compound_layout(
            drawn,
            inner,
            parent,
            direction=direction,
            style=style,
            min_width=widths,
            previous=lambda level: self._carried(self._layouts.get((view, direction, level)), drawn),
        )
        for level, level_result in levels.items():
            self._layouts[(view, direction, level)] = level_result
        self._counterparts.remember(drawn)
        return result

    def _carried(self, previous: LayoutResult | None, drawn: nx.MultiDiGraph) -> LayoutResult | None:
        """``previous`` with another iteration's nodes renamed to their counterparts in ``drawn``."""
        return self._counterparts.carry(previous, drawn)

    def _finish_frames(self, moves: list[tuple[Any, Any, Any]]) -> None:
        """Frames fitted to where the nodes end up (an animation moves them there later), and the
        edges' slot labels placed clear of the frames' titles and of the nodes there."""
        now = {item: item.pos() for item, _, _ in moves if isinstance(item, NodeItem)}
        for item, _, target in moves:
            if isinstance(item, NodeItem):
                item.setPos(QPointF(*target))
        self.group_frames.sync(self.frame_specs, self.nodes, self.graph_palette)
        self._place_slot_labels({item: target for item, _, target in moves if isinstance(item, EdgeItem)})
        for item, pos in now.items():
            item.setPos(pos)

    def title_bands(self) -> list[QRectF]:
        """The title strips of the open groups' frames (scene coordinates), where a frame names
        its group and has its buttons."""
        height = frame_title_height()
        bands = []
        for frame in self.group_frames.frames.values():
            rect = frame.frame_rect()
            bottom = max(rect.top() + height, frame.toggle_rect().bottom())  # the "−" may reach lower
            bands.append(QRectF(rect.left(), rect.top(), rect.width(), bottom - rect.top()))
        return bands

    def _place_slot_labels(self, final_points: dict[EdgeItem, list[tuple[float, float]]]) -> None:
        """Each slot label ("0", "1") at the first of its places that covers no frame title, no
        node box and no other label into the same node (the first place when none is free)."""
        bands = self.title_bands()
        taken: dict[str, list[QRectF]] = {}  # target node -> labels placed on edges into it
        for edge in self.edges.values():
            candidates = edge.label_candidates(final_points.get(edge))
            if not candidates:
                continue
            near = taken.setdefault(edge.target, [])
            spot, rect = next((c for c in candidates if self._label_is_free(c[1], bands, near)), candidates[0])
            edge.set_label_spot(spot)
            near.append(rect)

    def _label_is_free(self, rect: QRectF, bands: list[QRectF], labels: list[QRectF]) -> bool:
        if any(band.intersects(rect) for band in bands) or any(label.intersects(rect) for label in labels):
            return False
        return not any(isinstance(item, NodeItem) and item.scene_box().intersects(rect) for item in self.items(rect))

    def _sync_edges(self, drawn: nx.MultiDiGraph, result: LayoutResult, old_edges: dict, moves: list) -> list[EdgeItem]:
        """Create, replace or move edge items (one per input slot); returns the edges new on screen."""
        fresh: list[EdgeKey] = []
        for k in [k for k in self.edges if not drawn.has_edge(*k)]:
            self.removeItem(self.edges.pop(k))
        self._between = {}
        for u, v, key, data in drawn.edges(keys=True, data=True):
            # Input slots matter where an op has several inputs (which operand is "self"?) and
            # where one tensor fills several slots (y * y: slot 0 and slot 1).
            show_index = not data.get("derived") and (
                (drawn.nodes[v].get("kind") == "op" and drawn.in_degree(v) > 1) or drawn.number_of_edges(u, v) > 1
            )
            k = (u, v, key)
            self._between.setdefault((u, v), []).append(k)
            parallel = drawn.number_of_edges(u, v) > 1
            edge = self.edges.get(k)
            if edge is None or edge.edge_data != data or edge.show_index != show_index or edge.parallel != parallel:
                if edge is None:
                    fresh.append(k)
                else:
                    self.removeItem(edge)
                edge = EdgeItem(u, v, data, self.graph_palette, show_index, key, parallel)
                self.edges[k] = edge
                self.addItem(edge)
            points = result.edge_points.get(k) or [result.positions[u], result.positions[v]]
            before = old_edges.get(k)
            if before is not None and len(before) == len(points) and before != points:
                moves.append((edge, before, list(points)))
            else:
                edge.set_points(points)
        return [self.edges[k] for k in fresh]

    def _step_animation(self, t: Any) -> None:
        t = float(t)
        self._content = None
        for item, start, end in self._moves:
            if isinstance(item, EdgeItem):
                item.set_points([_lerp(a, b, t) for a, b in zip(start, end)])
            else:
                item.setPos(QPointF(*_lerp(start, end, t)))
        for item in self._fading:
            item.setOpacity(min(self._full_opacity(item), t))
        self.group_frames.follow(self.nodes)
        for chip in self._sum_items.values():
            chip.follow()
        if t >= 1.0:
            self._moves = []
            self._fading = []

    def _finish_animation(self) -> None:
        if self._anim.state() == QVariantAnimation.State.Running:
            self._anim.stop()
            self._step_animation(1.0)

    # -- stale nodes ---------------------------------------------------------------------------
    def stale_nodes(self) -> set[str]:
        """Drawn nodes a retired run made (a cell ran again since): they are dimmed."""
        return {v for v, item in self.nodes.items() if item.node_data.get("stale")}

    def _full_opacity(self, item: Any) -> float:
        if isinstance(item, EdgeItem):
            ends = (self.nodes.get(item.source), self.nodes.get(item.target))
            stale = any(n is not None and n.node_data.get("stale") for n in ends)
        else:
            stale = bool(getattr(item, "node_data", {}).get("stale"))
        return STALE_OPACITY if stale else 1.0

    def _apply_stale(self) -> None:
        for item in (*self.nodes.values(), *self.edges.values()):
            item.setOpacity(self._full_opacity(item))

    # -- lookups -----------------------------------------------------------------------------
    def drawn_id(self, node_id: str) -> str | None:
        """The drawn node standing for ``node_id``: itself, its group, or a leaf for its
        AccumulateGrad in the data-flow view (which has no AccumulateGrad nodes)."""
        if node_id in self.nodes:
            return node_id
        if node_id in self.membership:
            return self.membership[node_id]
        data = self.graph.nodes.get(node_id) if node_id in self.graph else None
        if data and data.get("kind") == "accumulate":
            var = data.get("variable")
            if var in self.nodes or var in self.membership:
                return self.drawn_id(var)
        return None

    def node_item(self, node_id: str) -> NodeItem | None:
        drawn = self.drawn_id(node_id)
        return self.nodes.get(drawn) if drawn is not None else None

    def search(self, text: str) -> list[str]:
        """Ids of nodes whose name, other names, label or grad_fn name match ``text``
        (case-insensitive): exact matches first, then prefixes, then substrings."""
        needle = text.strip().lower()
        if not needle:
            return []
        ranked: list[tuple[int, str]] = []
        for v, data in self.graph.nodes(data=True):
            if self.drawn_id(v) is None:
                continue
            words = [
                str(w)
                for w in (data.get("name"), *(data.get("names") or []), str(data.get("label", "")).split("\n")[0], v)
                if w
            ]
            best = 3
            for w in (w.lower() for w in words):
                if w == needle:
                    best = 0
                elif w.startswith(needle):
                    best = min(best, 1)
                elif needle in w:
                    best = min(best, 2)
            if best < 3:
                ranked.append((best, v))
        order = {v: i for i, v in enumerate(self.graph.nodes)}
        ranked.sort(key=lambda r: (r[0], order[r[1]]))
        return [v for _, v in ranked]

    # -- player state --------------------------------------------------------------------------
    def set_node_states(self, states: dict[str, str]) -> None:
        """Merge player states ("pending", "ready", "running", "done", "error", "idle") by id; only
        the drawn nodes standing for those ids are repainted."""
        touched: set[str] = set()
        for node_id, state in states.items():
            if state not in NODE_STATES:
                raise ValueError(f"unknown node state {state!r}")
            if state == "idle":
                self._states.pop(node_id, None)
            else:
                self._states[node_id] = state
            drawn = self.drawn_id(node_id)
            if drawn is not None:
                touched.add(drawn)
        for drawn in touched:
            self.nodes[drawn].set_run_state(self._shown_state(drawn))

    def clear_player_state(self) -> None:
        """Back to the snapshot as it is: no states, grads, badges, markers or freed overrides."""
        self._states.clear()
        self._edge_grads.clear()
        self._grad_order.clear()
        self._input_sums.clear()
        self._freed.clear()
        self._badges.clear()
        self._content = None
        for marker, anim in list(self._markers):
            anim.stop()
            self._drop_marker(marker, anim)
        for item in self.nodes.values():
            if item.badge:
                item.set_badge(None)
            for attr in item.buffer_attrs():
                item.set_buffer_freed(attr, self._snapshot_freed(item.node_id, attr))
        self._apply_player_state()

    def set_edge_grad(self, edge: tuple[str, str] | tuple[str, str, int], text: str | None) -> bool:
        """Show ``text`` on the drawn route of one grad: ``(receiver, sender, slot)`` in the gradfn
        direction (next function -> consumer), slot = position in the sender's next_functions,
        so the two grads of ``y * y`` sit on their own edges. A ``(receiver, sender)`` pair takes
        the first slot's route. None clears; False if no route is drawn."""
        key: GradKey = (edge[0], edge[1], edge[2] if len(edge) > 2 else None)
        self._store_grad(key, text)
        self._update_edge_grads([key])
        return bool(self._grad_routes.get(key)) or self.route(key[0], key[1], key[2]) is not None

    def set_edge_grads(self, grads: dict[tuple[str, str, int], str | None]) -> None:
        """Many ``set_edge_grad`` calls at once (a seek changes hundreds): each edge they touch is
        redrawn once."""
        for key, text in grads.items():
            self._store_grad(key, text)
        self._update_edge_grads(list(grads))

    def _store_grad(self, key: GradKey, text: str | None) -> None:
        if text is None:
            self._edge_grads.pop(key, None)
            self._grad_order.pop(key, None)
            return
        if key not in self._edge_grads:
            self._grad_count += 1
            self._grad_order[key] = self._grad_count
        self._edge_grads[key] = text

    def set_input_sum(self, node_id: str, output_nr: int, text: str | None) -> None:
        """Show a node's input buffer adding up (``2.25 + 2.25 = 4.5``) beside it; None removes."""
        if text:
            self._input_sums[(node_id, output_nr)] = text
        else:
            self._input_sums.pop((node_id, output_nr), None)
        self._apply_input_sum((node_id, output_nr))

    def set_buffer_freed(self, node_id: str, attr: str, freed: bool) -> None:
        if not attr.startswith("_saved_"):
            attr = "_saved_" + attr
        self._freed[(node_id, attr)] = freed
        item = self.nodes.get(node_id)
        if item is not None:
            item.set_buffer_freed(attr, freed)

    def set_badge(self, node_id: str, text: str | None, label: str | None = None) -> None:
        """Mark a tensor whose .grad is None: ``text`` (the explanation) becomes the tooltip, the
        chip shows ``label`` or a short "grad: None". Constants get the tooltip only."""
        if text:
            self._badges[node_id] = (text, label)
        else:
            self._badges.pop(node_id, None)
        drawn = self.drawn_id(node_id)
        item = self.nodes.get(drawn) if drawn is not None else None
        if item is not None:
            before = item.badge
            item.set_badge(*self._shown_badges(drawn).get(item.node_id, (None, None)))
            if item.badge != before:
                self._content = None
                self.group_frames.follow(self.nodes)  # a chip may widen a framed member

    def highlight_nodes(self, ids: Iterable[str]) -> None:
        self._highlight = set(ids)
        self._apply_highlight()

    def _snapshot_freed(self, node_id: str, attr: str) -> bool:
        data = self.graph.nodes.get(node_id) if node_id in self.graph else None
        for buf in (data or {}).get("saved") or []:
            if buf.get("attr") == attr:
                return bool(buf.get("freed"))
        return False

    def _index_stand_ins(self) -> None:
        """Which ids each drawn node shows the state of: itself, a collapsed group's members, the
        AccumulateGrad of a leaf in the data-flow view."""
        stand_ins: dict[str, list[str]] = {}
        for v in self.graph.nodes:
            drawn = self.drawn_id(str(v))
            if drawn is not None:
                stand_ins.setdefault(drawn, []).append(str(v))
        for v in self.nodes:
            if v not in self.graph:  # a group's own id
                stand_ins.setdefault(v, []).append(v)
        self._stand_ins = stand_ins

    def _shown_state(self, drawn: str) -> str:
        """The state a drawn node shows: a group its most eventful member's."""
        best, best_rank = "idle", 0
        states = self._states
        for node_id in self._stand_ins.get(drawn, (drawn,)):
            state = states.get(node_id)
            if state is not None and STATE_RANK[state] > best_rank:
                best, best_rank = state, STATE_RANK[state]
        return best

    def _apply_states(self) -> None:
        for v, item in self.nodes.items():
            item.set_run_state(self._shown_state(v))

    def _apply_highlight(self) -> None:
        lit = {d for d in (self.drawn_id(i) for i in self._highlight) if d is not None}
        for v, item in self.nodes.items():
            item.set_highlighted(v in lit)

    def _apply_edge_grads(self) -> None:
        """Every grad routed afresh (the drawing changed): every edge shown again."""
        self._grad_routes.clear()
        self._edge_users.clear()
        self._update_edge_grads(list(self._edge_grads), every_edge=True)

    def _update_edge_grads(self, keys: Iterable[GradKey], every_edge: bool = False) -> None:
        """Re-route the grads ``keys`` and redraw only the edges they leave or arrive on."""
        touched: set[EdgeKey] = set()
        for key in keys:
            for edge_key in self._grad_routes.pop(key, ()):
                users = self._edge_users.get(edge_key)
                if users is not None:
                    users.discard(key)
                    if not users:
                        del self._edge_users[edge_key]
                touched.add(edge_key)
            if key in self._edge_grads:
                route = tuple(edge.key_tuple for edge, _ in self.route(*key) or [])
                self._grad_routes[key] = route
                for edge_key in route:
                    self._edge_users.setdefault(edge_key, set()).add(key)
                touched.update(route)
        for edge_key in self.edges if every_edge else touched:
            self._show_edge(edge_key)
        self._spread_grad_pills({key[1] for key in (self.edges if every_edge else touched)})

    def _spread_grad_pills(self, targets: Iterable[str]) -> None:
        """On the edges into each of ``targets``, each grad pill at the first place along its edge
        that covers no pill placed before it (edges in key order, so the places depend only on
        which grads are shown): pills of converging edges met at the middle, and one hid the
        other's digits ('3.415e-1' for 3.415e-14)."""
        wanted = set(targets)
        by_target: dict[str, list[EdgeItem]] = {}
        for key in self._edge_users:  # the edges a grad runs on now: few, however big the graph
            edge = self.edges.get(key)
            if key[1] in wanted and edge is not None and edge.grad_text:
                by_target.setdefault(key[1], []).append(edge)
        for target in wanted:
            into = sorted(by_target.get(target, []), key=lambda e: e.key_tuple)
            if len(into) < 2:
                for edge in into:
                    edge.set_grad_at(GRAD_SPOTS[0])
                continue
            taken: list[QRectF] = []
            for edge in into:
                candidates = edge.grad_candidates()
                if not candidates:
                    if not (rect := edge.grad_scene_rect()).isNull():
                        taken.append(rect)
                    continue
                at, rect = next((c for c in candidates if not any(c[1].intersects(r) for r in taken)), candidates[0])
                edge.set_grad_at(at)
                taken.append(rect)

    def _show_edge(self, key: EdgeKey) -> None:
        # Every edge of a route is drawn active; the text sits on the edge the grad leaves its
        # sender by (the one into the consumer, which is the input slot's own edge). Two grads
        # ending on one edge: the one set last is shown.
        edge = self.edges.get(key)
        if edge is None:
            return
        users = self._edge_users.get(key)
        if users:
            ending = [g for g in users if self._grad_routes[g][-1] == key]
            text = self._edge_grads[max(ending, key=self._grad_order.__getitem__)] if ending else None
            if edge.grad_text != text:
                edge.set_grad_text(text)
                self._grow_content(edge)
            edge.set_active(True)
        elif edge.active or edge.grad_text:
            edge.set_grad_text(None)

    def _sum_anchor(self, node_id: str, output_nr: int) -> str | None:
        """Where a node's input buffer is shown: in the data-flow view on the tensor the buffer
        is the grad of (the op's output), where the parallel edges meet; else on the node."""
        data = self.graph.nodes.get(node_id) if node_id in self.graph else None
        if self.view_mode == "dataflow" and data is not None:
            outputs = data.get("outputs") or []
            if output_nr < len(outputs) and self.drawn_id(outputs[output_nr]) is not None:
                return self.drawn_id(outputs[output_nr])
        return self.drawn_id(node_id)

    def _apply_input_sums(self) -> None:
        for key in [*self._sum_items, *(k for k in self._input_sums if k not in self._sum_items)]:
            self._apply_input_sum(key)

    def _apply_input_sum(self, key: tuple[str, int]) -> None:
        """One input buffer's chip: placed beside its anchor, or removed."""
        text = self._input_sums.get(key)
        anchor = self._sum_anchor(*key) if text else None
        if text is None or anchor is None:
            old = self._sum_items.pop(key, None)
            if old is not None and old.scene() is self:
                self.removeItem(old)
            return
        chip = self._sum_items.get(key)
        if chip is None:
            chip = self._sum_items[key] = InputSumItem(self.graph_palette)
            self.addItem(chip)
        chip.set_text(text)
        chip.attach(self.nodes[anchor], self.direction == "TB")
        self._place_chip(chip)
        self._grow_content(chip)

    def place_sum_chips(self) -> None:
        """Every sum chip placed afresh, top to bottom (a still picture shows a whole frame's sums at
        once, and each may have been placed while another stood elsewhere)."""
        chips = list(self._sum_items.values())
        for chip in chips:
            chip.spot = 0
            chip.follow()
        for chip in sorted(chips, key=lambda c: (c.pos().y(), c.pos().x())):
            self._place_chip(chip)

    def _place_chip(self, chip: InputSumItem) -> None:
        """The chip at the first of its places that covers no node and no other chip (w's long sum
        lay on b and on b's own sum); the usual place when none is free."""
        for k, position in enumerate(chip.positions()):
            rect = chip.rect_at(position)
            blocked = any(
                other is not chip and isinstance(other, (NodeItem, InputSumItem)) and _box_of(other).intersects(rect)
                for other in self.items(rect)
            )
            if not blocked:
                chip.spot = k
                break
        else:
            chip.spot = 0
        chip.follow()

    def _apply_player_state(self) -> None:
        self._apply_states()
        self._apply_highlight()
        self._apply_edge_grads()
        self._apply_input_sums()
        for (node_id, attr), freed in self._freed.items():
            item = self.nodes.get(node_id)
            if item is not None:
                item.set_buffer_freed(attr, freed)
        badges = self._shown_badges()
        for v, item in self.nodes.items():
            item.set_badge(*badges.get(v, (None, None)))

    def _shown_badges(self, drawn: str | None = None) -> dict[str, tuple[str, str | None]]:
        """Drawn id -> the badge it shows (only ``drawn``'s when given): a group keeps a member's
        explanation as its tooltip, the one set last when several members have one."""
        shown: dict[str, tuple[str, str | None]] = {}
        for node_id, badge in self._badges.items():
            where = self.drawn_id(node_id)
            if where is not None and (drawn is None or where == drawn):
                shown[where] = badge
        return shown

    # -- routes and markers --------------------------------------------------------------------
    def _edge(self, a: str, b: str, slot: int | None = None) -> EdgeItem | None:
        """The drawn edge a -> b for input slot ``slot`` (any slot's, the lowest, if None or absent)."""
        keys = self._between.get((a, b))
        if not keys:
            return None
        if slot is not None and (a, b, slot) in self.edges:
            return self.edges[(a, b, slot)]
        return self.edges[min(keys, key=lambda k: (not isinstance(k[2], int), k[2] if isinstance(k[2], int) else 0))]

    def route(self, source: str, target: str, slot: int | None = None) -> list[tuple[EdgeItem, bool]] | None:
        """Drawn edges from ``source`` to ``target`` as (edge, forward) pairs, at most two hops.

        ``slot`` picks among parallel edges: the grad ``target`` sent along its input slot
        ``slot`` travels on that slot's own edge into ``target`` (``y * y`` has two).
        Grads travel against the data-flow arrows and between grad_fn nodes that the data-flow
        view joins through a tensor, so both directions and one intermediate node are tried. A
        route through the tensor one op made and the other used (``a -> t -> b`` or ``b -> t -> a``)
        wins over one through a tensor both merely read (``y`` in ``(y + 1) * y``); neighbours are
        tried in the graph's order, so the same snapshot always gives the same route.
        """
        a, b = self.drawn_id(source), self.drawn_id(target)
        if a is None or b is None or a == b:
            return None
        direct = self._edge(a, b, slot)
        if direct is not None:
            return [(direct, True)]
        back = self._edge(b, a, slot)
        if back is not None:
            return [(back, False)]
        g = self.drawn
        fallback: list[tuple[EdgeItem, bool]] | None = None
        for mid in dict.fromkeys([*g.successors(a), *g.predecessors(a)]):
            a_out, a_in = self._edge(a, mid), self._edge(mid, a)
            b_in, b_out = self._edge(mid, b, slot), self._edge(b, mid, slot)
            if slot is not None and b_in is not None and b_in.key != slot:
                b_in = None  # a tensor that fills another slot of the consumer, not this one
            if a_out is not None and b_in is not None:
                return [(a_out, True), (b_in, True)]
            if a_in is not None and b_out is not None:
                return [(a_in, False), (b_out, False)]
            first = a_out if a_out is not None else a_in
            second = b_in if b_in is not None else b_out
            if fallback is None and first is not None and second is not None:
                fallback = [(first, a_out is not None), (second, b_in is not None)]
        return fallback

    def route_path(self, source: str, target: str, slot: int | None = None) -> QPainterPath | None:
        route = self.route(source, target, slot)
        if not route:
            return None
        points: list[tuple[float, float]] = []
        for edge, forward in route:
            pts = edge.points if forward else list(reversed(edge.points))
            points.extend(pts if not points else pts[1:])
        return polyline_path(points)

    def animate_marker(
        self,
        source: str,
        target: str,
        duration_ms: int = 600,
        text: str | None = None,
        on_finished: Callable[[], None] | None = None,
        slot: int | None = None,
    ) -> QVariantAnimation | None:
        """Slide a grad marker from ``source`` to ``target`` along the drawn route (``slot``: which
        of parallel edges); the returned animation is already running (connect to ``finished``
        to chain steps)."""
        path = self.route_path(source, target, slot)
        if path is None:
            return None
        marker = GradMarkerItem(self.graph_palette, text)
        marker.setPos(path.pointAtPercent(0.0))
        self.addItem(marker)
        anim = QVariantAnimation(self)
        anim.setStartValue(0.0)
        anim.setEndValue(1.0)
        anim.setDuration(max(1, int(duration_ms)))
        anim.setEasingCurve(QEasingCurve.Type.InOutSine)
        anim.valueChanged.connect(lambda t: marker.setPos(path.pointAtPercent(min(1.0, max(0.0, float(t))))))

        def done() -> None:
            self._drop_marker(marker, anim)
            if on_finished is not None:
                on_finished()

        anim.finished.connect(done)
        self._markers.append((marker, anim))
        anim.start()
        return anim

    def _drop_marker(self, marker: GradMarkerItem, anim: QVariantAnimation) -> None:
        if (marker, anim) in self._markers:
            self._markers.remove((marker, anim))
            if marker.scene() is self:
                self.removeItem(marker)
            anim.deleteLater()

    def _grow_content(self, item: Any) -> None:
        """A chip may stick out of the drawing; one that goes away leaves the extent as it was
        until the next layout (a few pixels of margin, never a node cut off)."""
        if self._content is not None:
            self._content = self._content.united(item.sceneBoundingRect())

    def content_rect(self) -> QRectF:
        """Bounding box of everything drawn (for export and fit)."""
        if self._content is None:
            self._content = self.itemsBoundingRect()
        return QRectF(self._content)


def _box_of(item: Any) -> QRectF:
    """A node's box (its halo and badge left out) or another item's scene rectangle."""
    return item.scene_box() if isinstance(item, NodeItem) else item.sceneBoundingRect()
