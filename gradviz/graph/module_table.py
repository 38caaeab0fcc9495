"""The module calls a snapshot's ops were made in, as plain data: path, type and a short label.

Each op node of a snapshot names its innermost call (``"module": "m12"``); the snapshot's graph
attribute ``modules`` lists those calls and their enclosing ones, outermost first::

    {"id": "m12", "parent": "m11", "path": "model.0", "type": "Linear", "label": "Linear(4, 16)",
     "detail": "in_features=4, out_features=16, bias=True", "forward_in_cell": false}

``forward_in_cell`` is true when the module's ``forward`` is the learner's own code (a ``class
Net(nn.Module)`` written in a cell): the ops it calls carry spans of their own expressions.

A path is the learner's: the outermost module is named by the variable that holds it (given by the
session, else found through its parameters' names, ``model.0.weight`` -> ``model``), each inner one by its attribute
path inside its caller (``0``, ``layers.1``). A module nobody named reads as its type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradviz.autograd.module_calls import ModuleCall

__all__ = ["call_id", "compact_detail", "module_table"]

_GRADVIZ = "gradviz."
# extra_repr keys that read as plain positional numbers: Linear(in_features=4, out_features=16)
# is written Linear(4, 16) in every tutorial.
_POSITIONAL = frozenset(
    {
        "in_features",
        "out_features",
        "in_channels",
        "out_channels",
        "input_size",
        "hidden_size",
        "num_features",
        "normalized_shape",
        "num_embeddings",
        "embedding_dim",
        "embed_dim",
        "num_heads",
        "p",
    }
)
_DEFAULTS = frozenset({"bias=True", "inplace=False", "batch_first=False", "elementwise_affine=True", "affine=True"})
_TOP_LEVEL_COMMA = re.compile(r",\s*(?![^()\[\]]*[)\]])")


def call_id(call: ModuleCall) -> str:
    return f"m{call.uid}"


def compact_detail(detail: str) -> str:
    """``in_features=4, out_features=16, bias=True`` -> ``4, 16``: sizes as numbers, defaults dropped."""
    parts: list[str] = []
    for part in (p.strip() for p in _TOP_LEVEL_COMMA.split(detail)):
        if not part or part in _DEFAULTS:
            continue
        key, eq, value = part.partition("=")
        parts.append(value if eq and key.strip() in _POSITIONAL else part)
    return ", ".join(parts)


def _detail(module: Any) -> str | None:
    """gradviz's own extra_repr of a module; a learner's override is their code, not called here."""
    method = getattr(type(module), "extra_repr", None)
    if method is None or not str(getattr(method, "__module__", "")).startswith(_GRADVIZ):
        return None
    try:
        text = method(module)
    except Exception:  # noqa: BLE001 - a half-built module must not break the snapshot
        return None
    return text if isinstance(text, str) else None


class _Names:
    """Module object -> its attribute path below a caller, and roots -> the learner's variable."""

    def __init__(self, tensor_names: Mapping[int, list[str]], module_names: Mapping[int, str]) -> None:
        self.tensor_names = tensor_names
        self.module_names = module_names
        self.children: dict[int, dict[int, str]] = {}  # id(parent module) -> id(descendant) -> path

    def below(self, parent: Any, child: Any) -> str | None:
        table = self.children.get(id(parent))
        if table is None:
            table = {}
            try:
                for name, module in parent.named_modules():
                    if name and id(module) not in table:
                        table[id(module)] = name
            except Exception:  # noqa: BLE001 - as above
                table = {}
            self.children[id(parent)] = table
        return table.get(id(child))

    def root(self, module: Any) -> str | None:
        bound = self.module_names.get(id(module))
        if bound is not None:
            return bound
        try:
            params = list(module.named_parameters())
        except Exception:  # noqa: BLE001 - as above
            return None
        for pname, param in params:
            for name in self.tensor_names.get(id(param), ()):
                suffix = "." + pname
                if name.endswith(suffix) and len(name) > len(suffix):
                    return name[: -len(suffix)]
        return None


def module_table(
    calls: Iterable[ModuleCall], tensor_names: Mapping[int, list[str]], module_names: Mapping[int, str] | None = None
) -> list[dict[str, Any]]:
    """Rows for ``calls`` and every call enclosing them, parents before children, by creation.
    ``module_names``: id(module) -> the learner's variable holding it, which names a root first."""
    every: dict[int, ModuleCall] = {}
    for call in calls:
        for link in call.chain():
            every.setdefault(link.uid, link)
    names = _Names(tensor_names, module_names or {})
    paths: dict[int, str] = {}
    rows: list[dict[str, Any]] = []
    for uid in sorted(every):  # a parent call opens before its children, so its uid is smaller
        call = every[uid]
        module = call.module()
        parent = call.parent
        if parent is None:
            path = (names.root(module) if module is not None else None) or call.type_name
        else:
            outer = parent.module()
            inner = names.below(outer, module) if outer is not None and module is not None else None
            path = f"{paths[parent.uid]}.{inner or call.type_name}"
        paths[uid] = path
        detail = _detail(module) if module is not None else None
        short = compact_detail(detail) if detail else ""
        rows.append(
            {
                "id": call_id(call),
                "parent": call_id(parent) if parent is not None else None,
                "path": path,
                "type": call.type_name,
                "label": f"{call.type_name}({short})" if short else call.type_name,
                "detail": detail,
                "forward_in_cell": call.forward_in_cell,
            }
        )
    return rows
