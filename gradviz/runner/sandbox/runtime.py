"""The run-time half of the language layer: the namespace's builtins and the helpers the rewritten
code calls.

One :class:`Runtime` per session. Builtins are Python's own (``print(print)`` shows
``<built-in function print>``), with a handful replaced:

* the reflective ones go through the guard: ``getattr``/``hasattr``/``setattr``/``delattr``,
  ``vars``/``dir``/``globals``/``locals`` (the namespace without its builtins), ``type`` and
  ``memoryview`` (stand-ins, see standins.py);
* the ones that reach outside the language are refused with the reason: ``open``, ``input``,
  ``eval``/``exec``/``compile``, ``breakpoint``, ``help``, ``exit``/``quit``;
* ``format``/``pow`` check sizes first; ``__import__`` serves C-level imports only and
  ``__build_class__`` seals every class a class statement makes (classes.py).

Printing goes to the cell's capped buffer (``sys.stdout`` while the cell runs). The helpers tick
the time limit: the clock is read every 64 ticks, and once the deadline has passed every tick
raises again, so a handler that swallows the first raise gets the next one.
"""

from __future__ import annotations

import builtins
import math
import sys
import time
from collections.abc import Callable, Iterator, MutableMapping
from types import BuiltinFunctionType, FrameType, FunctionType
from typing import Any

from gradviz.autograd import provenance
from gradviz.runner.capture import NotebookDisplay
from gradviz.runner.limits import Limits, ResourceLimitError, WallTimeExceeded, limit_message
from gradviz.runner.results import SourceSpan
from gradviz.runner.sandbox import classes, guard, modules, stdlib
from gradviz.runner.sandbox.names import NameKind, kind_of, refused_identifier
from gradviz.runner.sandbox.owners import allow_internal_type, is_learner_class
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.sizes import (
    check_format_numbers,
    check_lshift,
    check_mod,
    check_mul,
    check_pow,
    check_sized_argument,
)
from gradviz.runner.sandbox.standins import register_face

__all__ = ["OutputBuffer", "Runtime"]

_TICK_MASK = 63  # check the clock every 64 ticks: cheap, and still well under a millisecond apart


