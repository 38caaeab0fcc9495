"""Callables the guard hands out checked, in place of ones that reach past the language.

``str.format``/``format_map`` walk ``{0.attr}`` fields through the guard; ``ndarray.resize`` keeps
``refcheck``; ``memoryview`` and ``memoryview.cast`` refuse object arrays (their bytes are object
pointers); ``mro()`` lists stand-ins; ``ljust``/``center``/... check the width they allocate; the
slots that take an attribute name (``object.__getattribute__``, ``type.__setattr__``) apply the
same rules as ``obj.name``; getset descriptors called by hand (``type(print).__self__.__get__``)
read as the attribute would; ``type.__new__``, a metaclass's ``__new__`` and numpy's array
constructors check their arguments and seal the classes they make. Each prints like the original.
"""

from __future__ import annotations

import _string  # type: ignore[import-not-found]
import enum
import string
import types
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from gradviz.runner.limits import check_sequence_length
from gradviz.runner.sandbox import classes, guard
from gradviz.runner.sandbox.names import plain_name
from gradviz.runner.sandbox.owners import allow_internal_type, is_learner_class
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.sizes import check_format_numbers
from gradviz.runner.sandbox.standins import real_of, register_face

__all__ = [
    "NAME_SLOTS",
    "REFUSED_METHODS",
    "CheckedCall",
    "CheckedDescriptor",
    "VettedMapping",
    "function_rules",
    "memoryview_call",
    "name_slot",
    "register_new_rule",
    "vet_builtin",
    "vet_descriptor",
]


def memoryview_call(*args: Any, **kwargs: Any) -> memoryview:
    view = memoryview(*args, **kwargs)
    if "O" in view.format:
        view.release()
        raise SandboxError("memoryview of an object array is not available in gradviz: its bytes are object pointers")
    return view


# -- checked callables -------------------------------------------------------------------------


@allow_internal_type
class CheckedCall:
    """A callable handed out in place of one that reaches too far; prints like the original."""

    __slots__ = ("_gv_call", "_gv_original")

    def __init__(self, original: Any, call: Callable[..., Any]) -> None:
        self._gv_original = original
        self._gv_call = call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._gv_call(*args, **kwargs)

    def __repr__(self) -> str:
        return repr(self._gv_original)

    def __getattr__(self, name: str) -> Any:
        if name in ("__name__", "__qualname__", "__doc__", "__text_signature__"):
            return getattr(self._gv_original, name)
        raise AttributeError(name)


register_face(CheckedCall, types.BuiltinMethodType)


@allow_internal_type
class CheckedDescriptor:
    """A C-level attribute descriptor of a library class (``type(print).__self__``): calling its
    ``__get__`` by hand reads the attribute, so the value passes the guard as ``obj.name`` would."""

    __slots__ = ("_gv_descriptor",)

    def __init__(self, descriptor: Any) -> None:
        self._gv_descriptor = descriptor

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        name = self._gv_descriptor.__name__
        if obj is None:
            return self
        if name == "__dict__":
            return guard.namespace_of(obj)
        guard.check_read(obj, name)
        return guard.vet_for(name, self._gv_descriptor.__get__(obj, owner))

    def __set__(self, obj: Any, value: Any) -> None:
        self._gv_descriptor.__set__(obj, guard.prepare_write(obj, self._gv_descriptor.__name__, value))

    def __delete__(self, obj: Any) -> None:
        guard.prepare_delete(obj, self._gv_descriptor.__name__)
        self._gv_descriptor.__delete__(obj)

    def __repr__(self) -> str:
        return repr(self._gv_descriptor)

    def __getattr__(self, name: str) -> Any:
        if name in ("__name__", "__qualname__", "__doc__"):
            return getattr(self._gv_descriptor, name)
        if name == "__objclass__":
            return guard.visible_class(self._gv_descriptor.__objclass__)
        raise AttributeError(name)


register_face(CheckedDescriptor, types.GetSetDescriptorType)


@allow_internal_type
class VettedMapping(Mapping[Any, Any]):
    """A read-only class namespace (``list.__dict__``, ``Color.__members__``) whose values pass
    the guard as they are read: ``'__len__' in B.__dict__`` works, ``str.__dict__['format']``
    comes back checked."""

    __slots__ = ("_gv_mapping",)

    def __init__(self, mapping: Mapping[Any, Any]) -> None:
        self._gv_mapping = mapping

    def __getitem__(self, key: Any) -> Any:
        return guard.vet_deep(self._gv_mapping[key])

    def __iter__(self) -> Any:
        return iter(list(self._gv_mapping))

    def __len__(self) -> int:
        return len(self._gv_mapping)

    def __contains__(self, key: object) -> bool:
        return key in self._gv_mapping

    def __repr__(self) -> str:
        return f"mappingproxy({dict(self)!r})"

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: Any) -> dict[Any, Any]:
        import copy

        return copy.deepcopy(dict(self), memo)

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("cannot pickle 'mappingproxy' object")


