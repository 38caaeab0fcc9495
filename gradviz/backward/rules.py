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

__all__ = ["ELEMENTWISE", "MIXING", "SMALL_NUMEL", "STRUCTURAL", "NodeRule", "node_rule", "rule_names"]

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
    # a Python number as the other operand (x + 1, x - 1, x * 2): only self gets a grad
    "AddBackward1": {"self": ("grad", "{g}")},
    "SubBackward1": {"self": ("grad", "{g}")},
    "MulBackward1": {"self": ("grad × other", "{g} × {other}")},
    "ClampBackward1": {"self": ("grad × (min ≤ self ≤ max)", "{g} × ({min} ≤ {self} ≤ {max})")},
    "ClampMinBackward0": {"self": ("grad × (self ≥ min)", "{g} × ({self} ≥ {min})")},
    "LeakyReluBackward0": {
        "self": ("grad × (1 if self > 0 else negative_slope)", "{g} × (1 if {self} > 0 else {negative_slope})")
    },
    "SiluBackward0": {
        "self": ("grad × σ(self) × (1 + self × (1 - σ(self)))", "{g} × σ({self}) × (1 + {self} × (1 - σ({self})))")
    },
    "GeluBackward0": {"self": ("grad × (Φ(self) + self × φ(self))", "{g} × (Φ({self}) + {self} × φ({self}))")},
    "SoftplusBackward0": {"self": ("grad × σ(beta × self)", "{g} × σ({beta} × {self})")},
    "HardtanhBackward0": {"self": ("grad × (min_val < self < max_val)", "{g} × ({min_val} < {self} < {max_val})")},
    "LogSigmoidBackward0": {"self": ("grad × (1 - σ(self))", "{g} × (1 - σ({self}))")},
    "CeluBackward0": {
        "self": ("grad × (1 if self > 0 else exp(self / alpha))", "{g} × (1 if {self} > 0 else exp({self} / {alpha}))")
    },
    # the losses, with reduction='mean' (n elements); 'sum' and 'none' drop the "/ n"
    "MseLossBackward0": {
        "self": ("grad × 2 × (self - target) / n", "{g} × 2 × ({self} - {target}) / {n}"),
        "target": ("-grad × 2 × (self - target) / n", "-{g} × 2 × ({self} - {target}) / {n}"),
    },
    "BinaryCrossEntropyBackward0": {
        "self": (
            "grad × (self - target) / (self × (1 - self)) / n",
            "{g} × ({self} - {target}) / ({self} × (1 - {self})) / {n}",
        )
    },
    "BinaryCrossEntropyWithLogitsBackward0": {
        "self": ("grad × (σ(self) - target) / n", "{g} × (σ({self}) - {target}) / {n}")
    },
}
_REDUCED_BY_MEAN = {"MseLossBackward0", "BinaryCrossEntropyBackward0", "BinaryCrossEntropyWithLogitsBackward0"}

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
    "TransposeBackward1": {"self": "grad.transpose(dim0, dim1)"},
    "SqueezeBackward1": {"self": "grad.unsqueeze(dim)"},
    "SqueezeBackward4": {"self": "grad.reshape(self.shape)"},
    "SelectBackward0": {"self": "select_backward(grad, self.shape, dim, index)"},
    "SliceBackward0": {"self": "slice_backward(grad, self.shape, dim, start, end, step)"},
    "IndexBackward0": {"self": "zeros_like(self).index_put(indices, grad, accumulate=True)"},
    "RepeatBackward0": {"self": "Σ of grad over the repeated copies"},
    "ToCopyBackward0": {"self": "grad.to(self.dtype)"},
    "WhereBackward0": {"self": "where(condition, grad, 0)", "other": "where(condition, 0, grad)"},
    # cat and stack: one clause for every input tensor (slots tensors0, tensors1, ...)
    "MaskedFillBackward0": {"self": "where(mask, 0, grad)"},
    "IndexSelectBackward0": {"self": "zeros_like(self).index_add(dim, index, grad)"},
    "GatherBackward0": {"self": "zeros_like(self).scatter_add(dim, index, grad)"},
    "EmbeddingBackward0": {"weight": "zeros_like(weight).index_add(0, indices, grad)"},
    "SignBackward0": {"self": "zeros_like(grad)"},
    "SgnBackward0": {"self": "zeros_like(grad)"},
    "CatBackward0": {"*": "grad.narrow(dim, start, size)"},
    "StackBackward0": {"*": "grad.select(dim, i)"},
}

