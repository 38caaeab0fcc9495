"""The numpy that learner code sees: all of numpy's computing, none of its file or raw-memory I/O.

``import numpy as np`` gives a ModuleProxy over real numpy. Every public name resolves to numpy's
own object (checked by the guard: ``np.ndarray`` is the stand-in whose constructor refuses
``buffer=``/``strides=``), except:

* names that read or write files or map them (``save``, ``load``, ``fromfile``, ``memmap`` ...),
  numpy's internals and build tools (``core``, ``f2py``, ``ctypeslib``), ``np.rec`` (record
  arrays over raw buffers) and ``np.ma``: refused with a message saying why;
* ``np.lib`` and ``np.testing``: only their computing parts (``sliding_window_view``,
  ``assert_allclose``);
* ``frombuffer`` refuses an object array's buffer (its bytes are object pointers);
* functions that choose an output size from their arguments (``zeros``, ``arange``,
  ``random.randn`` ...) check it against the per-tensor element cap first, so
  ``np.ones((10**6, 10**6))`` ends with a limit message instead of exhausting memory.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from gradviz.runner.limits import check_elements
from gradviz.runner.sandbox import guard
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.proxy import ModuleProxy

__all__ = ["numpy_proxy"]

_FILES = "it reads or writes files, and gradviz code has no file access"
_DENIED: dict[str, str] = {
    "save": _FILES,
    "savez": _FILES,
    "savez_compressed": _FILES,
    "load": _FILES,
    "loadtxt": _FILES,
    "savetxt": _FILES,
    "genfromtxt": _FILES,
    "fromfile": _FILES,
    "fromregex": _FILES,
    "memmap": _FILES,
    "DataSource": _FILES,
    "ctypeslib": "it reaches raw memory through ctypes",
    "rec": "record arrays are built over raw buffers",
    "ma": "masked arrays are not part of gradviz's numpy",
    "core": "numpy's internals are not available",
    "f2py": "numpy's build tools are not available",
    "distutils": "numpy's build tools are not available",
    "show_config": "it inspects the installation",
    "show_runtime": "it inspects the installation",
    "info": "it inspects the installation",
    "test": "it runs numpy's test suite",
    "get_include": "it inspects the installation",
    "add_docstring": "it changes numpy's own objects",
    "add_newdoc": "it changes numpy's own objects",
    "add_newdoc_ufunc": "it changes numpy's own objects",
    "setbufsize": "it changes numpy's internals",
}
# Submodules that are numpy's computing: proxied like numpy itself.
_SUBMODULES = frozenset(
    {"random", "linalg", "fft", "polynomial", "emath", "dtypes", "exceptions", "strings", "char", "typing", "version"}
)
_MODULE_DUNDERS = frozenset({"__name__", "__doc__", "__version__", "__all__"})


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
    checked.__doc__ = func.__doc__
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


def _frombuffer(buffer: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    try:
        view = memoryview(buffer)
    except TypeError:
        return np.frombuffer(buffer, *args, **kwargs)  # numpy's own error
    with view:
        if "O" in view.format:
            raise SandboxError("np.frombuffer of an object array is not available in gradviz: its bytes are pointers")
    return np.frombuffer(buffer, *args, **kwargs)


def _sized_random(func: Callable[..., Any], size_position: int, name: str) -> Callable[..., Any]:
    """Wrap a numpy.random function whose ``size`` is a keyword or the n-th positional argument."""

    def checked(*args: Any, **kwargs: Any) -> Any:
        size = kwargs.get("size", args[size_position] if len(args) > size_position else None)
        check_elements(_count(size))
        return func(*args, **kwargs)

    checked.__name__ = checked.__qualname__ = name
    checked.__doc__ = func.__doc__
    return checked


def _dims_random(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``rand(d0, d1, ...)`` / ``randn(...)`` take dimensions as separate arguments."""

    def checked(*dims: Any) -> Any:
        check_elements(_count(dims))
        return func(*dims)

    checked.__name__ = checked.__qualname__ = name
    checked.__doc__ = func.__doc__
    return checked


