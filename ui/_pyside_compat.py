"""Keep PySide6 6.12 usable on Python 3.11.

PySide6 6.12's wheels treat None, True and False as immortal (they are from Python 3.12 on): every
call of a void Qt method returns None without taking a reference, and every ``Signal.emit`` does the
same with True. On Python 3.11 each call then lowers the singleton's reference count by one until
the interpreter aborts with "Fatal Python error: none_dealloc" after a few thousand calls (seen with
``QLabel.setText`` in a loop). Python 3.12 made these objects immortal, so the bug is harmless there.

On older Pythons we give the three singletons a reference count so large (2**40) that no session
can exhaust it, which is what 3.12's immortality amounts to. This touches only the count of objects
that are never freed anyway; it is applied once, when the ``ui`` package is imported.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40
_applied = False


def protect_singletons() -> bool:
    """Returns True if the counts were raised (Python < 3.12), False if nothing was needed."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field (a Py_ssize_t) of every CPython object on 3.11.
        count = ctypes.c_ssize_t.from_address(id(singleton))
        count.value += _BOOST
    _applied = True
    return True
