"""Fuzzing: random source text and random syntax trees never crash the runner.

Whatever comes in, ``Session.run_cell`` returns a CellResult; when it fails, the failure is an
ordinary Python error, a sandbox refusal or a limit, with a message, never an exception out of
the runner and never a leak of the runner's internals.
"""

from __future__ import annotations

import ast
import types

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.runner.limits import Limits
from gradviz.runner.results import CellResult
from gradviz.runner.session import Session

LIMITS = Limits(wall_time_s=0.5, max_output_chars=10_000, max_sequence_length=100_000, max_tensor_elements=100_000)
SESSION = Session(LIMITS, snapshots=False)
SETTINGS = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "x",
    "y",
    "t",
    "np",
    "print",
    "len",
    "type",
    "getattr",
    "lambda",
    "def",
    "class",
    "import",
    "torch",
    "numpy",
    "os",
    "__class__",
    "__dict__",
    "_saved_self",
    "gi_frame",
    "format",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "=",
    "+",
    "*",
    "**",
    "<<",
    "%",
    "-",
    "'a'",
    "1",
    "10",
    "0.5",
    "\n",
    "    ",
    "if",
    "for",
    "in",
    "while",
    "try",
    "except",
    "yield",
    "return",
    "with",
    "as",
    "not",
    "and",
    "or",
    "None",
    "True",
    "f'{x}'",
    "@",
    "super",
    "ones",
    "sum",
    "backward",
    # the language layer's own machinery: stand-ins, sealed classes, checked callables
    "__array_interface__",
    "__getattribute__",
    "__new__",
    "__init_subclass__",
    "__mro__",
    "memoryview",
    "vars",
    "globals",
    "object",
    "np.ndarray",
    "dtype",
    "buffer",
    "yield",
    "match",
    "case",
    "async",
    "await",
    "setattr",
    "'__globals__'",
]


def check(result: CellResult) -> None:
    assert isinstance(result, CellResult)
    if result.error is not None:
        assert result.error.type
        assert "Traceback" not in result.error.message
    SESSION.reset()


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_random_token_soup_never_crashes(source: str) -> None:
    check(SESSION.run_cell(0, "import torch as t\nimport numpy as np\nx = 2\ny = [1]\n" + source, 1))


@SETTINGS
@given(st.text(max_size=80))
def test_random_text_never_crashes(source: str) -> None:
    check(SESSION.run_cell(0, source, 1))


NAMES = [
    "x",
    "y",
    "t",
    "np",
    "print",
    "len",
    "type",
    "getattr",
    "super",
    "object",
    "__builtins__",
    "open",
    "vars",
    "memoryview",
    "globals",
]
ATTRS = [
    "real",
    "ones",
    "sum",
    "shape",
    "__class__",
    "gi_frame",
    "_saved_self",
    "_version",
    "format",
    "mro",
    "T",
    "grad",
    "__mro__",
    "__dict__",
    "__new__",
    "__getattribute__",
    "__self__",
    "__objclass__",
    "data",
    "resize",
    "cast",
    "ndarray",
]


def expressions() -> st.SearchStrategy[ast.expr]:
    leaves = st.one_of(
        st.sampled_from(NAMES).map(lambda n: ast.Name(id=n, ctx=ast.Load())),
        st.one_of(st.integers(-3, 12), st.text(max_size=3), st.none(), st.floats(allow_nan=False, width=16)).map(
            lambda v: ast.Constant(value=v)
        ),
    )

    def extend(children: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
        return st.one_of(
            st.builds(
                lambda left, op, right: ast.BinOp(left=left, op=op, right=right),
                children,
                st.sampled_from([ast.Add(), ast.Mult(), ast.Pow(), ast.Mod(), ast.LShift(), ast.Sub()]),
                children,
            ),
            st.builds(lambda v, a: ast.Attribute(value=v, attr=a, ctx=ast.Load()), children, st.sampled_from(ATTRS)),
            st.builds(
                lambda f, args: ast.Call(func=f, args=args, keywords=[]), children, st.lists(children, max_size=3)
            ),
            st.builds(lambda v, i: ast.Subscript(value=v, slice=i, ctx=ast.Load()), children, children),
            st.builds(lambda e: ast.List(elts=e, ctx=ast.Load()), st.lists(children, max_size=3)),
            st.builds(
                lambda body: ast.Lambda(
                    args=ast.arguments(
                        posonlyargs=[], args=[ast.arg(arg="x")], kwonlyargs=[], kw_defaults=[], defaults=[]
                    ),
                    body=body,
                ),
                children,
            ),
            st.builds(
                lambda elt, it: ast.ListComp(
                    elt=elt,
                    generators=[
                        ast.comprehension(target=ast.Name(id="x", ctx=ast.Store()), iter=it, ifs=[], is_async=0)
                    ],
                ),
                children,
                children,
            ),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def statements() -> st.SearchStrategy[ast.stmt]:
    return st.one_of(
        expressions().map(lambda e: ast.Expr(value=e)),
        st.builds(
            lambda n, e: ast.Assign(targets=[ast.Name(id=n, ctx=ast.Store())], value=e),
            st.sampled_from(["x", "y", "z"]),
            expressions(),
        ),
        st.builds(
            lambda e: ast.Try(
                body=[ast.Expr(value=e)],
                handlers=[ast.ExceptHandler(type=None, name=None, body=[ast.Pass()])],
                orelse=[],
                finalbody=[],
            ),
            expressions(),
        ),
    )


@SETTINGS
@given(st.lists(statements(), min_size=1, max_size=4))
def test_random_trees_never_crash(body: list[ast.stmt]) -> None:
    module = ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))
    try:
        source = ast.unparse(module)
    except (ValueError, TypeError, RecursionError):
        return
    check(SESSION.run_cell(0, "import torch as t\nimport numpy as np\nx = 2\ny = [1]\n" + source, 1))


