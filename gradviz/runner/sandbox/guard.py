"""The run-time guard: what an attribute read, write or ``type()`` hands to learner code.

Reads: ``obj.name`` in learner code becomes ``read(obj, name)`` (see transform.py).

* Public names read as Python reads them; the value is checked (:func:`vet`): a class that builds
  objects from raw memory comes back as its stand-in (standins.py), a real module, frame or code
  object is refused, and the handful of callables that walk attributes or raw memory come back
  checked (``str.format`` walks fields through this guard, ``ndarray.resize`` keeps ``refcheck``,
  ``memoryview.cast`` refuses object arrays, ``ndarray.tofile``/``dump`` are refused).
* Private names (``_x``, ``self.__w``) on the learner's own objects, and PyTorch's visible ones on
  the engine's objects (``_version``, ``_saved_self``); nothing private of anything else, so a
  module's or a library object's internals (``random._os``, ``catch_warnings()._module``) stay out.
* Dunder names read and vetted deeply (tuples like ``__mro__`` mapped); slots that take an
  attribute name (``object.__getattribute__``, ``type.__setattr__``) come back checked the same way.
* A few names are refused on every object (names.REFUSED_ATTRIBUTES: frames, code, globals,
  ``__subclasses__``, pickling hooks, numpy's raw-memory protocols).

Writes: anything on the learner's objects (dunders that change how a class behaves are wrapped,
see classes.py), public attributes of the engine's objects (``x.requires_grad = True``), nothing on
classes, modules and stand-ins that are not the learner's.

Every decision looks at the real type (``type(obj)``) and never trusts ``__class__``.
"""

from __future__ import annotations

import enum
import types
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.runner.limits import check_elements
from gradviz.runner.sandbox import checked, classes, standins
from gradviz.runner.sandbox.names import RAW_PROTOCOL_NAMES, NameKind, kind_of, plain_name, refused_identifier
from gradviz.runner.sandbox.owners import (
    PYTORCH_VISIBLE_PRIVATE,
    gradviz_type,
    internal_type,
    is_learner_class,
    owned,
)
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.proxy import ModuleProxy, proxy_exports, proxy_name
from gradviz.runner.sandbox.standins import ClassStandIn, face_of, has_face, real_of, register_standin, standin_for

__all__ = [
    "checked_delattr",
    "checked_setattr",
    "dir_of",
    "namespace_of",
    "prepare_delete",
    "prepare_write",
    "read",
    "type_of",
    "vet",
    "visible_class",
]

_CapsuleType = type(np.zeros(1).__array_struct__)
_NO_VALUE: Any = object()


def _describe(obj: Any) -> str:
    if type(obj) is ModuleProxy:
        return f"module '{proxy_name(obj)}'"
    if isinstance(obj, type) or type(obj) is ClassStandIn:
        return f"the class {getattr(obj, '__name__', '?')!r}"
    return f"a {type_of_name(obj)!r} object"


def type_of_name(obj: Any) -> str:
    try:
        return str(type_of(obj).__name__)
    except SandboxError:
        return "internal"


def _refuse_read(obj: Any, name: str) -> SandboxError:
    if name in RAW_PROTOCOL_NAMES:
        why = "numpy would read raw memory through it"
    elif kind_of(name) is NameKind.REFUSED:
        why = "it reaches the interpreter's internals (frames, code, module globals)"
    elif kind_of(name) is NameKind.PRIVATE:
        why = "private attributes are open on your own objects only"
    else:
        why = "it reaches gradviz's internals"
    return SandboxError(f"access to the attribute {name!r} of {_describe(obj)} is not available in gradviz: {why}")


# -- classes learner code may hold -------------------------------------------------------------

_plain_classes: dict[int, weakref.ReferenceType[type]] = {}


