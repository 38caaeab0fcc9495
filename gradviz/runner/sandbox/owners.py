"""Whose object is this? The learner's own (classes their code made, functions their cells define),
gradviz's engine, or the runner's internals.

The guard lets learner code do anything Python allows with its own objects (``self._cache``,
``self.__w``, any dunder), reads PyTorch's visible private names on the engine's objects, and keeps
the runner's objects (the runtime, proxies, stand-ins) opaque. Every test here looks at the real
type (``type(obj)``) and never calls learner code: a learner class can lie through ``__class__``,
``__getattr__`` or a metaclass, but not to ``type()``.
"""

from __future__ import annotations

import types
import weakref
from typing import Any

from gradviz.autograd.class_names import defined_in

__all__ = [
    "PYTORCH_VISIBLE_PRIVATE",
    "allow_internal_type",
    "gradviz_type",
    "internal_type",
    "is_learner_class",
    "is_learner_function",
    "owned",
    "register_learner_class",
]

# Learner classes by id; the weak reference proves the id still names the same class.
_learner_classes: dict[int, weakref.ReferenceType[type]] = {}


def _forget(ref: weakref.ReferenceType[type], key: int) -> None:
    if _learner_classes.get(key) is ref:
        del _learner_classes[key]


def register_learner_class(cls: type) -> None:
    key = id(cls)
    _learner_classes[key] = weakref.ref(cls, lambda ref: _forget(ref, key))


def is_learner_class(cls: object) -> bool:
    ref = _learner_classes.get(id(cls))
    return ref is not None and ref() is cls


def _is_cell_filename(filename: str) -> bool:
    return filename.startswith("<cell ") and filename.endswith(">")


def is_learner_function(func: object) -> bool:
    """A function (or lambda, or generator function) compiled from a learner's cell."""
    return type(func) is types.FunctionType and _is_cell_filename(func.__code__.co_filename)


def owned(obj: Any) -> bool:
    """The learner's own: an instance or subclass of a class their code made, or their function."""
    tp = type(obj)
    if is_learner_class(tp):
        return True
    if tp is types.FunctionType:
        return is_learner_function(obj)
    if tp is types.MethodType:
        return is_learner_function(obj.__func__)
    if tp is super:
        return owned(obj.__self__)
    if issubclass(tp, type):
        return is_learner_class(obj)
    return False


# The runner's own modules: objects of their classes never belong in learner hands unless the
# runner hands them out on purpose (module proxies, stand-ins, checked callables).
_INTERNAL_PREFIXES = (
    "gradviz.runner.sandbox",
    "gradviz.runner.session",
    "gradviz.runner.worker",
    "gradviz.runner.cells",
    "gradviz.runner.capture",
    "gradviz.runner.trusted_run",
    "gradviz.runner.containment",
    "gradviz.cli",
    "gradviz.frontend",
)
_internal_cache: dict[int, tuple[weakref.ReferenceType[type], bool]] = {}
_handed_out: set[type] = set()


def _module_of(tp: type) -> str:
    # gradviz's classes show PyTorch's module (torch.Tensor); the one they were defined in is kept.
    defined = defined_in(tp)
    if defined is not None:
        return defined
    try:
        module = type.__getattribute__(tp, "__module__")
    except AttributeError:
        return ""
    return module if isinstance(module, str) else ""


def internal_type(tp: type) -> bool:
    """Defined by the runner (not by the engine, numpy, the standard library or the learner)."""
    cached = _internal_cache.get(id(tp))
    if cached is not None and cached[0]() is tp:
        return cached[1]
    answer = _module_of(tp).startswith(_INTERNAL_PREFIXES) and tp not in _handed_out
    if len(_internal_cache) > 50_000:
        _internal_cache.clear()
    _internal_cache[id(tp)] = (weakref.ref(tp), answer)
    return answer


def allow_internal_type(tp: type) -> type:
    """Mark a runner class whose instances learner code may hold (a proxy, a stand-in)."""
    _handed_out.add(tp)
    _internal_cache.pop(id(tp), None)
    return tp


def gradviz_type(tp: type) -> bool:
    """The engine's and the PyTorch facade's classes (Tensor, Node, nn.Module, optimizers)."""
    module = _module_of(tp)
    return (module == "gradviz" or module.startswith("gradviz.")) and not module.startswith(_INTERNAL_PREFIXES)


# Private-looking names PyTorch itself shows learners on its objects: views and version
# counters, a module's registries, and ``_saved_*`` attributes of grad_fn nodes (by prefix).
PYTORCH_VISIBLE_PRIVATE = frozenset(
    {"_version", "_base", "_is_view", "_modules", "_parameters", "_buffers", "_grad_fn", "_grad"}
)
