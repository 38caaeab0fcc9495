"""PyTorch's names on gradviz's classes: ``type(p)`` prints ``<class 'torch.nn.parameter.Parameter'>``.

A learner prints ``type(x)``, ``type(x.grad_fn)``, ``torch.manual_seed(0)`` or ``torch.no_grad()``
and must see what PyTorch shows there, never a gradviz module. Each facade package of gradviz.torch
calls :func:`present_module` once its names exist: every class it exports under a public name takes
the ``__module__``, ``__qualname__`` and ``__name__`` of PyTorch's class of that name, as recorded
from torch 2.13 by tools/record_torch_names.py. Node classes take PyTorch's too (``builtins`` for
the C++ nodes, ``torch.autograd.function`` for a custom Function's).

The module gradviz really defined a class in stays known here (:func:`defined_in`): the language
layer tells gradviz's classes from the learner's and the runner's by it.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import ModuleType

__all__ = ["defined_in", "present_as", "present_module", "torch_class_name"]

# class -> the module gradviz defined it in (weak: a custom Function's node class goes with it)
_DEFINED_IN: weakref.WeakKeyDictionary[type, str] = weakref.WeakKeyDictionary()


@cache
def _recorded() -> dict[str, list[str]]:
    data = json.loads(Path(__file__).with_name("torch_names.json").read_text(encoding="utf-8"))
    classes: dict[str, list[str]] = data["classes"]
    return classes


def torch_class_name(path: str) -> tuple[str, str] | None:
    """PyTorch's (``__module__``, ``__qualname__``) of the class at public ``path``
    (``torch.nn.Linear``), or None when PyTorch has no class there."""
    found = _recorded().get(path)
    return None if found is None else (found[0], found[1])


def present_as(cls: type, module: str, qualname: str | None = None) -> type:
    """Give ``cls`` PyTorch's module and name (its real module stays known to :func:`defined_in`)."""
    if cls not in _DEFINED_IN:
        _DEFINED_IN[cls] = cls.__module__
    qualname = cls.__qualname__ if qualname is None else qualname
    cls.__module__ = module
    cls.__qualname__ = qualname
    cls.__name__ = qualname.rpartition(".")[2]
    return cls


def present_module(facade: str, namespace: Mapping[str, object]) -> None:
    """Name the classes a gradviz.torch facade module exports as PyTorch names them.

    ``facade`` is the module's ``__name__`` (``gradviz.torch.nn``), ``namespace`` its globals; only
    the names in its ``__all__`` (or, without one, its public names) are looked at. A class already
    named (exported again by another facade module) keeps its first name."""
    torch_path = "torch" + facade.removeprefix("gradviz.torch")
    exported = namespace.get("__all__")
    names = list(exported) if isinstance(exported, (list, tuple)) else [n for n in namespace if not n.startswith("_")]
    for name in names:
        value = namespace.get(name)
        if isinstance(value, ModuleType) and value.__name__ == f"{facade}.{name}":
            present_module(value.__name__, vars(value))  # a facade submodule loaded with it (optim.lr_scheduler)
            continue
        if not isinstance(value, type) or value in _DEFINED_IN:
            continue
        if not value.__module__.startswith("gradviz."):
            continue
        found = torch_class_name(f"{torch_path}.{name}")
        if found is not None:
            present_as(value, *found)


def defined_in(cls: type) -> str | None:
    """The module gradviz defined ``cls`` in, for a class that shows PyTorch's name (else None)."""
    try:
        return _DEFINED_IN.get(cls)
    except TypeError:  # not weak-referenceable: never one of ours
        return None
