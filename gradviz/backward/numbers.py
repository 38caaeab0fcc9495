"""How every number a learner reads is written: one helper, so the player, the heatmap, the rule
texts and the exports agree (``0.25``, ``4.5``, ``3``, ``1.235e+05``) and never show ``-0``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["format_number", "format_values"]


def format_number(value: Any, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits; integral values without a decimal point.

    A value that rounds to zero is written ``0``: ``-0`` (from ``-0.0`` or ``-0.00001`` rounded)
    reads as a different number to a learner, and it is not one.
    """
    if value is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    text = f"{f:.{max(1, digits)}g}"
    if text.startswith("-") and float(text) == 0.0:
        return text[1:]
    return text


def format_values(grad: Mapping[str, Any] | None, limit: int = 16) -> str:
    """A trace grad written out in full when it is small (``[[4.5, 4.5], [4.5, 4.5]]``), its
    shape and range when it has more than ``limit`` elements or no recorded values."""
    if grad is None:
        return "None"
    values = grad.get("values")
    shape = [int(s) for s in grad.get("shape") or []]
    numel = 1
    for size in shape:
        numel *= size
    if values is None or numel > limit:
        lo, hi = grad.get("min"), grad.get("max")
        span = f"{format_number(lo)} .. {format_number(hi)}" if lo is not None and hi is not None else "?"
        return f"[{span}] shape {shape}"
    if not isinstance(values, list):
        return format_number(values)
    # nested lists, written without recursion: a stack of (list, position) frames
    out: list[str] = ["["]
    stack: list[tuple[list[Any], int]] = [(values, 0)]
    while stack:
        items, i = stack.pop()
        if i == len(items):
            out.append("]")
            continue
        if i:
            out.append(", ")
        stack.append((items, i + 1))
        item = items[i]
        if isinstance(item, list):
            out.append("[")
            stack.append((item, 0))
        else:
            out.append(format_number(item))
    return "".join(out)
