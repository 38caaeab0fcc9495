"""Paging through an open loop: a few steps drawn, the others folded into "steps 11–299" boxes.

A 300-step loop opened whole is 300 step boxes and the values between them, a picture tens of
thousands of pixels tall that takes most of a second to lay out. Instead an open loop of more
than ``PAGE_STEPS + 2`` steps shows its first step, one page of ``PAGE_STEPS`` steps and its last
step (where backward enters the loop and where it leaves it); every run of the other steps is one
``page`` group, "steps 11–299 (289 more)", which stays collapsed. Opening a page group turns the
loop to the page it holds (the next page, or the previous one, or the page of the node backward is
running), so a learner walks through a long loop a page at a time without drawing all of it.

``paged`` makes the paged copy of a Grouping (the loop's steps re-parented into page groups, the
values a run of steps hands on inside it owned by its page group); values crossing between a page
group and a shown step stay the loop's, so the edges between pages are drawn into and out of the
page groups. ``LoopPages`` remembers which page each loop shows. No Qt.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from gradviz.graph.grouping import Group, Grouping, _parents_first

__all__ = ["PAGE_STEPS", "LoopPages", "page_id", "page_number", "page_start", "paged", "pages_of", "step_runs"]

PAGE_STEPS = 10  # steps on one page: ten small boxes still read at a glance, and lay out fast
PAGE_PREFIX = "page:"


def pages_of(count: int, size: int = PAGE_STEPS) -> bool:
    """True when a loop of ``count`` steps is paged (a shorter one is drawn whole when opened)."""
    return count > size + 2


def page_start(count: int, step: int, size: int = PAGE_STEPS) -> int:
    """The first step of the page holding ``step`` (pages start every ``size`` steps; the last
    page ends with the loop's last step, so every page is full)."""
    return max(0, min((max(step, 0) // size) * size, count - size))


def page_number(count: int, start: int, size: int = PAGE_STEPS) -> tuple[int, int]:
    """(page number from 0, number of pages) of the page from step ``start`` of ``count`` steps."""
    start = max(0, min(start, count - size))
    pages = -(-count // size)
    return (pages - 1 if start >= count - size else start // size), pages


def step_runs(count: int, start: int, size: int = PAGE_STEPS) -> list[tuple[int, int, bool]]:
    """The steps ``0..count-1`` as consecutive runs ``(first, stop, shown)`` covering each step
    once: shown are the first and last steps and the page ``[start, start + size)``; a hidden run
    of one step is shown instead (a box saying "step 12" folds nothing)."""
    if not pages_of(count, size):
        return [(0, count, True)] if count else []
    start = max(0, min(start, count - size))
    shown = [False] * count
    for k in (0, count - 1, *range(start, start + size)):
        shown[k] = True
    for k in range(1, count - 1):  # a lone hidden step between shown ones is shown
        if not shown[k] and shown[k - 1] and shown[k + 1]:
            shown[k] = True
    runs: list[tuple[int, int, bool]] = []
    first = 0
    for k in range(1, count + 1):
        if k == count or shown[k] != shown[first]:
            runs.append((first, k, shown[first]))
            first = k
    return runs


def page_id(loop_id: str, first: int, stop: int) -> str:
    return f"{PAGE_PREFIX}{loop_id}:{first}-{stop}"


def _page_label(first: int, stop: int, start: int) -> str:
    n = stop - first
    where = "more" if first >= start else "earlier"
    return f"steps {first + 1}–{stop} ({n} {where})"


def paged(grouping: Grouping, starts: Mapping[str, int], size: int = PAGE_STEPS) -> Grouping:
    """A copy of ``grouping`` in which every loop of more than ``size + 2`` steps shows the page
    from ``starts[loop]`` (default the first) and folds the other steps into page groups."""
    loops = [g for g in grouping.groups.values() if g.kind == "loop" and pages_of(g.count, size)]
    if not loops:
        return grouping
    groups = {gid: replace(g, children=[]) for gid, g in grouping.groups.items()}
    owner = dict(grouping.owner)
    direct: dict[str, list[Hashable]] = {g.id: [] for g in loops}
    for v, holder in grouping.owner.items():
        if holder in direct:
            direct[holder].append(v)
    for loop in loops:
        start = max(0, min(starts.get(loop.id, 0), loop.count - size))
        groups[loop.id].window = (start, start + size)
        page_of: list[str | None] = [None] * loop.count
        for first, stop, shown in step_runs(loop.count, start, size):
            if shown:
                continue
            pid = page_id(loop.id, first, stop)
            label = _page_label(first, stop, start)
            groups[pid] = Group(pid, "page", label, loop.id, loop.path, count=stop - first, index=first)
            for k in range(first, stop):
                page_of[k] = pid
        for child in grouping.groups[loop.id].children:
            index = groups[child].index
            if index is not None and page_of[index] is not None:
                groups[child].parent = page_of[index]
        for v in direct[loop.id]:
            span = grouping.spans.get(v)
            if span is not None and page_of[span[0]] is not None and page_of[span[0]] == page_of[span[1]]:
                owner[v] = str(page_of[span[0]])
    ordered = _parents_first(groups)
    for g in ordered.values():
        if g.parent is not None:
            ordered[g.parent].children.append(g.id)
    for g in ordered.values():  # siblings in step order: a page group sits where its steps were
        if g.kind in ("loop", "page"):
            g.children.sort(key=lambda c: ordered[c].index or 0)
    # A page group's id says which steps it holds, so shapes kept by id stay right in every copy.
    return Grouping(ordered, owner, grouping.spans, _shapes=grouping._shapes)


@dataclass
class LoopPages:
    """Which page each open loop shows (by loop id; a loop never turned shows its first page)."""

    size: int = PAGE_STEPS
    starts: dict[str, int] = field(default_factory=dict)  # loop id -> the first step of its page
    _cache: tuple[Grouping, tuple[tuple[str, int], ...], Grouping] | None = field(default=None, repr=False)
    # The page group last opened for a running node inside it, and that node's step.
    _landing: tuple[str, int] | None = field(default=None, repr=False)

    def apply(self, grouping: Grouping) -> Grouping:
        """The paged copy of ``grouping`` (kept while neither it nor the pages change)."""
        key = tuple(sorted((k, v) for k, v in self.starts.items() if k in grouping.groups))
        if self._cache is not None and self._cache[0] is grouping and self._cache[1] == key:
            return self._cache[2]
        result = paged(grouping, self.starts, self.size)
        self._cache = (grouping, key, result)
        return result

    def is_paged(self, grouping: Grouping, loop_id: str) -> bool:
        g = grouping.groups.get(loop_id)
        return g is not None and g.kind == "loop" and pages_of(g.count, self.size)

    def page(self, grouping: Grouping, loop_id: str) -> tuple[int, int]:
        """(page number from 0, number of pages) of a paged loop."""
        return page_number(grouping.groups[loop_id].count, self.starts.get(loop_id, 0), self.size)

    def turn(self, grouping: Grouping, loop_id: str, delta: int) -> bool:
        """Show the page ``delta`` pages on (negative: back); False when there is none."""
        if not self.is_paged(grouping, loop_id):
            return False
        number, pages = self.page(grouping, loop_id)
        wanted = max(0, min(number + delta, pages - 1))
        if wanted == number:
            return False
        count = grouping.groups[loop_id].count
        self.starts[loop_id] = min(wanted * self.size, count - self.size)
        return True

    def show_step(self, grouping: Grouping, loop_id: str, step: int) -> bool:
        """Turn ``loop_id`` to the page holding ``step``; False if it shows it already."""
        if not self.is_paged(grouping, loop_id):
            return False
        count = grouping.groups[loop_id].count
        start = self.starts.get(loop_id, 0)
        if any(shown and first <= step < stop for first, stop, shown in step_runs(count, start, self.size)):
            return False
        self.starts[loop_id] = page_start(count, step, self.size)
        return True

    def open_page(self, grouping: Grouping, page_group: str, hot: Iterable[Hashable] = ()) -> str | None:
        """A page group of ``grouping`` (the paged copy) was opened: turn its loop to the page of the
        first of ``hot`` inside it (the node backward is running), else to the page next to the
        one shown (the page right after it, or right before it). Returns the loop's id, or None
        when ``page_group`` is not a page group."""
        group = grouping.groups.get(page_group)
        if group is None or group.kind != "page" or group.parent is None:
            return None
        loop_id = group.parent
        first = group.index or 0
        stop = first + group.count
        for node in hot:
            span = grouping.step_span(loop_id, node)
            if span is not None and first <= span[0] < stop:
                self.starts[loop_id] = page_start(grouping.groups[loop_id].count, span[0], self.size)
                self._landing = (page_group, span[0])
                return loop_id
        self._landing = None
        window = grouping.groups[loop_id].window
        after = window is None or first >= window[1]
        self.show_step(grouping, loop_id, first if after else stop - 1)
        return loop_id

    def shown_steps(self, grouping: Grouping, page_group: str) -> list[Hashable]:
        """After ``page_group`` was opened: the steps of its loop's page now shown (step groups, or
        for a loop of single ops the nodes of those steps), read from the paged copy ``grouping``;
        only the running node's step when it was opened for that; empty when ``page_group`` is not
        a page group id."""
        if not page_group.startswith(PAGE_PREFIX):
            return []
        loop_id = page_group[len(PAGE_PREFIX) :].rsplit(":", 1)[0]
        loop = grouping.groups.get(loop_id)
        if loop is None or loop.window is None:
            return []
        first, stop = loop.window
        if self._landing is not None and self._landing[0] == page_group:
            first, stop = self._landing[1], self._landing[1] + 1
        steps: list[Hashable] = [c for c in loop.children if first <= (grouping.groups[c].index or 0) < stop]
        if not steps:  # a loop of single ops: its ops are its steps
            steps = [
                v
                for v, g in grouping.owner.items()
                if g == loop_id and v in grouping.spans and first <= grouping.spans[v][0] < stop
            ]
        return steps