class OutputBuffer:
    """What the cell printed, capped at ``max_output_chars`` (the part up to the cap is kept).
    It is ``sys.stdout`` while a cell runs."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.cap - self._size
        if len(text) > room:
            self._parts.append(text[: max(room, 0)])
            self._size = self.cap
            raise ResourceLimitError(
                limit_message("the printed output", "max_output_chars", self.cap), "max_output_chars"
            )
        self._parts.append(text)
        self._size += len(text)
        return len(text)

    def flush(self) -> None:
        return None

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def getvalue(self) -> str:
        return "".join(self._parts)


@allow_internal_type
class LearnerBuiltin:
    """A builtin gradviz replaces, presented as Python's own (``<built-in function getattr>``)."""

    __slots__ = ("_gv_fn", "_gv_name")

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        object.__setattr__(self, "_gv_name", name)
        object.__setattr__(self, "_gv_fn", fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return object.__getattribute__(self, "_gv_fn")(*args, **kwargs)

    def __getattribute__(self, name: str) -> Any:
        own = object.__getattribute__(self, "_gv_name")
        if name in ("__name__", "__qualname__"):
            return own
        if name == "__module__":
            return "builtins"
        if name == "__doc__":
            return getattr(getattr(builtins, own, None), "__doc__", None)
        return object.__getattribute__(self, name)

    def __repr__(self) -> str:
        return f"<built-in function {object.__getattribute__(self, '_gv_name')}>"

    def __copy__(self) -> LearnerBuiltin:
        return self

    def __deepcopy__(self, memo: Any) -> LearnerBuiltin:
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(f"cannot pickle {self!r}")


register_face(LearnerBuiltin, BuiltinFunctionType)
# The session's display() (IPython's, for notebooks) is a function to the learner, as in IPython.
register_face(NotebookDisplay, FunctionType)

_REFUSED = {
    "open": "code cannot read or write files",
    "input": "code cannot read from the terminal",
    "exec": "code cannot run other code",
    "eval": "code cannot run other code",
    "compile": "code cannot compile other code",
    "breakpoint": "there is no debugger",
    "help": "there is no interactive help",
    "exit": "the runner decides when to stop",
    "quit": "the runner decides when to stop",
}
_LEFT_OUT = frozenset({"copyright", "credits", "license", "__loader__", "__spec__", "__package__", "__doc__"})


def _refused(name: str, reason: str) -> LearnerBuiltin:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise SandboxError(f"{name}() is not available in gradviz: {reason}")

    return LearnerBuiltin(name, refuse)


@allow_internal_type
class NamespaceView(MutableMapping[str, Any]):
    """``globals()`` (and ``vars()``/``locals()`` at the top level): the learner's namespace,
    live, without the builtins entry the frames run with."""

    __slots__ = ("_gv_namespace",)

    def __init__(self, namespace: dict[str, Any]) -> None:
        self._gv_namespace = namespace

    def __getitem__(self, key: str) -> Any:
        if key == "__builtins__":
            raise KeyError(key)
        return self._gv_namespace[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(key, str) and refused_identifier(key):
            raise SandboxError(f"the name {key!r} is not available in gradviz")
        self._gv_namespace[key] = value

    def __delitem__(self, key: str) -> None:
        if isinstance(key, str) and refused_identifier(key):
            raise SandboxError(f"the name {key!r} is not available in gradviz")
        del self._gv_namespace[key]

    def __iter__(self) -> Iterator[str]:
        return (k for k in list(self._gv_namespace) if k != "__builtins__")

    def __len__(self) -> int:
        return len(self._gv_namespace) - ("__builtins__" in self._gv_namespace)

    def __repr__(self) -> str:
        return repr(dict(self))

    def copy(self) -> dict[str, Any]:
        return dict(self)

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: Any) -> dict[str, Any]:
        import copy

        return copy.deepcopy(dict(self), memo)

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("cannot pickle the namespace view")


register_face(NamespaceView, dict)


@allow_internal_type
class AugTarget:
    """The target of ``obj.name += v``: Python reads and then writes the attribute, both through
    the guard."""

    __slots__ = ("_gv_obj",)

    def __init__(self, obj: Any) -> None:
        object.__setattr__(self, "_gv_obj", obj)

    def __getattribute__(self, name: str) -> Any:
        return guard.read(object.__getattribute__(self, "_gv_obj"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        guard.checked_setattr(object.__getattribute__(self, "_gv_obj"), name, value)


register_face(AugTarget, None)

_PUBLIC = NameKind.PUBLIC
# By id, checked by identity (a set lookup would call a learner metaclass's __eq__).
_PLAIN_VALUES: dict[int, type] = {id(t): t for t in (int, float, str, bool, type(None), list, dict)}
_RUNTIME_FILE = __file__


def _caller_frame() -> FrameType | None:
    """The learner frame that called a builtin (frames of this module skipped)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == _RUNTIME_FILE:
        frame = frame.f_back  # type: ignore[assignment]
    return frame


def _is_learner_frame(frame: FrameType | None) -> bool:
    return frame is not None and frame.f_code.co_filename.startswith("<cell ")


class LearnerObjects:
    """``runtime.guard``: what the session asks about the learner's objects."""

    @staticmethod
    def is_user_class(cls: type) -> bool:
        return is_learner_class(cls)


def _no_deadline() -> None:
    """The deadline check between cells: nothing to stop."""


class Runtime:
    """Helpers and builtins of one session's namespace."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.guard = LearnerObjects()
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
        self._saved_stdout: Any = None

    # -- lifecycle ---------------------------------------------------------------------------
    def register_span(self, span: SourceSpan) -> int:
        self.spans.append(span)
        return len(self.spans) - 1

    def begin(self, limits: Limits) -> None:
        """Start a cell: fresh output (which print writes to), fresh deadline."""
        self.limits = limits
        self.output = OutputBuffer(limits.max_output_chars)
        self.deadline = time.monotonic() + limits.wall_time_s
        self.echo_value = None
        self.echo_set = False
        self.last_top_span = None
        self._ticks = 0
        self._span_index = -1
        self._saved_stdout = sys.stdout
        sys.stdout = self.output
        stdlib.set_deadline_check(self.check_deadline)

    def end(self) -> None:
        # The deadline stays: learner code can still run after the cell (a dict subclass's
        # ``items`` or a module's ``named_parameters`` while the graph snapshot is taken, a
        # ``__del__`` when the collector runs), and it must stop at the cell's time limit too.
        self._span_index = -1
        self.current_span = None
        provenance.set_current_span(None)
        if self._saved_stdout is not None:
            sys.stdout = self._saved_stdout
            self._saved_stdout = None

    def release(self) -> None:
        """After the cell and the work gradviz does on its values (the graph snapshot): no
        deadline is left armed, so nothing outside a cell (another session, a plain run in the
        same process) is stopped by this cell's clock."""
        self.deadline = math.inf
        stdlib.set_deadline_check(_no_deadline)

    # -- spans and time ----------------------------------------------------------------------
    # These run several times per learner statement, so they are written for speed: the span is
    # switched only when it changes, and the clock is read once every 64 ticks.
    def _goto(self, k: int) -> None:
        self._span_index = k
        span = self.spans[k]
        self.current_span = span
        self._set_span(span)

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            self._ticks = _TICK_MASK  # the next tick checks (and raises) again
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
    def getattr_(self, obj: Any, name: str, k: int) -> Any:
        if k != self._span_index:
            self._goto(k)
        self._ticks += 1
        if not self._ticks & _TICK_MASK:
            self.check_deadline()
        if kind_of(name) is _PUBLIC:
            value = getattr(obj, name)
            tp = type(value)
            return value if _PLAIN_VALUES.get(id(tp)) is tp else guard.vet(value)
        return guard.read(obj, name)

    @staticmethod
    def write(obj: Any, name: str) -> Any:
        guard.prepare_write(obj, name)
        return obj

    # -- operators ---------------------------------------------------------------------------
    def mul(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        check_mul(a, b, self.limits.max_int_bits)
        return a * b

    def pow_(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        if type(b) is int and type(a) is int:
            check_pow(a, b)
        return a**b

    def lshift(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        check_lshift(a, b)
        return a << b

    def mod(self, k: int, a: Any, b: Any) -> Any:
        if k != self._span_index:
            self._goto(k)
        if isinstance(a, (str, bytes)):
            check_mod(a, b)
        return a % b

    def augcheck(self, k: int, op: str, current: Any, value: Any) -> Any:
        self.at(k, None)
        if op == "mul":
            check_mul(current, value, self.limits.max_int_bits)
        elif op == "pow":
            check_pow(current, value)
        elif op == "lshift":
            check_lshift(current, value)
        else:
            check_mod(current, value)
        return value

    def star(self, k: int, value: Any) -> Any:
        self.at(k, None)
        return check_sized_argument(value) if isinstance(value, range) else value

    @staticmethod
    def spec(format_spec: str) -> str:
        check_format_numbers(format_spec)
        return format_spec

    # -- imports, echo, exceptions -----------------------------------------------------------
    def import_(self, k: int, dotted: str, leaf: bool) -> Any:
        self.at(k, None)
        return modules.resolve_import(dotted, leaf)

    def importfrom(self, k: int, dotted: str, name: str) -> Any:
        self.at(k, None)
        return modules.import_from(dotted, name)

    def importstar(self, k: int, dotted: str) -> None:
        self.at(k, None)
        self.namespace.update(modules.star_exports(dotted))

    def echo(self, value: Any) -> Any:
        self.echo_value = value
        self.echo_set = True
        return value

    @staticmethod
    def check_exc() -> None:
        """First statement of every ``except`` body and ``finally`` block: limits and refusals
        are not catchable."""
        exc = sys.exc_info()[1]
        if classes.must_propagate(exc):
            raise exc  # type: ignore[misc]

    def print_(self, *values: Any, sep: str | None = " ", end: str | None = "\n") -> None:
        """Print into the cell's output (for the runner's own printing helpers, such as display())."""
        print(*values, sep=sep, end=end, file=self.output)

    # -- guarded builtins --------------------------------------------------------------------
    @staticmethod
    def getattr_builtin(obj: Any, name: Any, *default: Any) -> Any:
        if not isinstance(name, str):
            raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
        if len(default) > 1:
            raise TypeError(f"getattr expected at most 3 arguments, got {2 + len(default)}")
        try:
            return guard.read(obj, name)
        except AttributeError:
            if default:
                return default[0]
            raise

    @staticmethod
    def hasattr_builtin(obj: Any, name: Any) -> bool:
        if not isinstance(name, str):
            raise TypeError(f"attribute name must be string, not '{type(name).__name__}'")
        try:
            guard.read(obj, name)
        except (AttributeError, SandboxError):
            return False
        return True

    def locals_builtin(self) -> Any:
        frame = _caller_frame()
        if not _is_learner_frame(frame):
            raise SandboxError("locals() is available to your own code only")
        assert frame is not None
        if frame.f_globals is self.namespace and frame.f_locals is self.namespace:
            return NamespaceView(self.namespace)
        return frame.f_locals

    def globals_builtin(self) -> NamespaceView:
        return NamespaceView(self.namespace)

    def vars_builtin(self, *args: Any) -> Any:
        if len(args) > 1:
            raise TypeError(f"vars expected at most 1 argument, got {len(args)}")
        if not args:
            return self.locals_builtin()
        return guard.namespace_of(args[0])

    def dir_builtin(self, *args: Any) -> list[str]:
        if len(args) > 1:
            raise TypeError(f"dir expected at most 1 argument, got {len(args)}")
        if args:
            return guard.dir_of(args[0])
        frame = _caller_frame()
        if not _is_learner_frame(frame):
            raise SandboxError("dir() is available to your own code only")
        assert frame is not None
        return sorted(frame.f_locals)

    @staticmethod
    def format_builtin(value: Any, format_spec: str = "") -> str:
        if isinstance(format_spec, str):
            check_format_numbers(format_spec)
        return format(value, format_spec)

    @staticmethod
    def pow_builtin(base: Any, exp: Any, mod: Any = None) -> Any:
        if mod is None:
            check_pow(base, exp)
            return base**exp
        return pow(base, exp, mod)

    def builtins_dict(self) -> dict[str, Any]:
        table: dict[str, Any] = {
            name: value for name, value in vars(builtins).items() if name not in _LEFT_OUT and name not in _REFUSED
        }
        table.update({name: _refused(name, reason) for name, reason in _REFUSED.items()})
        replaced: dict[str, Callable[..., Any]] = {
            "getattr": self.getattr_builtin,
            "hasattr": self.hasattr_builtin,
            "setattr": guard.checked_setattr,
            "delattr": guard.checked_delattr,
            "vars": self.vars_builtin,
            "dir": self.dir_builtin,
            "globals": self.globals_builtin,
            "locals": self.locals_builtin,
            "format": self.format_builtin,
            "pow": self.pow_builtin,
        }
        table.update({name: LearnerBuiltin(name, fn) for name, fn in replaced.items()})
        table.update(
            {
                "type": guard.visible_class(type),
                "memoryview": guard.visible_class(memoryview),
                "__build_class__": classes.build_class,
                "__import__": modules.c_level_import,
                "__name__": "builtins",
                # helpers called by the rewritten code (transform.HELPER_NAMES)
                "__gv_stmt__": self.stmt,
                "__gv_top__": self.top,
                "__gv_at__": self.at,
                "__gv_getattr__": self.getattr_,
                "__gv_write__": self.write,
                "__gv_delete__": guard.checked_delattr,
                "__gv_setattr__": guard.checked_setattr,
                "__gv_aug__": AugTarget,
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
                "__gv_sized__": check_sized_argument,
                "__gv_vet__": guard.vet_deep,
            }
        )
        return table
