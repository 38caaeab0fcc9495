"""What ``import torch`` / ``import numpy`` / ``import math`` give learner code: curated proxies.

``torch`` is gradviz's PyTorch twin (``gradviz.torch``) seen through its ``__all__``; submodules
(``torch.nn``, ``torch.nn.functional``, ``torch.autograd``, ``torch.optim``) are proxies of the
matching ``gradviz.torch.*`` modules. A value is exported only if it is gradviz's own (a class,
function or instance defined under ``gradviz``), a gradviz.torch submodule, or plain data, so a
stray ``import numpy as np`` inside gradviz.torch can never surface as ``t.np``.
"""

from __future__ import annotations

import importlib
import math
import types
from typing import Any

from gradviz.runner.limits import check_int_bits
from gradviz.runner.sandbox.guard import ModuleProxy, is_internal_module, proxy_exports, proxy_has

__all__ = ["import_from", "reset_cache", "resolve_import", "star_exports", "torch_proxy"]

_TORCH_DENY = frozenset({"save", "load", "from_file", "hub", "jit", "compile", "utils", "set_default_tensor_type"})

_MATH_NAMES = (
    "pi",
    "e",
    "tau",
    "inf",
    "nan",
    "sqrt",
    "exp",
    "log",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "floor",
    "ceil",
    "trunc",
    "fabs",
    "pow",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "hypot",
    "degrees",
    "radians",
    "erf",
    "erfc",
    "gamma",
    "lgamma",
    "copysign",
    "fmod",
    "fsum",
    "dist",
    "gcd",
    "modf",
    "frexp",
    "ldexp",
)

_cache: dict[str, ModuleProxy] = {}


def reset_cache() -> None:
    _cache.clear()


def _plain_data(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return True
    return isinstance(value, tuple) and all(_plain_data(v) for v in value)


def _gradviz_owned(value: Any) -> bool:
    """Defined by gradviz (not by numpy, the standard library, or the runner itself)."""
    if isinstance(value, (type, types.FunctionType)):
        module = getattr(value, "__module__", "") or ""
    else:
        module = getattr(type(value), "__module__", "") or ""
    return module.startswith("gradviz.") and not is_internal_module(module)


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return [n for n in names if isinstance(n, str) and not n.startswith("_")]


def _torch_module_proxy(module: types.ModuleType, display: str) -> ModuleProxy:
    cached = _cache.get(module.__name__)
    if cached is not None:
        return cached
    exports: dict[str, Any] = {}
    proxy = ModuleProxy(display, exports, _TORCH_DENY)
    _cache[module.__name__] = proxy  # before recursing: submodules may refer back to parents
    for name in _public_names(module):
        if name in _TORCH_DENY:
            continue
        try:
            value = getattr(module, name)
        except Exception:  # noqa: BLE001 - a lazily loaded part the engine cannot provide (yet)
            continue
        if isinstance(value, types.ModuleType):
            if value.__name__.startswith("gradviz.torch"):
                exports[name] = _torch_module_proxy(value, "torch" + value.__name__[len("gradviz.torch") :])
            continue
        if _gradviz_owned(value) or _plain_data(value):
            exports[name] = value
    object.__setattr__(proxy, "_gv_exports", exports)
    return proxy


def torch_proxy() -> ModuleProxy:
    module = importlib.import_module("gradviz.torch")
    return _torch_module_proxy(module, "torch")


def _withheld(module: types.ModuleType, exports: dict[str, Any]) -> frozenset[str]:
    return frozenset(n for n in dir(module) if not n.startswith("_") and n not in exports)


def _factorial(n: int) -> int:
    # log2(n!) < n * log2(n): refuse before the C loop runs for minutes.
    if isinstance(n, int) and n > 2:
        check_int_bits(n * math.log2(n))
    return math.factorial(n)


def math_proxy() -> ModuleProxy:
    cached = _cache.get("math")
    if cached is None:
        exports = {name: getattr(math, name) for name in _MATH_NAMES}
        exports["factorial"] = _factorial
        cached = _cache["math"] = ModuleProxy("math", exports, _withheld(math, exports))
    return cached


def numpy_proxy() -> ModuleProxy:
    cached = _cache.get("numpy")
    if cached is None:
        import numpy

        from gradviz.runner.sandbox import safe_numpy

        exports = safe_numpy.exports()
        cached = _cache["numpy"] = ModuleProxy("numpy", exports, _withheld(numpy, exports))
    return cached


def _root(name: str) -> ModuleProxy:
    if name == "torch":
        return torch_proxy()
    if name == "numpy":
        return numpy_proxy()
    if name == "math":
        return math_proxy()
    raise ModuleNotFoundError(f"No module named '{name}'", name=name)


def _submodule(parent: ModuleProxy, parent_dotted: str, part: str) -> ModuleProxy | None:
    """``parent.part`` if it is a module proxy; for torch also a gradviz.torch submodule that
    ``__all__`` does not list (``import torch.nn.functional`` works even if only ``nn`` is)."""
    if proxy_has(parent, part):
        child = getattr(parent, part)
        return child if isinstance(child, ModuleProxy) else None
    if parent_dotted.split(".")[0] != "torch" or not part.isidentifier() or part.startswith("_"):
        return None
    real_name = "gradviz." + parent_dotted + "." + part
    try:
        module = importlib.import_module(real_name)
    except ImportError:
        return None
    return _torch_module_proxy(module, parent_dotted + "." + part)


def resolve_module(dotted: str) -> ModuleProxy:
    parts = dotted.split(".")
    current = _root(parts[0])
    for n, part in enumerate(parts[1:], start=1):
        child = _submodule(current, ".".join(parts[:n]), part)
        if child is None:
            raise ModuleNotFoundError(
                f"No module named '{dotted}' (gradviz provides torch, torch.nn, torch.nn.functional, "
                "torch.autograd, torch.optim, a subset of numpy, and math)",
                name=dotted,
            )
        current = child
    return current


def resolve_import(dotted: str, leaf: bool) -> ModuleProxy:
    """``import a.b.c`` binds ``a`` (leaf=False); ``import a.b.c as m`` binds ``c`` (leaf=True)."""
    module = resolve_module(dotted)
    return module if leaf else resolve_module(dotted.split(".")[0])


def import_from(dotted: str, name: str) -> Any:
    module = resolve_module(dotted)
    if proxy_has(module, name):
        return getattr(module, name)
    try:
        return resolve_module(dotted + "." + name)
    except ModuleNotFoundError:
        raise ImportError(f"cannot import name '{name}' from '{dotted}' (gradviz)", name=name) from None


def star_exports(dotted: str) -> dict[str, Any]:
    return proxy_exports(resolve_module(dotted))