def visible_class(cls: type) -> Any:
    """The class as learner code may hold it: itself, its stand-in, or a refusal."""
    found = standin_for(cls)
    if found is not None:
        return found
    ref = _plain_classes.get(id(cls))
    if ref is not None and ref() is cls:
        return cls
    if is_learner_class(cls):
        return cls
    if has_face(cls):
        face = face_of(cls)
        if face is None:
            raise SandboxError("gradviz's internal classes are not available to your code")
        return face
    made = _make_standin(cls)
    if made is not None:
        return made
    if internal_type(cls):
        raise SandboxError(f"the class {cls.__name__!r} is internal to gradviz and not available to your code")
    if len(_plain_classes) > 50_000:
        _plain_classes.clear()
    _plain_classes[id(cls)] = weakref.ref(cls)
    return cls


def type_of(obj: Any) -> Any:
    """``type(obj)`` as learner code sees it."""
    tp = type(obj)
    if tp is ClassStandIn:
        return visible_class(type(real_of(obj)))
    return visible_class(tp)


def _type_call(*args: Any, **kwargs: Any) -> Any:
    if len(args) == 1 and not kwargs:
        return type_of(args[0])
    if len(args) == 3:
        return classes.create_class(type, *args, **kwargs)
    raise TypeError("type() takes 1 or 3 arguments")


def _metaclass_call(meta: type) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        if len(args) == 3:
            return classes.create_class(meta, *args, **kwargs)
        return vet(meta(*args, **kwargs))

    return call


def _enum_call(cls: type) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        names = args[1] if len(args) > 1 else kwargs.get("names")
        if names is None:
            return cls(*args, **kwargs)
        classes.check_enum_names(names, "an enum")
        made = cls(*args, **kwargs)
        if isinstance(made, type) and not is_learner_class(made):
            classes.seal(made)
        return made

    return call


def _shape_elements(shape: Any) -> int:
    if isinstance(shape, (int, np.integer)):
        return max(int(shape), 0)
    total = 1
    for dim in shape:
        total *= max(int(dim), 0)
    return total


def _raw_array_call(cls: type, kind: str) -> Callable[..., Any]:
    check = classes.raw_array_new_checker(kind)

    def call(*args: Any, **kwargs: Any) -> Any:
        check(args, kwargs)
        shape = args[0] if args else kwargs.get("shape")
        if shape is not None:
            check_elements(_shape_elements(shape))
        return cls(*args, **kwargs)

    return call


def _make_standin(cls: type) -> ClassStandIn | None:
    if cls is type:
        return register_standin(cls, _type_call)
    if cls is memoryview:
        return register_standin(cls, checked.memoryview_call)
    raw = next((kind for real, kind in classes.raw_array_classes().items() if real is cls), None)
    if raw is not None:
        return register_standin(cls, _raw_array_call(cls, raw))
    if issubclass(cls, type):
        checked.register_new_rule(cls)
        return register_standin(cls, _metaclass_call(cls))
    if issubclass(cls, enum.Enum):
        return register_standin(cls, _enum_call(cls))
    return None


# -- vetting values ----------------------------------------------------------------------------

_PLAIN_TYPE_LIST = (
    int,
    float,
    complex,
    bool,
    str,
    bytes,
    bytearray,
    type(None),
    list,
    dict,
    set,
    frozenset,
    range,
    slice,
    types.FunctionType,
    types.MethodType,
    np.ndarray,
    ClassStandIn,
    ModuleProxy,
    checked.CheckedCall,
    checked.CheckedDescriptor,
    checked.VettedMapping,
)
# By id, checked by identity: a set lookup would call a learner metaclass's __eq__ with these.
_PLAIN_TYPES: dict[int, type] = {id(t): t for t in _PLAIN_TYPE_LIST}
_OPAQUE_TYPES: dict[int, type] = {id(t): t for t in (types.FrameType, types.CodeType, types.CellType, _CapsuleType)}


def _plain(tp: type) -> bool:
    return _PLAIN_TYPES.get(id(tp)) is tp


_safe_types: dict[int, weakref.ReferenceType[type]] = {}


