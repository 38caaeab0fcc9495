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

from gradviz.backward.explain_text import DEFAULTS, TEXTS, UNNAMED
from gradviz.backward.fixes import fix_insertion
from gradviz.language import language_for

__all__ = [
    "REASON_CODES",
    "GradContext",
    "Reason",
    "annotate_snapshot",
    "backward_receiver",
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
    ``name`` reads as ``unnamed``; a reason without a ``fix`` uses the template's "<lang>_nofix"
    wording when it has one (so no sentence points at code that is not there); other missing
    fields read as DEFAULTS says, else "?"."""
    if not isinstance(reason, Reason):
        reason = Reason.from_dict(reason)
    text_lang = language_for(lang).text
    params = {k: ("" if v is None else v) for k, v in reason.params.items()}
    if not params.get("name"):
        params["name"] = unnamed[text_lang]
    for key, words in DEFAULTS.items():
        if not params.get(key):
            params[key] = words[text_lang]
    templates = texts[reason.code]
    template = templates[text_lang]
    if not params.get("fix"):
        params["fix"] = ""
        template = templates.get(text_lang + "_nofix", template)
    return template.format_map(_Defaults(params))


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
    The reason is the one whose fix would help: a tensor that no backward call reached is told
    so before anything about leaves, since retain_grad() would not change that.
    """
    if tensor.get("grad") is not None:
        return None
    name = tensor.get("name")
    base = {"name": _display_name(tensor)}
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
        return Reason("requires_grad_false", {**base, **_fix(tensor, name, "requires_grad_()")})
    is_leaf = bool(tensor.get("is_leaf", True))
    retains = bool(tensor.get("retains_grad", False))
    if context.calls == 0:
        if not is_leaf and not retains:
            return _not_leaf(tensor, name, base)
        return Reason("backward_not_called", base)
    tid = tensor.get("id")
    if tid in context.captured or tid in context.grad_inputs:
        return Reason("grad_via_autograd_grad", base)
    reached = tid in context.accumulated if is_leaf else tensor.get("grad_fn") in context.reached_nodes
    if not reached:
        roots = ", ".join(dict.fromkeys(context.names[r] for r in context.roots if r in context.names))
        return Reason("not_on_path", {**base, "roots": roots})
    if not is_leaf and not retains:
        return _not_leaf(tensor, name, base)
    return Reason("grad_reset", base)


def _display_name(tensor: Mapping[str, Any]) -> str | None:
    """The learner's name for a tensor, else the source text that made it in backticks
    (`` `y * y` ``); None when neither is known (the text then says "this tensor")."""
    name = tensor.get("name")
    if name:
        return str(name)
    source = tensor.get("source_text")
    return f"`{source}`" if source else None


def _fix(tensor: Mapping[str, Any], name: Any, method: str) -> dict[str, Any]:
    """``{"fix": "y.retain_grad()", "fix_after_line": L}`` for a named tensor whose creation line is
    known (the fix goes right below it, see fixes.py); nothing for an expression without a name."""
    span = tensor.get("span")
    if not name or not span or len(span) < 4:
        return {}
    return {"fix": f"{name}.{method}", "fix_after_line": int(span[3])}


def _not_leaf(tensor: Mapping[str, Any], name: Any, base: dict[str, Any]) -> Reason:
    grad_fn = tensor.get("grad_fn_name") or "?"
    return Reason("not_leaf_no_retain", {**base, "grad_fn": grad_fn, **_fix(tensor, name, "retain_grad()")})


def annotate_snapshot(
    snapshot: dict[str, Any],
    backward_calls: Sequence[Any],
    sources: Mapping[int, tuple[str, int]] | None = None,
) -> dict[str, Any]:
    """Fill ``grad_none_reason`` ({"code", "params"}) on every tensor node whose grad is None.

    ``sources`` (cell index -> (source, first file line)) lets a fix be checked against the
    script: a fix that cannot be placed where it helps is dropped (fixes.fix_insertion), so the
    app never offers code that would not work. Works in place and returns the snapshot.
    """
    nodes = snapshot.get("nodes", [])
    names: dict[str, str] = {}
    for n in nodes:
        if n.get("kind") == "tensor":
            shown = _display_name(n)
            if shown:
                names[n["id"]] = shown
    op_names = {n["id"]: n.get("name") for n in nodes if n.get("kind") in ("op", "accumulate")}
    context = GradContext.from_calls(backward_calls, names)
    for node in nodes:
        if node.get("kind") != "tensor":
            continue
        info = dict(node)
        if node.get("grad_fn"):
            info["grad_fn_name"] = op_names.get(node["grad_fn"]) or "?"
        reason = why_grad_is_none(info, context)
        if reason is not None and reason.fix and sources is not None:
            reason = _placeable(reason, node, sources)
        node["grad_none_reason"] = reason.to_dict() if reason is not None else None
    return snapshot


def _placeable(reason: Reason, node: Mapping[str, Any], sources: Mapping[int, tuple[str, int]]) -> Reason:
    """The reason, without its fix when the fix has no certain place in the script."""
    span = node.get("span") or []
    cell = sources.get(int(span[0])) if span else None
    params = reason.params
    if cell is not None:
        source, first_line = cell
        if fix_insertion(source, str(params["fix"]), str(node.get("name")), int(params["fix_after_line"]), first_line):
            return reason
    kept = {k: v for k, v in params.items() if k not in ("fix", "fix_after_line")}
    return Reason(reason.code, kept)


# -- errors ------------------------------------------------------------------------------------
_ERROR_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"grad can be implicitly created only for scalar outputs"), "err_non_scalar_backward"),
    (re.compile(r"backward through the graph a second time"), "err_backward_twice"),
    (re.compile(r"modified by an inplace operation"), "err_version_counter"),
    (re.compile(r"leaf Variable that requires grad is being used in an in-place operation"), "err_leaf_inplace"),
    (re.compile(r"does not require grad and does not have a grad_fn"), "err_no_grad_fn"),
    (re.compile(r"Only Tensors of floating point.*can require gradients"), "err_int_requires_grad"),
    (re.compile(r"appears to not have been used in the graph"), "err_unused_input"),
    (
        re.compile(
            r"mat1 and mat2 shapes cannot be multiplied \((?P<left_rows>\d+)x(?P<left_cols>\d+) and "
            r"(?P<right_rows>\d+)x(?P<right_cols>\d+)\)"
        ),
        "err_matmul_shapes",
    ),
    (
        re.compile(
            r"size mismatch, got input \(\d+\), mat \((?P<mat_rows>\d+)x(?P<mat_cols>\d+)\), vec \((?P<vec>\d+)\)"
        ),
        "err_matvec_shapes",
    ),
    (re.compile(r"inconsistent tensor size, expected tensor \[(?P<a>\d+)\] and src \[(?P<b>\d+)\]"), "err_dot_sizes"),
    (
        re.compile(
            r"The size of tensor a \((?P<a>\d+)\) must match the size of tensor b \((?P<b>\d+)\) "
            r"at non-singleton dimension (?P<dim>\d+)"
        ),
        "err_broadcast",
    ),
    (re.compile(r"shape '\[(?P<shape>[-\d, ]*)\]' is invalid for input of size (?P<size>\d+)"), "err_view_size"),
    (
        re.compile(
            r"The expanded size of the tensor \((?P<target>-?\d+)\) must match the existing size "
            r"\((?P<existing>\d+)\) at non-singleton dimension (?P<dim>\d+)\.\s+Target sizes: "
            r"\[(?P<target_sizes>[-\d, ]*)\]\.\s+Tensor sizes: \[(?P<sizes>[\d, ]*)\]"
        ),
        "err_expand",
    ),
    (
        re.compile(
            r"Sizes of tensors must match except in dimension (?P<dim>\d+)\. Expected size (?P<expected>\d+) "
            r"but got size (?P<got>\d+) for tensor number (?P<index>\d+)"
        ),
        "err_cat_sizes",
    ),
]

