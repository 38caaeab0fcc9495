"""Stand-ins for the few classes whose constructors reach past Python's rules.

``type`` (three arguments build a class without the class statement's checks), metaclasses,
numpy's ndarray family (``buffer=``/``strides=`` turn any address into array memory, object
references included), ``memoryview`` (an object array's pointers as writable bytes) and the Enum
family (the functional API builds classes from a dict). Learner code never holds these classes
themselves: ``type(a)``, ``a.__class__``, ``np.ndarray``, ``C.__mro__`` all give a stand-in that
answers ``isinstance``/``issubclass``, prints like the class, can be subclassed (through
``__mro_entries__``) and forwards attribute reads through the guard, but whose call is checked.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from gradviz.runner.sandbox.owners import allow_internal_type
from gradviz.runner.sandbox.policy import SandboxError

__all__ = ["ClassStandIn", "face_of", "has_face", "real_of", "register_face", "register_standin", "standin_for"]

# The guard installs its attribute reader here (the guard imports this module, not the reverse).
attribute_reader: Callable[[Any, str], Any] = getattr


_FORWARDED = frozenset({"__name__", "__qualname__", "__module__", "__doc__"})


@allow_internal_type
class ClassStandIn:
    """What learner code sees in place of one dangerous class (see the module docstring)."""

    __slots__ = ("_gv_call", "_gv_real")

    def __init__(self, real: type, call: Callable[..., Any]) -> None:
        object.__setattr__(self, "_gv_real", real)
        object.__setattr__(self, "_gv_call", call)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return object.__getattribute__(self, "_gv_call")(*args, **kwargs)

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        return (object.__getattribute__(self, "_gv_real"),)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, object.__getattribute__(self, "_gv_real"))

    def __subclasscheck__(self, cls: Any) -> bool:
        return issubclass(real_of(cls), object.__getattribute__(self, "_gv_real"))

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "_gv_real"))

    def __getattr__(self, name: str) -> Any:
        return attribute_reader(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise SandboxError(f"{self!r} is read-only in gradviz")

    def __delattr__(self, name: str) -> None:
        raise SandboxError(f"{self!r} is read-only in gradviz")

    def __getitem__(self, item: Any) -> types.GenericAlias:
        return types.GenericAlias(self, item)  # type: ignore[arg-type]  # an alias of the stand-in calls it

    def __or__(self, other: Any) -> Any:
        return typing.Union[self, other]  # noqa: UP007 - the operands are not all classes

    def __ror__(self, other: Any) -> Any:
        return typing.Union[other, self]  # noqa: UP007

    def __dir__(self) -> list[str]:
        return dir(object.__getattribute__(self, "_gv_real"))

    def __copy__(self) -> ClassStandIn:
        return self  # classes copy as themselves

    def __deepcopy__(self, memo: Any) -> ClassStandIn:
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(f"cannot pickle {self!r}")

    def __getattribute__(self, name: str) -> Any:
        # The class attributes of ClassStandIn itself (its __module__, __doc__) would answer first.
        if name in _FORWARDED:
            return getattr(object.__getattribute__(self, "_gv_real"), name)
        return object.__getattribute__(self, name)


# What type() shows for the runner's objects learner code may hold (a module proxy is a module, a
# checked builtin a builtin); None: nothing, the class is not to be handed out. Keyed by id and
# checked by identity: a learner metaclass's __eq__ must never be called with these classes.
_faces: dict[int, tuple[type, type | None]] = {}


def register_face(cls: type, face: type | None) -> None:
    _faces[id(cls)] = (cls, face)


def has_face(cls: type) -> bool:
    entry = _faces.get(id(cls))
    return entry is not None and entry[0] is cls


def face_of(cls: type) -> type | None:
    entry = _faces.get(id(cls))
    return entry[1] if entry is not None and entry[0] is cls else None


register_face(ClassStandIn, None)


_standins: dict[int, tuple[type, ClassStandIn]] = {}


def register_standin(real: type, call: Callable[..., Any]) -> ClassStandIn:
    standin = ClassStandIn(real, call)
    _standins[id(real)] = (real, standin)
    return standin


def standin_for(cls: type) -> ClassStandIn | None:
    entry = _standins.get(id(cls))
    if entry is not None and entry[0] is cls:
        return entry[1]
    return None


def real_of(value: Any) -> Any:
    """The class a stand-in stands for (anything else unchanged)."""
    if type(value) is ClassStandIn:
        return object.__getattribute__(value, "_gv_real")
    return value