# Rules that mix elements (a softmax row, a max along a dim, a class picked by its target): input
# slot -> the rule in symbols; their lines are built by _mixing_line from the same operands.
MIXING: dict[str, dict[str, str]] = {
    "SoftmaxBackward0": {"self": "result × (grad - Σ_dim(grad × result))"},
    "LogSoftmaxBackward0": {"self": "grad - exp(result) × Σ_dim(grad)"},
    "MaxBackward0": {"self": "zeros_like(self).scatter(dim, indices, grad)"},
    "MinBackward0": {"self": "zeros_like(self).scatter(dim, indices, grad)"},
    "MaxBackward1": {"self": "where(self == result, grad / k, 0)"},
    "MinBackward1": {"self": "where(self == result, grad / k, 0)"},
    "NllLossBackward0": {"self": "zeros_like(self).scatter(1, target, -grad / N)"},
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
    "row_sum": {"en": "Σ along dim {dim}", "zh": "沿维度 {dim} 求和"},
    "at_extreme": {
        "en": "self{index} = {value} is the {which} along dim {dim}; the other elements get 0",
        "zh": "self{index} = {value} 是沿维度 {dim} 的{which}；其余元素得到 0",
    },
    "at_extreme_all": {
        "en": "self{index} = {value} is the {which}, held by k = {k} element(s); the other elements get 0",
        "zh": "self{index} = {value} 是{which}，共 k = {k} 个元素取到它；其余元素得到 0",
    },
    "max": {"en": "max", "zh": "最大值"},
    "min": {"en": "min", "zh": "最小值"},
    "target_class": {
        "en": "row {row}'s target class; N = {n} rows; the other classes get 0",
        "zh": "第 {row} 行的目标类别；N = {n} 行；其余类别得到 0",
    },
}


def _word(key: str, lang: str, **params: Any) -> str:
    return _WORDS[key][lang].format(**params)


def rule_names() -> list[str]:
    """Every node name this module has a rule for (a test checks each is in the op table)."""
    return sorted({*ELEMENTWISE, *STRUCTURAL, *MIXING})


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
        self.saved_kinds: dict[str, str] = {}
        self.shapes: dict[str, list[int]] = {}  # input shapes, known even when values are not
        if op is None:
            return
        names = list(op.get("input_names") or [])
        for name, tensor_id in zip(names, op.get("inputs") or []):
            summary = tensors.get(str(tensor_id), {}).get("values") if tensor_id else None
            self.arrays[name] = _array(summary)
            if summary is not None and summary.get("shape") is not None:
                self.shapes[name] = [int(n) for n in summary["shape"]]
        outputs = op.get("outputs") or []
        if outputs:
            self.arrays["result"] = _array(tensors.get(str(outputs[0]), {}).get("values"))
        self.scalars = _scalars(op)
        for saved in op.get("saved") or []:
            # a saved tensor that is no input (nll_loss's and binary_cross_entropy's target): its
            # values, when the snapshot holds that tensor
            attr = str(saved.get("attr", "")).removeprefix("_saved_")
            tensor_id = saved.get("tensor")
            if saved.get("kind") == "tensor" and tensor_id and attr not in self.arrays:
                summary = tensors.get(str(tensor_id), {}).get("values")
                if summary is not None:
                    self.arrays[attr] = _array(summary)
        # which saved attributes hold something (an nll_loss weight tensor) and which are None
        self.saved_kinds = {
            str(saved.get("attr", "")).removeprefix("_saved_"): str(saved.get("kind"))
            for saved in op.get("saved") or []
        }

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
    for key in ("self", "other", "result", "exponent", "target"):
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
    for key in ("self", "other", "result", "target", "negative_slope", "min", "max", "min_val", "max_val"):
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


def _signed(value: float) -> str:
    """A number as an operand: a negative one in parentheses (``2 × (-1)``)."""
    text = format_number(value)
    return f"({text})" if text.startswith("-") else text


def _first_index(array: np.ndarray) -> tuple[int, ...]:
    return tuple(0 for _ in array.shape)


def _dim(operands: _Operands, ndim: int) -> int | None:
    try:
        dim = int(operands.scalars.get("dim", ""))
    except ValueError:
        return None
    return dim + ndim if dim < 0 else dim


def _row_sum(values: np.ndarray, dim: int, index: tuple[int, ...]) -> float:
    """``values`` summed along ``dim``, read at ``index`` without that dim."""
    return float(values.sum(axis=dim)[index[:dim] + index[dim + 1 :]])