register_face(VettedMapping, types.MappingProxyType)


class _GuardedFormatter(string.Formatter):
    """``str.format`` whose ``{0.attr}`` / ``{0[key]}`` fields read through the guard."""

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, int):
            if key >= len(args):
                raise IndexError(f"Replacement index {key} out of range for positional args tuple")
            return args[key]
        return kwargs[key]

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        first, rest = _string.formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attr, key in rest:
            obj = guard.read(obj, key) if is_attr else obj[key]
        return obj, first

    def format_field(self, value: Any, format_spec: str) -> Any:
        check_format_numbers(format_spec)
        return format(value, format_spec)


_FORMATTER = _GuardedFormatter()


def _checked_format(original: Any, template: Any, mapping: bool) -> CheckedCall:
    if mapping:
        return CheckedCall(original, lambda values: _FORMATTER.vformat(str(template), (), values))
    return CheckedCall(original, lambda *args, **kwargs: _FORMATTER.vformat(str(template), args, kwargs))


def _unbound_format(original: Any, mapping: bool) -> CheckedCall:
    def call(template: Any, *args: Any, **kwargs: Any) -> str:
        if not isinstance(template, str):
            return str(original(template, *args, **kwargs))  # Python's own TypeError
        if mapping:
            return _FORMATTER.vformat(template, (), args[0] if args else kwargs)
        return _FORMATTER.vformat(template, args, kwargs)

    return CheckedCall(original, call)


def _resize_call(original: Any) -> CheckedCall:
    def call(*args: Any, **kwargs: Any) -> Any:
        if "refcheck" in kwargs and not kwargs["refcheck"]:
            raise SandboxError(
                "ndarray.resize(refcheck=False) is not available in gradviz: it frees memory other arrays still use"
            )
        return original(*args, **kwargs)

    return CheckedCall(original, call)


def _cast_call(original: Any, view: Any) -> CheckedCall:
    def call(*args: Any, **kwargs: Any) -> Any:
        target = view if view is not None else (args[0] if args else None)
        if isinstance(target, memoryview) and "O" in target.format:
            raise SandboxError("memoryview.cast of an object array is not available in gradviz")
        return original(*args, **kwargs)

    return CheckedCall(original, call)


def _mro_call(original: Any) -> CheckedCall:
    return CheckedCall(original, lambda *args: [guard.visible_class(c) for c in original(*args)])


def refused_callable(what: str, why: str) -> SandboxError:
    return SandboxError(f"{what} is not available in gradviz: {why}")


def _checked_new(original: Any, real_new: Callable[..., Any], check: Callable[..., None] | None) -> CheckedCall:
    """``type.__new__`` / a metaclass's ``__new__`` (classes it makes are checked and sealed) or a
    numpy array class's ``__new__`` (``check`` refuses raw buffers)."""

    def call(cls: Any, *args: Any, **kwargs: Any) -> Any:
        cls = real_of(cls)
        if check is not None:
            check(args, kwargs)
            return real_new(cls, *args, **kwargs)
        if len(args) == 1 and cls is type and not kwargs:
            return guard.type_of(args[0])
        if len(args) == 3 and isinstance(args[2], Mapping):
            namespace = dict(args[2])
            bases = tuple(real_of(b) for b in args[1]) if isinstance(args[1], tuple) else args[1]
            classes.prepare_namespace(namespace, bases if isinstance(bases, tuple) else (), f"class {args[0]}")
            args = (args[0], bases, namespace)
        made = real_new(cls, *args, **kwargs)
        if isinstance(made, type) and not is_learner_class(made):
            classes.seal(made)
        return made

    return CheckedCall(original, call)


# Python functions that must not reach learner code as they are (a metaclass's __new__, numpy's
# recarray/chararray/memmap __new__), by id, with the replacement.
function_rules: dict[int, tuple[Any, Any]] = {}


def register_new_rule(meta: type) -> None:
    entry = meta.__dict__.get("__new__")
    func = entry.__func__ if isinstance(entry, staticmethod) else entry
    if isinstance(func, types.FunctionType) and id(func) not in function_rules:
        function_rules[id(func)] = (func, _checked_new(func, func, None))


def _init_function_rules() -> None:
    import abc
    import typing

    for meta in (abc.ABCMeta, enum.EnumMeta, type(typing.Protocol), typing.NamedTupleMeta):  # type: ignore[attr-defined]
        if isinstance(meta, type):
            register_new_rule(meta)
    for cls, kind in classes.raw_array_classes().items():
        if cls is np.ndarray:
            continue
        entry = cls.__dict__.get("__new__")
        func = entry.__func__ if isinstance(entry, staticmethod) else entry
        if func is not None:
            function_rules[id(func)] = (func, _checked_new(func, func, classes.raw_array_new_checker(kind)))


_init_function_rules()

