"""The standard modules learners import, each seen through a ModuleProxy.

A module's public names resolve to the real objects (checked by the guard, so ``abc.ABCMeta`` and
``enum.Enum`` come back as stand-ins whose calls seal the classes they make); private names and
modules it imported for itself (``random._os``, ``typing.sys``) are not there. A few functions
take attribute names or state from their caller and would do for learner code what the guard
refuses, so they come checked:

* ``functools.update_wrapper``/``wraps`` copy only the standard attributes;
* ``operator.attrgetter``/``methodcaller`` read through the guard;
* ``copy.copy``/``deepcopy`` refuse state that names a raw-memory protocol;
* ``typing.get_type_hints`` does not evaluate string annotations (that would run unchecked code);
* ``dataclasses`` and ``namedtuple`` seal the classes they make; ``string.Formatter`` reads
  fields through the guard; ``contextlib.suppress``/``ExitStack`` never swallow a time limit;
* ``time.sleep`` ends at the cell's deadline; ``warnings`` keeps the functions that read source
  files (``formatwarning``) and ``contextlib.chdir`` out.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import math
import operator
import string
import time
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gradviz.runner.limits import check_int_bits
from gradviz.runner.sandbox import checked, classes, guard
from gradviz.runner.sandbox.names import RAW_PROTOCOL_NAMES, plain_name, refused_identifier
from gradviz.runner.sandbox.owners import allow_internal_type
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.proxy import ModuleProxy

__all__ = ["STDLIB_MODULES", "set_deadline_check", "stdlib_proxy"]

# Modules learner code may import, and their submodules that come along.
STDLIB_MODULES = frozenset(
    {
        "math",
        "cmath",
        "random",
        "time",
        "itertools",
        "functools",
        "collections",
        "collections.abc",
        "typing",
        "dataclasses",
        "enum",
        "abc",
        "numbers",
        "operator",
        "copy",
        "statistics",
        "string",
        "re",
        "contextlib",
        "warnings",
        "__future__",
        "heapq",
        "bisect",
        "fractions",
        "decimal",
        "json",
        "pprint",
        "textwrap",
        "datetime",
        "keyword",
    }
)
_SUBMODULES = {"collections": {"abc"}}

# -- time --------------------------------------------------------------------------------------

_deadline_check: Callable[[], None] = lambda: None  # noqa: E731 - replaced by the running session


def set_deadline_check(check: Callable[[], None]) -> None:
    global _deadline_check
    _deadline_check = check


def _sleep(seconds: float) -> None:
    """``time.sleep`` that wakes for the cell's deadline."""
    if not isinstance(seconds, (int, float)):
        time.sleep(seconds)  # Python's TypeError
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    end = time.monotonic() + seconds
    while True:
        _deadline_check()
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.05))


def _factorial(n: int) -> int:
    # log2(n!) < n * log2(n): refuse before the C loop runs for minutes.
    if isinstance(n, int) and n > 2:
        check_int_bits(n * math.log2(n))
    return math.factorial(n)


# -- functools and operator --------------------------------------------------------------------

_STANDARD_WRAPPER_NAMES = frozenset(functools.WRAPPER_ASSIGNMENTS) | frozenset(functools.WRAPPER_UPDATES)


def _update_wrapper(
    wrapper: Any,
    wrapped: Any,
    assigned: Iterable[str] = functools.WRAPPER_ASSIGNMENTS,
    updated: Iterable[str] = functools.WRAPPER_UPDATES,
) -> Any:
    assigned = tuple(plain_name(n) if isinstance(n, str) else n for n in assigned)
    updated = tuple(plain_name(n) if isinstance(n, str) else n for n in updated)
    for name in assigned + updated:
        if name not in _STANDARD_WRAPPER_NAMES:
            raise SandboxError(
                f"functools.update_wrapper with {name!r} is not available in gradviz (it copies only "
                f"{', '.join(sorted(_STANDARD_WRAPPER_NAMES))})"
            )
    source = getattr(wrapped, "__dict__", None) if "__dict__" in updated else None
    if isinstance(source, Mapping):
        classes.check_namespace(source, "functools.update_wrapper")
    for name in assigned:
        guard.prepare_write(wrapper, name, None)
    return functools.update_wrapper(wrapper, wrapped, assigned, updated)