# -- reflective chains: whatever a chain of reads, calls and type() reaches, it is never a raw
# constructor, a module, a frame, code, a raw pointer or one of the runner's own objects --------

STARTS = [
    "print",
    "len",
    "np",
    "np.zeros(2)",
    "np.array([None], dtype=object)",
    "np.ndarray",
    "t.ones(2)",
    "t.ones(2, requires_grad=True) * 2",
    "t.autograd.Function",
    "f",
    "K()",
    "K",
    "g()",
    "err",
    "type",
    "object",
    "int",
    "'{}'",
    "[]",
    "globals()",
    "memoryview(b'x')",
    "enum",
    "random",
    "operator.attrgetter('real')",
]
STEPS = [
    "getattr(r, {name!r})",
    "r()",
    "r[0]",
    "type(r)",
    "vars(r)",
    "list(vars(r).values())",
    "dir(r)",
    "r.__class__",
    "r.__mro__",
    "r.mro()",
    "r.__self__",
    "r.__func__",
    "r.__objclass__",
    "r.__getattribute__({name!r})",
    "object.__getattribute__(r, {name!r})",
    "type.__getattribute__(r, {name!r})",
    "r.__new__(r)",
    "r.__get__(r)",
    "r.__wrapped__",
    "r.__closure__",
    "r.__traceback__.tb_next",
    "r.obj",
    "r.data",
    "r.format({name!r})",
    "r.__dict__",
    "r.__base__",
    "r.__bases__",
    "r.__args__",
    "r.__origin__",
    "r.__context__",
    "r.__defaults__",
]
READ_NAMES = [
    "__class__",
    "__self__",
    "__func__",
    "__dict__",
    "__mro__",
    "__globals__",
    "__builtins__",
    "__subclasses__",
    "__new__",
    "__call__",
    "__init__",
    "__getattribute__",
    "__reduce_ex__",
    "_gv_real",
    "_gv_call",
    "_gv_fn",
    "_gv_namespace",
    "_gv_exports",
    "_os",
    "_module",
    "ctypes",
    "data",
    "base",
    "dtype",
    "grad_fn",
    "next_functions",
    "real",
    "gi_frame",
    "tb_frame",
    "__array_interface__",
    "{0.__class__}",
]
PRELUDE = (
    "import torch as t\nimport numpy as np\nimport enum, random, operator\n"
    "def f(a=print):\n    return a\n"
    "class K:\n    def __init__(self):\n        self._x = print\n"
    "def g():\n    yield np\n"
    "try:\n    np.ndarray.nope\nexcept AttributeError as caught:\n    err = caught\n"
    "seen = []\n"
)


def _forbidden(value: object, session: Session) -> str | None:
    """Why ``value`` must never sit in a learner variable, or None."""
    import numpy as np

    from gradviz.runner.sandbox.owners import internal_type

    if isinstance(value, (types.ModuleType, types.FrameType, types.CodeType, types.CellType)):
        return f"a {type(value).__name__}"
    if value is session.namespace or value is session.namespace.get("__builtins__"):
        return "the namespace or its builtins"
    if isinstance(value, memoryview) and "O" in value.format:
        return "a memoryview over object pointers"
    if type(value).__name__ == "PyCapsule":
        return "a capsule"
    if isinstance(value, type):
        if value in (type, np.ndarray, np.recarray, np.memmap, np.char.chararray, memoryview):
            return f"the raw class {value!r}"
        if issubclass(value, type) and not session.runtime.guard.is_user_class(value):
            return f"the metaclass {value!r}"
        if internal_type(value):
            return f"the runner's class {value!r}"
    elif internal_type(type(value)):
        return f"a runner object {type(value)!r}"
    return None


@st.composite
def chains(draw: st.DrawFn) -> str:
    start = draw(st.sampled_from(STARTS))
    lines = [f"r = {start}", "seen.append(r)"]
    for _ in range(draw(st.integers(1, 5))):
        step = draw(st.sampled_from(STEPS)).format(name=draw(st.sampled_from(READ_NAMES)))
        lines += ["try:", f"    r = {step}", "    seen.append(r)", "except Exception:", "    pass"]
    return "\n".join(lines)


@SETTINGS
@given(chains())
def test_reflective_chains_never_reach_internals(chain: str) -> None:
    SESSION.reset()
    SESSION.run_cell(0, PRELUDE + chain + "\n", 1)
    for value in [SESSION.namespace.get("r"), *SESSION.namespace.get("seen", [])]:
        problem = _forbidden(value, SESSION)
        assert problem is None, f"{problem} reached learner code via:\n{chain}"
