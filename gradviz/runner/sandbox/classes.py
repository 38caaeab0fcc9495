"""Class creation for learner code: any class Python allows, minus numpy's raw-memory protocols.

Learner classes may define any dunder method, derive from anything, take decorators and
metaclasses. What they must never carry is ``__array_interface__`` / ``__array_struct__``: numpy
reads them from any object it converts (``np.asarray(obj)``, ``a + obj``) and builds an array over
whatever address they name, so a dict with ``typestr '|O'`` turns memory into object references.

Every class a learner's code makes passes through :func:`seal` (the class statement through
:func:`build_class`, ``type(name, bases, ns)`` and metaclass calls through the stand-ins, classes
that subclass a learner's class through the ``__init_subclass__`` hook seal installs). Sealing:

* refuses those names in the class namespace;
* puts a data descriptor (the shield) under each name, so an instance's ``__dict__`` entry of that
  name is never found (data descriptors win over instance dicts), on the class and its subclasses;
* wraps a learner ``__getattr__``/``__getattribute__`` so they never answer those names;
* wraps ``__exit__``/``__aexit__`` so a context manager cannot swallow a time limit;
* checks ``__match_args__`` (match statements read those attributes at C level);
* gives metaclasses and ndarray subclasses a ``__new__`` that checks its arguments;
* registers the class as the learner's (their private names and dunders become theirs to use).
"""

from __future__ import annotations

import enum
import functools
import types
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gradviz.runner.limits import ResourceLimitError, WallTimeExceeded
from gradviz.runner.sandbox.names import RAW_PROTOCOL_NAMES, NameKind, is_dunder, kind_of, refused_identifier
from gradviz.runner.sandbox.owners import is_learner_class, register_learner_class
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.standins import real_of

__all__ = [
    "ClassVetter",
    "build_class",
    "check_match_args",
    "check_namespace",
    "must_propagate",
    "raw_array_new_checker",
    "seal",
    "sealed_hook",
]


def must_propagate(exc: BaseException | None) -> bool:
    """Limits and refusals end the cell: no handler, ``finally`` or ``__exit__`` may swallow them."""
    if isinstance(exc, (WallTimeExceeded, SandboxError)):
        return True
    return isinstance(exc, ResourceLimitError) and exc.limit == "max_output_chars"


