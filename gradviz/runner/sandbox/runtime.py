"""The run-time half of the sandbox: guard helpers the rewritten code calls, and curated builtins.

One :class:`Runtime` per session. Its bound methods sit in the namespace's ``__builtins__`` under
the helper names of sandbox_transform; learner code cannot name them, and a bound method exposes
no attributes through the guard. Builtins are an allow-list: everything learners need for the
Python they write, guarded versions of the few that reach into objects (``getattr``, ``type``,
``print``, ``__build_class__`` ...) and explicit refusals for the dangerous ones (``open``,
``eval``...), so that a refusal reads as a sandbox message rather than a NameError.
"""

from __future__ import annotations

import builtins
import importlib
import math
import operator
import re
import string
import sys
import time
from collections.abc import Callable
from typing import Any

from gradviz.autograd import provenance
from gradviz.runner.limits import (
    Limits,
    ResourceLimitError,
    WallTimeExceeded,
    check_int_bits,
    check_sequence_length,
    limit_message,
)
from gradviz.runner.results import SourceSpan
from gradviz.runner.sandbox.guard import AttributeGuard, ModuleProxy, proxy_name, proxy_withholds
from gradviz.runner.sandbox.modules import import_from, resolve_import, star_exports
from gradviz.runner.sandbox.policy import SandboxError, attribute_name_allowed

__all__ = ["OutputBuffer", "Runtime"]

_SEQUENCES = (str, bytes, list, tuple)
_TICK_MASK = 63  # check the clock every 64 ticks: cheap, and still well under a millisecond apart
_DIGITS = re.compile(r"\d+")


