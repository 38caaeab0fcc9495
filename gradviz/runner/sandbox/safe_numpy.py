"""The numpy that learner code sees: computation only, no file or memory I/O.

``import numpy as np`` in the sandbox yields a ModuleProxy over :func:`exports`, never real numpy:
no ``np.save/load/fromfile/memmap/lib/ctypeslib``, nothing that reaches the file system or raw
memory. Functions that choose an output size from their arguments (``zeros``, ``arange``,
``random.randn`` ...) check it against the per-tensor element cap first, so ``np.ones((10**6,
10**6))`` ends with a limit message instead of exhausting memory.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.runner.limits import check_elements

__all__ = ["exports", "linalg_exports", "random_exports"]


def _count(shape: Any) -> int:
    """Elements of an array of ``shape`` (an int or a sequence of ints), before allocating it."""
    if shape is None:
        return 1
    if isinstance(shape, (int, np.integer)):
        return max(int(shape), 0)
    total = 1
    for dim in shape:
        total *= max(int(dim), 0)
    return total


def _shape_checked(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    def checked(shape: Any, *args: Any, **kwargs: Any) -> Any:
        check_elements(_count(shape))
        return func(shape, *args, **kwargs)

    checked.__name__ = checked.__qualname__ = name
    return checked


def _arange(*args: Any, **kwargs: Any) -> np.ndarray:
    bounds = [a for a in args if not isinstance(a, (type, np.dtype, str))]
    start, stop, step = 0.0, 0.0, 1.0
    if len(bounds) == 1:
        stop = float(bounds[0])
    elif len(bounds) >= 2:
        start, stop = float(bounds[0]), float(bounds[1])
        if len(bounds) >= 3:
            step = float(bounds[2])
    if step and math.isfinite(start) and math.isfinite(stop):
        check_elements(max(0, math.ceil((stop - start) / step)))
    return np.arange(*args, **kwargs)


def _linspace(start: Any, stop: Any, num: int = 50, *args: Any, **kwargs: Any) -> np.ndarray:
    check_elements(_count(num))
    return np.linspace(start, stop, num, *args, **kwargs)


def _eye(n: int, m: int | None = None, *args: Any, **kwargs: Any) -> np.ndarray:
    check_elements(_count(n) * _count(n if m is None else m))
    return np.eye(n, m, *args, **kwargs)


def _identity(n: int, *args: Any, **kwargs: Any) -> np.ndarray:
    check_elements(_count(n) ** 2)
    return np.identity(n, *args, **kwargs)


def _outer(a: Any, b: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    check_elements(int(np.size(a)) * int(np.size(b)))
    return np.outer(a, b, *args, **kwargs)


def _diag(v: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    if np.ndim(v) == 1:  # a vector becomes a square matrix
        check_elements(int(np.size(v)) ** 2)
    return np.diag(v, *args, **kwargs)


def _sized_random(func: Callable[..., Any], size_position: int, name: str) -> Callable[..., Any]:
    """Wrap a numpy.random function whose ``size`` is a keyword or the n-th positional argument."""

    def checked(*args: Any, **kwargs: Any) -> Any:
        size = kwargs.get("size", args[size_position] if len(args) > size_position else None)
        check_elements(_count(size))
        return func(*args, **kwargs)

    checked.__name__ = checked.__qualname__ = name
    return checked


def _dims_random(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``rand(d0, d1, ...)`` / ``randn(...)`` take dimensions as separate arguments."""

    def checked(*dims: Any) -> Any:
        check_elements(_count(dims))
        return func(*dims)

    checked.__name__ = checked.__qualname__ = name
    return checked


def random_exports() -> dict[str, Any]:
    rng = np.random
    return {
        "seed": rng.seed,
        "rand": _dims_random(rng.rand, "rand"),
        "randn": _dims_random(rng.randn, "randn"),
        "random": _sized_random(rng.random, 0, "random"),
        "randint": _sized_random(rng.randint, 2, "randint"),
        "normal": _sized_random(rng.normal, 2, "normal"),
        "uniform": _sized_random(rng.uniform, 2, "uniform"),
        "choice": _sized_random(rng.choice, 1, "choice"),
        "permutation": rng.permutation,
        "shuffle": rng.shuffle,
    }


def linalg_exports() -> dict[str, Any]:
    linalg = np.linalg
    return {name: getattr(linalg, name) for name in ("norm", "inv", "det", "solve", "pinv", "matrix_rank")}


_PASS_THROUGH = (
    # dtypes and constants
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "complex64",
    "complex128",
    "pi",
    "e",
    "inf",
    "nan",
    "newaxis",
    # creation from existing data (size bounded by the input)
    "array",
    "asarray",
    "zeros_like",
    "ones_like",
    "full_like",
    "copy",
    # elementwise math
    "exp",
    "exp2",
    "log",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sqrt",
    "square",
    "abs",
    "absolute",
    "sign",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "sinh",
    "cosh",
    "tanh",
    "floor",
    "ceil",
    "round",
    "around",
    "clip",
    "maximum",
    "minimum",
    "power",
    "add",
    "subtract",
    "multiply",
    "divide",
    "negative",
    "reciprocal",
    "isnan",
    "isinf",
    "isfinite",
    "where",
    # reductions
    "sum",
    "mean",
    "std",
    "var",
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "prod",
    "cumsum",
    "cumprod",
    "all",
    "any",
    "median",
    # shape and linear algebra
    "dot",
    "matmul",
    "inner",
    "transpose",
    "reshape",
    "squeeze",
    "expand_dims",
    "concatenate",
    "stack",
    "vstack",
    "hstack",
    "ravel",
    "sort",
    "argsort",
    "unique",
    "shape",
    "size",
    "ndim",
    "allclose",
    "isclose",
    "array_equal",
    "trace",
)


def exports() -> dict[str, Any]:
    """The names ``np.`` offers learners (the ModuleProxy wraps these; submodules are proxies too)."""
    from gradviz.runner.sandbox.guard import ModuleProxy

    table: dict[str, Any] = {name: getattr(np, name) for name in _PASS_THROUGH}
    table.update(
        {
            "zeros": _shape_checked(np.zeros, "zeros"),
            "ones": _shape_checked(np.ones, "ones"),
            "empty": _shape_checked(np.zeros, "empty"),  # zeros: uninitialised memory is noise
            "full": _shape_checked(np.full, "full"),
            "arange": _arange,
            "linspace": _linspace,
            "eye": _eye,
            "identity": _identity,
            "outer": _outer,
            "diag": _diag,
            "random": ModuleProxy("numpy.random", random_exports()),
            "linalg": ModuleProxy("numpy.linalg", linalg_exports()),
        }
    )
    return table