_NDARRAY_NEW = np.ndarray.__new__
_TYPE_NEW = type.__new__


def vet_builtin(value: Any) -> Any:
    """A C function or bound C method (``s.format``, ``a.resize``, ``type.__new__``)."""
    name = value.__name__
    if name not in _BUILTIN_NAMES:
        return value
    owner = getattr(value, "__self__", None)
    if name in ("format", "format_map") and isinstance(owner, str):
        return _checked_format(value, owner, name == "format_map")
    if name == "resize" and isinstance(owner, np.ndarray):
        return _resize_call(value)
    if name == "cast" and type(owner) is memoryview:
        return _cast_call(value, owner)
    if name in ("tofile", "dump") and isinstance(owner, np.ndarray):
        raise refused_callable(f"ndarray.{name}", "it writes a file and gradviz code has no file access")
    if name == "mro" and isinstance(owner, type):
        return _mro_call(value)
    if name in _SIZED_TEXT_METHODS and isinstance(owner, (str, bytes, bytearray)):
        return _sized_text_call(value, bound=True)
    if name == "__new__" and isinstance(owner, type):
        if value is _NDARRAY_NEW:
            return _checked_new(value, _NDARRAY_NEW, classes.raw_array_new_checker("ndarray"))
        if owner is memoryview:
            return CheckedCall(value, lambda cls, *args, **kwargs: memoryview_call(*args, **kwargs))
        if value is _TYPE_NEW or issubclass(owner, type):
            return _checked_new(value, value, None)
        return value
    if name in REFUSED_METHODS:
        raise refused_callable(name, "it hands out an object's constructor and state")
    return value


REFUSED_METHODS = frozenset({"__subclasses__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__"})
_SIZED_TEXT_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})
_BUILTIN_NAMES = (
    frozenset({"format", "format_map", "resize", "cast", "tofile", "dump", "mro", "__new__"})
    | REFUSED_METHODS
    | _SIZED_TEXT_METHODS
)
NAME_SLOTS = frozenset({"__getattribute__", "__getattr__", "__setattr__", "__delattr__"})


def vet_descriptor(value: Any) -> Any:
    """An unbound C method or slot (``str.format``, ``object.__setattr__``)."""
    name = value.__name__
    owner = getattr(value, "__objclass__", None)
    if name in NAME_SLOTS:
        return name_slot(value, name, bound=False)
    if not isinstance(owner, type):
        return value
    if name in ("format", "format_map") and issubclass(owner, str):
        return _unbound_format(value, name == "format_map")
    if name == "resize" and issubclass(owner, np.ndarray):
        return _resize_call(value)
    if name == "cast" and owner is memoryview:
        return _cast_call(value, None)
    if name in ("tofile", "dump") and issubclass(owner, np.ndarray):
        raise refused_callable(f"ndarray.{name}", "it writes a file and gradviz code has no file access")
    if name == "mro" and issubclass(owner, type):
        return _mro_call(value)
    if name in _SIZED_TEXT_METHODS and issubclass(owner, (str, bytes, bytearray)):
        return _sized_text_call(value, bound=False)
    if name in REFUSED_METHODS:
        raise refused_callable(name, "it hands out an object's constructor and state")
    return value


def _sized_text_call(original: Any, bound: bool) -> CheckedCall:
    """``'x'.ljust(n)`` and friends allocate ``n`` characters: check ``n`` first."""

    def call(*args: Any, **kwargs: Any) -> Any:
        width = args[0 if bound else 1] if len(args) > (0 if bound else 1) else kwargs.get("tabsize")
        if isinstance(width, int):
            check_sequence_length(width)
        return original(*args, **kwargs)

    return CheckedCall(original, call)


def name_slot(value: Any, name: str, bound: bool) -> CheckedCall:
    """``__getattribute__``/``__getattr__``/``__setattr__``/``__delattr__`` (bound or not): the
    attribute name passes the same rules as ``obj.name`` in learner code."""
    owner = getattr(value, "__self__", None) if bound else None

    def split(args: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
        if bound:
            return owner, args
        if not args:
            raise TypeError(f"{name}() needs an object")
        return args[0], args[1:]

    def call(*args: Any) -> Any:
        obj, rest = split(args)
        if not rest or not isinstance(rest[0], str):
            return value(*args)  # Python's own TypeError
        attr = plain_name(rest[0])
        args = (*args[: len(args) - len(rest)], attr, *rest[1:])
        if name in ("__getattribute__", "__getattr__"):
            if attr == "__dict__":
                return guard.namespace_of(obj)
            guard.check_read(obj, attr)
            return guard.vet_for(attr, value(*args))
        if name == "__setattr__" and len(rest) == 2:
            adjusted = guard.prepare_write(obj, attr, rest[1])
            return value(*args[: len(args) - 1], adjusted)
        if name == "__delattr__":
            guard.prepare_delete(obj, attr)
        return value(*args)

    return CheckedCall(value, call)