def vet(value: Any) -> Any:
    """``value`` as learner code may hold it (see the module docstring)."""
    tp = type(value)
    if _PLAIN_TYPES.get(id(tp)) is tp:
        return value
    ref = _safe_types.get(id(tp))
    if ref is not None and ref() is tp:
        return value
    return _vet_slow(value, tp, deep=False)


def vet_deep(value: Any) -> Any:
    """A dunder's value: also Python functions (a metaclass's ``__new__``) and tuples of classes."""
    tp = type(value)
    if tp is types.FunctionType:
        rule = checked.function_rules.get(id(value))
        return rule[1] if rule is not None and rule[0] is value else value
    if _plain(tp):
        return value
    return _vet_slow(value, tp, deep=True)


def _vet_slow(value: Any, tp: type, deep: bool) -> Any:
    if issubclass(tp, type):
        return visible_class(value)
    if tp is types.BuiltinFunctionType:
        return checked.vet_builtin(value)
    if tp is types.MethodWrapperType:
        name = value.__name__
        if name in checked.NAME_SLOTS:
            return checked.name_slot(value, name, bound=True)
        if name in checked.REFUSED_METHODS:
            raise checked.refused_callable(name, "it hands out an object's constructor and state")
        return value
    if tp in (types.WrapperDescriptorType, types.MethodDescriptorType, types.ClassMethodDescriptorType):
        return checked.vet_descriptor(value)
    if tp in (types.GetSetDescriptorType, types.MemberDescriptorType):
        return checked.CheckedDescriptor(value)
    if tp is tuple:
        return _vet_tuple(value, deep)
    if tp is memoryview:
        if "O" in value.format:
            raise SandboxError("a memoryview of an object array is not available in gradviz")
        return value
    if tp is types.MappingProxyType:
        return checked.VettedMapping(value)
    if tp is types.GenericAlias:
        origin = value.__origin__
        if isinstance(origin, type) and visible_class(origin) is not origin:
            return types.GenericAlias(visible_class(origin), value.__args__)
        return value
    if issubclass(tp, types.ModuleType):
        raise SandboxError("modules are not available as values in gradviz; import them by name")
    if _OPAQUE_TYPES.get(id(tp)) is tp:
        raise SandboxError(f"{tp.__name__} objects reach the interpreter's internals and are not available in gradviz")
    if has_face(tp) or internal_type(tp):
        raise SandboxError("this object is internal to gradviz and not available to your code")
    if len(_safe_types) > 50_000:
        _safe_types.clear()
    _safe_types[id(tp)] = weakref.ref(tp)
    return value


def _vet_tuple(value: tuple[Any, ...], deep: bool) -> tuple[Any, ...]:
    if not deep and len(value) > 64:
        return value
    changed = False
    items = []
    for item in value:
        vetted = vet_deep(item) if deep else vet(item)
        changed = changed or vetted is not item
        items.append(vetted)
    return tuple(items) if changed else value


def vet_for(name: str, value: Any) -> Any:
    return vet_deep(value) if kind_of(name) is NameKind.DUNDER else vet(value)


# -- reads -------------------------------------------------------------------------------------


def private_allowed(obj: Any, name: str) -> bool:
    if owned(obj):
        return True
    if name in PYTORCH_VISIBLE_PRIVATE or (name.startswith(("_saved_", "_raw_saved_")) and not name.endswith("__")):
        tp = type(obj)
        return gradviz_type(obj if issubclass(tp, type) else tp)
    return False


def check_read(obj: Any, name: str) -> None:
    name = plain_name(name)
    kind = kind_of(name)
    if kind is NameKind.REFUSED or refused_identifier(name):
        raise _refuse_read(obj, name)
    if kind is NameKind.PRIVATE and not private_allowed(obj, name):
        raise _refuse_read(obj, name)
    if name == "__set_name__" and not owned(obj):
        raise _refuse_read(obj, name)


