"""Bounded recording of one cell's backward() calls.

A training loop calls backward() thousands of times; recording each call event by event (every
grad array, every node) ran the worker out of memory. What a kept call costs is its size, not its
number: a small MLP's iteration is a few thousand numbers, a long unrolled loop's one call can be
a hundred times that. So the calls are kept in full by size (:func:`recorded_size`, the numbers a
call serialises), and every other call keeps a light summary (its loss, node count, outcome) that
the loss curve still plots:

* the head: the first calls of the cell are recorded in full and kept while their sizes add up to
  half the ``budget`` (at least the first ``first`` calls, whatever their size);
* the tail: every later call is recorded in full while it is among the newest calls whose sizes
  add up to the other half (at least the newest ``last``); when newer calls push it out it is
  reduced to its summary;
* calls beyond ``max_summaries`` summaries are counted, not kept.

A loop whose calls all fit the budget is kept whole (a 300-step MLP training); a longer or bigger
one keeps its start and its end in full. The kept size is bounded by ``budget`` plus the
``first + last`` calls kept whatever their size, and ``max_summaries`` summaries. The engine only
builds events when :meth:`CallRecorder.wants_detail` says so: with a tail window that is every
call (any may turn out to be among the last), so the window's calls are kept cheap
(:func:`freeze_exposed`); without one (no budget and ``last == 0``) the calls after the head are
never built in full at all.

A learner can ask for any call in full ("call 137 was summarised: record it in full"): the run is
made again from a fresh session with the same random seeds (:class:`RandomSeeds`, applied by the
session), so it computes the same numbers, and the calls named in ``wanted`` (their 1-based
numbers within the cell, ``call_in_cell`` in every record) are kept in full on top of the policy.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from gradviz.autograd.trace import (
    MAX_LISTED_ELEMENTS,
    BackwardTrace,
    CallStarted,
    EdgeGrad,
    GradAccumulated,
    GradCaptured,
    GradValue,
    HookCalled,
    NodeStarted,
)

__all__ = ["CallRecorder", "RandomSeeds", "recorded_size", "wanted_in_cell"]


@dataclass(frozen=True)
class RandomSeeds:
    """The seeds of the three random streams learner code draws from: torch's default generator,
    numpy's global RandomState and Python's ``random``. A new process seeds all three from the
    operating system's entropy; a session given seeds starts them from these instead, which is the
    same thing with the entropy written down."""

    torch: int
    numpy: int
    python: int

    @classmethod
    def fresh(cls) -> RandomSeeds:
        """New seeds from the operating system's entropy, as a new process gets."""
        return cls(
            int.from_bytes(os.urandom(8), "little"),
            int.from_bytes(os.urandom(4), "little"),
            int.from_bytes(os.urandom(8), "little"),
        )

    @classmethod
    def of(cls, seeds: tuple[int, int, int]) -> RandomSeeds:
        torch, numpy, python = (int(s) for s in seeds)
        return cls(torch & ((1 << 64) - 1), numpy & 0xFFFFFFFF, python & ((1 << 64) - 1))

    def as_tuple(self) -> tuple[int, int, int]:
        return (self.torch, self.numpy, self.python)

    def apply(self) -> None:
        import random

        import numpy as np

        from gradviz.autograd.random.generator import default_generator

        default_generator.manual_seed(self.torch)
        np.random.seed(self.numpy)
        random.seed(self.python)


def wanted_in_cell(requests: Collection[tuple[int | None, int]], cell: int, calls_before: int) -> frozenset[int]:
    """The calls of cell ``cell`` (1-based numbers in the cell) that ``requests`` names: (cell, n)
    names the n-th call of a cell, (None, n) the n-th call of the run, ``calls_before`` of which
    were made by the cells that ran before this one."""
    wanted: set[int] = set()
    for where, number in requests:
        if where is None and number > calls_before:
            wanted.add(number - calls_before)
        elif where == cell and number > 0:
            wanted.add(number)
    return frozenset(wanted)


def _base(array: Any) -> Any:
    """The array that owns ``array``'s memory (itself, or the root of its chain of views)."""
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


def _unit(array: Any) -> bool:
    """A one-element grad of 1: what backward() starts a scalar loss from."""
    return getattr(array, "size", 0) == 1 and bool(array == 1)