def _wraps(
    wrapped: Any,
    assigned: Iterable[str] = functools.WRAPPER_ASSIGNMENTS,
    updated: Iterable[str] = functools.WRAPPER_UPDATES,
) -> Callable[[Any], Any]:
    return functools.partial(_update_wrapper, wrapped=wrapped, assigned=assigned, updated=updated)


def _attrgetter(attr: str, *attrs: str) -> checked.CheckedCall:
    paths = [str.split(plain_name(a), ".") if isinstance(a, str) else a for a in (attr, *attrs)]
    original = operator.attrgetter(attr, *attrs)  # validates the arguments, and prints

    def get_one(obj: Any, path: list[str]) -> Any:
        for part in path:
            obj = guard.read(obj, part)
        return obj

    def call(obj: Any) -> Any:
        if len(paths) == 1:
            return get_one(obj, paths[0])
        return tuple(get_one(obj, path) for path in paths)

    return checked.CheckedCall(original, call)


def _methodcaller(name: str, /, *args: Any, **kwargs: Any) -> checked.CheckedCall:
    name = plain_name(name) if isinstance(name, str) else name
    original = operator.methodcaller(name, *args, **kwargs)
    return checked.CheckedCall(original, lambda obj: guard.read(obj, name)(*args, **kwargs))


# -- copy --------------------------------------------------------------------------------------


def _state_names(state: Any, depth: int = 0) -> list[str]:
    """Attribute names a reconstructed object would get (``__dict__`` and slot state)."""
    if depth > 3:
        return []
    if isinstance(state, Mapping):
        return [k for k in state if isinstance(k, str)]
    if isinstance(state, (tuple, list)):
        return [name for item in state for name in _state_names(item, depth + 1)]
    return []


def _checked_copy_module() -> dict[str, Any]:
    """``copy`` whose functions share one namespace where ``_reconstruct`` (the step that applies a
    ``__reduce_ex__`` state to a new object, by ``__setstate__``, ``__dict__.update`` or setattr)
    refuses raw-memory protocol names."""
    namespace = dict(vars(copy))
    clones: dict[Any, Any] = {}
    for key, value in list(namespace.items()):
        if isinstance(value, types.FunctionType):
            clone = types.FunctionType(value.__code__, namespace, value.__name__, value.__defaults__, value.__closure__)
            clone.__kwdefaults__ = dict(value.__kwdefaults__) if value.__kwdefaults__ else None
            clones[value] = clone
            namespace[key] = clone
    for clone in clones.values():
        # ``_deepcopy_list(x, memo, deepcopy=deepcopy)`` binds the real deepcopy as a default: a
        # list's items would otherwise be copied by the unchecked functions.
        if clone.__defaults__:
            clone.__defaults__ = tuple(
                clones.get(v, v) if isinstance(v, types.FunctionType) else v for v in clone.__defaults__
            )
        if clone.__kwdefaults__:
            clone.__kwdefaults__ = {k: clones.get(v, v) for k, v in clone.__kwdefaults__.items()}
    for table in ("_copy_dispatch", "_deepcopy_dispatch"):
        namespace[table] = {k: clones.get(v, v) for k, v in namespace[table].items()}
    reconstruct = namespace["_reconstruct"]

    def _reconstruct(x: Any, memo: Any, func: Any, args: Any, state: Any = None, *rest: Any, **kwargs: Any) -> Any:
        names = _state_names(state)
        if not all(type(n) is str for n in names):
            raise SandboxError("copying an object whose state names attributes with str subclasses is not available")
        bad = [n for n in names if n in RAW_PROTOCOL_NAMES or refused_identifier(n)]
        if bad:
            raise SandboxError(f"copying an object whose state sets {bad[0]!r} is not available in gradviz")
        return reconstruct(x, memo, func, args, state, *rest, **kwargs)

    namespace["_reconstruct"] = _reconstruct

    def _keep_alive(x: Any, memo: dict[int, Any]) -> None:
        # Python keeps the originals in a list at memo[id(memo)], where a learner's memo (or the
        # memo a ``__deepcopy__`` method is handed) would show them: the real ``__dict__`` of a
        # tensor, gradviz's op tables. They stay alive in a holder that shows nothing.
        holder = memo.get(id(memo))
        if type(holder) is not _KeptAlive:
            holder = memo[id(memo)] = _KeptAlive()
        holder.keep(x)

    namespace["_keep_alive"] = _keep_alive
    deepcopy = namespace["deepcopy"]

    def checked_deepcopy(x: Any, memo: Any = None, _nil: Any = []) -> Any:  # noqa: B006 - copy's own signature
        if memo is not None and type(memo) is not dict:
            raise SandboxError(
                "copy.deepcopy's memo must be a plain dict in gradviz (a dict subclass would see gradviz's internals)"
            )
        return deepcopy(x, memo, _nil)

    checked_deepcopy.__name__ = checked_deepcopy.__qualname__ = "deepcopy"
    checked_deepcopy.__doc__ = deepcopy.__doc__
    namespace["deepcopy"] = checked_deepcopy
    for clone in clones.values():
        if clone.__defaults__:
            clone.__defaults__ = tuple(checked_deepcopy if v is deepcopy else v for v in clone.__defaults__)
    return {"copy": namespace["copy"], "deepcopy": checked_deepcopy, "Error": copy.Error, "error": copy.error}


