"""Warnings PyTorch's C++ core gives once per process (``TORCH_WARN_ONCE``).

``x.T`` on a 3-d tensor, ``float(t)`` on a tensor that requires grad: PyTorch warns the first time
only, however often the line runs and whatever the Python warning filters say. The worker process
is the learner's kernel, so "once" here means once per worker process, as it is once per Python
process under PyTorch.
"""

from __future__ import annotations

import warnings

__all__ = ["reset", "warn_once"]

_given: set[str] = set()


def warn_once(message: str, category: type[Warning] = UserWarning, stacklevel: int = 3) -> None:
    """Warn with ``message`` unless it was given before in this process. The default stacklevel
    names the caller of the function that warns (PyTorch's warnings point at the learner's line)."""
    if message in _given:
        return
    _given.add(message)
    warnings.warn(message, category, stacklevel=stacklevel)


def reset() -> None:
    """Forget what was given (a test that needs a fresh process's behaviour)."""
    _given.clear()
