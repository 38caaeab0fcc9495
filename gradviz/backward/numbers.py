"""How every number a learner reads is written: one helper, so the player, the heatmap, the rule
texts and the exports agree (``0.25``, ``4.5``, ``3``, ``1.235e+05``) and never show ``-0``."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["format_number"]


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
