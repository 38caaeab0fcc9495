"""Attribute and identifier names the language layer treats specially, in one place.

Learner code is ordinary Python, so almost every name means what it means in Python. The few
listed here open doors out of the language (frames, code, module globals, raw memory), and the
compile-time policy, the AST rewrite and the run-time guard all read these tables, so a name is
never refused by one layer and let through by another.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "RAW_PROTOCOL_NAMES",
    "REFUSED_ATTRIBUTES",
    "REFUSED_IDENTIFIERS",
    "NameKind",
    "is_dunder",
    "is_plain_name",
    "is_private",
    "kind_of",
    "plain_name",
    "refused_identifier",
]

# numpy builds an array over any address a learner object names through these protocols
# (``{'typestr': '|O', 'data': (address, False)}`` turns memory into object references).
RAW_PROTOCOL_NAMES = frozenset({"__array_interface__", "__array_struct__"})

# Refused on every object, learner-defined or not: frames, code objects, module globals and the
# interpreter's class graph, pickling hooks that hand out constructors and state, and the raw
# memory protocols. Python code learners write never needs to read these.
REFUSED_ATTRIBUTES = RAW_PROTOCOL_NAMES | frozenset(
    {
        "__globals__",
        "__code__",
        "__closure__",
        "__builtins__",
        "__subclasses__",
        "__reduce__",
        "__reduce_ex__",
        "__getstate__",
        "__setstate__",
        "gi_frame",
        "gi_code",
        "cr_frame",
        "cr_code",
        "ag_frame",
        "ag_code",
        "f_back",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_code",
        "f_trace",
        "tb_frame",
        "func_globals",
        "func_code",
        "ctypes",  # ndarray.ctypes and BitGenerator.ctypes call C with any address
        "cffi",
    }
)

# Identifiers learner code may not bind or read: the namespace's builtins, the import machinery
# behind ``import`` statements, and the helpers the rewritten code calls.
REFUSED_IDENTIFIERS = frozenset({"__builtins__", "__import__", "__build_class__"})
HELPER_PREFIX = "__gv_"


def plain_name(name: str) -> str:
    """An exact ``str`` with ``name``'s characters. A learner's str subclass can answer ``==`` and
    ``hash`` one way to the guard's checks and another to Python's attribute lookup; a copy made
    in C cannot."""
    return name if type(name) is str else str.__getitem__(name, slice(None))


def is_plain_name(name: object) -> bool:
    """Not a str subclass (those are refused as attribute names in namespaces and state)."""
    return not isinstance(name, str) or type(name) is str


def refused_identifier(name: str) -> bool:
    return name in REFUSED_IDENTIFIERS or name.startswith(HELPER_PREFIX)


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def is_private(name: str) -> bool:
    return name.startswith("_") and not is_dunder(name)


class NameKind(Enum):
    """How the run-time guard reads ``obj.<name>``."""

    PUBLIC = "public"  # read as Python reads it; the value is checked (a class may be a stand-in)
    PRIVATE = "private"  # _x: the learner's own objects, and PyTorch's visible ones (_version)
    DUNDER = "dunder"  # __x__: read, then the value is vetted (classes, bound slots, modules)
    REFUSED = "refused"


_kinds: dict[str, NameKind] = {}


def kind_of(name: str) -> NameKind:
    kind = _kinds.get(name)
    if kind is None:
        if name in REFUSED_ATTRIBUTES or name.startswith(HELPER_PREFIX):
            kind = NameKind.REFUSED
        elif is_dunder(name):
            kind = NameKind.DUNDER
        elif name.startswith("_"):
            kind = NameKind.PRIVATE
        else:
            kind = NameKind.PUBLIC
        if len(_kinds) < 100_000:
            _kinds[name] = kind
    return kind
