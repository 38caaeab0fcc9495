"""Fuzzing: random source text and random syntax trees never crash the runner.

Whatever comes in, ``Session.run_cell`` returns a CellResult; when it fails, the failure is an
ordinary Python error, a sandbox refusal or a limit, with a message, never an exception out of
the runner and never a leak of the runner's internals.
"""

from __future__ import annotations

import ast

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


NAMES = ["x", "y", "t", "np", "print", "len", "type", "getattr", "super", "object", "__builtins__", "open"]
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
                lambda l, op, r: ast.BinOp(left=l, op=op, right=r),
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
