"""An open long loop shown a page of steps at a time (gradviz.graph.loop_pages): the pages cover
every step once, the edges between pages survive as edges into and out of the page groups, and a
loop no longer than a page is shown whole."""

from __future__ import annotations

import networkx as nx
import pytest

from gradviz.graph.grouping import Grouping, default_collapsed, group_graph
from gradviz.graph.layout.collapse import fold_groups
from gradviz.graph.loop_pages import PAGE_STEPS, LoopPages, page_number, paged, step_runs
from gradviz.graph.snapshot import from_node_link, view_subgraph
from gradviz.runner.session import Session

TANH_LOOP = """import torch
h0 = torch.ones(3, requires_grad=True)
h = h0
for _ in range({n}):
    h = torch.tanh(h * 1.01 + 0.1)
loss = h.sum()
"""


def _graph(source: str) -> nx.MultiDiGraph:
    result = Session().run_cell(0, source)
    assert result.error is None and result.graph is not None
    return from_node_link(result.graph)


@pytest.fixture(scope="module")
def tanh_300() -> tuple[nx.MultiDiGraph, Grouping, str]:
    graph = _graph(TANH_LOOP.format(n=300))
    grouping = group_graph(graph)
    (loop,) = [g.id for g in grouping.groups.values() if g.kind == "loop"]
    return graph, grouping, loop


@pytest.mark.parametrize("count", [1, 5, 12, 13, 14, 21, 300, 301])
def test_runs_cover_every_step_once_and_show_the_first_the_last_and_the_page(count):
    for start in range(0, count, 3):
        runs = step_runs(count, start)
        assert [k for first, stop, _ in runs for k in range(first, stop)] == list(range(count))
        shown = {k for first, stop, on in runs if on for k in range(first, stop)}
        assert {0, count - 1} <= shown
        page = max(0, min(start, count - PAGE_STEPS))
        assert set(range(page, min(page + PAGE_STEPS, count))) <= shown
        hidden = [stop - first for first, stop, on in runs if not on]
        assert all(n >= 2 for n in hidden)  # a fold of one step would fold nothing
        assert len(shown) <= PAGE_STEPS + 4  # the page, the ends, and a lone step beside a fold
    assert step_runs(300, 0) == [(0, 10, True), (10, 299, False), (299, 300, True)]
    assert step_runs(300, 290) == [(0, 1, True), (1, 290, False), (290, 300, True)]
    assert page_number(300, 0) == (0, 30) and page_number(300, 290) == (29, 30)


def test_pages_of_the_300_step_loop_hold_every_step_once(tanh_300):
    _, grouping, loop = tanh_300
    view = paged(grouping, {loop: 20})
    steps = grouping.groups[loop].children
    assert len(steps) == 300
    pages = [g for g in view.groups.values() if g.kind == "page"]
    assert [(g.label, g.count) for g in pages] == [("steps 2–20 (19 earlier)", 19), ("steps 31–299 (269 more)", 269)]
    assert view.groups[loop].window == (20, 30)
    placed: list[str] = []
    for child in view.groups[loop].children:
        kids = view.groups[child].children if view.groups[child].kind == "page" else [child]
        placed.extend(kids)
    assert placed == steps  # each step once, in order, a page where its steps were
    shown = [c for c in view.groups[loop].children if view.groups[c].kind == "step"]
    assert [view.groups[c].index for c in shown] == [0, *range(20, 30), 299]
    # Nothing leaves the loop, and a page holds exactly its steps' nodes and the values between them.
    assert set(view.members(loop)) == set(grouping.members(loop))
    for page in pages:
        first, stop = page.index or 0, (page.index or 0) + page.count
        inside = set(view.members(page.id))
        for step in steps[first:stop]:
            assert set(grouping.members(step)) <= inside
        between = {v for v in inside if view.owner[v] == page.id}
        assert all(first <= grouping.spans[v][0] and grouping.spans[v][1] < stop for v in between)
    assert paged(grouping, {}) is not grouping and paged(grouping, {}).groups[loop].window == (0, 10)


@pytest.mark.parametrize("view_mode", ["dataflow", "gradfn"])
def test_edges_between_pages_become_edges_into_and_out_of_the_page_groups(tanh_300, view_mode):
    graph, grouping, loop = tanh_300
    view = paged(grouping, {loop: 150})
    shown = view_subgraph(graph, view_mode)
    collapsed = default_collapsed(view, shown.nodes, budget=150) - {loop}  # the learner opened the loop
    folded = fold_groups(shown, view, collapsed, full=graph)
    drawn = folded.graph
    pages = [g.id for g in view.groups.values() if g.kind == "page"]
    assert len(pages) == 2 and all(p in drawn for p in pages)
    steps = set(view.groups[loop].children) - set(pages)
    assert len(steps) == PAGE_STEPS + 2 and steps <= set(drawn)
    assert drawn.number_of_nodes() < 40  # not 300 steps' worth
    for page in pages:  # each page is joined to the steps on either side of it
        assert drawn.in_degree(page) >= 1 and drawn.out_degree(page) >= 1
    # The chain runs through both pages unbroken, in step order: step 1, steps 2–150, the page,
    # steps 161–299, step 300.
    children = view.groups[loop].children
    order = {v: i for i, v in enumerate(nx.topological_sort(drawn))}
    assert [order[c] for c in children] == sorted(order[c] for c in children)
    assert nx.has_path(drawn, children[0], children[-1])
    assert nx.is_weakly_connected(drawn)