def _softmax_line(
    name: str, slot: str, grad: np.ndarray, sent: np.ndarray, operands: _Operands, lang: str
) -> str | None:
    result, dim = operands.arrays.get("result"), _dim(operands, sent.ndim)
    if result is None or dim is None or not result.shape == grad.shape == sent.shape:
        return None
    index = _first_index(sent)
    g, r = float(grad[index]), float(result[index])
    if name == "SoftmaxBackward0":
        what, numbers = "result × (grad - Σ(grad × result))", f"{_signed(r)} × ({_signed(g)} - "
        numbers += f"{_signed(_row_sum(grad * result, dim, index))})"
    else:
        what, numbers = "grad - exp(result) × Σgrad", f"{_signed(g)} - exp({format_number(r)}) × "
        numbers += _signed(_row_sum(grad, dim, index))
    where = _index_text(index)
    note = _word("element", lang, index=where, shape=list(sent.shape)) + "; " + _word("row_sum", lang, dim=dim)
    return f"grad_{slot}{where} = {what} = {numbers} = {format_number(float(sent[index]))}   ({note})"


def _extreme_line(
    name: str, slot: str, grad: np.ndarray, sent: np.ndarray, operands: _Operands, lang: str
) -> str | None:
    """max/min along a dim (the first row's winner gets its row's grad) or over all elements
    (every tie gets grad / k, as PyTorch spreads it)."""
    this = operands.arrays.get("self")
    if this is None or this.shape != sent.shape or grad.size == 0:
        return None
    which = _word("max" if name.startswith("Max") else "min", lang)
    if name in ("MaxBackward0", "MinBackward0"):
        dim = _dim(operands, sent.ndim)
        if dim is None:
            return None
        first_row = np.moveaxis(this, dim, -1)[tuple(0 for _ in range(sent.ndim - 1))]
        pick = int(np.argmax(first_row) if name == "MaxBackward0" else np.argmin(first_row))
        at = tuple(pick if axis == dim else 0 for axis in range(sent.ndim))
        row_index = _index_text(tuple(0 for _ in range(grad.ndim))) if grad.ndim else ""
        value, numbers = float(this[at]), f"grad{row_index}"
        note = _word("at_extreme", lang, index=_index_text(at), value=format_number(value), which=which, dim=dim)
    else:
        result = operands.arrays.get("result")
        ties = np.argwhere(this == float(result)) if result is not None and result.size == 1 else np.empty((0,))
        if not len(ties):
            return None
        at = tuple(int(i) for i in ties[0])
        value, k = float(this[at]), len(ties)
        numbers = f"grad / k = {_signed(float(grad.reshape(-1)[0]))} / {k}"
        note = _word("at_extreme_all", lang, index=_index_text(at), value=format_number(value), which=which, k=k)
    return f"grad_{slot}{_index_text(at)} = {numbers} = {format_number(float(sent[at]))}   ({note})"


def _nll_line(slot: str, grad: np.ndarray, sent: np.ndarray, operands: _Operands, lang: str) -> str | None:
    """The first row's target class (where the engine's grad is not 0) gets -grad / N."""
    rows = sent.reshape(sent.shape[0], -1) if sent.ndim > 1 else sent.reshape(1, -1)
    hit = np.flatnonzero(rows[0])
    if not len(hit) or grad.size == 0:
        return None
    at = (0, int(hit[0])) if sent.ndim > 1 else (int(hit[0]),)
    used = int(np.count_nonzero(rows.any(axis=1)))
    g = _signed(float(grad.reshape(-1)[0]))
    reduction = operands.scalars.get("reduction", "1")
    if operands.saved_kinds.get("weight", "none") != "none":
        numbers = "-grad × weight[class] / N" if reduction == "1" else "-grad × weight[class]"
    else:
        numbers = f"-grad / N = -{g} / {used}" if reduction == "1" else f"-grad = -{g}"
    note = _word("target_class", lang, row=0, n=used)
    return f"grad_{slot}{_index_text(at)} = {numbers} = {format_number(float(sent[at]))}   ({note})"


