"""Resource caps: each runaway ends with a message naming the limit and how to raise it.

No assertion reads the clock: the message names the limit that stopped the cell, which is what
the cap promises. A runaway that a cap refuses before it starts gets a generous wall time, so a
busy machine cannot end it on time first; only the cells meant to run out of time get a short one.
"""

from __future__ import annotations

import pytest

from gradviz.runner.limits import Limits, ResourceLimitError, check_elements, use_limits
from gradviz.runner.results import CellResult
from gradviz.runner.session import Session

SHORT = Limits(wall_time_s=0.5)  # for the cells that only time can stop
GENEROUS = Limits(wall_time_s=60.0)


def run(source: str, limits: Limits = GENEROUS) -> CellResult:
    return Session(limits, snapshots=False).run_cell(0, source, 1)


@pytest.mark.parametrize(
    "source,limit",
    [
        ("while True: pass", "wall_time_s"),
        ("while True:\n    try:\n        while True: pass\n    except:\n        pass", "wall_time_s"),
        ("x = [0 for _ in iter(int, 1)]", "wall_time_s"),
        ("[0] * 10**10", "max_sequence_length"),
        ("'a' * 10**12", "max_sequence_length"),
        ("s = 'ab'\ns *= 10**11", "max_sequence_length"),
        ("[*range(10**12)]", "max_sequence_length"),
        ("list(range(10**12))", "max_sequence_length"),
        ("'x'.ljust(10**12)", "max_sequence_length"),
        ("f'{1:>10000000000}'", "max_sequence_length"),
        ("bytes(10**12)", "max_sequence_length"),
        ("'%10000000000d' % 1", "max_sequence_length"),
        ("10 ** 10 ** 10", "max_int_bits"),
        ("1 << 10**12", "max_int_bits"),
        ("pow(7, 10**12)", "max_int_bits"),
        ("import math\nmath.factorial(10**9)", "max_int_bits"),
        ("import numpy as np\nnp.ones((100000, 100000))", "max_tensor_elements"),
        ("import numpy as np\nnp.arange(10**12)", "max_tensor_elements"),
        ("import numpy as np\nnp.random.randn(100000, 100000)", "max_tensor_elements"),
        ("while True:\n    print('x' * 1000)", "max_output_chars"),
        ("def f(n):\n    return f(n + 1)\nf(0)", "max_recursion"),
    ],
)
def test_runaway_ends_with_named_limit(source: str, limit: str) -> None:
    result = run(source, SHORT if limit == "wall_time_s" else GENEROUS)
    assert result.error is not None, source
    assert limit in result.error.message, result.error.headline
    assert "raise it with" in result.error.message


def test_huge_tensor_is_refused_by_the_engine() -> None:
    result = run("import torch as t\nt.ones(100000, 100000)")
    assert result.error is not None and "max_tensor_elements" in result.error.message


def test_check_elements_uses_the_active_limits() -> None:
    check_elements(10)
    with use_limits(Limits(max_tensor_elements=5)), pytest.raises(ResourceLimitError) as info:
        check_elements(6)
    assert info.value.limit == "max_tensor_elements"
    assert isinstance(info.value, RuntimeError)
    assert "max_tensor_elements=5" in str(info.value) and "--max-elements" in str(info.value)
    check_elements(6)  # restored


def test_limits_can_be_raised() -> None:
    result = run("x = [0] * 20\nprint(len(x))", Limits(max_sequence_length=10))
    assert result.error is not None
    result = run("x = [0] * 20\nprint(len(x))", Limits(max_sequence_length=100))
    assert result.error is None and result.stdout == "20\n"


def test_output_up_to_the_cap_is_kept() -> None:
    result = run("for i in range(100):\n    print('abcdefghi')", Limits(max_output_chars=35))
    assert result.stdout == "abcdefghi\n" * 3 + "abcde"
    assert "max_output_chars" in result.error.message


def test_moderate_recursion_still_works() -> None:
    result = run("def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\nprint(fact(300) > 0)")
    assert result.error is None, result.error
    assert result.stdout == "True\n"


def test_limit_errors_cannot_be_swallowed_by_bare_except() -> None:
    source = "n = 0\nwhile True:\n    try:\n        n += 1\n    except BaseException:\n        pass"
    result = run(source, SHORT)
    assert result.error is not None and "wall_time_s" in result.error.message


def test_session_after_timeout_keeps_its_namespace() -> None:
    session = Session(SHORT, snapshots=False)
    session.run_cell(0, "kept = 41", 1)
    assert session.run_cell(1, "while True: pass", 1).error is not None
    assert session.run_cell(2, "print(kept + 1)", 1).stdout == "42\n"