class _RawProtocolShield:
    """Answers "no such attribute" for a raw-memory protocol name on every learner object."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        raise AttributeError(self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        raise SandboxError(f"setting {self.name!r} is not available in gradviz (numpy would read raw memory)")

    def __delete__(self, obj: Any) -> None:
        raise SandboxError(f"deleting {self.name!r} is not available in gradviz")


_SHIELDS = {name: _RawProtocolShield(name) for name in RAW_PROTOCOL_NAMES}

# Functions seal installed (hooks and checked constructors): recognised so sealing twice, or a
# subclass inheriting them, never wraps a wrapper.
_installed: weakref.WeakSet[Any] = weakref.WeakSet()


def _mark(func: Any) -> Any:
    _installed.add(func.__func__ if isinstance(func, (classmethod, staticmethod)) else func)
    return func


def is_installed(value: Any) -> bool:
    """A shield, or a hook or constructor that sealing put on a learner class."""
    if type(value) is _RawProtocolShield:
        return True
    if isinstance(value, (classmethod, staticmethod)):
        value = value.__func__
    try:
        return value in _installed
    except TypeError:
        return False


def _refuse_name(name: str, where: str) -> SandboxError:
    if name in RAW_PROTOCOL_NAMES:
        return SandboxError(
            f"{where} may not define {name!r} in gradviz: numpy would read raw memory through it "
            "(define __array__ to hand numpy an array)"
        )
    return SandboxError(f"{where} may not define {name!r} in gradviz")


def check_match_args(value: Any, where: str) -> None:
    """``case C(x)`` reads ``x`` as ``getattr(subject, C.__match_args__[0])`` in C code."""
    if not isinstance(value, tuple):
        return  # Python itself refuses a non-tuple when a pattern uses it
    for name in value:
        if isinstance(name, str) and (kind_of(name) in (NameKind.REFUSED, NameKind.DUNDER) or refused_identifier(name)):
            raise SandboxError(f"{where}: __match_args__ may not name {name!r} in gradviz")


def check_namespace(namespace: Mapping[str, Any] | Iterable[str], where: str) -> None:
    """Refuse a class namespace (or attribute names) holding a raw-memory protocol or a helper.

    A dict's keys are read with ``dict.keys`` (a learner's dict subclass cannot hide one by
    overriding ``keys`` or ``__iter__``; ``type.__new__`` copies the real entries)."""
    keys = list(dict.keys(namespace)) if isinstance(namespace, dict) else list(namespace)
    for key in keys:
        if isinstance(key, str) and (key in RAW_PROTOCOL_NAMES or refused_identifier(key)):
            raise _refuse_name(key, where)
    if isinstance(namespace, Mapping):
        slots = dict.get(namespace, "__slots__") if isinstance(namespace, dict) else namespace.get("__slots__")
        if isinstance(slots, str):
            slots = (slots,)
        if isinstance(slots, (tuple, list)):
            check_namespace([s for s in slots if isinstance(s, str)], where)
        if "__match_args__" in keys:
            check_match_args(dict.get(namespace, "__match_args__") if isinstance(namespace, dict) else None, where)


# -- wrappers ----------------------------------------------------------------------------------


def _bind(func: Any, obj: Any) -> Any:
    getter = getattr(type(func), "__get__", None)
    return getter(func, obj, type(obj)) if getter is not None else func


def _copy_names(wrapper: Any, func: Any) -> Any:
    if isinstance(func, types.FunctionType):
        functools.update_wrapper(wrapper, func, updated=())
    return wrapper


def guarded_getattr_hook(func: Any) -> Any:
    """A learner ``__getattr__``/``__getattribute__`` that never answers a raw-memory name."""

    def hook(self: Any, name: Any, *rest: Any) -> Any:
        if name in RAW_PROTOCOL_NAMES:
            raise AttributeError(name)
        return _bind(func, self)(name, *rest)

    return _mark(_copy_names(hook, func))


def guarded_exit_hook(func: Any) -> Any:
    """A learner ``__exit__`` may suppress exceptions, except a limit or a refusal."""

    def hook(self: Any, exc_type: Any, exc: Any, tb: Any) -> Any:
        result = _bind(func, self)(exc_type, exc, tb)
        if result and must_propagate(exc):
            return False
        return result

    return _mark(_copy_names(hook, func))


def guarded_aexit_hook(func: Any) -> Any:
    async def hook(self: Any, exc_type: Any, exc: Any, tb: Any) -> Any:
        result = await _bind(func, self)(exc_type, exc, tb)
        if result and must_propagate(exc):
            return False
        return result

    return _mark(_copy_names(hook, func))


def sealed_hook(original: Any) -> classmethod[Any, Any, Any]:
    """``__init_subclass__`` for a learner class: seal every subclass, however it was made (a
    class statement, ``type()``, a metaclass, Enum's functional API), then run the learner's own
    hook, or the next one up the MRO."""

    holder: list[Any] = []

    def __init_subclass__(cls: type, **kwargs: Any) -> None:  # noqa: N807 - it is that hook
        seal(cls)
        if original is not None:
            _bind_class(original, cls)(**kwargs)
            return
        after = False
        for klass in cls.__mro__[1:]:
            entry = klass.__dict__.get("__init_subclass__")
            if entry is None:
                continue
            if not after:
                after = entry is holder[0]
                continue
            _bind_class(entry, cls)(**kwargs)
            return

    hook: classmethod[Any, Any, Any] = classmethod(__init_subclass__)
    holder.append(hook)
    _mark(__init_subclass__)
    return hook


def _bind_class(entry: Any, cls: type) -> Any:
    getter = getattr(type(entry), "__get__", None)
    return getter(entry, None, cls) if getter is not None else entry


def _wrap_enum_create(cls: type) -> None:
    """Enum's functional API on a learner enum (``Base('X', names)``) builds a subclass from a dict:
    check the names before it does."""

    def _create_(klass: type, class_name: Any, names: Any, **kwargs: Any) -> Any:
        if isinstance(names, Mapping):
            check_namespace(names, f"enum {class_name}")
        elif isinstance(names, (list, tuple)):
            check_namespace([n if isinstance(n, str) else n[0] for n in names if isinstance(n, (str, tuple))], "enum")
        elif isinstance(names, str):
            check_namespace(names.replace(",", " ").split(), "enum")
        return enum.EnumMeta._create_(klass, class_name, names, **kwargs)  # type: ignore[attr-defined]

    type.__setattr__(cls, "_create_", _mark(classmethod(_create_)))


# -- checked constructors ----------------------------------------------------------------------

# numpy's array classes whose constructors take a raw buffer, offset and strides, and how many
# positional arguments come before the buffer (memmap maps a file and is refused outright).
_RAW_ARRAY_POSITIONAL: dict[str, int] = {"ndarray": 2, "recarray": 2, "chararray": 3, "memmap": 0}
_RAW_ARRAY_KEYWORDS = ("buffer", "buf", "offset", "strides")


def raw_array_classes() -> dict[type, str]:
    import numpy as np

    return {np.ndarray: "ndarray", np.recarray: "recarray", np.char.chararray: "chararray", np.memmap: "memmap"}


def _raw_array_kind(cls: type) -> str | None:
    """The numpy constructor ``cls(...)`` would run when ``cls`` has no ``__new__`` of its own."""
    table = raw_array_classes()
    for klass in cls.__mro__[1:]:
        if "__new__" in klass.__dict__:
            return table.get(klass)
    return None


def raw_array_new_checker(kind: str) -> Callable[[tuple[Any, ...], dict[str, Any]], None]:
    positional = _RAW_ARRAY_POSITIONAL[kind]

    def check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if kind == "memmap":
            raise SandboxError("numpy.memmap maps files into memory; gradviz code has no file access")
        given = [k for k in _RAW_ARRAY_KEYWORDS if kwargs.get(k) is not None]
        if len(args) > positional or given:
            raise SandboxError(
                f"numpy.{kind}(buffer=, offset=, strides=) is not available in gradviz: it reads raw memory "
                "(use np.array, np.frombuffer or reshape instead)"
            )

    return check


def _checked_array_new(cls: type) -> Any:
    """``__new__`` for a learner subclass of an ndarray class that does not define its own (one that
    does calls ``super().__new__``, which the guard hands out checked)."""
    check = raw_array_new_checker(_raw_array_kind(cls) or "ndarray")

    def __new__(klass: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        check(args, kwargs)
        return super(cls, klass).__new__(klass, *args, **kwargs)  # type: ignore[arg-type]

    return _mark(staticmethod(__new__))


def checked_meta_new(cls: type, original: Any) -> Any:
    """``__new__`` of a learner metaclass: the classes it makes are checked and sealed too."""

    def __new__(mcs: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        if len(args) == 3 and isinstance(args[2], Mapping):
            check_namespace(args[2], f"class {args[0]}")
        if original is not None:
            func = original.__func__ if isinstance(original, staticmethod) else original
            result = func(mcs, *args, **kwargs)
        else:
            result = super(cls, mcs).__new__(mcs, *args, **kwargs)  # type: ignore[arg-type]
        if isinstance(result, type):
            seal(result)
        return result

    return _mark(staticmethod(__new__))


# -- sealing -----------------------------------------------------------------------------------


def seal(cls: type) -> type:
    """Apply the learner-class rules (module docstring) to ``cls`` and register it."""
    own = type.__getattribute__(cls, "__dict__")
    bad = [k for k in own if isinstance(k, str) and (k in RAW_PROTOCOL_NAMES or refused_identifier(k))]
    bad = [k for k in bad if not is_installed(own[k])]
    if bad:
        for key in bad:
            type.__delattr__(cls, key)
        raise _refuse_name(bad[0], f"class {cls.__name__}")
    if "__match_args__" in own:
        check_match_args(own["__match_args__"], f"class {cls.__name__}")
    for name in ("__getattr__", "__getattribute__"):
        if name in own and not is_installed(own[name]):
            type.__setattr__(cls, name, guarded_getattr_hook(own[name]))
    if "__exit__" in own and not is_installed(own["__exit__"]):
        type.__setattr__(cls, "__exit__", guarded_exit_hook(own["__exit__"]))
    if "__aexit__" in own and not is_installed(own["__aexit__"]):
        type.__setattr__(cls, "__aexit__", guarded_aexit_hook(own["__aexit__"]))
    original_hook = own.get("__init_subclass__")
    if original_hook is None or not is_installed(original_hook):
        type.__setattr__(cls, "__init_subclass__", sealed_hook(original_hook))
    new = own.get("__new__")
    if issubclass(cls, type):
        if new is None or not is_installed(new):
            type.__setattr__(cls, "__new__", checked_meta_new(cls, new))
    elif _raw_array_kind(cls) is not None and new is None:
        type.__setattr__(cls, "__new__", _checked_array_new(cls))
    if issubclass(cls, enum.Enum) and not is_installed(own.get("_create_")):
        _wrap_enum_create(cls)
    if not issubclass(cls, type):
        # A metaclass needs none (a class's own namespace is read-only), and its shield would
        # stand in the way of sealing the classes it makes.
        for name, shield in _SHIELDS.items():
            if own.get(name) is not shield:
                type.__setattr__(cls, name, shield)
    module = own.get("__module__")
    if isinstance(module, str) and module.startswith(_OWN_MODULES):
        # Made through one of the runner's wrappers (type(), namedtuple()), which Python takes for
        # the caller: the learner's code runs as __main__.
        type.__setattr__(cls, "__module__", "__main__")
    register_learner_class(cls)
    return cls


_OWN_MODULES = ("gradviz.runner.sandbox",)


def display_namespace(cls: type) -> types.MappingProxyType[str, Any]:
    """``vars(C)`` / ``C.__dict__`` of a learner class as the learner wrote it: without shields,
    and with their own hook where sealing wrapped it."""
    own = type.__getattribute__(cls, "__dict__")
    shown: dict[str, Any] = {}
    for key, value in own.items():
        if type(value) is _RawProtocolShield:
            continue
        if key in ("__init_subclass__", "_create_", "__new__") and is_installed(value):
            continue
        wrapped = getattr(value, "__wrapped__", None) if is_installed(value) else None
        shown[key] = wrapped if wrapped is not None else value
    return types.MappingProxyType(shown)


# -- the class statement -----------------------------------------------------------------------


def _winner(meta: type, bases: tuple[Any, ...]) -> type:
    """The most derived metaclass (as ``type.__new__`` computes it; conflicts are left to it)."""
    winner = meta
    for base in bases:
        base_meta = type(base)
        if issubclass(winner, base_meta):
            continue
        if issubclass(base_meta, winner):
            winner = base_meta
    return winner


class ClassVetter:
    """Passed to ``builtins.__build_class__`` as the metaclass: the class body runs in the real
    metaclass's namespace, the namespace is checked, the real metaclass makes the class, and the
    class is sealed before the class statement binds it."""

    def __init__(self, meta: Any) -> None:
        self.meta = meta

    def __prepare__(self, name: str, bases: tuple[Any, ...], **kwargs: Any) -> Mapping[str, Any]:
        prepare = getattr(self.meta, "__prepare__", None)
        return prepare(name, bases, **kwargs) if prepare is not None else {}

    def __call__(self, name: str, bases: tuple[Any, ...], namespace: Any, **kwargs: Any) -> Any:
        check_namespace(namespace, f"class {name}")
        cls = self.meta(name, bases, namespace, **kwargs)
        if isinstance(cls, type):
            seal(cls)
        return cls


def build_class(func: Any, name: Any, *bases: Any, **kwargs: Any) -> Any:
    """``__build_class__`` of the learner namespace (what every class statement calls)."""
    import builtins

    meta = real_of(kwargs.pop("metaclass", None))
    resolved = types.resolve_bases(bases)
    if meta is None:
        meta = type(resolved[0]) if resolved else type
    if isinstance(meta, type):
        meta = _winner(meta, resolved)
    return builtins.__build_class__(func, name, *bases, metaclass=ClassVetter(meta), **kwargs)


def create_class(meta: Any, name: Any, bases: Any, namespace: Any, **kwargs: Any) -> Any:
    """``type(name, bases, ns)`` and metaclass calls made in learner code."""
    if isinstance(namespace, Mapping):
        namespace = dict(namespace)
        check_namespace(namespace, f"class {name}")
    if isinstance(bases, tuple):
        bases = tuple(real_of(b) for b in bases)
    cls = real_of(meta)(name, bases, namespace, **kwargs)
    if isinstance(cls, type) and not is_learner_class(cls):
        seal(cls)
    return cls


def dunder_definitions(namespace: Mapping[str, Any]) -> list[str]:
    return [k for k in namespace if isinstance(k, str) and is_dunder(k)]