def read(obj: Any, name: str) -> Any:
    """``obj.name`` in learner code (and every read that takes its name from learner code)."""
    name = plain_name(name)
    kind = kind_of(name)
    if type(obj) is ClassStandIn:
        return _read_standin(obj, name, kind)
    if kind is NameKind.PUBLIC:
        return vet(getattr(obj, name))
    if kind is NameKind.PRIVATE:
        if not private_allowed(obj, name):
            raise _refuse_read(obj, name)
        return vet(getattr(obj, name))
    if kind is NameKind.REFUSED or refused_identifier(name):
        raise _refuse_read(obj, name)
    return _read_dunder(obj, name)


def _read_standin(standin: Any, name: str, kind: NameKind) -> Any:
    """An attribute of the class a stand-in stands for (its methods, ``__name__``), checked."""
    if kind is NameKind.PUBLIC:
        return vet(getattr(real_of(standin), name))
    if kind is not NameKind.DUNDER:
        raise _refuse_read(standin, name)
    if name == "__dict__":
        return namespace_of(standin)
    if name == "__class__":
        return type_of(standin)
    if name == "__call__":
        return standin.__call__  # the checked call, never the real class's
    return vet_deep(getattr(real_of(standin), name))


def _read_dunder(obj: Any, name: str) -> Any:
    if name == "__dict__":
        return namespace_of(obj)
    if name == "__set_name__" and not owned(obj):
        raise _refuse_read(obj, name)
    return vet_deep(getattr(obj, name))


standins.attribute_reader = read

# -- writes ------------------------------------------------------------------------------------

_EXCEPTION_DUNDERS = frozenset({"__cause__", "__context__", "__traceback__", "__suppress_context__", "__notes__"})
_CLASS_BEHAVIOUR_DUNDERS = frozenset(
    {
        "__subclasshook__",
        "__instancecheck__",
        "__subclasscheck__",
        "__array_function__",
        "__init__",
        "__prepare__",
        "__class__",
        "__bases__",
        "__getattr__",
        "__getattribute__",
        "__exit__",
        "__aexit__",
        "__init_subclass__",
        "__match_args__",
        "__new__",
    }
)
_NDARRAY_RAW_ATTRIBUTES = frozenset({"dtype", "data", "strides"})


def _refuse_write(obj: Any, name: str, why: str) -> SandboxError:
    return SandboxError(f"setting the attribute {name!r} of {_describe(obj)} is not available in gradviz: {why}")


def prepare_write(obj: Any, name: str, value: Any = _NO_VALUE) -> Any:
    """Check ``obj.name = value`` (``value`` omitted: an assignment target whose value the check
    does not see) and return the value to store (wrapped where classes.py says so)."""
    name = plain_name(name)
    kind = kind_of(name)
    if kind is NameKind.REFUSED or refused_identifier(name):
        raise _refuse_write(obj, name, "it reaches the interpreter's internals or raw memory")
    tp = type(obj)
    if tp is ModuleProxy or tp is ClassStandIn or has_face(tp) or internal_type(tp):
        raise _refuse_write(obj, name, "it is read-only")
    is_class = issubclass(tp, type)
    if is_class and not is_learner_class(obj):
        raise _refuse_write(obj, name, "classes that are not your own are read-only")
    if kind is NameKind.PRIVATE:
        if not owned(obj):
            raise _refuse_write(obj, name, "private attributes are open on your own objects only")
        if name == "_create_" and is_class:
            raise _refuse_write(obj, name, "Enum's class factory stays gradviz's")
        return value
    if kind is NameKind.DUNDER:
        if isinstance(obj, BaseException) and name in _EXCEPTION_DUNDERS:
            return value
        if not owned(obj):
            raise _refuse_write(obj, name, "special attributes are open on your own objects only")
        if name == "__dict__" and tp is types.FunctionType:
            raise _refuse_write(obj, name, "set function attributes one by one (f.name = value)")
        if name in _CLASS_BEHAVIOUR_DUNDERS and (is_class or name in ("__class__", "__bases__")):
            return _class_behaviour(obj, name, value)
        return value
    if isinstance(obj, np.ndarray) and name in _NDARRAY_RAW_ATTRIBUTES:
        raise _refuse_write(obj, name, "it reinterprets the array's raw memory")
    return value


