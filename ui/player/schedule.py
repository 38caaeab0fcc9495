"""How fast playback moves: the speed choices and the tick plan they give (no Qt).

A speed is either a multiplier of the base pace (1x = ``BASE_STEPS_PER_SECOND`` steps a second) or
"the whole call in N seconds", which scales with the call's length: a 16-step call plays slowly,
a 2,710-step one fast. No frame is drawn faster than ``MIN_TICK_MS`` apart (a 60 Hz frame); when
the pace asks for more steps than frames, each tick advances several steps (the stride), so the
whole call still ends on time in a bounded number of ticks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "BASE_STEPS_PER_SECOND",
    "MIN_TICK_MS",
    "RUN_TO_SECONDS",
    "SPEEDS",
    "Speed",
    "TickPlan",
    "plan_ticks",
    "speed_by_key",
]

BASE_STEPS_PER_SECOND = 2.0
MIN_TICK_MS = 16  # one frame at 60 Hz: a shorter interval would only queue frames nobody sees
RUN_TO_SECONDS = 5.0  # "run to" a node arrives within this long, even from the other end of a call


@dataclass(frozen=True)
class Speed:
    """One entry of the speed menu: ``multiplier`` x the base pace, or the call in ``seconds``."""

    key: str  # stored in the settings: "1", "0.25", "call:5"
    multiplier: float | None = None
    seconds: float | None = None

    def steps_per_second(self, call_steps: int) -> float:
        if self.seconds is not None:
            return max(1.0, call_steps) / self.seconds
        return BASE_STEPS_PER_SECOND * (self.multiplier or 1.0)


SPEEDS: tuple[Speed, ...] = (
    *(Speed(f"{m:g}", multiplier=m) for m in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 32.0)),
    Speed("call:30", seconds=30.0),
    Speed("call:5", seconds=5.0),
)


def speed_by_key(key: object, default: str = "1") -> Speed:
    """The speed stored as ``key`` (a settings value: "1", 4.0, "call:5"); the default if unknown.
    A bare number that is not a menu entry maps to the nearest multiplier."""
    text = str(key)
    for speed in SPEEDS:
        if speed.key == text:
            return speed
    try:
        value = float(text)
    except ValueError:
        return speed_by_key(default)
    multipliers = [s for s in SPEEDS if s.multiplier is not None]
    if value <= 0 or math.isnan(value):
        return speed_by_key(default)
    return min(multipliers, key=lambda s: abs(math.log((s.multiplier or 1.0) / value)))


@dataclass(frozen=True)
class TickPlan:
    """Advance ``stride`` steps every ``interval_ms``."""

    interval_ms: int
    stride: int

    def ticks_for(self, steps: int) -> int:
        """How many ticks cover ``steps`` steps."""
        return math.ceil(max(0, steps) / self.stride)


def plan_ticks(steps_per_second: float) -> TickPlan:
    """The timer interval and stride for a pace: one step per tick while ticks stay at least
    ``MIN_TICK_MS`` apart, several per tick beyond that (never more than the pace asks, rounded up)."""
    rate = max(steps_per_second, 1e-3)
    interval = max(MIN_TICK_MS, round(1000.0 / rate))
    stride = max(1, math.ceil(rate * interval / 1000.0 - 1e-9))
    return TickPlan(interval, stride)


def plan_for(speed: Speed, call_steps: int, remaining: int | None = None) -> TickPlan:
    """The plan for playing a call of ``call_steps`` steps at ``speed``; with ``remaining`` (run to
    a node) the pace is raised so those steps take at most ``RUN_TO_SECONDS``."""
    rate = speed.steps_per_second(call_steps)
    if remaining is not None:
        rate = max(rate, remaining / RUN_TO_SECONDS)
    return plan_ticks(rate)