class _KeptAlive:
    """The originals a deep copy must keep alive while its memo lives, out of the learner's sight."""

    __slots__ = ("_objects",)

    def __init__(self) -> None:
        self._objects: list[Any] = []

    def keep(self, obj: Any) -> None:
        self._objects.append(obj)

    def __repr__(self) -> str:
        return "<originals kept alive by copy.deepcopy>"


# -- typing, dataclasses, collections ------------------------------------------------------------


def _get_type_hints(obj: Any, globalns: Any = None, localns: Any = None, include_extras: bool = False) -> Any:
    sources = [obj] if not isinstance(obj, type) else list(obj.__mro__)
    for source in sources:
        annotations = getattr(source, "__annotations__", None) or {}
        if isinstance(annotations, Mapping) and any(
            isinstance(v, (str, typing.ForwardRef)) for v in annotations.values()
        ):
            raise SandboxError(
                "typing.get_type_hints with string annotations is not available in gradviz: evaluating them "
                "would run code gradviz has not checked (read __annotations__ instead)"
            )
    return guard.vet_deep(typing.get_type_hints(obj, globalns, localns, include_extras))


def _sealing(factory: Callable[..., Any]) -> Callable[..., Any]:
    """A class factory whose classes become the learner's (sealed, private names theirs)."""

    @functools.wraps(factory)
    def make(*args: Any, **kwargs: Any) -> Any:
        made = factory(*args, **kwargs)
        if isinstance(made, type):
            classes.seal(made)
        elif callable(made):  # @dataclass(...) returns the decorator
            return _sealing(made)
        return made

    return make


def _make_dataclass(cls_name: Any, fields: Any, *args: Any, namespace: Any = None, **kwargs: Any) -> Any:
    if isinstance(namespace, Mapping):
        classes.check_namespace(namespace, f"class {cls_name}")
    made = dataclasses.make_dataclass(cls_name, fields, *args, namespace=namespace, **kwargs)
    return classes.seal(made)


def _named_tuple() -> Callable[..., Any]:
    made = _sealing(typing.NamedTuple)
    base = typing._NamedTuple  # type: ignore[attr-defined]
    made.__mro_entries__ = lambda bases: (base,)  # type: ignore[attr-defined]
    return made


# -- contextlib and string -----------------------------------------------------------------------


