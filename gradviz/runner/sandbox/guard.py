"""Run-time attribute guard: which attributes of which objects learner code may read or write.

The decision is keyed on the object's type, and anything not recognised is refused: a new kind
of object reaching learner code (a generator, a frame, a bound method, a module...) exposes no
attribute at all until someone decides it should. The compile-time policy refuses dunder and
private names everywhere; this layer is the second line and also covers ``getattr(obj, name)``
with a name computed at run time.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from gradviz.runner.sandbox.policy import attribute_name_allowed

__all__ = ["AttributeGuard", "ModuleProxy", "is_internal_module"]


class ModuleProxy:
    """A curated stand-in for a module: only ``exports`` are reachable, nothing can be assigned.

    ``t.np``, ``t.os`` or ``np.lib`` can never leak through it, whatever the real module imports.
    """

    __slots__ = ("_gv_exports", "_gv_name", "_gv_withheld")

    def __init__(self, name: str, exports: dict[str, Any], withheld: frozenset[str] = frozenset()) -> None:
        object.__setattr__(self, "_gv_name", name)
        object.__setattr__(self, "_gv_exports", dict(exports))
        # Names the real module has that gradviz withholds on purpose (np.save, torch.load):
        # asking for one is a refusal, asking for anything else is a plain AttributeError.
        object.__setattr__(self, "_gv_withheld", frozenset(withheld))

    def __getattr__(self, name: str) -> Any:
        exports = object.__getattribute__(self, "_gv_exports")
        try:
            return exports[name]
        except KeyError:
            module = object.__getattribute__(self, "_gv_name")
            raise AttributeError(f"module '{module}' has no attribute '{name}'") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign attributes of module '{self._gv_name}' in gradviz")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete attributes of module '{self._gv_name}' in gradviz")

    def __repr__(self) -> str:
        return f"<module '{object.__getattribute__(self, '_gv_name')}' (gradviz)>"

    def __dir__(self) -> list[str]:
        return sorted(object.__getattribute__(self, "_gv_exports"))


def proxy_exports(proxy: ModuleProxy) -> dict[str, Any]:
    return dict(object.__getattribute__(proxy, "_gv_exports"))


def proxy_has(proxy: ModuleProxy, name: str) -> bool:
    return name in object.__getattribute__(proxy, "_gv_exports")


def proxy_name(proxy: ModuleProxy) -> str:
    return str(object.__getattribute__(proxy, "_gv_name"))


def proxy_withholds(proxy: ModuleProxy, name: str) -> bool:
    return name in object.__getattribute__(proxy, "_gv_withheld")


# The runner (cells, session, worker, limits, the sandbox itself) and the command line: whole
# subpackages, so a module added to them is internal without being listed here.
_INTERNAL_PREFIXES = ("gradviz.runner.", "gradviz.cli.", "gradviz.frontend")


def is_internal_module(module: str) -> bool:
    """The runner's own modules: their objects never reach learner code, and if one did it
    exposes nothing."""
    return module.startswith(_INTERNAL_PREFIXES)


def _is_gradviz_type(tp: type) -> bool:
    module = getattr(tp, "__module__", "") or ""
    return (module == "gradviz" or module.startswith("gradviz.")) and not is_internal_module(module)


# Names that would do I/O or serialisation if some engine class ever grew them.
_IO_NAMES = frozenset({"save", "load", "tofile", "dump", "dumps", "to_file", "from_file", "open", "write", "read"})

_PLAIN_VALUE_TYPES = (int, float, complex, bool, str, bytes, list, tuple, dict, set, frozenset)
_RANGE_NAMES = frozenset({"start", "stop", "step", "count", "index", "indices"})
_EXCEPTION_NAMES = frozenset({"args"})
_BUILTIN_CLASS_NAMES = frozenset({"fromkeys", "maketrans", "from_bytes", "fromhex"})
_CLASS_DENY = frozenset({"mro", "register"})

# numpy arrays returned by Tensor.numpy() or the curated np: computation only, no I/O
# (tofile/dump/dumps), no raw memory (ctypes/data/base/__array_interface__), no flags games.
NDARRAY_NAMES = frozenset(
    {
        "shape",
        "dtype",
        "ndim",
        "size",
        "T",
        "real",
        "imag",
        "itemsize",
        "nbytes",
        "item",
        "tolist",
        "sum",
        "mean",
        "std",
        "var",
        "max",
        "min",
        "argmax",
        "argmin",
        "prod",
        "cumsum",
        "cumprod",
        "all",
        "any",
        "reshape",
        "transpose",
        "flatten",
        "ravel",
        "squeeze",
        "copy",
        "astype",
        "clip",
        "round",
        "dot",
        "fill",
        "sort",
        "argsort",
        "nonzero",
        "conj",
        "conjugate",
        "trace",
        "diagonal",
        "swapaxes",
    }
)
NUMPY_SCALAR_NAMES = frozenset(
    {"item", "tolist", "real", "imag", "dtype", "shape", "ndim", "size", "astype", "round", "conjugate", "is_integer"}
)
DTYPE_NAMES = frozenset({"name", "itemsize", "kind", "char"})

_DENY = frozenset()
_PUBLIC = None  # marker: every name the compile-time policy allows (minus I/O names)


class AttributeGuard:
    """Decides attribute reads and writes for one session (it knows that session's classes)."""

    def __init__(self) -> None:
        self._user_classes: weakref.WeakSet[type] = weakref.WeakSet()
        self._policy_cache: dict[type, frozenset[str] | None] = {}

    def register_user_class(self, cls: type) -> None:
        self._user_classes.add(cls)
        self._policy_cache.clear()

    def is_user_class(self, cls: type) -> bool:
        return any(c in self._user_classes for c in cls.__mro__)

    def reset(self) -> None:
        self._user_classes = weakref.WeakSet()
        self._policy_cache.clear()

    # -- reads -------------------------------------------------------------------------------
    def may_read(self, obj: Any, name: str) -> bool:
        if type(obj) is ModuleProxy:
            return proxy_has(obj, name)
        if name == "__init__":
            return type(obj) is super
        if name == "__name__":
            return True  # the runtime hands it out only if it is a str
        if not attribute_name_allowed(name):
            return False
        if isinstance(obj, type):
            return self._class_may_read(obj, name)
        policy = self._instance_policy(type(obj))
        if policy is _PUBLIC:
            return name not in _IO_NAMES or type(obj) in _PLAIN_VALUE_TYPES
        return name in policy

    def _class_may_read(self, cls: type, name: str) -> bool:
        if name in _CLASS_DENY:
            return False
        if self.is_user_class(cls) or _is_gradviz_type(cls):
            return name not in _IO_NAMES
        if cls in _PLAIN_VALUE_TYPES:
            return name in _BUILTIN_CLASS_NAMES
        return False

    def _instance_policy(self, tp: type) -> frozenset[str] | None:
        try:
            return self._policy_cache[tp]
        except KeyError:
            policy = self._compute_policy(tp)
            self._policy_cache[tp] = policy
            return policy

    def _compute_policy(self, tp: type) -> frozenset[str] | None:
        if tp in _PLAIN_VALUE_TYPES or tp is super:
            return _PUBLIC
        if tp in (range, slice):
            return _RANGE_NAMES
        if issubclass(tp, BaseException):
            return _EXCEPTION_NAMES
        if tp is np.ndarray:
            return NDARRAY_NAMES
        if issubclass(tp, np.generic):
            return NUMPY_SCALAR_NAMES
        if issubclass(tp, np.dtype):
            return DTYPE_NAMES
        if self.is_user_class(tp) or _is_gradviz_type(tp):
            return _PUBLIC
        return _DENY

    # -- writes ------------------------------------------------------------------------------
    def may_write(self, obj: Any, name: str) -> bool:
        """Attribute assignment/deletion: the learner's own objects and gradviz instances only
        (``x.requires_grad = True``, ``self.fc1 = nn.Linear(...)``, ``ctx.k = k``)."""
        if not attribute_name_allowed(name) or name in _IO_NAMES:
            return False
        if type(obj) is ModuleProxy:
            return False
        if isinstance(obj, type):
            return self.is_user_class(obj)
        tp = type(obj)
        return self.is_user_class(tp) or _is_gradviz_type(tp)

    def visible_type(self, tp: type) -> bool:
        """May ``type(x)`` hand this class to learner code?"""
        return (
            tp in _PLAIN_VALUE_TYPES
            or tp in (range, slice, type(None))
            or tp is np.ndarray
            or issubclass(tp, np.generic)
            or (issubclass(tp, BaseException) and tp.__module__ == "builtins")
            or self.is_user_class(tp)
            or _is_gradviz_type(tp)
        )