def _copy_if_exposed(value: GradValue | None, exposed: set[int]) -> None:
    if value is not None and id(_base(value.array)) in exposed:
        value.array = value.array.copy()


def freeze_exposed(trace: BackwardTrace) -> None:
    """Copy the grad arrays of ``trace`` that learner code can still change in place, so that a
    call kept in the tail window serialises later as it was (``BackwardTrace.freeze`` copies
    every array, which on every call of a long loop costs more than the loop's own backward).

    The engine already copies what it shows of a ``.grad`` (GradAccumulated's before and after)
    and hands AccumulateGrad a fresh copy the first time, so the arrays the learner still holds are
    the root grads they passed (``y.backward(g)``; not a one-element 1, the implicit start of a
    scalar loss, which stays what it is unless a learner rewrites the 1 they passed in place),
    what ``autograd.grad`` returned, and anything a hook saw or made: those and every view of them
    are copied. With a hook, or with
    ``create_graph`` (grads are tensors then), everything is copied as before.
    """
    events = trace.events
    start = events[0] if events and isinstance(events[0], CallStarted) else None
    if start is None or start.create_graph or any(isinstance(e, HookCalled) for e in events):
        trace.freeze()
        return
    # A loss's implicit root grad (or a given 1.0) has nothing to change: `loss.backward()` in a
    # loop walks no events at all.
    exposed = {id(_base(v.array)) for v in start.root_grads if v is not None and not _unit(v.array)}
    exposed.update(id(_base(e.value.array)) for e in events if isinstance(e, GradCaptured) and e.value is not None)
    if not exposed:
        return
    for event in events:
        if isinstance(event, NodeStarted):
            for value in event.grads_in:
                _copy_if_exposed(value, exposed)
        elif isinstance(event, GradAccumulated):
            _copy_if_exposed(event.contribution, exposed)
        elif isinstance(event, (CallStarted, GradCaptured)):
            for value in event.root_grads if isinstance(event, CallStarted) else [event.value]:
                _copy_if_exposed(value, exposed)
        else:
            for edge in getattr(event, "grads_out", ()):
                if isinstance(edge, EdgeGrad):
                    _copy_if_exposed(edge.value, exposed)


# What one event and one planned node cost next to one grad number once serialised: a dict of a few
# keys (measured: a 2,709-event unrolled loop serialises to 940 kB for 5,400 grad numbers).
_EVENT_SIZE = 16
_NODE_SIZE = 4
_STATS_SIZE = 4  # a grad too large to list keeps its shape, min, max and mean


def _value_size(value: Any) -> int:
    if isinstance(value, GradValue):
        n = int(getattr(value.array, "size", 1))
        return n if n <= MAX_LISTED_ELEMENTS else _STATS_SIZE
    if isinstance(value, EdgeGrad):
        return _value_size(value.value)
    if isinstance(value, list):
        return sum(_value_size(item) for item in value if isinstance(item, (GradValue, EdgeGrad)))
    return 0


def recorded_size(trace: BackwardTrace) -> int:
    """What keeping ``trace`` in full costs, in numbers: every grad value it lists (a large grad
    only its statistics), plus a fixed share per event and per node of its plan. A 5-layer MLP's
    iteration on a batch of 32 is about 7,000; a 300-step unrolled tanh loop's one call 48,000."""
    size = 0
    for event in trace.events:
        size += _EVENT_SIZE
        if isinstance(event, CallStarted):
            size += _NODE_SIZE * len(event.nodes)
        for name in event.__dataclass_fields__:
            size += _value_size(getattr(event, name))
    return size


def _with_source(record: dict[str, Any], source: dict[str, Any] | None, number: int) -> dict[str, Any]:
    record.setdefault("source", source)
    record["call_in_cell"] = number  # what a request for this call in full names
    return record


