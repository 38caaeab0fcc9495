"""The folders a contained worker may read: the Python installation, its packages and gradviz.

Everything else on disk (the learner's home, /etc, other projects, the checkout around gradviz) is
out of reach. The list is computed from the running interpreter, so a venv, pyenv, conda or a
system Python each get their own installation and nothing more. Shared libraries the worker needs
from elsewhere (libc, numpy's BLAS when it is a system package) are loaded before the walls go up,
so they need no rule.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

__all__ = ["python_read_roots"]

# numpy wheels keep their bundled BLAS/gfortran next to the package ("numpy.libs"), conda in
# the prefix; both are covered by the folders below, this names the wheel case explicitly.
_PACKAGE_LIB_SUFFIX = ".libs"


def _module_dir(name: str) -> Path | None:
    module = sys.modules.get(name)
    location = getattr(module, "__file__", None)
    return Path(location).resolve().parent if location else None


def python_read_roots(extra: Iterable[str] = ()) -> list[str]:
    """Existing, resolved, de-duplicated folders (outermost first) the worker reads from."""
    candidates: list[Path] = []
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix):
        candidates.append(Path(prefix))
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if key in paths:
            candidates.append(Path(paths[key]))
    import gradviz

    candidates.append(Path(gradviz.__file__).resolve().parent)
    for name in ("numpy", "networkx"):
        package = _module_dir(name)
        if package is not None:
            candidates.append(package)
            candidates.append(package.parent / (package.name + _PACKAGE_LIB_SUFFIX))
    candidates.extend(Path(p) for p in extra)
    resolved: list[Path] = []
    for candidate in candidates:
        try:
            path = candidate.resolve(strict=True)
        except OSError:
            continue
        if path.is_dir() and path not in resolved:
            resolved.append(path)
    # Drop folders inside another root: one rule covers the whole hierarchy.
    resolved.sort(key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in resolved:
        if not any(path == root or root in path.parents for root in kept):
            kept.append(path)
    return [os.fspath(p) for p in kept]
