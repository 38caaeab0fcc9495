"""Bounded recording of one cell's backward() calls.

A training loop calls backward() thousands of times; recording each call event by event (every
grad array, every node) ran the worker out of memory. A learner looks at the first calls and the
last ones, so those keep full detail and every other call keeps a light summary (its loss, node
count, outcome) that the loss curve still plots:

* the first ``first`` calls of the cell are recorded in full and kept;
* every later call is recorded in full while it is among the newest ``last`` (a ring buffer);
  when a newer call pushes it out it is reduced to its summary;
* calls beyond ``max_summaries`` summaries are counted, not kept.

So a cell keeps at most ``first + last`` detailed calls and ``max_summaries`` summaries, whatever
its length. The engine only builds events when :meth:`wants_detail` says so; calls before the
ring-buffer window opens are never built in full at all.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from gradviz.autograd.trace import BackwardTrace

__all__ = ["CallRecorder"]


def _with_source(record: dict[str, Any], source: dict[str, Any] | None) -> dict[str, Any]:
    record.setdefault("source", source)
    return record


class CallRecorder:
    """Which calls of a cell keep full detail; see the module docstring."""

    def __init__(self, max_detailed: int, max_summaries: int) -> None:
        detailed = max(0, max_detailed)
        self.first = (detailed + 1) // 2
        self.last = detailed - self.first
        self.max_summaries = max(0, max_summaries)
        # Kept calls in call order: a serialised dict, a live trace waiting in the tail window
        # (serialised only if it is still there at the end), or None for a summary over the budget.
        self._calls: list[dict[str, Any] | tuple[BackwardTrace, dict[str, Any] | None] | None] = []
        self.roots: dict[int, list[Any]] = {}  # position -> live root tensors of a detailed call
        self.dropped = 0  # summaries over the budget, counted only
        self.seen = 0
        self._tail: deque[int] = deque()
        self._summaries = 0

    def wants_detail(self) -> bool:
        """Asked by the engine before each call: detail for the head, and for the tail window."""
        return self.seen < self.first or self.last > 0

    def add(self, trace: BackwardTrace, source: dict[str, Any] | None = None) -> None:
        """Keep one finished call under the policy (``source``: where the learner's code made it)."""
        self.seen += 1
        roots = list(trace.root_tensors)
        if trace.summary is not None:
            self._keep_summary(_with_source(trace.light(), source))
            return
        if self.seen <= self.first:
            self._keep(_with_source(trace.to_dict(), source), roots)
            return
        if self.last <= 0:
            self._keep_summary(_with_source(trace.light(), source))
            return
        if len(self._tail) == self.last:
            oldest = self._tail.popleft()
            self.roots.pop(oldest, None)
            evicted = self._calls[oldest]
            self._calls[oldest] = None
            if isinstance(evicted, tuple) and self._summaries < self.max_summaries:
                self._summaries += 1
                self._calls[oldest] = _with_source(evicted[0].light(), evicted[1])
            else:
                self.dropped += 1
        trace.freeze()
        self._tail.append(len(self._calls))
        if roots:
            self.roots[len(self._calls)] = roots
        self._calls.append((trace, source))

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
                out.append(_with_source(call[0].to_dict(), call[1]))
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
