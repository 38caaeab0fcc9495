"""What ``import`` gives learner code: gradviz's torch, a curated numpy, the standard modules
learners use; and why anything else is not there.

``torch`` is gradviz's PyTorch twin (``gradviz.torch``) seen through its ``__all__``; submodules
(``torch.nn``, ``torch.nn.functional``, ``torch.autograd``, ``torch.optim``) are proxies of the
matching ``gradviz.torch.*`` modules. A value is exported only if it is gradviz's own (a class,
function or instance defined under ``gradviz``), a gradviz.torch submodule, or plain data, so a
stray ``import numpy as np`` inside gradviz.torch never surfaces as ``t.np``.

File, process and network modules (``os``, ``subprocess``, ``socket``, ``pickle``, ...) are refused
with the reason; so are the standard modules that reach the interpreter or raw memory (``sys``,
``inspect``, ``ctypes``, ``struct``); a module that is neither gives Python's own
``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from gradviz.autograd.class_names import defined_in
from gradviz.runner.sandbox import guard, plots, safe_numpy, stdlib
from gradviz.runner.sandbox.owners import internal_type
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.proxy import ModuleProxy, proxy_exports

__all__ = [
    "ALLOWED_ROOTS",
    "c_level_import",
    "import_from",
    "refusal_reason",
    "reset_cache",
    "resolve_import",
    "star_exports",
    "torch_proxy",
]

ALLOWED_ROOTS = frozenset({"torch", "numpy"} | {m.split(".")[0] for m in stdlib.STDLIB_MODULES})

_NO_ACCESS = "gradviz runs your code without file, process or network access"
_INTERNALS = "gradviz runs your code without access to the interpreter's internals"
_RAW_MEMORY = "gradviz runs your code without raw memory access"
_FILE_PROCESS_NETWORK = frozenset(
    {
        "os",
        "posix",
        "nt",
        "subprocess",
        "socket",
        "socketserver",
        "ssl",
        "select",
        "selectors",
        "asyncio",
        "pickle",
        "shelve",
        "dbm",
        "sqlite3",
        "shutil",
        "pathlib",
        "glob",
        "fnmatch",
        "tempfile",
        "io",
        "fileinput",
        "filecmp",
        "zipfile",
        "tarfile",
        "gzip",
        "bz2",
        "lzma",
        "zipimport",
        "mmap",
        "signal",
        "threading",
        "_thread",
        "multiprocessing",
        "concurrent",
        "urllib",
        "http",
        "ftplib",
        "smtplib",
        "poplib",
        "imaplib",
        "telnetlib",
        "email",
        "mailbox",
        "webbrowser",
        "xmlrpc",
        "logging",
        "resource",
        "pty",
        "tty",
        "termios",
        "fcntl",
        "pwd",
        "grp",
        "platform",
        "getpass",
        "netrc",
        "uuid",
        "csv",
        "configparser",
        "linecache",
        "tokenize",
        "sched",
        "pipes",
    }
)
_INTERPRETER = frozenset(
    {
        "sys",
        "builtins",
        "importlib",
        "imp",
        "pkgutil",
        "runpy",
        "site",
        "sysconfig",
        "gc",
        "inspect",
        "dis",
        "marshal",
        "code",
        "codeop",
        "pdb",
        "bdb",
        "trace",
        "traceback",
        "tracemalloc",
        "faulthandler",
        "types",
        "weakref",
        "copyreg",
        "atexit",
        "ast",
        "symtable",
        "gradviz",
    }
)
_RAW = frozenset({"ctypes", "_ctypes", "struct", "array", "cffi", "numba"})


def refusal_reason(dotted: str) -> str | None:
    """Why ``import dotted`` is refused, or None if it is simply not there (or allowed)."""
    root = dotted.split(".")[0]
    if root in _FILE_PROCESS_NETWORK:
        return f"{_NO_ACCESS}; `import {dotted}` is not available"
    if root in _INTERPRETER:
        return f"{_INTERNALS}; `import {dotted}` is not available"
    if root in _RAW:
        return f"{_RAW_MEMORY}; `import {dotted}` is not available"
    if root.startswith("_"):
        return f"{_INTERNALS}; `import {dotted}` is not available"
    if root in sys.stdlib_module_names and root not in ALLOWED_ROOTS:
        return f"`import {dotted}` is not available in gradviz; the standard modules it offers are " + ", ".join(
            sorted(m for m in stdlib.STDLIB_MODULES if "." not in m and not m.startswith("_"))
        )
    return None


# -- torch -------------------------------------------------------------------------------------

_TORCH_DENY = frozenset({"save", "load", "from_file", "hub", "jit", "compile", "set_default_tensor_type"})
_torch_cache: dict[str, ModuleProxy] = {}


def reset_cache() -> None:
    _torch_cache.clear()


def _plain_data(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return True
    return isinstance(value, tuple) and all(_plain_data(v) for v in value)


def _gradviz_owned(value: Any) -> bool:
    """Defined by gradviz (not by numpy, the standard library, or the runner itself)."""
    if isinstance(value, (type, types.FunctionType)):
        module = (defined_in(value) if isinstance(value, type) else None) or getattr(value, "__module__", "") or ""
        tp = value if isinstance(value, type) else type(value)
    else:
        tp = type(value)
        # gradviz's classes show PyTorch's module (torch.dtype); the one they were defined in is kept.
        module = defined_in(tp) or getattr(tp, "__module__", "") or ""
    return module.startswith("gradviz.") and not internal_type(tp if isinstance(value, type) else type(value))


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return [n for n in names if isinstance(n, str) and not n.startswith("_")]


def _torch_module_proxy(module: types.ModuleType, display: str) -> ModuleProxy:
    cached = _torch_cache.get(module.__name__)
    if cached is not None:
        return cached
    exports: dict[str, Any] = {}

    def resolve(name: str) -> Any:
        if name in exports:
            return exports[name]
        if name in _TORCH_DENY:
            raise SandboxError(f"{display}.{name} is not available in gradviz (no file access, no internals)")
        if name == "__name__":
            return display
        if name == "__version__" and hasattr(module, name):
            return module.__version__
        child = _torch_submodule(module, display, name)
        if child is not None:
            return child
        raise AttributeError(f"module '{display}' has no attribute '{name}'")

    proxy = ModuleProxy(display, resolve, lambda: list(exports), f"<module '{display}' (gradviz)>")
    _torch_cache[module.__name__] = proxy  # before filling: submodules may refer back to parents
    for name in _public_names(module):
        if name in _TORCH_DENY:
            continue
        try:
            value = getattr(module, name)
        except Exception:  # noqa: BLE001 - a lazily loaded part the engine cannot provide (yet)
            continue
        if isinstance(value, types.ModuleType):
            if value.__name__.startswith("gradviz.torch"):
                exports[name] = _torch_module_proxy(value, "torch" + value.__name__[len("gradviz.torch") :])
            continue
        if _gradviz_owned(value) or _plain_data(value):
            exports[name] = guard.vet(value)
    return proxy


def _torch_submodule(module: types.ModuleType, display: str, part: str) -> ModuleProxy | None:
    """A gradviz.torch submodule that ``__all__`` does not list (``import torch.nn.functional``)."""
    if not part.isidentifier() or part.startswith("_") or part in _TORCH_DENY:
        return None
    try:
        child = importlib.import_module(module.__name__ + "." + part)
    except ImportError:
        return None
    return _torch_module_proxy(child, display + "." + part)


def torch_proxy() -> ModuleProxy:
    return _torch_module_proxy(importlib.import_module("gradviz.torch"), "torch")


# -- the importer ------------------------------------------------------------------------------


def _root(name: str) -> ModuleProxy:
    if name == "torch":
        return torch_proxy()
    if name == "numpy":
        return safe_numpy.numpy_proxy()
    if name in stdlib.STDLIB_MODULES:
        return stdlib.stdlib_proxy(name)
    if name == "matplotlib":
        return plots.matplotlib_proxy()  # plots are not drawn yet: its lines are skipped with a note
    reason = refusal_reason(name)
    if reason is not None:
        raise SandboxError(reason)
    raise ModuleNotFoundError(f"No module named '{name}'", name=name)


def resolve_module(dotted: str) -> ModuleProxy:
    if dotted.startswith(".") or not dotted:
        raise SandboxError("relative imports are not available in gradviz: your code is one script")
    reason = refusal_reason(dotted)
    if reason is not None:
        raise SandboxError(reason)
    parts = dotted.split(".")
    current = _root(parts[0])
    for n, part in enumerate(parts[1:], start=1):
        try:
            child = getattr(current, part) if not part.startswith("_") else None
        except (AttributeError, SandboxError):
            child = None
        if not isinstance(child, ModuleProxy):
            if dotted in stdlib.STDLIB_MODULES:
                return stdlib.stdlib_proxy(dotted)
            raise ModuleNotFoundError(
                f"No module named '{'.'.join(parts[: n + 1])}' (gradviz provides torch and its nn, "
                "nn.functional, autograd and optim, numpy's computing, and the standard modules learners use)",
                name=dotted,
            )
        current = child
    return current


def resolve_import(dotted: str, leaf: bool) -> ModuleProxy:
    """``import a.b.c`` binds ``a`` (leaf=False); ``import a.b.c as m`` binds ``c`` (leaf=True)."""
    module = resolve_module(dotted)
    return module if leaf else resolve_module(dotted.split(".")[0])


def import_from(dotted: str, name: str) -> Any:
    module = resolve_module(dotted)
    try:
        return getattr(module, name)
    except AttributeError:
        pass
    try:
        return resolve_module(dotted + "." + name)
    except ModuleNotFoundError:
        raise ImportError(f"cannot import name '{name}' from '{dotted}' (gradviz)", name=name) from None


def star_exports(dotted: str) -> dict[str, Any]:
    return proxy_exports(resolve_module(dotted))


# C code (numpy's lazy imports, the codec registry, time.strptime) calls ``__import__`` from the
# builtins of the running frame, which is the learner's. Learner code cannot name ``__import__``
# (the policy refuses the identifier, and the builtins dict is out of its reach), so this only
# serves such imports: modules already loaded, and numpy's, gradviz's and a few stdlib helpers.
_C_IMPORT_ROOTS = frozenset({"numpy", "gradviz", "encodings", "_strptime", "__future__", "unicodedata"})


def c_level_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    import builtins

    root = name.split(".")[0]
    if level == 0 and name == "__future__":
        return builtins.__import__(name, globals, locals, fromlist, level)
    if level != 0 or not (root in _C_IMPORT_ROOTS or name in sys.modules):
        raise SandboxError(f"import of {name!r} is not available in gradviz")
    return builtins.__import__(name, globals, locals, fromlist, level)
