"""How the player names a tensor: as the learner knew it, even after a later cell rebound the name.

The latest snapshot names the tensors its variables hold now. A leaf that a call filled but whose
variable a later cell rebound (the seed's first 3x3 ``x``) is named after the snapshot of the
cell that made the call, with the cell that created it: ``x (cell 3)``. A tensor without a
variable is named by the expression that made it (`` `y * y` ``); internal ids are never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui.player.widgets import tr

_Table = dict[str, tuple[str, int | None]]  # tensor id -> (name, cell that created it)


class TensorNames:
    def __init__(self) -> None:
        self._snapshot: dict[str, Any] | None = None
        self._cell_graphs: dict[int, dict[str, Any]] = {}
        self._tables: dict[int, tuple[dict[str, Any], _Table]] = {}  # id(snapshot) -> (it, table)

    def set_snapshot(self, snapshot: dict[str, Any] | None) -> None:
        """The latest graph snapshot: its names win."""
        self._snapshot = snapshot
        self._tables.clear()

    def set_cell_graphs(self, graphs: Mapping[int, dict[str, Any]]) -> None:
        """The snapshot each cell left behind (cell index -> snapshot)."""
        self._cell_graphs = dict(graphs)
        self._tables.clear()

    def label(self, tensor_id: str, cell: int | None = None) -> str:
        """The name in the latest snapshot; else the name after ``cell`` ran, with the cell that
        created the tensor (``x (cell 3)``); else "an unnamed tensor" in the UI language."""
        named = self._table(self._snapshot).get(tensor_id)
        if named is not None:
            return named[0]
        named = self._table(self._cell_graphs.get(cell)).get(tensor_id) if cell is not None else None
        if named is None:
            return tr("an unnamed tensor")
        where = named[1] if named[1] is not None else cell
        return f"{named[0]} ({tr('cell {cell}').format(cell=where)})"

    def _table(self, graph: dict[str, Any] | None) -> _Table:
        """Built once per snapshot: a label per frame must not scan every node."""
        if graph is None:
            return {}
        cached = self._tables.get(id(graph))
        if cached is None or cached[0] is not graph:
            table = {
                str(n["id"]): (
                    str(n["name"]) if n.get("name") else f"`{n['source_text']}`",
                    (n.get("span") or [None])[0],
                )
                for n in graph.get("nodes", [])
                if n.get("kind", "tensor") == "tensor" and (n.get("name") or n.get("source_text"))
            }
            cached = self._tables[id(graph)] = (graph, table)
        return cached[1]
