"""``import matplotlib.pyplot as plt`` in a tutorial: the import works, the plotting lines are skipped.

gradviz does not draw plots yet. A tutorial that imports matplotlib still trains its model, prints
its losses and fills the graph and the training panel, so refusing the import (the whole cell
would stop there, as on a Python without matplotlib) would lose every PyTorch line after it.
Instead ``matplotlib`` and its submodules are stand-ins: every call through them does nothing and
returns another stand-in, and the first time a line calls one, the cell gets a note naming that
line (the session turns the callback into a "Note: line N: ..." output line). So only the
matplotlib lines "fail", each with a message; the code around them runs as under Python.

Results are shaped as matplotlib's where tutorials unpack them: ``fig, ax = plt.subplots()``
(a grid of axes for ``subplots(2, 2)``, indexable as ``axes[0, 1]`` and by ``.flat``),
``line, = plt.plot(...)`` and ``n, bins, patches = plt.hist(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from gradviz.runner.sandbox.owners import allow_internal_type
from gradviz.runner.sandbox.proxy import ModuleProxy

__all__ = ["NOT_DRAWN", "PlotStandIn", "matplotlib_proxy", "set_note_sink"]

NOT_DRAWN = (
    "plots are not drawn by gradviz yet; the graph and the training panel show the loss per iteration and the gradients"
)


def _no_sink(what: str) -> None:
    return None


_note_sink: Callable[[str], None] = _no_sink


def set_note_sink(sink: Callable[[str], None] | None) -> None:
    """Where a skipped matplotlib call is reported (the running cell's notes); None: nowhere."""
    global _note_sink
    _note_sink = sink or _no_sink


def _names() -> list[str]:
    return []


@allow_internal_type
class PlotStandIn(ModuleProxy):
    """A matplotlib module, function or returned object: attributes are stand-ins, calls do nothing."""

    __module__ = "matplotlib"  # type(plt) names matplotlib, never gradviz's internals
    __qualname__ = "NotDrawn"

    __slots__ = ("_gv_items", "_gv_path")

    def __init__(self, path: str, items: list[Any] | None = None) -> None:
        super().__init__(path, self._child, _names, f"<{path} (not drawn by gradviz)>")
        object.__setattr__(self, "_gv_path", path)
        object.__setattr__(self, "_gv_items", items)

    def _child(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        items = object.__getattribute__(self, "_gv_items")
        if items is not None and name == "flat":
            return _grid(self._path() + ".flat", _leaves(items))
        if items is not None and name in ("ravel", "flatten"):
            flat = _grid(self._path() + "." + name + "()", _leaves(items))
            return _Constant(self._path() + "." + name, flat)
        if items is not None and name == "shape":
            return _shape(items)
        return PlotStandIn(self._path() + "." + name)

    def _path(self) -> str:
        return str(object.__getattribute__(self, "_gv_path"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        path = self._path()
        # a module's function by its dotted name, a returned object's method by its own name
        _note_sink(path if ")" not in path else "matplotlib's " + path.rsplit(".", 1)[-1])
        name = path.rsplit(".", 1)[-1]
        result = path + "()"
        if name == "subplots":
            return PlotStandIn(result + "[0]"), _axes(result + "[1]", args, kwargs)
        if name == "plot":
            return [PlotStandIn(result + "[0]")]
        if name == "hist":
            return PlotStandIn(result + "[0]"), PlotStandIn(result + "[1]"), PlotStandIn(result + "[2]")
        return PlotStandIn(result)

    def __iter__(self) -> Iterator[Any]:
        items = object.__getattribute__(self, "_gv_items")
        return iter(items if items is not None else ())

    def __len__(self) -> int:
        items = object.__getattribute__(self, "_gv_items")
        return len(items) if items is not None else 0

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, key: Any) -> Any:
        items = object.__getattribute__(self, "_gv_items")
        if items is None:
            return PlotStandIn(f"{self._path()}[{key!r}]")
        value: Any = self
        for part in key if isinstance(key, tuple) else (key,):
            value = object.__getattribute__(value, "_gv_items")[part] if isinstance(value, PlotStandIn) else value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        return None  # ax.title = ..., line.color = ...: nothing is drawn

    def __setitem__(self, key: Any, value: Any) -> None:
        return None  # plt.rcParams["figure.figsize"] = (8, 4)

    def __enter__(self) -> PlotStandIn:
        return self  # with plt.style.context("ggplot"):

    def __exit__(self, *exc: object) -> None:
        return None


PlotStandIn.__name__ = "NotDrawn"


@allow_internal_type
class _Constant(PlotStandIn):
    """``axes.ravel`` / ``axes.flatten``: calling it gives the flat grid (no note: not a plot call)."""

    __slots__ = ("_gv_value",)

    def __init__(self, path: str, value: Any) -> None:
        super().__init__(path)
        object.__setattr__(self, "_gv_value", value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return object.__getattribute__(self, "_gv_value")


def _grid(path: str, items: list[Any]) -> PlotStandIn:
    return PlotStandIn(path, items)


def _leaves(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        nested = object.__getattribute__(item, "_gv_items") if isinstance(item, PlotStandIn) else None
        out.extend(_leaves(nested) if nested is not None else [item])
    return out


def _shape(items: list[Any]) -> tuple[int, ...]:
    first = items[0] if items else None
    nested = object.__getattribute__(first, "_gv_items") if isinstance(first, PlotStandIn) else None
    return (len(items), *(_shape(nested) if nested is not None else ()))


def _count(value: Any, default: int = 1) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 64 else default


def _axes(path: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> PlotStandIn:
    """What ``plt.subplots(nrows, ncols, squeeze=True)`` returns as its second value."""
    rows = _count(kwargs.get("nrows", args[0] if args else 1))
    cols = _count(kwargs.get("ncols", args[1] if len(args) > 1 else 1))
    squeeze = kwargs.get("squeeze", True) is not False
    if squeeze and rows == cols == 1:
        return PlotStandIn(path)
    if squeeze and (rows == 1 or cols == 1):
        return _grid(path, [PlotStandIn(f"{path}[{i}]") for i in range(rows * cols)])
    return _grid(
        path, [_grid(f"{path}[{r}]", [PlotStandIn(f"{path}[{r}, {c}]") for c in range(cols)]) for r in range(rows)]
    )


def matplotlib_proxy() -> PlotStandIn:
    """What ``import matplotlib`` gives learner code (the import is reported as a skipped line)."""
    _note_sink("matplotlib")
    return PlotStandIn("matplotlib")