# Errors whose fix is a rewrite of the call backward() was made on, when its receiver is known.
_ROOT_FIXES = {
    "err_non_scalar_backward": "{root}.sum().backward()",
    "err_backward_twice": "{root}.backward(retain_graph=True)",
}


def explain_error(error_type: str, message: str, *, names: Mapping[str, str] | None = None) -> Reason | None:
    """A plain-words explanation of a PyTorch error, with a fix as code where one exists.

    ``names`` may carry {"root": the learner's variable the relevant backward() was called on}
    (for "a second time": the earlier call, which needs retain_graph=True); without it the text
    describes the fix in words instead of naming a variable the learner does not have.
    """
    if error_type not in ("RuntimeError", "ValueError", "TypeError"):
        return None
    root = (names or {}).get("root")
    for pattern, code in _ERROR_PATTERNS:
        match = pattern.search(message)
        if match is None:
            continue
        params: dict[str, Any] = {"error_type": error_type, **match.groupdict()}
        template = _ROOT_FIXES.get(code)
        if template is not None and root and _IDENTIFIER_PATH.match(root):
            params["fix"] = template.format(root=root)
        if code == "err_matmul_shapes":
            params["left"] = f"{params['left_rows']}x{params['left_cols']}"
            params["right"] = f"{params['right_rows']}x{params['right_cols']}"
        elif code == "err_matvec_shapes":
            params["mat"] = f"{params['mat_rows']}x{params['mat_cols']}"
        elif code == "err_view_size":
            params.update(_view_holds(params["shape"], int(params["size"])))
        return Reason(code, params)
    return None


_RECEIVER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\.\s*backward\s*\(")


def backward_receiver(line: str | None) -> str | None:
    """The variable ``.backward(`` is called on in a line of learner code (``h`` in
    ``h.backward()``, ``model.loss`` in ``model.loss.backward()``), or None."""
    match = _RECEIVER.search(line or "")
    return match.group(1) if match else None


_IDENTIFIER_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _view_holds(shape_text: str, size: int) -> dict[str, str]:
    """How many elements the asked-for shape holds, in words (en and zh)."""
    dims = [int(d) for d in shape_text.replace(" ", "").split(",") if d]
    known = 1
    for d in dims:
        if d != -1:
            known *= d
    if -1 in dims:
        return {
            "holds": f"has -1, but the other sizes multiply to {known}, which does not divide {size}",
            "holds_zh": f"含有 -1，但其余尺寸的乘积是 {known}，不能整除 {size}",
        }
    return {"holds": f"holds {known}", "holds_zh": f"能容纳 {known} 个元素"}