def test_a_loop_no_longer_than_a_page_is_shown_whole():
    for n in (8, PAGE_STEPS + 2):
        grouping = group_graph(_graph(TANH_LOOP.format(n=n)))
        (loop,) = [g.id for g in grouping.groups.values() if g.kind == "loop"]
        view = paged(grouping, {loop: 5})
        assert not [g for g in view.groups.values() if g.kind == "page"]
        assert view.groups[loop].children == grouping.groups[loop].children
        assert not LoopPages().turn(grouping, loop, 1)


def test_turning_pages_and_opening_a_page_group(tanh_300):
    graph, grouping, loop = tanh_300
    pages = LoopPages()
    view = pages.apply(grouping)
    assert pages.apply(grouping) is view  # kept while nothing changes
    assert pages.page(grouping, loop) == (0, 30)
    assert not pages.turn(grouping, loop, -1)  # no page before the first
    assert pages.turn(grouping, loop, 1) and pages.page(grouping, loop) == (1, 30)
    view = pages.apply(grouping)
    assert view.groups[loop].window == (10, 20)
    before, after = [g for g in view.groups[loop].children if view.groups[g].kind == "page"]
    # Opening the fold after the page shows the next page; the one before it, the previous page.
    assert pages.open_page(view, after) == loop and pages.page(grouping, loop) == (2, 30)
    view = pages.apply(grouping)
    before = next(g for g in view.groups[loop].children if view.groups[g].kind == "page")
    assert pages.open_page(view, before) == loop and pages.page(grouping, loop) == (1, 30)
    assert pages.turn(grouping, loop, 100) and pages.page(grouping, loop) == (29, 30)
    assert pages.apply(grouping).groups[loop].window == (290, 300)
    # The page of the node backward is running wins over the next page.
    view = pages.apply(grouping)
    fold = next(g for g in view.groups[loop].children if view.groups[g].kind == "page")
    step_150 = grouping.groups[loop].children[149]
    running = next(v for v in grouping.members(step_150) if graph.nodes[v]["kind"] == "op")
    assert pages.open_page(view, fold, [running]) == loop
    assert pages.apply(grouping).groups[loop].window == (140, 150)
    assert running in pages.apply(grouping).members(step_150)
    assert pages.open_page(view, step_150) is None  # not a page group: nothing turns
    assert pages.shown_steps(pages.apply(grouping), fold) == [step_150]  # where to look: the running step
    view = pages.apply(grouping)
    after = [g for g in view.groups[loop].children if view.groups[g].kind == "page"][-1]
    assert pages.open_page(view, after) == loop  # no running node inside: the next page, shown whole
    assert pages.shown_steps(pages.apply(grouping), after) == grouping.groups[loop].children[150:160]


def test_a_loop_of_single_ops_pages_its_ops():
    graph = _graph("import torch\nx = torch.ones(2, requires_grad=True)\ny = x\nfor _ in range(40):\n    y = y * 1.5\n")
    grouping = group_graph(graph)
    (loop,) = [g for g in grouping.groups.values() if g.kind == "loop"]
    assert loop.count == 40 and not loop.children
    view = paged(grouping, {loop.id: 10})
    (before, after) = [g for g in view.groups.values() if g.kind == "page"]
    ops = sorted(
        (v for v in grouping.members(loop.id) if graph.nodes[v]["kind"] == "op"), key=lambda v: grouping.spans[v]
    )
    assert [view.owner[v] for v in ops[1:10]] == [before.id] * 9
    assert [view.owner[v] for v in ops[10:20]] == [loop.id] * 10
    assert [view.owner[v] for v in ops[20:39]] == [after.id] * 19 and view.owner[ops[39]] == loop.id
    shown = view_subgraph(graph, "dataflow")
    folded = fold_groups(shown, view, {before.id, after.id}, full=graph)
    whole = fold_groups(shown, grouping, set(), full=graph)  # the loop opened without pages
    assert whole.graph.number_of_nodes() > 110 and folded.graph.number_of_nodes() < 45
    assert nx.is_weakly_connected(folded.graph)
    shown_nodes = LoopPages(starts={loop.id: 10}).shown_steps(view, before.id)
    assert set(ops[10:20]) <= set(shown_nodes) and all(10 <= grouping.spans[v][0] < 20 for v in shown_nodes)


def test_loops_nested_in_loops_page_each_on_their_own():
    graph = _graph(
        "import torch\nh = torch.ones(3, requires_grad=True)\n"
        "for i in range(20):\n    for j in range(15):\n        h = torch.tanh(h * 1.01 + 0.1)\n    h = h * 0.5\n"
    )
    grouping = group_graph(graph)
    loops = [g for g in grouping.groups.values() if g.kind == "loop"]
    assert sorted(g.count for g in loops) == [15] * 20 + [20]
    view = paged(grouping, {g.id: 3 for g in loops})
    for loop in loops:  # every loop's steps once, through its page groups or as themselves
        placed: list[str] = []
        for child in view.groups[loop.id].children:
            group = view.groups[child]
            placed.extend(group.children if group.kind == "page" else [child])
        assert placed == grouping.groups[loop.id].children
        assert view.groups[loop.id].window == (3, 13)
    assert set(view.owner) == set(grouping.owner)
    assert all(set(view.members(g.id)) == set(grouping.members(g.id)) for g in loops)
