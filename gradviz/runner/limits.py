"""Resource caps for running learners' code, and the errors that name them.

Every cap ends in a message that says which limit was hit and how to raise it, because the
person reading it typed (or opened) the code and should not have to guess why it stopped.
The active limits are module state on purpose: the engine calls :func:`check_elements` on every
new tensor without knowing which session is running, and a session (one per process in the
worker) installs its limits with :func:`use_limits` around each run.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

__all__ = [
    "Limits",
    "ResourceLimitError",
    "WallTimeExceeded",
    "active_limits",
    "check_elements",
    "check_int_bits",
    "check_sequence_length",
    "use_limits",
]


@dataclass(frozen=True)
class Limits:
    """The caps of one run. ``None``/0 is never "unlimited": every cap is a finite number."""

    wall_time_s: float = 10.0  # per cell, measured by the session and by the worker's watchdog
    max_tensor_elements: int = 10_000_000  # per tensor (engine) and per numpy array (safe_numpy)
    memory_mb: int = 2048  # address-space cap of the worker process (RLIMIT_AS)
    max_recursion: int = 400  # nested calls of the learner's own functions
    max_output_chars: int = 1_000_000  # printed text per cell
    max_sequence_length: int = 10_000_000  # results of `seq * n` on lists/str/tuples
    max_int_bits: int = 100_000  # results of `a ** b` and `a << b` on Python ints
    # backward() calls per cell recorded event by event whatever their size (the first half and the
    # last half of the cell's calls) ...
    max_detailed_calls: int = 8
    # ... and more of them while their recorded size (gradviz.runner.recording.recorded_size: grad
    # numbers, with a share per event) adds up to this, half at the start and half at the end of
    # the cell. A small MLP's iteration is about 7,000, so a 70-step training is kept whole (6.6 MB
    # pickled, +50 MB in the worker) and a 300-step one keeps its first and last 35: keeping all
    # 300 (2,500,000) doubled the run's time (the cell's graph then holds every iteration) and took
    # 240 MB. The calls left over keep a light summary (loss, node count) for the loss curve.
    detail_budget: int = 500_000
    max_summarized_calls: int = 1_000_000  # per cell; a summary is a few hundred bytes
    # tensors and ops in a cell's graph snapshot; past it the part nearest the learner's tensors is
    # kept. Drawing needs far fewer, and reading a 300,000-object graph took longer than a cell may.
    max_graph_nodes: int = 20_000
    # Not caps: calls a learner asked to see in full whatever the policy above, as (cell, n): the
    # n-th backward call (1-based) of cell ``cell``, or of the whole run when cell is None
    # (``gradviz run --record-call N``); and the random seeds (torch, numpy, random) the session
    # starts from, so a re-run that records such a call computes the same numbers (None: as they are).
    record_calls: tuple[tuple[int | None, int], ...] = ()
    random_seeds: tuple[int, int, int] | None = None

    def with_changes(self, **changes: object) -> Limits:
        return replace(self, **changes)  # type: ignore[arg-type]


# How a person raises each limit, quoted in every message (CLI flag, then the Python name).
_HOW_TO_RAISE = {
    "wall_time_s": "--timeout SECONDS (Limits.wall_time_s)",
    "max_tensor_elements": "--max-elements N (Limits.max_tensor_elements)",
    "memory_mb": "--memory-mb MB (Limits.memory_mb)",
    "max_recursion": "--max-recursion N (Limits.max_recursion)",
    "max_output_chars": "--max-output N (Limits.max_output_chars)",
    "max_sequence_length": "--max-sequence N (Limits.max_sequence_length)",
    "max_int_bits": "--max-int-bits N (Limits.max_int_bits)",
    "max_detailed_calls": "Limits.max_detailed_calls",
    "detail_budget": "--detail-budget N (Limits.detail_budget)",
    "max_summarized_calls": "Limits.max_summarized_calls",
    "max_graph_nodes": "--max-graph-nodes N (Limits.max_graph_nodes)",
}


def how_to_raise(limit_name: str) -> str:
    return _HOW_TO_RAISE[limit_name]


class ResourceLimitError(RuntimeError):
    """A resource cap was hit. ``limit`` is the :class:`Limits` field name, for the UI and tests."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class WallTimeExceeded(BaseException):
    """Raised inside the learner's code when the cell ran out of time.

    A BaseException (not RuntimeError) so that ``except Exception:`` in learner code cannot
    swallow it; the sandbox also re-raises it from bare ``except:`` handlers.
    """

    limit = "wall_time_s"


def limit_message(what: str, limit_name: str, value: object) -> str:
    """``<what> exceeds the gradviz limit <name>=<value>; raise it with <how>``."""
    shown = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{what} exceeds the gradviz limit {limit_name}={shown}; raise it with {how_to_raise(limit_name)}"


_active: Limits = Limits()


def active_limits() -> Limits:
    return _active


@contextlib.contextmanager
def use_limits(limits: Limits) -> Iterator[Limits]:
    """Install ``limits`` for the duration of a run (restores the previous ones afterwards)."""
    global _active
    previous = _active
    _active = limits
    try:
        yield limits
    finally:
        _active = previous


def _over_cap(limit_name: str, what: str) -> ResourceLimitError:
    """The error for exceeding the active cap ``limit_name``; ``what`` names the refused thing."""
    return ResourceLimitError(limit_message(what, limit_name, getattr(_active, limit_name)), limit_name)


def check_elements(n: int) -> None:
    """Refuse a tensor (or array) of ``n`` elements if it exceeds the per-tensor cap."""
    if n > _active.max_tensor_elements:
        raise _over_cap("max_tensor_elements", f"a tensor of {n:,} elements")


def check_sequence_length(n: int) -> None:
    """Refuse building a list/str/tuple of ``n`` items (``[0] * n``, ``'a' * n``)."""
    if n > _active.max_sequence_length:
        raise _over_cap("max_sequence_length", f"a sequence of {n:,} items")


def check_int_bits(bits: float) -> None:
    """Refuse computing a Python int of about ``bits`` bits (``10 ** 10 ** 10``, ``1 << 10**12``)."""
    if bits > _active.max_int_bits:
        shown = f"{int(bits):,}" if math.isfinite(bits) else "an unbounded number of"
        raise _over_cap("max_int_bits", f"an integer of {shown} bits")
