"""The environment a worker process starts with: only what it needs, nothing of the user's.

No PATH (the worker runs no programs), no HOME, no tokens or proxies, no PYTHON* variables (the
worker starts with ``-I`` anyway). Kept: the locale, so text is decoded as the user expects, and,
on Windows, the system folders the interpreter cannot start without. Set: one BLAS/OpenMP thread
(less address space per process, so RLIMIT_AS measures the learner's data, and no threads exist
before Landlock restricts the process) and the temporary folder, which is the worker's private one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["ALLOWED_NAMES", "worker_environment"]

_LOCALE_NAMES = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_MESSAGES", "LC_COLLATE")
_WINDOWS_NAMES = ("SYSTEMROOT", "WINDIR")
_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_TEMP_NAMES = ("TMPDIR", "TMP", "TEMP")

ALLOWED_NAMES = frozenset((*_LOCALE_NAMES, *_WINDOWS_NAMES, *_THREADS, *_TEMP_NAMES))


def worker_environment(private_dir: str, parent: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a new worker (the parent's is not inherited)."""
    parent = os.environ if parent is None else parent
    env = {name: parent[name] for name in _LOCALE_NAMES if name in parent}
    if os.name == "nt":
        env.update({name: parent[name] for name in _WINDOWS_NAMES if name in parent})
    env.update(_THREADS)
    env.update(dict.fromkeys(_TEMP_NAMES, private_dir))
    return env
