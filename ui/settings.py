"""Typed access to the user's preferences (QSettings), so keys and defaults live in one place.

Tests hand a ``QSettings`` on a temporary ini file to :class:`Preferences` so they never touch the
real user's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

LANGUAGES = ("en", "zh_CN")
MAX_RECENT = 10


@dataclass(frozen=True)
class RunnerLimits:
    """Caps the runner applies to learner code (passed on to the worker session)."""

    time_s: float = 10.0
    max_elements: int = 10_000_000


def _as_float(value: object, default: float) -> float:
    """A stored number (QSettings gives ini values back as strings); ``default`` if it is not one."""
    if not isinstance(value, str | int | float):
        return default
    try:
        return float(value)
    except ValueError:
        return default


def _as_int(value: object, default: int) -> int:
    if not isinstance(value, str | int | float):
        return default
    try:
        return int(value)
    except ValueError:
        return default


class Preferences:
    """Reads and writes one QSettings store; every getter survives a missing or corrupt value."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings("gradviz", "gradviz")

    # Appearance and language
    @property
    def theme(self) -> str:
        value = str(self.store.value("appearance/theme", "system"))
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("appearance/theme", value)

    @property
    def language(self) -> str:
        value = str(self.store.value("appearance/language", "en"))
        return value if value in LANGUAGES else "en"

    @language.setter
    def language(self, value: str) -> None:
        self.store.setValue("appearance/language", value)

    @property
    def animation_speed(self) -> float:
        """Backward-player speed multiplier (1.0 = one node per second); read by the player."""
        return min(8.0, max(0.125, _as_float(self.store.value("player/speed", 1.0), 1.0)))

    @animation_speed.setter
    def animation_speed(self, value: float) -> None:
        self.store.setValue("player/speed", float(value))

    @property
    def follow_player(self) -> bool:
        """The graph's Follow toggle: keep the running node in view while backward plays."""
        value = self.store.value("player/follow", True)
        return value.lower() not in ("false", "0") if isinstance(value, str) else bool(value)

    @follow_player.setter
    def follow_player(self, value: bool) -> None:
        self.store.setValue("player/follow", bool(value))

    @property
    def legend_visible(self) -> bool:
        """The graph's Legend toggle: the panel explaining the marks stays open between sessions."""
        value = self.store.value("graph/legend", False)
        return value.lower() not in ("false", "0") if isinstance(value, str) else bool(value)

    @legend_visible.setter
    def legend_visible(self, value: bool) -> None:
        self.store.setValue("graph/legend", bool(value))

    @property
    def all_iterations(self) -> bool:
        """The training panel's "All iterations": a loop's kept iterations drawn together, not one at a time."""
        value = self.store.value("training/all_iterations", False)
        return value.lower() not in ("false", "0") if isinstance(value, str) else bool(value)

    @all_iterations.setter
    def all_iterations(self, value: bool) -> None:
        self.store.setValue("training/all_iterations", bool(value))

    # Runner
    @property
    def limits(self) -> RunnerLimits:
        default = RunnerLimits()
        time_s = _as_float(self.store.value("runner/time_s", default.time_s), default.time_s)
        elements = _as_int(self.store.value("runner/max_elements", default.max_elements), default.max_elements)
        return RunnerLimits(time_s=max(0.5, time_s), max_elements=max(1, elements))

    @limits.setter
    def limits(self, value: RunnerLimits) -> None:
        self.store.setValue("runner/time_s", float(value.time_s))
        self.store.setValue("runner/max_elements", int(value.max_elements))

    # Files
    @property
    def recent_files(self) -> list[str]:
        value = self.store.value("files/recent", [])
        if isinstance(value, str):  # QSettings flattens a one-element list to a string
            value = [value]
        if not isinstance(value, list | tuple):
            return []
        return [str(v) for v in value if v][:MAX_RECENT]

    def add_recent_file(self, path: str) -> list[str]:
        files = [path] + [p for p in self.recent_files if p != path]
        files = files[:MAX_RECENT]
        self.store.setValue("files/recent", files)
        return files

    def clear_recent_files(self) -> None:
        self.store.setValue("files/recent", [])

    # Window layout
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self.store.value("window/geometry")
        state = self.store.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    def sync(self) -> None:
        self.store.sync()