class CallRecorder:
    """Which calls of a cell keep full detail; see the module docstring. ``budget`` is the size
    (:func:`recorded_size`) the kept calls may add up to, half for the head and half for the tail;
    ``max_detailed`` the calls kept whatever their size (the first half of them first, the rest
    last), so 0 and 0 keep every call as a summary."""

    def __init__(self, max_detailed: int, max_summaries: int, wanted: Collection[int] = (), budget: int = 0) -> None:
        detailed = max(0, max_detailed)
        self.wanted = frozenset(wanted)  # call numbers (1-based) a learner asked to see in full
        self.first = (detailed + 1) // 2
        self.last = detailed - self.first
        self.max_summaries = max(0, max_summaries)
        self.head_budget = max(0, budget) // 2
        self.tail_budget = max(0, budget) - self.head_budget
        # Kept calls in call order: a serialised dict, a live trace waiting in the tail window
        # (serialised only if it is still there at the end) with its source and number, or None
        # for a summary over the budget.
        self._calls: list[dict[str, Any] | tuple[BackwardTrace, dict[str, Any] | None, int] | None] = []
        self.roots: dict[int, list[Any]] = {}  # position -> live root tensors of a detailed call
        self.dropped = 0  # summaries over the budget, counted only
        self.seen = 0
        self._tail: deque[tuple[int, int]] = deque()  # (position, size) of the tail window's calls
        self._tail_size = 0
        self._head_size = 0
        self._head_open = True  # the head ends at the first call that does not fit its half
        self._summaries = 0

    def wants_detail(self) -> bool:
        """Asked by the engine before each call: detail for the head, for the tail window and for
        a call asked for."""
        if self.seen < self.first or self.last > 0 or self.tail_budget > 0 or (self.seen + 1) in self.wanted:
            return True
        return self._head_open and self.head_budget > 0

    def add(self, trace: BackwardTrace, source: dict[str, Any] | None = None) -> None:
        """Keep one finished call under the policy (``source``: where the learner's code made it)."""
        self.seen += 1
        number = self.seen
        roots = list(trace.root_tensors)
        if trace.summary is not None:
            self._head_open = False
            self._keep_summary(_with_source(trace.light(), source, number))
            return
        size = recorded_size(trace)
        if number in self.wanted or self._fits_head(number, size):
            self._keep(_with_source(trace.to_dict(), source, number), roots)
            return
        if self.last <= 0 and self.tail_budget <= 0:
            self._keep_summary(_with_source(trace.light(), source, number))
            return
        freeze_exposed(trace)
        self._tail.append((len(self._calls), size))
        self._tail_size += size
        if roots:
            self.roots[len(self._calls)] = roots
        self._calls.append((trace, source, number))
        while len(self._tail) > self.last and self._tail_size > self.tail_budget:
            self._evict_oldest()

    def _fits_head(self, number: int, size: int) -> bool:
        if number <= self.first:
            self._head_size += size
            return True
        if self._head_open and self._head_size + size <= self.head_budget:
            self._head_size += size
            return True
        self._head_open = False
        return False

    def _evict_oldest(self) -> None:
        oldest, size = self._tail.popleft()
        self._tail_size -= size
        self.roots.pop(oldest, None)
        evicted = self._calls[oldest]
        self._calls[oldest] = None
        if isinstance(evicted, tuple) and self._summaries < self.max_summaries:
            self._summaries += 1
            self._calls[oldest] = _with_source(evicted[0].light(), evicted[1], evicted[2])
        else:
            self.dropped += 1

    def _keep(self, record: dict[str, Any], roots: list[Any]) -> None:
        if roots:
            self.roots[len(self._calls)] = roots
        self._calls.append(record)

    def _keep_summary(self, record: dict[str, Any]) -> None:
        if self._summaries >= self.max_summaries:
            self.dropped += 1
            return
        self._summaries += 1
        self._calls.append(record)

    @property
    def calls(self) -> list[dict[str, Any]]:
        """The kept calls in call order, serialised (summaries over the budget left out)."""
        out: list[dict[str, Any]] = []
        for call in self._calls:
            if isinstance(call, tuple):
                out.append(_with_source(call[0].to_dict(), call[1], call[2]))
            elif call is not None:
                out.append(call)
        return out

    @property
    def detailed_positions(self) -> list[int]:
        """Call numbers (0-based, in call order) of the calls kept in full."""
        kept = [c for c in self._calls if c is not None]
        return [i for i, c in enumerate(kept) if isinstance(c, tuple) or not c.get("summarized")]

    def live_roots(self) -> list[Any]:
        return [t for position in sorted(self.roots) for t in self.roots[position]]
