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
from gradviz.runner.sandbox.names import (
    RAW_PROTOCOL_NAMES,
    NameKind,
    is_dunder,
    is_plain_name,
    kind_of,
    refused_identifier,
)
from gradviz.runner.sandbox.owners import is_learner_class, register_learner_class
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.standins import real_of

__all__ = [
    "ClassVetter",
    "build_class",
    "check_match_args",
    "check_namespace",
    "meta_new_hook",
    "must_propagate",
    "prepare_namespace",
    "raw_array_new_checker",
    "seal",
    "sealed_hook",
    "visible_arguments_hook",
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
# subclass inheriting them, never wraps a wrapper. By id, checked by identity: a set lookup would
# call a learner object's __eq__ with them.
_installed: dict[int, weakref.ReferenceType[Any]] = {}


def _mark(func: Any) -> Any:
    target = func.__func__ if isinstance(func, (classmethod, staticmethod)) else func
    key = id(target)
    _installed[key] = weakref.ref(target, lambda ref: _installed.pop(key, None) if _installed.get(key) is ref else None)
    return func


def is_installed(value: Any) -> bool:
    """A shield, or a hook or constructor that sealing put on a learner class."""
    if type(value) is _RawProtocolShield:
        return True
    kind = type(value)
    if kind is classmethod or kind is staticmethod:
        value = value.__func__
    ref = _installed.get(id(value))
    return ref is not None and ref() is value


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
        if not is_plain_name(name):
            raise SandboxError(f"{where}: __match_args__ names must be plain strings in gradviz")
        if isinstance(name, str) and (kind_of(name) in (NameKind.REFUSED, NameKind.DUNDER) or refused_identifier(name)):
            raise SandboxError(f"{where}: __match_args__ may not name {name!r} in gradviz")


def check_namespace(namespace: Mapping[str, Any] | Iterable[str], where: str) -> None:
    """Refuse a class namespace (or attribute names) holding a raw-memory protocol or a helper.

    A dict's keys are read with ``dict.keys`` (a learner's dict subclass cannot hide one by
    overriding ``keys`` or ``__iter__``; ``type.__new__`` copies the real entries)."""
    keys = list(dict.keys(namespace)) if isinstance(namespace, dict) else list(namespace)
    for key in keys:
        if not is_plain_name(key):
            raise SandboxError(f"{where}: attribute names must be plain strings in gradviz, not {type(key).__name__}")
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


# Hooks Python and the standard library call with classes they looked up themselves: abc passes
# type(instance) to __subclasshook__, a class statement passes its resolved bases (the real
# classes behind stand-ins) to the metaclass. The learner's hook gets them as the guard shows them.
CLASS_ARGUMENT_HOOKS = ("__subclasshook__", "__instancecheck__", "__subclasscheck__", "__array_function__")
METACLASS_ARGUMENT_HOOKS = ("__init__", "__prepare__")


def visible_arguments_hook(entry: Any) -> Any:
    """``entry`` (a function, classmethod or staticmethod) called with its arguments vetted."""
    if isinstance(entry, (classmethod, staticmethod)):
        return _mark(type(entry)(visible_arguments_hook(entry.__func__)))

    def hook(*args: Any, **kwargs: Any) -> Any:
        from gradviz.runner.sandbox import guard

        shown = [guard.vet_deep(a) for a in args]
        if isinstance(entry, types.FunctionType) or not shown:
            return entry(*shown, **kwargs)
        return _bind(entry, shown[0])(*shown[1:], **kwargs)

    return _mark(_copy_names(hook, entry))


def _as_classmethod(entry: Any) -> Any:
    """A class body's ``__init_subclass__`` before ``type.__new__`` has made it a classmethod."""
    return classmethod(entry) if isinstance(entry, types.FunctionType) else entry


def sealed_hook(original: Any) -> classmethod[Any, Any, Any]:
    """``__init_subclass__`` for a learner class: seal every subclass, however it was made (a
    class statement, ``type()``, a metaclass, Enum's functional API), then run the learner's own
    hook, or the next one up the MRO."""
    original = _as_classmethod(original)
    holder: list[Any] = []

    def __init_subclass__(cls: type, **kwargs: Any) -> None:  # noqa: N807 - it is that hook
        seal(cls)
        if original is not None:
            _bind_class(original, cls)(**kwargs)
            return
        entry = _next_in_mro(cls, "__init_subclass__", holder[0])
        if entry is not None:
            _bind_class(entry, cls)(**kwargs)

    hook: classmethod[Any, Any, Any] = classmethod(__init_subclass__)
    holder.append(hook)
    _mark(__init_subclass__)
    return hook


def _next_in_mro(cls: type, name: str, after: Any) -> Any:
    """What ``super()`` finds for ``name`` past the class whose namespace holds ``after`` (the
    hook does not know its class: it is made before the class, and dataclass may copy it)."""
    passed = False
    for klass in cls.__mro__:
        entry = klass.__dict__.get(name)
        if entry is None:
            continue
        if not passed:
            passed = entry is after
            continue
        return entry
    return None


def _bind_class(entry: Any, cls: type) -> Any:
    getter = getattr(type(entry), "__get__", None)
    return getter(entry, None, cls) if getter is not None else entry


def _constructor(entry: Any) -> Any:
    """A ``__new__`` found in a class namespace, callable as ``new(cls, *args)``."""
    return entry.__func__ if isinstance(entry, staticmethod) else entry


def enum_create_hook() -> classmethod[Any, Any, Any]:
    """Enum's functional API on a learner enum (``Base('X', names)``) builds a subclass from a dict:
    check the names before it does."""

    def _create_(klass: type, class_name: Any, names: Any, **kwargs: Any) -> Any:
        check_enum_names(names, f"enum {class_name}")
        return enum.EnumMeta._create_(klass, class_name, names, **kwargs)  # type: ignore[attr-defined]

    return _mark(classmethod(_create_))


def check_enum_names(names: Any, where: str) -> None:
    """Names of Enum's functional API become class attributes: no dunders among them."""
    if isinstance(names, str):
        listed: list[Any] = names.replace(",", " ").split()
    elif isinstance(names, Mapping):
        listed = list(dict.keys(names)) if isinstance(names, dict) else list(names)
    elif isinstance(names, (list, tuple)):
        listed = [n if isinstance(n, str) else n[0] for n in names if isinstance(n, (str, tuple)) and n]
    else:
        return
    for name in listed:
        if not is_plain_name(name):
            raise SandboxError(f"{where}: member names must be plain strings in gradviz")
        if isinstance(name, str) and (is_dunder(name) or refused_identifier(name)):
            raise SandboxError(f"{where} may not name a member {name!r} in gradviz (dunder names set class behaviour)")


# -- checked constructors ----------------------------------------------------------------------

# numpy's array classes whose constructors take a raw buffer, offset and strides, and how many
# positional arguments come before the buffer (memmap maps a file and is refused outright).
_RAW_ARRAY_POSITIONAL: dict[str, int] = {"ndarray": 2, "recarray": 2, "chararray": 3, "memmap": 0}
_RAW_ARRAY_KEYWORDS = ("buffer", "buf", "offset", "strides")


def raw_array_classes() -> dict[type, str]:
    import numpy as np

    return {np.ndarray: "ndarray", np.recarray: "recarray", np.char.chararray: "chararray", np.memmap: "memmap"}


def _inherits_raw_array(bases: tuple[Any, ...]) -> bool:
    table = raw_array_classes()
    raw = [id(k) for k in table]
    return any(isinstance(b, type) and any(id(k) in raw for k in b.__mro__) for b in bases)


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


def array_new_hook() -> staticmethod[Any, Any]:
    """``__new__`` for a learner subclass of an ndarray class that defines none: numpy's own
    constructor runs, with its raw-memory arguments refused (a subclass that defines one calls
    ``super().__new__``, which the guard hands out checked)."""
    holder: list[Any] = []

    def __new__(klass: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        table = raw_array_classes()
        passed = False
        for owner in klass.__mro__:
            entry = owner.__dict__.get("__new__")
            if entry is None:
                continue
            if not passed:
                passed = entry is holder[0]
                continue
            kind = next((k for cls, k in table.items() if cls is owner), None)
            if kind is not None:
                raw_array_new_checker(kind)(args, kwargs)
            return _constructor(entry)(klass, *args, **kwargs)
        return object.__new__(klass)

    hook: staticmethod[Any, Any] = staticmethod(__new__)
    holder.append(hook)
    _mark(hook)
    return hook


def meta_new_hook(original: Any) -> staticmethod[Any, Any]:
    """``__new__`` of a learner metaclass: the classes it makes are checked and sealed too."""
    holder: list[Any] = []

    def __new__(mcs: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        if len(args) == 3 and isinstance(args[2], Mapping):
            namespace = dict(args[2]) if type(args[2]) is dict else args[2]
            prepare_namespace(namespace, args[1] if isinstance(args[1], tuple) else (), f"class {args[0]}")
            args = (args[0], args[1], namespace)
        if original is not None:
            from gradviz.runner.sandbox import guard

            result = _constructor(original)(mcs, *[guard.vet_deep(a) for a in args], **kwargs)
        else:
            result = _constructor(_next_in_mro(mcs, "__new__", holder[0]) or type.__new__)(mcs, *args, **kwargs)
        if isinstance(result, type) and not is_learner_class(result):
            seal(result)
        return result

    hook: staticmethod[Any, Any] = staticmethod(__new__)
    holder.append(hook)
    _mark(hook)
    return hook


# -- sealing -----------------------------------------------------------------------------------


def prepare_namespace(namespace: Any, bases: tuple[Any, ...], where: str) -> None:
    """Before a class exists: refuse what it may not define, and put every wrapper it needs into
    its namespace. A class that exists therefore never lacks them, even if sealing it afterwards
    fails (a learner can make any call fail at the recursion limit)."""
    check_namespace(namespace, where)
    if not isinstance(namespace, dict):
        return  # type.__new__ takes dicts only; anything else fails there

    def own(name: str) -> Any:
        return dict.get(namespace, name)

    def put(name: str, value: Any) -> None:
        dict.__setitem__(namespace, name, value)

    for name in ("__getattr__", "__getattribute__"):
        if own(name) is not None and not is_installed(own(name)):
            put(name, guarded_getattr_hook(own(name)))
    if own("__exit__") is not None and not is_installed(own("__exit__")):
        put("__exit__", guarded_exit_hook(own("__exit__")))
    if own("__aexit__") is not None and not is_installed(own("__aexit__")):
        put("__aexit__", guarded_aexit_hook(own("__aexit__")))
    if not is_installed(own("__init_subclass__")):
        put("__init_subclass__", sealed_hook(own("__init_subclass__")))
    is_meta = any(isinstance(b, type) and issubclass(b, type) for b in bases)
    for name in CLASS_ARGUMENT_HOOKS + (METACLASS_ARGUMENT_HOOKS if is_meta else ()):
        if own(name) is not None and not is_installed(own(name)):
            put(name, visible_arguments_hook(own(name)))
    if is_meta:
        if not is_installed(own("__new__")):
            put("__new__", meta_new_hook(own("__new__")))
    elif own("__new__") is None and _inherits_raw_array(bases):
        put("__new__", array_new_hook())
    if any(isinstance(b, type) and issubclass(b, enum.Enum) for b in bases) and own("_create_") is None:
        put("_create_", enum_create_hook())


def seal(cls: type) -> type:
    """Apply the learner-class rules (module docstring) to ``cls`` and register it (last, so a
    class whose sealing failed half way is not the learner's)."""
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
    if not is_installed(own.get("__init_subclass__")):
        type.__setattr__(cls, "__init_subclass__", sealed_hook(own.get("__init_subclass__")))
    for name in CLASS_ARGUMENT_HOOKS + (METACLASS_ARGUMENT_HOOKS if issubclass(cls, type) else ()):
        if name in own and not is_installed(own[name]):
            type.__setattr__(cls, name, visible_arguments_hook(own[name]))
    new = own.get("__new__")
    if issubclass(cls, type):
        if not is_installed(new):
            type.__setattr__(cls, "__new__", meta_new_hook(new))
    elif new is None and _inherits_raw_array(cls.__bases__):
        type.__setattr__(cls, "__new__", array_new_hook())
    if issubclass(cls, enum.Enum) and not is_installed(own.get("_create_")):
        type.__setattr__(cls, "_create_", enum_create_hook())
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
        prepare_namespace(namespace, bases, f"class {name}")
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
    if isinstance(bases, tuple):
        bases = tuple(real_of(b) for b in bases)
    if isinstance(namespace, Mapping):
        namespace = dict(namespace)
        prepare_namespace(namespace, bases if isinstance(bases, tuple) else (), f"class {name}")
    cls = real_of(meta)(name, bases, namespace, **kwargs)
    if isinstance(cls, type) and not is_learner_class(cls):
        seal(cls)
    return cls