class OutputBuffer:
    """What the cell printed, capped at ``max_output_chars`` (the part up to the cap is kept)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        room = self.cap - self._size
        if len(text) > room:
            self._parts.append(text[: max(room, 0)])
            self._size = self.cap
            raise ResourceLimitError(
                limit_message("the printed output", "max_output_chars", self.cap), "max_output_chars"
            )
        self._parts.append(text)
        self._size += len(text)

    def getvalue(self) -> str:
        return "".join(self._parts)


class _RefusedBuiltin:
    """Stands where ``open``/``eval``/... would be, so using one explains itself."""

    def __init__(self, name: str, reason: str) -> None:
        self._name = name
        self._reason = reason

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise SandboxError(f"{self._name}() is not available in gradviz: {self._reason}")

    def __repr__(self) -> str:
        return f"<built-in function {self._name} (not available in gradviz)>"


_REFUSED = {
    "open": "code cannot read or write files",
    "input": "code cannot read from the terminal",
    "exec": "code cannot run other code",
    "eval": "code cannot run other code",
    "compile": "code cannot compile other code",
    "globals": "the namespace is not reachable as an object",
    "locals": "the namespace is not reachable as an object",
    "vars": "object internals are not reachable",
    "breakpoint": "there is no debugger",
    "help": "there is no interactive help",
    "memoryview": "raw memory is not reachable",
    "bytearray": "raw memory is not reachable",
    "exit": "the runner decides when to stop",
    "quit": "the runner decides when to stop",
}

# C code (numpy's lazy imports, for one) calls ``__import__`` from the builtins of the running
# frame, which is the learner's. Learner code cannot name ``__import__`` (dunder names are refused
# at compile time), so this only serves such C-level imports, and only of numpy's and gradviz's
# own modules and stdlib modules they have already loaded.
_C_IMPORT_ROOTS = frozenset({"numpy", "gradviz"})
_C_IMPORT_LOADED = frozenset({"warnings", "copyreg", "operator", "functools", "math", "numbers", "pickle", "re"})


def _c_level_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    root = name.split(".")[0]
    allowed = level == 0 and (root in _C_IMPORT_ROOTS or (name in _C_IMPORT_LOADED and name in sys.modules))
    if not allowed:
        raise SandboxError(f"import of {name!r} is not allowed in gradviz")
    return builtins.__import__(name, globals, locals, fromlist, level)


_SAFE_BUILTINS = (
    "abs",
    "all",
    "any",
    "bin",
    "bool",
    "callable",
    "chr",
    "complex",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "hash",
    "hex",
    "id",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "map",
    "max",
    "min",
    "next",
    "object",
    "oct",
    "ord",
    "range",
    "repr",
    "reversed",
    "round",
    "slice",
    "str",
    "sum",
    "super",
    "zip",
    "staticmethod",
    "classmethod",
    "property",
    "bytes",
    "NotImplemented",
    "Ellipsis",
    "True",
    "False",
    "None",
    # exceptions learners raise and catch
    "BaseException",
    "Exception",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "ImportError",
    "IndexError",
    "KeyError",
    "LookupError",
    "ModuleNotFoundError",
    "NameError",
    "NotImplementedError",
    "OverflowError",
    "RecursionError",
    "RuntimeError",
    "StopIteration",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
    "MemoryError",
    "Warning",
    "UserWarning",
    "DeprecationWarning",
    "RuntimeWarning",
)


def _check_format_numbers(text: str) -> None:
    """Widths and precisions in a format spec or %-template (``{:>99999999999}``) allocate that
    many characters: refuse numbers above the sequence cap."""
    for digits in _DIGITS.findall(text):
        if len(digits) > 18:
            check_sequence_length(10**18)
        check_sequence_length(int(digits))


class _CheckedFormatter(string.Formatter):
    """``str.format`` without attribute/index walks in field names (``'{0.__class__}'``)."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if "." in field_name or "[" in field_name:
            raise SandboxError(
                f"str.format field {field_name!r} is not allowed in gradviz (no attribute or index lookups in format fields)"
            )
        return super().get_field(field_name, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_format_numbers(format_spec)
        return format(value, format_spec)


_FORMATTER = _CheckedFormatter()


class _SafeFormat:
    """What ``'...'.format`` returns in the sandbox."""

    def __init__(self, template: str) -> None:
        self._template = template

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return _FORMATTER.vformat(self._template, args, kwargs)


class _SizedStrMethod:
    """``'a'.ljust(n)`` and friends allocate ``n`` characters: check ``n`` first."""

    def __init__(self, bound: Callable[..., str]) -> None:
        self._bound = bound

    def __call__(self, width: Any = 8, *args: Any) -> str:
        if isinstance(width, int):
            check_sequence_length(width)
        return self._bound(width, *args)


_SIZED_STR_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def _int_bits(value: int) -> int:
    return abs(value).bit_length()


def _as_count(value: Any) -> int | None:
    """The repeat count of ``seq * value``, if ``value`` is an integer of any kind."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, _SEQUENCES):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


class Runtime:
    """Helpers and builtins of one session's namespace."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.guard = AttributeGuard()
        self.spans: list[SourceSpan] = []
        self.output = OutputBuffer(limits.max_output_chars)
        self.deadline = math.inf
        self.current_span: SourceSpan | None = None
        self.last_top_span: SourceSpan | None = None
        self.echo_value: Any = None
        self.echo_set = False
        self.namespace: dict[str, Any] = {}
        self.on_top_statement: Callable[[SourceSpan], None] | None = None
        self._ticks = 0
        self._span_index = -1
        self._set_span = provenance.set_current_span

    # -- lifecycle ---------------------------------------------------------------------------
    def register_span(self, span: SourceSpan) -> int:
        self.spans.append(span)
        return len(self.spans) - 1

    def begin(self, limits: Limits) -> None:
        """Start a cell: fresh output, fresh deadline."""
        self.limits = limits
        self.output = OutputBuffer(limits.max_output_chars)
        self.deadline = time.monotonic() + limits.wall_time_s
        self.echo_value = None
        self.echo_set = False
        self.last_top_span = None
        self._ticks = 0
        self._span_index = -1

    def end(self) -> None:
        self.deadline = math.inf
        self._span_index = -1
        self.current_span = None
        provenance.set_current_span(None)

    # -- spans and time ----------------------------------------------------------------------
    # These run several times per learner statement, so they are written for speed: the span is
    # switched only when it changes, and the clock is read once every 64 ticks.
    def _goto(self, k: int) -> None:
        self._span_index = k
        span = self.spans[k]
        self.current_span = span
        self._set_span(span)

    def _enter_span(self, k: int) -> None:
        if k != self._span_index:
            self._goto(k)
        self._ticks += 1
        if not self._ticks & _TICK_MASK:
            self.check_deadline()

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise WallTimeExceeded(
                limit_message("the cell's running time", "wall_time_s", f"{self.limits.wall_time_s:g} s")
            )

    def stmt(self, k: int) -> None:
        if k != self._span_index:
            self._goto(k)
        self._ticks += 1
        if not self._ticks & _TICK_MASK:
            self.check_deadline()

    def top(self, k: int) -> None:
        """A module-level statement starts: the previous one is complete (statement snapshots)."""
        if self.on_top_statement is not None and self.last_top_span is not None:
            self.on_top_statement(self.last_top_span)
        self.last_top_span = self.spans[k]
        self.stmt(k)

    def at(self, k: int, value: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        self._ticks += 1
        if not self._ticks & _TICK_MASK:
            self.check_deadline()
        return value

    # -- attributes --------------------------------------------------------------------------
    def getattr_(self, obj: Any, name: str, k: int | None = None) -> Any:
        if k is not None:
            self._enter_span(k)
        if not self.guard.may_read(obj, name):
            raise self._refusal(obj, name)
        value = getattr(obj, name)
        if name == "__name__" and not isinstance(value, str):
            raise SandboxError(f"access to the attribute '__name__' of {_describe(obj)} is not allowed in gradviz")
        if type(obj) is str:
            if name == "format":
                return _SafeFormat(obj)
            if name in _SIZED_STR_METHODS:
                return _SizedStrMethod(value)
        return value

    @staticmethod
    def _refusal(obj: Any, name: str) -> BaseException:
        if type(obj) is ModuleProxy and attribute_name_allowed(name):
            module = proxy_name(obj)
            if proxy_withholds(obj, name):
                return SandboxError(f"{module}.{name} is not available in gradviz (no file access, no internals)")
            return AttributeError(f"module '{module}' has no attribute '{name}'")
        return SandboxError(f"access to the attribute {name!r} of {_describe(obj)} is not allowed in gradviz")

    def write(self, obj: Any, name: str) -> Any:
        if not self.guard.may_write(obj, name):
            raise SandboxError(f"setting the attribute {name!r} of {_describe(obj)} is not allowed in gradviz")
        return obj

    # -- operators ---------------------------------------------------------------------------
    def _check_mul(self, a: Any, b: Any) -> None:
        ta, tb = type(a), type(b)
        if ta is float or tb is float:
            return
        if ta is int and tb is int:
            if a.bit_length() + b.bit_length() > self.limits.max_int_bits:
                check_int_bits(a.bit_length() + b.bit_length())
        elif isinstance(a, _SEQUENCES):
            count = _as_count(b)
            if count is not None:
                check_sequence_length(len(a) * count)
        elif isinstance(b, _SEQUENCES):
            count = _as_count(a)
            if count is not None:
                check_sequence_length(len(b) * count)

    def _check_pow(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
            check_int_bits(b * math.log2(abs(a)))

    def _check_lshift(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int) and a:
            check_int_bits(_int_bits(a) + b)

    def _check_mod(self, a: Any, b: Any) -> None:
        if isinstance(a, (str, bytes)):
            _check_format_numbers(a if isinstance(a, str) else a.decode("latin-1"))
            if "*" in (a if isinstance(a, str) else a.decode("latin-1")):
                for value in b if isinstance(b, tuple) else (b,):
                    if isinstance(value, int):
                        check_sequence_length(value)

    def mul(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        self._check_mul(a, b)
        return a * b

    def pow_(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        if type(b) is int and type(a) is int:
            self._check_pow(a, b)
        return a**b

    def lshift(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        self._check_lshift(a, b)
        return a << b

    def mod(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        if isinstance(a, (str, bytes)):
            self._check_mod(a, b)
        return a % b

    def augcheck(self, k: int, op: str, current: Any, value: Any) -> Any:
        self._enter_span(k)
        {"mul": self._check_mul, "pow": self._check_pow, "lshift": self._check_lshift, "mod": self._check_mod}[op](
            current, value
        )
        return value

    def star(self, k: int, value: Any) -> Any:
        self._enter_span(k)
        if isinstance(value, range):
            check_sequence_length(len(value))
        return value

    def spec(self, format_spec: str) -> str:
        _check_format_numbers(format_spec)
        return format_spec

    # -- imports, echo, exceptions -----------------------------------------------------------
    def import_(self, k: int, dotted: str, leaf: bool) -> Any:
        self._enter_span(k)
        return resolve_import(dotted, leaf)

    def importfrom(self, k: int, dotted: str, name: str) -> Any:
        self._enter_span(k)
        return import_from(dotted, name)

    def importstar(self, k: int, dotted: str) -> None:
        self._enter_span(k)
        self.namespace.update(star_exports(dotted))

    def echo(self, value: Any) -> Any:
        self.echo_value = value
        self.echo_set = True
        return value

    def check_exc(self) -> None:
        """First statement of every ``except`` body: limits and refusals are not catchable."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (WallTimeExceeded, SandboxError)):
            raise exc
        if isinstance(exc, ResourceLimitError) and exc.limit in ("max_output_chars",):
            raise exc

    # -- guarded builtins --------------------------------------------------------------------
    def print_(
        self, *values: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None, flush: bool = False
    ) -> None:
        if file is not None:
            raise SandboxError("print(file=...) is not available in gradviz: output goes to the console")
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str):
            raise TypeError(f"sep must be None or a string, not {type(sep).__name__}")
        if not isinstance(end, str):
            raise TypeError(f"end must be None or a string, not {type(end).__name__}")
        self.output.write(sep.join(str(v) for v in values) + end)

    def getattr_builtin(self, obj: Any, name: Any, *default: Any) -> Any:
        if not isinstance(name, str):
            raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
        if len(default) > 1:
            raise TypeError(f"getattr expected at most 3 arguments, got {2 + len(default)}")
        if not self.guard.may_read(obj, name):
            refusal = self._refusal(obj, name)
            if default and isinstance(refusal, AttributeError):
                return default[0]
            raise refusal
        try:
            return self.getattr_(obj, name)
        except AttributeError:
            if default:
                return default[0]
            raise

    def hasattr_builtin(self, obj: Any, name: Any) -> bool:
        if not isinstance(name, str):
            raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
        if not self.guard.may_read(obj, name):
            return False
        return hasattr(obj, name)

    def setattr_builtin(self, obj: Any, name: Any, value: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
        setattr(self.write(obj, name), name, value)

    def delattr_builtin(self, obj: Any, name: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
        delattr(self.write(obj, name), name)

    def dir_builtin(self, *args: Any) -> list[str]:
        """``dir(obj)`` lists what the guard lets learners read (``_saved_*`` included);
        ``dir()`` lists the learner's own names."""
        if len(args) > 1:
            raise TypeError(f"dir expected at most 1 argument, got {len(args)}")
        if not args:
            return sorted(n for n in self.namespace if not n.startswith("__"))
        obj = args[0]
        return [name for name in dir(obj) if self.guard.may_read(obj, name) and name != "__name__"]

    def type_builtin(self, *args: Any) -> type:
        if len(args) != 1:
            raise SandboxError(
                "type() with three arguments (making a class) is not allowed in gradviz; write a class statement"
            )
        tp = type(args[0])
        if not self.guard.visible_type(tp):
            raise SandboxError(f"type() of {_describe(args[0])} is not available in gradviz")
        return tp

    def format_builtin(self, value: Any, format_spec: str = "") -> str:
        if isinstance(format_spec, str):
            _check_format_numbers(format_spec)
        return format(value, format_spec)

    def pow_builtin(self, base: Any, exp: Any, mod: Any = None) -> Any:
        if mod is None:
            self._check_pow(base, exp)
            return base**exp
        return pow(base, exp, mod)

    def _sized(self, constructor: Callable[..., Any]) -> Callable[..., Any]:
        def build(*args: Any, **kwargs: Any) -> Any:
            if args and isinstance(args[0], range):
                check_sequence_length(len(args[0]))
            elif args and constructor is bytes and isinstance(args[0], int):
                check_sequence_length(args[0])  # bytes(n) allocates n zero bytes
            return constructor(*args, **kwargs)

        build.__name__ = build.__qualname__ = constructor.__name__
        return build

    def build_class(self, func: Callable[..., Any], name: str, *bases: Any, **keywords: Any) -> type:
        if keywords:
            raise SandboxError("class keywords (metaclass=...) are not allowed in gradviz")
        allowed = _allowed_bases()
        for base in bases:
            if not isinstance(base, type):
                raise SandboxError(f"class {name} may not derive from {_describe(base)}")
            if base is object or self.guard.is_user_class(base) or any(issubclass(base, a) for a in allowed):
                continue
            raise SandboxError(
                f"class {name} may derive only from nn.Module, autograd.Function (or your own such classes), not from {base.__name__}"
            )
        cls = builtins.__build_class__(func, name, *bases)
        self.guard.register_user_class(cls)
        return cls

    def builtins_dict(self) -> dict[str, Any]:
        table: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTINS}
        table.update({name: _RefusedBuiltin(name, reason) for name, reason in _REFUSED.items()})
        table.update(
            {
                "print": self.print_,
                "getattr": self.getattr_builtin,
                "hasattr": self.hasattr_builtin,
                "setattr": self.setattr_builtin,
                "delattr": self.delattr_builtin,
                "type": self.type_builtin,
                "dir": self.dir_builtin,
                "format": self.format_builtin,
                "pow": self.pow_builtin,
                "list": self._sized(list),
                "tuple": self._sized(tuple),
                "set": self._sized(set),
                "frozenset": self._sized(frozenset),
                "sorted": self._sized(sorted),
                "bytes": self._sized(bytes),
                "__build_class__": self.build_class,
                "__import__": _c_level_import,
                "__name__": "builtins",
                # helpers called by the rewritten code (sandbox_transform.HELPER_NAMES)
                "__gv_stmt__": self.stmt,
                "__gv_top__": self.top,
                "__gv_at__": self.at,
                "__gv_getattr__": self.getattr_,
                "__gv_write__": self.write,
                "__gv_mul__": self.mul,
                "__gv_pow__": self.pow_,
                "__gv_lshift__": self.lshift,
                "__gv_mod__": self.mod,
                "__gv_augcheck__": self.augcheck,
                "__gv_import__": self.import_,
                "__gv_importfrom__": self.importfrom,
                "__gv_importstar__": self.importstar,
                "__gv_check_exc__": self.check_exc,
                "__gv_echo__": self.echo,
                "__gv_star__": self.star,
                "__gv_spec__": self.spec,
            }
        )
        return table


def _allowed_bases() -> tuple[type, ...]:
    """gradviz's nn.Module and autograd.Function, whichever the engine provides."""
    bases: list[type] = []
    for module_name, attr in (("gradviz.torch.nn", "Module"), ("gradviz.torch.autograd", "Function")):
        try:
            candidate = getattr(importlib.import_module(module_name), attr, None)
        except ImportError:  # the engine may not provide one of them (yet)
            continue
        if isinstance(candidate, type):
            bases.append(candidate)
    return tuple(bases)


def _describe(obj: Any) -> str:
    if isinstance(obj, type):
        return f"the class {obj.__name__!r}"
    return f"a {type(obj).__name__!r} object"
