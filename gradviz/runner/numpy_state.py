"""numpy's process-wide settings, kept per session: error handling and print options.

Learner code may call ``np.seterr(all='call')`` with ``np.seterrcall(f)``, or
``np.set_printoptions(formatter=...)``, as it may in Jupyter; those settings must stay with the
learner's session, as a kernel keeps them. What they must not do is reach gradviz's own numpy work
after the cell (the graph snapshot runs with no deadline armed, so a learner's callback that spins
there would never be stopped) or another session in the same process. So a session swaps its
learner's settings in for the cell and the host's back out afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# The engine sets numpy's float-error mode when it is first imported (ops/registry.py). Import it
# here, before any session captures the host's settings: otherwise the first cell that imports
# torch would set the engine's mode inside the learner's settings and the host would keep numpy's
# warnings, which the engine's own ops then print outside any cell.
import gradviz.autograd.ops.registry  # noqa: F401

__all__ = ["NumpySettings"]


@dataclass
class NumpySettings:
    """One side's numpy settings: read with ``capture``, put back with ``apply``."""

    errors: dict[str, Any]  # np.seterr keywords: divide, over, under, invalid
    error_callback: Callable[..., Any] | Any
    print_options: dict[str, Any]

    @classmethod
    def capture(cls) -> NumpySettings:
        return cls(
            errors={k: str(v) for k, v in np.geterr().items()},
            error_callback=np.geterrcall(),
            print_options=dict(np.get_printoptions()),
        )

    @classmethod
    def defaults(cls) -> NumpySettings:
        """What a session's first cell sees: numpy's print options, and float errors ignored, as
        the engine runs numpy (PyTorch never warns about inf/nan arithmetic; ops/registry.py)."""
        return cls(
            errors=dict.fromkeys(("divide", "over", "under", "invalid"), "ignore"),
            error_callback=None,
            print_options=_DEFAULT_PRINT_OPTIONS.copy(),
        )

    def apply(self) -> None:
        np.seterr(**self.errors)
        np.seterrcall(self.error_callback)
        np.set_printoptions(**self.print_options)


# Read once at import, before any learner code ran in this process.
_DEFAULT_PRINT_OPTIONS = dict(np.get_printoptions())
