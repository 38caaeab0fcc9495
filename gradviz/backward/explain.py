"""Explanations as data: why a tensor's ``.grad`` is None, and what a PyTorch error means.

A ``Reason`` is a code plus parameters; ``render`` turns it into English or Chinese text
(explain_text.py holds the words). Inputs are plain data — the tensor nodes of a graph snapshot
and the recorded backward calls — so the answers can be computed from a snapshot long after the
tensors are gone, and tested without Qt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gradviz.backward.explain_text import TEXTS, UNNAMED
from gradviz.language import language_for

__all__ = [
    "REASON_CODES",
    "GradContext",
    "Reason",
    "annotate_snapshot",
    "explain_error",
    "render",
    "why_grad_is_none",
]

REASON_CODES = tuple(TEXTS)
_INTEGER_DTYPES = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"}


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def fix(self) -> str | None:
        """A code suggestion, when one exists."""
        return self.params.get("fix")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        return cls(str(data["code"]), dict(data.get("params") or {}))


def render(reason: Reason | Mapping[str, Any], lang: str = "en") -> str:
    """The reason in words. ``lang`` is "en" or "zh" (or the UI's "zh_CN": see gradviz.language)."""
    return render_from(TEXTS, UNNAMED, reason, lang)


def render_from(
    texts: Mapping[str, Mapping[str, str]],
    unnamed: Mapping[str, str],
    reason: Reason | Mapping[str, Any],
    lang: str,
) -> str:
    """A reason in words from a table of templates (code -> language -> text). A missing or empty
    ``name`` reads as ``unnamed``, a missing ``fix`` as nothing, any other missing field as "?"."""
    if not isinstance(reason, Reason):
        reason = Reason.from_dict(reason)
    text_lang = language_for(lang).text
    params = {k: ("" if v is None else v) for k, v in reason.params.items()}
    if not params.get("name"):
        params["name"] = unnamed[text_lang]
    params.setdefault("fix", "")
    return texts[reason.code][text_lang].format_map(_Defaults(params))


class _Defaults(dict):
    """Missing template fields render as "?" rather than raising: a partial reason still reads."""

    def __missing__(self, key: str) -> str:
        return "?"


# -- why .grad is None ---------------------------------------------------------------------------
@dataclass
class GradContext:
    """What the backward calls of a session did, as the why-None rules need it."""

    calls: int = 0
    roots: list[str] = field(default_factory=list)  # tensor ids backward() started at
    accumulated: set[str] = field(default_factory=set)  # tensor ids whose .grad was written
    captured: set[str] = field(default_factory=set)  # tensor ids autograd.grad returned grads for
    grad_inputs: set[str] = field(default_factory=set)  # tensor ids passed as inputs to autograd.grad
    reached_nodes: set[str] = field(default_factory=set)  # grad_fn / AccumulateGrad ids that ran
    accumulate_of: dict[str, str] = field(default_factory=dict)  # AccumulateGrad id -> tensor id
    names: dict[str, str] = field(default_factory=dict)  # tensor id -> learner's name

    @classmethod
    def from_calls(cls, calls: Iterable[Any], names: Mapping[str, str] | None = None) -> GradContext:
        ctx = cls(names=dict(names or {}))
        for call in calls:
            data = call if isinstance(call, Mapping) else call.to_dict()
            ctx.calls += 1
            for event in data.get("events", []):
                kind = event.get("type")
                if kind == "call_started":
                    ctx.roots.extend(r for r in event.get("roots", []) if r not in ctx.roots)
                    if event.get("kind") == "grad":
                        ctx.grad_inputs.update(event.get("inputs", []))
                elif kind == "node_started":
                    ctx.reached_nodes.add(event["node_id"])
                elif kind == "grad_accumulated":
                    ctx.accumulated.add(event["tensor_id"])
                    ctx.accumulate_of[event["node_id"]] = event["tensor_id"]
                elif kind == "grad_captured":
                    ctx.captured.add(event["tensor_id"])
        return ctx


def why_grad_is_none(tensor: Mapping[str, Any], context: GradContext) -> Reason | None:
    """Why ``tensor.grad`` is None (tensor: a snapshot tensor node), or None if it is not None.

    ``tensor`` may carry ``origin`` ("no_grad" | "detach" | "data") when the runner knows how a
    tensor lost its history; a snapshot alone cannot tell those apart from a plain constant.
    """
    if tensor.get("grad") is not None:
        return None
    name = tensor.get("name")
    base = {"name": name}
    dtype = str(tensor.get("dtype", "float32"))
    if tensor.get("wrapped_number"):
        return Reason("python_number", {**base, "value": str(tensor.get("label") or "").strip() or "?"})
    if dtype in _INTEGER_DTYPES:
        return Reason("integer_dtype", {**base, "dtype": dtype})
    if not tensor.get("requires_grad", False):
        origin = tensor.get("origin")
        if origin == "no_grad":
            return Reason("created_under_no_grad", base)
        if origin in ("detach", "data"):
            method = "detach()" if origin == "detach" else ".data"
            return Reason("detached", {**base, "method": method})
        fix = f"{name}.requires_grad_()" if name else "requires_grad=True"
        return Reason("requires_grad_false", {**base, "fix": fix})
    if not tensor.get("is_leaf", True) and not tensor.get("retains_grad", False):
        grad_fn = tensor.get("grad_fn_name") or tensor.get("grad_fn") or "?"
        retain = f"{name}.retain_grad()" if name else None
        return Reason("not_leaf_no_retain", {**base, "grad_fn": grad_fn, "fix": retain})
    if context.calls == 0:
        return Reason("backward_not_called", {**base, "fix": "s.backward()"})
    tid = tensor.get("id")
    if tid in context.captured or tid in context.grad_inputs:
        return Reason("grad_via_autograd_grad", base)
    reached = (
        tid in context.accumulated if tensor.get("is_leaf", True) else tensor.get("grad_fn") in context.reached_nodes
    )
    if not reached:
        roots = ", ".join(context.names.get(r, r) for r in context.roots) or "?"
        return Reason("not_on_path", {**base, "roots": roots})
    return Reason("grad_reset", base)


def annotate_snapshot(snapshot: dict[str, Any], backward_calls: Sequence[Any]) -> dict[str, Any]:
    """Fill ``grad_none_reason`` ({"code", "params"}) on every tensor node whose grad is None.

    Works in place and returns the snapshot, so the caller can chain it after build_snapshot.
    """
    nodes = snapshot.get("nodes", [])
    names = {n["id"]: n["name"] for n in nodes if n.get("kind") == "tensor" and n.get("name")}
    op_names = {n["id"]: n.get("name") for n in nodes if n.get("kind") in ("op", "accumulate")}
    context = GradContext.from_calls(backward_calls, names)
    for node in nodes:
        if node.get("kind") != "tensor":
            continue
        info = dict(node)
        if node.get("grad_fn"):
            info["grad_fn_name"] = op_names.get(node["grad_fn"], node["grad_fn"])
        reason = why_grad_is_none(info, context)
        node["grad_none_reason"] = reason.to_dict() if reason is not None else None
    return snapshot


# -- errors ------------------------------------------------------------------------------------
_ERROR_PATTERNS: list[tuple[re.Pattern[str], str, str | None]] = [
    (
        re.compile(r"grad can be implicitly created only for scalar outputs"),
        "err_non_scalar_backward",
        "z.sum().backward()",
    ),
    (re.compile(r"backward through the graph a second time"), "err_backward_twice", "z.backward(retain_graph=True)"),
    (re.compile(r"modified by an inplace operation"), "err_version_counter", None),
    (
        re.compile(r"leaf Variable that requires grad is being used in an in-place operation"),
        "err_leaf_inplace",
        "with torch.no_grad():\n    x += 1",
    ),
    (re.compile(r"does not require grad and does not have a grad_fn"), "err_no_grad_fn", None),
    (
        re.compile(r"Only Tensors of floating point.*can require gradients"),
        "err_int_requires_grad",
        "torch.tensor([1.0, 2.0], requires_grad=True)",
    ),
    (re.compile(r"appears to not have been used in the graph"), "err_unused_input", None),
]


def explain_error(error_type: str, message: str, *, names: Mapping[str, str] | None = None) -> Reason | None:
    """A plain-words explanation of a PyTorch error, with a fix as code where one exists.

    ``names`` may carry {"root": variable name backward was called on} to tailor the fix.
    """
    if error_type not in ("RuntimeError", "ValueError", "TypeError"):
        return None
    root = (names or {}).get("root")
    for pattern, code, fix in _ERROR_PATTERNS:
        if pattern.search(message):
            params: dict[str, Any] = {"error_type": error_type}
            if fix is not None:
                params["fix"] = fix.replace("z.", f"{root}.") if root and fix.startswith("z.") else fix
            return Reason(code, params)
    return None
