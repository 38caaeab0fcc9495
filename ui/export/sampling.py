"""Which steps of a long backward call an animation draws (no Qt).

A 300-iteration loop's call has 2,400 steps: one frame each is minutes of GIF that takes a minute
to write. Past ``max_frames`` the animation keeps the steps a learner must not miss (the first,
the last, an error, every ``.grad`` accumulation and captured grad) and fills the rest of the
budget with every k-th step, so the story still runs from the loss to the leaves and the
captions' "step k/N" show where the jumps are. ``StepSample.describe`` says what was left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_FRAMES", "StepSample", "sample_steps"]

MAX_FRAMES = 120  # 120 frames at 450 ms: under a minute of animation, written in seconds
_KEY_EVENTS = ("grad_accumulated", "grad_captured", "error_raised")


@dataclass(frozen=True)
class StepSample:
    """The steps an animation draws, ascending, out of ``total``; ``stride`` 1 means every step."""

    steps: list[int]
    total: int
    stride: int
    kept: int  # key steps (first, last, accumulations, errors) kept whatever the stride

    @property
    def sampled(self) -> bool:
        return len(self.steps) < self.total

    def describe(self) -> str:
        """One English sentence (the export translates its own); empty when every step is drawn."""
        if not self.sampled:
            return ""
        return (
            f"sampled {len(self.steps)} of {self.total:,} steps: 1 in every {self.stride}, plus the first, the last "
            "and each .grad accumulation"
        )


def _evenly(steps: list[int], count: int) -> list[int]:
    """``count`` of ``steps`` spread evenly, the first and last always among them."""
    if count >= len(steps):
        return steps
    if count <= 1:
        return steps[:1]
    return sorted({steps[round(i * (len(steps) - 1) / (count - 1))] for i in range(count)})


def sample_steps(trace: Mapping[str, Any], max_frames: int | None = MAX_FRAMES) -> StepSample:
    """The steps to draw for ``trace``: all of them up to ``max_frames`` (None: no limit)."""
    events = list(trace.get("events", []))
    total = len(events)
    if max_frames is None or total <= max_frames:
        return StepSample(list(range(total)), total, 1, 0)
    budget = max(2, max_frames)
    keys = sorted({0, total - 1, *(k for k, e in enumerate(events) if e.get("type") in _KEY_EVENTS)})
    # keys take at most half the budget; when there are more (a 10,000-parameter model), every
    # k-th of them stays, the first and last always
    keys = _evenly(keys, max(2, budget // 2))
    room = budget - len(keys)
    stride = max(1, math.ceil(total / max(room, 1)))
    # the grid has at most ``room`` steps, so grid and keys together stay within the budget
    steps = sorted({*keys, *range(0, total, stride)})
    return StepSample(steps, total, stride, len(keys))