@allow_internal_type
class _Suppress(contextlib.suppress):
    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if classes.must_propagate(exc):
            return False
        return super().__exit__(exc_type, exc, tb)


@allow_internal_type
class _ExitStack(contextlib.ExitStack):
    def __exit__(self, *details: Any) -> bool:
        suppressed = bool(super().__exit__(*details))
        if suppressed and classes.must_propagate(details[1]):
            return False
        return suppressed


@allow_internal_type
class _Formatter(string.Formatter):
    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        import _string  # type: ignore[import-not-found]

        first, rest = _string.formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attr, key in rest:
            obj = guard.read(obj, key) if is_attr else obj[key]
        return obj, first


for _cls, _module, _name in (
    (_Suppress, "contextlib", "suppress"),
    (_ExitStack, "contextlib", "ExitStack"),
    (_Formatter, "string", "Formatter"),
):
    _cls.__module__, _cls.__name__, _cls.__qualname__ = _module, _name, _name


def _overrides(name: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(replacements, refused names with the reason) of one module."""
    if name == "math":
        return {"factorial": _factorial}, {}
    if name == "time":
        return {"sleep": _sleep}, {}
    if name == "functools":
        return {"update_wrapper": _update_wrapper, "wraps": _wraps}, {}
    if name == "operator":
        return {"attrgetter": _attrgetter, "methodcaller": _methodcaller}, {}
    if name == "copy":
        return _checked_copy_module(), {}
    if name == "typing":
        return {
            "get_type_hints": _get_type_hints,
            "get_args": lambda tp: guard.vet_deep(typing.get_args(tp)),
            "get_origin": lambda tp: guard.vet_deep(typing.get_origin(tp)),
            "NamedTuple": _named_tuple(),
        }, {}
    if name == "dataclasses":
        return {"dataclass": _sealing(dataclasses.dataclass), "make_dataclass": _make_dataclass}, {}
    if name == "collections":
        import collections

        return {"namedtuple": _sealing(collections.namedtuple)}, {}
    if name == "contextlib":
        return {"suppress": _Suppress, "ExitStack": _ExitStack}, {"chdir": "it changes the working folder"}
    if name == "string":
        return {"Formatter": _Formatter}, {}
    if name == "warnings":
        why = "it reads source files"
        return {}, {"formatwarning": why, "showwarning": why, "warn_explicit": why}
    if name == "enum":
        return {}, {"global_enum": "it writes into the worker's own module"}
    return {}, {}


_proxies: dict[str, ModuleProxy] = {}


def stdlib_proxy(dotted: str) -> ModuleProxy:
    cached = _proxies.get(dotted)
    if cached is not None:
        return cached
    import importlib

    module = importlib.import_module(dotted)
    replacements, refused = _overrides(dotted)
    submodules = _SUBMODULES.get(dotted, set())

    def resolve(attr: str) -> Any:
        if attr in replacements:
            return guard.vet(replacements[attr])
        if attr in refused:
            raise SandboxError(f"{dotted}.{attr} is not available in gradviz: {refused[attr]}")
        if attr.startswith("_"):
            if attr in ("__name__", "__doc__", "__all__", "__version__") and hasattr(module, attr):
                return getattr(module, attr)
            raise AttributeError(f"module '{dotted}' has no attribute '{attr}'")
        try:
            value = getattr(module, attr)
        except AttributeError:
            raise AttributeError(f"module '{dotted}' has no attribute '{attr}'") from None
        if isinstance(value, types.ModuleType):
            if attr in submodules:
                return stdlib_proxy(f"{dotted}.{attr}")
            raise SandboxError(f"{dotted}.{attr} is not available in gradviz: modules are imported by name")
        return guard.vet(value)

    def names() -> Iterable[str]:
        listed = getattr(module, "__all__", None)
        public = [n for n in (listed if listed is not None else dir(module)) if not n.startswith("_")]
        return [n for n in public if n not in refused and not isinstance(getattr(module, n, None), types.ModuleType)]

    proxy = _proxies[dotted] = ModuleProxy(dotted, resolve, names, repr(module))
    return proxy