def _class_behaviour(obj: Any, name: str, value: Any) -> Any:
    if value is _NO_VALUE:
        raise _refuse_write(obj, name, f"assign it on its own line (x.{name} = value), where gradviz can check it")
    if name == "__class__":
        target = real_of(value)
        if not is_learner_class(target):
            raise _refuse_write(obj, name, "an object's class can change only to a class your code made")
        return target
    if name == "__bases__":
        raise _refuse_write(obj, name, "define a new class instead")
    if name in ("__getattr__", "__getattribute__"):
        return classes.guarded_getattr_hook(value)
    if name == "__exit__":
        return classes.guarded_exit_hook(value)
    if name == "__aexit__":
        return classes.guarded_aexit_hook(value)
    if name == "__init_subclass__":
        return classes.sealed_hook(value)
    if name in classes.CLASS_ARGUMENT_HOOKS or (name in classes.METACLASS_ARGUMENT_HOOKS and issubclass(obj, type)):
        return classes.visible_arguments_hook(value)
    if name == "__match_args__":
        classes.check_match_args(value, f"class {obj.__name__}")
        return value
    if name == "__new__" and issubclass(obj, type):
        return classes.meta_new_hook(value)
    return value


_SEAL_NAMES = frozenset({"__init_subclass__", "_create_", "__new__"})


def prepare_delete(obj: Any, name: str) -> None:
    name = plain_name(name)
    prepare_write(obj, name, None)
    if (
        name in _SEAL_NAMES
        and isinstance(obj, type)
        and classes.is_installed(type.__getattribute__(obj, "__dict__").get(name))
    ):
        raise _refuse_write(obj, name, "gradviz's checks on your class stay in place")


def checked_setattr(obj: Any, name: Any, value: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
    name = plain_name(name)
    setattr(obj, name, prepare_write(obj, name, value))


def checked_delattr(obj: Any, name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
    name = plain_name(name)
    prepare_delete(obj, name)
    delattr(obj, name)


# -- vars() and dir() --------------------------------------------------------------------------


def namespace_of(obj: Any) -> Any:
    """``vars(obj)`` / ``obj.__dict__``: the learner's own objects as Python shows them."""
    tp = type(obj)
    if tp is ModuleProxy:
        return proxy_exports(obj)
    if issubclass(tp, type) and is_learner_class(obj):
        return classes.display_namespace(obj)
    if tp is ClassStandIn:
        return checked.VettedMapping(type.__getattribute__(real_of(obj), "__dict__"))
    if issubclass(tp, type) and not has_face(tp):
        # A library class's namespace, read-only, values checked as they are read.
        return checked.VettedMapping(type.__getattribute__(obj, "__dict__"))
    if tp is types.FunctionType or tp is types.MethodType:
        raise SandboxError(
            "a function's attribute dict is not available in gradviz (it could carry numpy's raw-memory "
            "protocol); read and set its attributes by name"
        )
    if is_learner_class(tp):
        try:
            return getattr(obj, "__dict__")  # noqa: B009 - the learner's class may define __dict__ itself
        except AttributeError:
            raise TypeError("vars() argument must have __dict__ attribute") from None
    if tp is not ClassStandIn and not has_face(tp) and not internal_type(tp) and not hasattr(obj, "__dict__"):
        raise TypeError("vars() argument must have __dict__ attribute")
    raise SandboxError(
        f"the attribute dict of {_describe(obj)} is not available in gradviz (only your own objects' are)"
    )


def dir_of(obj: Any) -> list[str]:
    tp = type(obj)
    if tp is ClassStandIn:
        return dir(real_of(obj))
    names = dir(obj)
    if owned(obj):
        return [n for n in names if n not in RAW_PROTOCOL_NAMES]
    return names


def describe(obj: Any) -> str:
    return _describe(obj)
