"""A node's local backward rule with the step's own numbers written in, in English or Chinese.

``grad_self = grad × other = 0.25 × 3 = 0.75``: the symbolic rule is the op table's VJP in words;
the grad that arrived and the grads sent on come from the trace (what the engine computed), the
operands (``self``, ``other``, the op's ``result``) from the graph snapshot's tensor values and its
saved scalars (``alpha``, ``exponent``, ``numel``). Nothing here recomputes a gradient: the result
after the last ``=`` is always the engine's. Where an operand's value is unknown (a big tensor
with no preview at that element, a freed scalar) the line keeps the symbol instead of a number.

Elementwise rules show every element of a small tensor (at most ``SMALL_NUMEL``), one element (the
first) and the shape of a bigger one, and a single line when every element reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradviz.backward.numbers import format_number
from gradviz.language import language_for

__all__ = ["ELEMENTWISE", "SMALL_NUMEL", "STRUCTURAL", "NodeRule", "node_rule", "rule_names"]

SMALL_NUMEL = 4

# Each elementwise VJP: input slot -> (the rule in symbols, its substitution). The substitution
# names operands in braces; "{g}" is the arriving grad. One entry per node name of the op table.
ELEMENTWISE: dict[str, dict[str, tuple[str, str]]] = {
    "AddBackward0": {"self": ("grad", "{g}"), "other": ("grad × alpha", "{g} × {alpha}")},
    "SubBackward0": {"self": ("grad", "{g}"), "other": ("-grad × alpha", "-{g} × {alpha}")},
    "RsubBackward1": {"self": ("-grad × alpha", "-{g} × {alpha}")},
    "MulBackward0": {"self": ("grad × other", "{g} × {other}"), "other": ("grad × self", "{g} × {self}")},
    "DivBackward0": {
        "self": ("grad / other", "{g} / {other}"),
        "other": ("-grad × self / other²", "-{g} × {self} / {other}²"),
    },
    "DivBackward1": {"self": ("grad / other", "{g} / {other}")},
    "ReciprocalBackward0": {"self": ("-grad × result²", "-{g} × {result}²")},
    "NegBackward0": {"self": ("-grad", "-{g}")},
    "PowBackward0": {"self": ("grad × exponent × self^(exponent-1)", "{g} × {exponent} × {self}^({exponent}-1)")},
    "PowBackward1": {
        "self": ("grad × exponent × self^(exponent-1)", "{g} × {exponent} × {self}^({exponent}-1)"),
        "exponent": ("grad × result × ln(self)", "{g} × {result} × ln({self})"),
    },
    "ExpBackward0": {"self": ("grad × result", "{g} × {result}")},
    "LogBackward0": {"self": ("grad / self", "{g} / {self}")},
    "SqrtBackward0": {"self": ("grad / (2 × result)", "{g} / (2 × {result})")},
    "SinBackward0": {"self": ("grad × cos(self)", "{g} × cos({self})")},
    "CosBackward0": {"self": ("-grad × sin(self)", "-{g} × sin({self})")},
    "TanhBackward0": {"self": ("grad × (1 - result²)", "{g} × (1 - {result}²)")},
    "SigmoidBackward0": {"self": ("grad × result × (1 - result)", "{g} × {result} × (1 - {result})")},
    "ReluBackward0": {"self": ("grad × (result > 0)", "{g} × ({result} > 0)")},
    "AbsBackward0": {"self": ("grad × sign(self)", "{g} × sign({self})")},
    "CloneBackward0": {"self": ("grad", "{g}")},
    "MeanBackward0": {"self": ("grad / numel", "{g} / {numel}")},
    "MeanBackward1": {"self": ("grad / n", "{g} / {n}")},
    "SumBackward0": {"self": ("grad", "{g}")},
    "SumBackward1": {"self": ("grad", "{g}")},
}

# Rules that move or combine whole tensors: input slot -> the rule in symbols. Their lines show
# shapes and one element of the result instead of an element-by-element product.
STRUCTURAL: dict[str, dict[str, str]] = {
    "MmBackward0": {"self": "grad @ mat2ᵀ", "mat2": "selfᵀ @ grad"},
    "MvBackward0": {"self": "outer(grad, vec)", "vec": "selfᵀ @ grad"},
    "DotBackward0": {"self": "grad × tensor", "tensor": "grad × self"},
    "BmmBackward0": {"self": "grad @ mat2ᵀ", "mat2": "selfᵀ @ grad"},
    "AddmmBackward0": {"self": "grad", "mat1": "grad @ mat2ᵀ", "mat2": "mat1ᵀ @ grad"},
    "TBackward0": {"self": "gradᵀ"},
    "TransposeBackward0": {"self": "grad.transpose(dim0, dim1)"},
    "PermuteBackward0": {"self": "grad.permute(inverse dims)"},
    "ViewBackward0": {"self": "grad.view(self.shape)"},
    "UnsafeViewBackward0": {"self": "grad.reshape(self.shape)"},
    "UnsqueezeBackward0": {"self": "grad.squeeze(dim)"},
    "SqueezeBackward0": {"self": "grad.unsqueeze(dim)"},
    "ExpandBackward0": {"self": "grad.sum(expanded dims)"},
}

_WORDS: dict[str, dict[str, str]] = {
    "element": {"en": "element {index} of {shape}", "zh": "{shape} 中的元素 {index}"},
    "every": {"en": "every element", "zh": "每个元素"},
    "shapes": {"en": "shape {src} → {dst}", "zh": "形状 {src} → {dst}"},
    "summed": {
        "en": "summed from shape {src} down to {dst} (broadcast)",
        "zh": "从形状 {src} 求和回到 {dst}（广播）",
    },
    "expand_sum": {"en": "{k} grads summed into each element", "zh": "每个元素由 {k} 个梯度相加"},
    "expanded": {"en": "grad copied to every element of {shape}", "zh": "梯度复制到 {shape} 的每个元素"},
    "no_grad": {"en": "grad_{input}: not needed (no grad required)", "zh": "grad_{input}：不需要（不求梯度）"},
    "unknown": {"en": "(no rule in the table for {name})", "zh": "（表中没有 {name} 的规则）"},
    "accumulate": {"en": ".grad = .grad + grad", "zh": ".grad = .grad + grad"},
}


def _word(key: str, lang: str, **params: Any) -> str:
    return _WORDS[key][lang].format(**params)


def rule_names() -> list[str]:
    """Every node name this module has a rule for (a test checks each is in the op table)."""
    return sorted({*ELEMENTWISE, *STRUCTURAL})


@dataclass(frozen=True)
class NodeRule:
    """The rule of one node: ``rule`` in symbols (one clause per input), ``lines`` with numbers."""

    rule: str | None
    lines: list[str]


def _short(name: str) -> str:
    return name.rsplit("::", 1)[-1] if name else name


def _array(summary: Mapping[str, Any] | None) -> np.ndarray | None:
    """A trace grad (``values``) or snapshot ArraySummary (``preview``, complete only when not
    truncated) as an array of the tensor's shape; None when the values are not all known."""
    if summary is None or summary.get("truncated"):
        return None
    values = summary.get("values", summary.get("preview"))
    if values is None:
        return None
    shape = tuple(int(s) for s in summary.get("shape") or ())
    try:
        return np.asarray(values, dtype=float).reshape(shape)
    except (TypeError, ValueError):
        return None