def _mixing_lines(
    name: str, slot: str, grad: np.ndarray | None, sent: np.ndarray | None, operands: _Operands, lang: str
) -> list[str]:
    """The line of a rule in ``MIXING`` at one representative element, with every number that
    element's grad is made of; the last number is the engine's (``sent``). Without the values it
    needs (a big tensor's preview), the rule in symbols."""
    head = f"grad_{slot} = {MIXING[name].get(slot, 'grad')}"
    if grad is None or sent is None or sent.ndim == 0:
        return [head]
    line: str | None = None
    if name in ("SoftmaxBackward0", "LogSoftmaxBackward0"):
        line = _softmax_line(name, slot, grad, sent, operands, lang)
    elif name in ("MaxBackward0", "MinBackward0", "MaxBackward1", "MinBackward1"):
        line = _extreme_line(name, slot, grad, sent, operands, lang)
    elif name == "NllLossBackward0":
        line = _nll_line(slot, grad, sent, operands, lang)
    return [line or head]


_POSITIONS = re.compile(r"\b(dim|dim0|dim1|index|start|end|step)\b")


def _with_scalars(formula: str, scalars: Mapping[str, str]) -> str:
    """A structural rule with the node's saved positions written in: ``grad.transpose(0, 1)``."""
    return _POSITIONS.sub(lambda m: scalars.get(m.group(1), m.group(1)), formula)


def _joined_formula(name: str, slot: str, slots: Sequence[str], operands: _Operands) -> str | None:
    """cat and stack with their numbers: input ``slot``'s part of the grad (``grad.narrow(0, 2, 2)``:
    rows 2 and 3 of a cat along dim 0; ``grad.select(0, 1)``: the second of a stack)."""
    if name not in ("CatBackward0", "StackBackward0") or slot not in slots:
        return None
    position = slots.index(slot)
    dim = operands.scalars.get("dim")
    if dim is None:
        return None
    if name == "StackBackward0":
        return f"grad.select({dim}, {position})"
    shapes = [operands.shapes.get(s) for s in slots[: position + 1]]
    if any(shape is None for shape in shapes):
        return None
    axis = int(dim)
    try:
        sizes = [shape[axis] for shape in shapes if shape]
    except IndexError:
        return None
    if len(sizes) != len(shapes):
        return None
    return f"grad.narrow({dim}, {sum(sizes[:-1])}, {sizes[-1]})"


def _elementwise_table(name: str, operands: _Operands, *, numbered: bool = True) -> dict[str, tuple[str, str]]:
    """``ELEMENTWISE[name]`` as this node's saved scalars read it: the losses' 'sum'/'none'
    reductions drop their "/ n", clamp keeps only the bounds it was given, and in the numbered
    lines alpha = 1 drops its factor (the symbolic rule keeps it: it is the op's rule)."""
    table = dict(ELEMENTWISE.get(name, {}))
    scalars = operands.scalars
    for slot, (formula, template) in table.items():
        if numbered and "{alpha}" in template and _number(scalars.get("alpha", "1")) == "1":
            # alpha = 1 (every a + b, a - b): the rule a learner knows has no alpha in it
            formula, template = formula.replace(" × alpha", ""), template.replace(" × {alpha}", "")
        if name in _REDUCED_BY_MEAN and scalars.get("reduction", "1") != "1":
            formula, template = formula.replace(" / n", ""), template.replace(" / {n}", "")
        if name == "ClampBackward1" and "max" not in scalars:
            formula, template = "grad × (self ≥ min)", "{g} × ({self} ≥ {min})"
        elif name == "ClampBackward1" and "min" not in scalars:
            formula, template = "grad × (self ≤ max)", "{g} × ({self} ≤ {max})"
        table[slot] = (formula, template)
    return table


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
    table = _elementwise_table(name, operands)
    if table:
        symbolic = _elementwise_table(name, operands, numbered=False)
        rule = ";  ".join(f"grad_{slot} = {formula}" for slot, (formula, _t) in symbolic.items())
    elif name in STRUCTURAL or name in MIXING:
        formulas = STRUCTURAL.get(name) or MIXING[name]
        named = {slot: formulas.get(slot) or formulas.get("*") for slot in slots or list(formulas)}
        rule = ";  ".join(f"grad_{slot} = {formula}" for slot, formula in named.items() if formula)
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
        if slot in table:
            formula, template = table[slot]
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
        elif name in MIXING:
            lines.extend(_mixing_lines(name, slot, grad, sent, operands, language))
        else:
            formulas = STRUCTURAL.get(name, {})
            formula = _joined_formula(name, slot, slots, operands) or _with_scalars(
                formulas.get(slot) or formulas.get("*") or "grad", operands.scalars
            )
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
