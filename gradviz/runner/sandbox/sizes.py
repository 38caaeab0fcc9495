"""Size checks before Python allocates: ``[0] * 10**10``, ``10 ** 10 ** 10``, ``f'{1:>10**12}'``.

Each ends in a limit message (gradviz.runner.limits) instead of the worker running out of memory
or spending minutes in one C call the time-limit ticks cannot interrupt.
"""

from __future__ import annotations

import math
import operator
import re
from typing import Any

from gradviz.runner.limits import check_int_bits, check_sequence_length

__all__ = [
    "check_format_numbers",
    "check_lshift",
    "check_mod",
    "check_mul",
    "check_pow",
    "check_sized_argument",
]

_SEQUENCES = (str, bytes, bytearray, list, tuple)
_DIGITS = re.compile(r"\d+")


def check_format_numbers(text: str) -> None:
    """Widths and precisions in a format spec or %-template (``{:>99999999999}``) allocate that
    many characters: refuse numbers above the sequence cap."""
    for digits in _DIGITS.findall(text):
        if len(digits) > 18:
            check_sequence_length(10**18)
        check_sequence_length(int(digits))


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


def check_mul(a: Any, b: Any, max_int_bits: int) -> None:
    ta, tb = type(a), type(b)
    if ta is float or tb is float:
        return
    if ta is int and tb is int:
        if a.bit_length() + b.bit_length() > max_int_bits:
            check_int_bits(a.bit_length() + b.bit_length())
    elif isinstance(a, _SEQUENCES):
        count = _as_count(b)
        if count is not None:
            check_sequence_length(len(a) * count)
    elif isinstance(b, _SEQUENCES):
        count = _as_count(a)
        if count is not None:
            check_sequence_length(len(b) * count)


def check_pow(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        check_int_bits(b * math.log2(abs(a)))


def check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and a:
        check_int_bits(abs(a).bit_length() + b)


def check_mod(a: Any, b: Any) -> None:
    if isinstance(a, (str, bytes)):
        text = a if isinstance(a, str) else a.decode("latin-1")
        check_format_numbers(text)
        if "*" in text:
            for value in b if isinstance(b, tuple) else (b,):
                if isinstance(value, int):
                    check_sequence_length(value)


def check_sized_argument(value: Any) -> Any:
    """The first argument of ``list()``/``tuple()``/``set()``/``sorted()``/``bytes()``: a range
    or a count that would build more items than the sequence cap is refused before the C loop."""
    if isinstance(value, range):
        check_sequence_length(len(value))
    elif type(value) is int:
        check_sequence_length(value)  # bytes(n) / bytearray(n) allocate n zero bytes
    return value
