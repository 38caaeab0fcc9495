"""What walls a worker process stands behind, as plain data the app and the CLI can show.

The child fills one :class:`Containment` while it contains itself and sends it to the parent at
start-up (as a dict: only builtins cross the process boundary). ``active`` is true only when every
wall the platform offers held; a partial result lists what did apply and says what did not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Containment"]


@dataclass
class Containment:
    """``mechanisms`` names each wall that applied (``"landlock-abi-7"``, ``"seccomp"``, ...);
    ``reason`` says why the process is not (fully) contained, empty when ``active``."""

    active: bool
    mechanisms: list[str] = field(default_factory=list)
    reason: str = ""

    def describe(self) -> str:
        """One line for a status bar or stderr."""
        if self.active:
            return "contained by the operating system (" + ", ".join(self.mechanisms) + ")"
        return f"not contained: {self.reason or 'unknown reason'}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Containment:
        """Rebuild what a child sent; anything malformed reads as not contained."""
        if not isinstance(data, dict):
            return cls(False, [], "the worker did not report its containment")
        mechanisms = data.get("mechanisms")
        names = [str(m) for m in mechanisms] if isinstance(mechanisms, list) else []
        return cls(bool(data.get("active") is True), names, str(data.get("reason") or ""))
