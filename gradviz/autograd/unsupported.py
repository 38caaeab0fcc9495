"""Names PyTorch has and gradviz does not (yet): asking for one is a NotImplementedError that
names it, never a silent wrong answer and never a confusing AttributeError."""

from __future__ import annotations

import builtins
import json
from functools import lru_cache
from pathlib import Path


class UnsupportedError(builtins.NotImplementedError, AttributeError):
    """Raised for a PyTorch name gradviz lacks. It is a NotImplementedError (what a learner
    reads) and also an AttributeError, so ``hasattr(x, "cumsum")`` stays False instead of raising."""


UnsupportedError.__name__ = "NotImplementedError"
UnsupportedError.__qualname__ = "NotImplementedError"
UnsupportedError.__module__ = "builtins"  # so tracebacks print it as the builtin it extends


@lru_cache(maxsize=1)
def _names() -> dict[str, frozenset[str]]:
    data = json.loads((Path(__file__).with_name("torch_names.json")).read_text())
    return {"tensor": frozenset(data["tensor_methods"]), "torch": frozenset(data["torch_functions"])}


def is_torch_tensor_method(name: str) -> bool:
    return name in _names()["tensor"]


def is_torch_function(name: str) -> bool:
    return name in _names()["torch"]


def not_supported(what: str) -> UnsupportedError:
    return UnsupportedError(
        f"gradviz does not support {what} yet: it exists in PyTorch, but gradviz has no "
        "implementation of it, so it refuses rather than guess"
    )
