"""A curated stand-in for a module: what ``import numpy`` / ``import random`` give learner code.

Names resolve lazily through the module's resolver (a public name of the real module, possibly
wrapped or refused), so a module that imports ``os`` or ``sys`` for its own use never hands them
on (``random._os``, ``typing.sys``), and nothing can be assigned.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from typing import Any

from gradviz.runner.sandbox.owners import allow_internal_type
from gradviz.runner.sandbox.policy import SandboxError
from gradviz.runner.sandbox.standins import register_face

__all__ = ["ModuleProxy", "proxy_exports", "proxy_name"]


@allow_internal_type
class ModuleProxy:
    """Attribute reads go to ``resolve(name)`` (cached); ``names()`` lists what ``dir()`` and
    ``from m import *`` see."""

    __slots__ = ("_gv_cache", "_gv_name", "_gv_names", "_gv_resolve", "_gv_text")

    def __init__(
        self, name: str, resolve: Callable[[str], Any], names: Callable[[], Iterable[str]], text: str | None = None
    ) -> None:
        object.__setattr__(self, "_gv_name", name)
        object.__setattr__(self, "_gv_resolve", resolve)
        object.__setattr__(self, "_gv_names", names)
        object.__setattr__(self, "_gv_cache", {})
        object.__setattr__(self, "_gv_text", text or f"<module '{name}' (gradviz)>")

    def __getattr__(self, name: str) -> Any:
        cache: dict[str, Any] = object.__getattribute__(self, "_gv_cache")
        try:
            return cache[name]
        except KeyError:
            pass
        value = object.__getattribute__(self, "_gv_resolve")(name)
        cache[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise SandboxError(f"modules are read-only in gradviz (cannot set {proxy_name(self)}.{name})")

    def __delattr__(self, name: str) -> None:
        raise SandboxError(f"modules are read-only in gradviz (cannot delete {proxy_name(self)}.{name})")

    def __repr__(self) -> str:
        return str(object.__getattribute__(self, "_gv_text"))

    def __dir__(self) -> list[str]:
        return sorted(object.__getattribute__(self, "_gv_names")())

    def __copy__(self) -> ModuleProxy:
        return self

    def __deepcopy__(self, memo: Any) -> ModuleProxy:
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(f"cannot pickle 'module' object {self!r}")


register_face(ModuleProxy, types.ModuleType)


def proxy_name(proxy: ModuleProxy) -> str:
    return str(object.__getattribute__(proxy, "_gv_name"))


def proxy_names(proxy: ModuleProxy) -> list[str]:
    return sorted(object.__getattribute__(proxy, "_gv_names")())


def proxy_exports(proxy: ModuleProxy) -> dict[str, Any]:
    """Every name the proxy lists, resolved (names that refuse on access are left out)."""
    exports: dict[str, Any] = {}
    for name in proxy_names(proxy):
        try:
            exports[name] = getattr(proxy, name)
        except (AttributeError, SandboxError):
            continue
    return exports