def _at(array: np.ndarray | None, index: tuple[int, ...]) -> float | None:
    """``array`` read at ``index`` of the (broadcast) result shape, numpy's broadcasting rules."""
    if array is None:
        return None
    if array.ndim == 0:
        return float(array)
    if array.ndim > len(index):
        return None
    tail = index[len(index) - array.ndim :]
    try:
        return float(array[tuple(0 if size == 1 else i for i, size in zip(tail, array.shape))])
    except IndexError:
        return None


def _shape(summary: Mapping[str, Any] | None) -> list[int]:
    return [int(s) for s in (summary or {}).get("shape") or []]


def _index_text(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def _scalars(op: Mapping[str, Any]) -> dict[str, str]:
    """Saved non-tensor attributes by their short name (``_saved_alpha`` -> ``alpha``)."""
    out: dict[str, str] = {}
    for saved in op.get("saved") or []:
        if saved.get("kind") in ("scalar", "int", "float", "number"):
            attr = str(saved.get("attr", "")).removeprefix("_saved_")
            out[attr] = str(saved.get("value"))
    if "self_sym_numel" in out:
        out["numel"] = out["self_sym_numel"]
    return out


def _number(text: str) -> str:
    try:
        return format_number(float(text))
    except ValueError:
        return text


class _Operands:
    """The node's operands as arrays: its inputs by slot name, ``result``, and saved scalars."""

    def __init__(self, op: Mapping[str, Any] | None, tensors: Mapping[str, Mapping[str, Any]]) -> None:
        self.arrays: dict[str, np.ndarray | None] = {}
        self.scalars: dict[str, str] = {}
        if op is None:
            return
        names = list(op.get("input_names") or [])
        for name, tensor_id in zip(names, op.get("inputs") or []):
            self.arrays[name] = _array(tensors.get(str(tensor_id), {}).get("values")) if tensor_id else None
        outputs = op.get("outputs") or []
        if outputs:
            self.arrays["result"] = _array(tensors.get(str(outputs[0]), {}).get("values"))
        self.scalars = _scalars(op)

    def shape_of(self, name: str) -> list[int] | None:
        array = self.arrays.get(name)
        return list(array.shape) if array is not None else None


def _elementwise_line(
    slot: str,
    formula: str,
    template: str,
    grad: np.ndarray | None,
    sent: np.ndarray | None,
    operands: _Operands,
    index: tuple[int, ...],
) -> str:
    values: dict[str, str] = {key: _number(text) for key, text in operands.scalars.items()}
    for key in ("self", "other", "result", "exponent"):
        v = _at(operands.arrays.get(key), index)
        if v is not None:
            values[key] = format_number(v)
    if "numel" not in values and operands.arrays.get("self") is not None:
        values["numel"] = str(operands.arrays["self"].size)  # type: ignore[union-attr]
    if "n" not in values and grad is not None and operands.arrays.get("self") is not None:
        values["n"] = format_number(operands.arrays["self"].size / max(grad.size, 1))  # type: ignore[union-attr]
    values.setdefault("alpha", "1")
    g = _at(grad, index)
    values["g"] = format_number(g) if g is not None else "grad"
    if values["g"].startswith("-"):
        values["g"] = f"({values['g']})"
    for key in ("self", "other", "result"):
        if values.get(key, "").startswith("-"):
            values[key] = f"({values[key]})"
    result = _at(sent, index)
    substituted = _NEGATED_ZERO.sub("0", template.format_map(_Missing(values)))
    parts = [f"grad_{slot}", formula]
    if substituted != formula:
        parts.append(substituted)
    if result is not None and substituted != format_number(result):
        parts.append(format_number(result))
    return " = ".join(parts)


_NEGATED_ZERO = re.compile(r"(?<![\w.])-0(?![\d.])")  # "-{g}" with g = 0 reads "0", never "-0"


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return key


def _indices(shape: Sequence[int], uniform: bool) -> list[tuple[int, ...]]:
    """Which elements to write out: all of a small tensor, else the first one."""
    numel = int(np.prod(shape)) if shape else 1
    if uniform or numel > SMALL_NUMEL or numel == 0:
        return [tuple(0 for _ in shape)]
    return [tuple(int(i) for i in ix) for ix in np.ndindex(*shape)]


def _uniform(*arrays: np.ndarray | None) -> bool:
    return all(a is None or a.size == 0 or bool(np.all(a == a.flat[0])) for a in arrays)


def node_rule(
    view: Mapping[str, Any],
    snapshot: Mapping[str, Any] | None = None,
    lang: str = "en",
    nodes: Mapping[str, Mapping[str, Any]] | None = None,
) -> NodeRule:
    """The rule of ``view``'s node (a ``replay.vjp_view`` dict) with the numbers of this call.

    ``view["outputs"]`` empty (the node has not finished yet) gives the lines without their
    results; ``snapshot`` (the graph the call ran through) supplies operand values and saved
    scalars. ``nodes`` is ``snapshot``'s nodes by id when the caller already has them.
    """
    language = language_for(lang).text
    name = _short(str(view.get("name", "")))
    if nodes is None:  # callers asking for many nodes pass the snapshot's nodes by id, built once
        nodes = {str(n.get("id")): n for n in (snapshot or {}).get("nodes", [])}
    op = nodes.get(str(view.get("node_id")))
    operands = _Operands(op, nodes)
    slots = list((op or {}).get("input_names") or [])
    upstream = view.get("upstream") or []
    grad = _array(upstream[0]) if upstream else None
    outputs = list(view.get("outputs") or [])
    if name == "AccumulateGrad":
        return NodeRule(_word("accumulate", language), [])
    if name in ELEMENTWISE:
        table = ELEMENTWISE[name]
        rule = ";  ".join(f"grad_{slot} = {formula}" for slot, (formula, _t) in table.items())
    elif name in STRUCTURAL:
        rule = ";  ".join(f"grad_{slot} = {formula}" for slot, formula in STRUCTURAL[name].items())
    else:
        return NodeRule(None, [_word("unknown", language, name=name)] if name else [])
    lines: list[str] = []
    wanted: list[dict[str, Any]] = (
        outputs if outputs else [{"index": i, "target": "?", "value": None} for i in range(len(slots) or 1)]
    )
    for out in wanted:
        i = int(out.get("index") or 0)
        slot = slots[i] if i < len(slots) else ("self" if i == 0 else f"input{i}")
        if outputs and out.get("target") is None:
            lines.append(_word("no_grad", language, input=slot))
            continue
        sent_summary = out.get("value")
        sent = _array(sent_summary)
        reduced = out.get("reduced_from")
        # A broadcast input's grad was summed down: the element rule applies before the sum.
        before_sum = None if reduced else sent
        if name in ELEMENTWISE and slot in ELEMENTWISE[name]:
            formula, template = ELEMENTWISE[name][slot]
            if "{alpha}" in template and _number(operands.scalars.get("alpha", "1")) == "1":
                # alpha = 1 (every a + b, a - b): the rule a learner knows has no alpha in it
                formula, template = formula.replace(" × alpha", ""), template.replace(" × {alpha}", "")
            result_shape = (
                list(reduced) if reduced else _shape(sent_summary) or _shape(upstream[0] if upstream else None)
            )
            used = [a for key, a in operands.arrays.items() if "{" + key + "}" in template]
            uniform = _uniform(grad, before_sum, *used)
            indices = _indices(result_shape, uniform)
            for index in indices:
                line = _elementwise_line(slot, formula, template, grad, before_sum, operands, index)
                if len(indices) > 1 or (not uniform and result_shape and int(np.prod(result_shape)) > 1):
                    line += "   (" + _word("element", language, index=_index_text(index), shape=result_shape) + ")"
                elif uniform and result_shape and int(np.prod(result_shape)) > 1:
                    line += "   (" + _word("every", language) + ")"
                lines.append(line)
            if name in ("SumBackward0", "SumBackward1") and sent_summary is not None:
                lines[-1] += "   (" + _word("expanded", language, shape=_shape(sent_summary)) + ")"
        else:
            formula = STRUCTURAL.get(name, {}).get(slot, "grad")
            text = f"grad_{slot} = {formula}"
            src = _shape(upstream[0]) if upstream else []
            if sent_summary is not None:
                dst = _shape(sent_summary)
                text += ":  " + _word("shapes", language, src=src, dst=dst)
                if name == "ExpandBackward0" and dst:
                    count = int(np.prod(src)) // max(int(np.prod(dst)), 1) if src else 1
                    text += ";  " + _word("expand_sum", language, k=count)
                first = _at(sent, tuple(0 for _ in dst))
                if first is not None:
                    label = _index_text(tuple(0 for _ in dst)) if dst else ""
                    text += f";  grad_{slot}{label} = {format_number(first)}"
            lines.append(text)
        if reduced and sent_summary is not None:
            lines.append(
                "   → "
                + _word("summed", language, src=list(reduced), dst=_shape(sent_summary))
                + (f" = {format_number(_at(sent, tuple(0 for _ in _shape(sent_summary))))}" if sent is not None else "")
            )
    return NodeRule(rule, lines)