def _random_overrides() -> dict[str, Any]:
    rng = np.random
    return {
        "rand": _dims_random(rng.rand, "rand"),
        "randn": _dims_random(rng.randn, "randn"),
        "random": _sized_random(rng.random, 0, "random"),
        "random_sample": _sized_random(rng.random_sample, 0, "random_sample"),
        "randint": _sized_random(rng.randint, 2, "randint"),
        "normal": _sized_random(rng.normal, 2, "normal"),
        "uniform": _sized_random(rng.uniform, 2, "uniform"),
        "standard_normal": _sized_random(rng.standard_normal, 0, "standard_normal"),
        "choice": _sized_random(rng.choice, 1, "choice"),
    }


def _top_overrides() -> dict[str, Any]:
    return {
        "zeros": _shape_checked(np.zeros, "zeros"),
        "ones": _shape_checked(np.ones, "ones"),
        "empty": _shape_checked(np.zeros, "empty"),  # zeros: uninitialised memory is noise in a lesson
        "full": _shape_checked(np.full, "full"),
        "arange": _arange,
        "linspace": _linspace,
        "eye": _eye,
        "identity": _identity,
        "outer": _outer,
        "diag": _diag,
        "frombuffer": _frombuffer,
        "lib": _curated("numpy.lib", _lib_exports()),
        "testing": _curated("numpy.testing", _testing_exports()),
    }


def _lib_exports() -> dict[str, Any]:
    from numpy.lib import mixins, scimath, stride_tricks

    tricks = _curated(
        "numpy.lib.stride_tricks",
        {"sliding_window_view": stride_tricks.sliding_window_view, "broadcast_to": np.broadcast_to},
        "as_strided views any memory",
    )
    return {
        "stride_tricks": tricks,
        "mixins": _curated("numpy.lib.mixins", {"NDArrayOperatorsMixin": mixins.NDArrayOperatorsMixin}),
        "scimath": _module_proxy(scimath, "numpy.lib.scimath", {}),
        "NumpyVersion": np.lib.NumpyVersion,
    }


def _testing_exports() -> dict[str, Any]:
    import numpy.testing as testing

    return {name: getattr(testing, name) for name in dir(testing) if name.startswith("assert_")}


def _curated(display: str, exports: dict[str, Any], why: str = "it is not part of gradviz's numpy") -> ModuleProxy:
    def resolve(name: str) -> Any:
        if name in exports:
            return guard.vet(exports[name])
        if name == "__name__":
            return display
        if name.startswith("_"):
            raise AttributeError(f"module '{display}' has no attribute '{name}'")
        raise SandboxError(f"{display}.{name} is not available in gradviz: {why}")

    return ModuleProxy(display, resolve, lambda: list(exports))


def _module_proxy(module: types.ModuleType, display: str, overrides: dict[str, Any]) -> ModuleProxy:
    def resolve(name: str) -> Any:
        if name in overrides:
            return overrides[name]
        if name in _DENIED and display == "numpy":
            raise SandboxError(f"np.{name} is not available in gradviz: {_DENIED[name]}")
        if name.startswith("_"):
            if name in _MODULE_DUNDERS and hasattr(module, name):
                return getattr(module, name)
            raise AttributeError(f"module '{display}' has no attribute '{name}'")
        try:
            value = getattr(module, name)
        except AttributeError:
            raise AttributeError(f"module '{display}' has no attribute '{name}'") from None
        if isinstance(value, types.ModuleType):
            return _submodule(value, f"{display}.{name}", name)
        return guard.vet(value)

    def names() -> Iterable[str]:
        listed = set(dir(module)) | set(overrides)
        return [n for n in listed if not n.startswith("_") and not (display == "numpy" and n in _DENIED)]

    return ModuleProxy(display, resolve, names, repr(module))


_submodules: dict[str, ModuleProxy] = {}


def _submodule(module: types.ModuleType, display: str, name: str) -> ModuleProxy:
    real = module.__name__
    if not real.startswith("numpy.") or (display.count(".") == 1 and name not in _SUBMODULES):
        raise SandboxError(f"{display} is not available in gradviz: it is not part of gradviz's numpy")
    cached = _submodules.get(display)
    if cached is None:
        overrides = _random_overrides() if display == "numpy.random" else {}
        cached = _submodules[display] = _module_proxy(module, display, overrides)
    return cached


_proxy: ModuleProxy | None = None


def numpy_proxy() -> ModuleProxy:
    global _proxy
    if _proxy is None:
        _proxy = _module_proxy(np, "numpy", _top_overrides())
    return _proxy


def submodule_names() -> frozenset[str]:
    return _SUBMODULES | {"lib", "testing"}
