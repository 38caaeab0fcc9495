"""The result of a layered layout (``LayoutResult``), shared by the layout's modules and callers."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

__all__ = ["LayoutResult", "Point"]

Point = tuple[float, float]


@dataclass
class LayoutResult:
    """Where everything goes.  Coordinates grow right and down (screen convention).

    ``origin`` is the top-left corner of the drawing's bounding box and ``width``/``height`` its
    extent; a fresh layout starts at (0, 0), an incremental one may extend to negative
    coordinates so that the old nodes need not move.
    """

    positions: dict[Hashable, Point]
    sizes: dict[Hashable, Point]
    edge_points: dict[tuple[Hashable, ...], list[Point]]  # (u, v), or (u, v, key) for a MultiDiGraph
    ranks: dict[Hashable, int]
    order: list[list[Hashable]]
    width: float
    height: float
    direction: str = "TB"
    origin: Point = (0.0, 0.0)
    crossings: int = field(default=0, compare=False)
    # Rank-axis coordinate of every rank, ranks holding only bends included (empty if unknown).
    levels: list[float] = field(default_factory=list, compare=False)
