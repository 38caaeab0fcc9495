"""Tensor text exactly as PyTorch 2.13 prints it, computed over numpy arrays.

gradviz promises that a script prints what real PyTorch prints, so ``repr(tensor)`` is a
fidelity contract, not a cosmetic.  Everything here was learned by observing torch 2.13 and
is pinned by ``tests/goldens/printing.json`` (recorded by ``tools/record_printing_goldens.py``).

The behaviours worth knowing, all observed:

* One element format for the whole tensor.  Floats choose between an "integer" look (``1.``),
  fixed point with ``precision`` digits, and scientific notation, judged only on the nonzero
  finite elements that are actually shown (the summarised edges of a large tensor).  The
  ``sci_mode`` print option overrides the choice, but only when there is such an element.
* Every element is right-aligned to the widest *nonzero finite* element.  ``nan``/``inf``/zeros
  do not widen the column, and a tensor with no nonzero finite element has a nominal width of 1,
  which also decides how many elements fit on a line (so 24 zeros per 80-column line).
* Rows wrap by a count: ``(linewidth - indent) // (width + 2)`` elements per line, at least one.
* Blocks of an n-d tensor are separated by ``,`` plus ``dim - 1`` newlines; summarised axes show
  ``...`` (`` ...`` inside a row) between the first and last ``edgeitems`` entries.
* Suffixes (``size=``, ``dtype=``, then the autograd one) follow ``, `` unless a conservative
  length test against ``linewidth`` moves them to a new line indented under the prefix.
* ``edgeitems == 0`` makes torch always add ``size=`` and print a summarised tensor as ``[...]``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = [
    "PrintOptions",
    "format_size",
    "format_tensor",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
]


@dataclass
class PrintOptions:
    """The knobs of ``torch.set_printoptions``; ``sci_mode=None`` means "decide per tensor"."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


# Profiles as torch defines them; a profile resets these four fields before explicit arguments.
_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

_OPTIONS = PrintOptions()

# Dtypes whose name torch leaves out of a non-empty tensor's repr (besides the default dtype):
# their values already say what they are (``1`` vs ``1.``, ``True``).
_SELF_EVIDENT_DTYPES = frozenset({"int64", "bool"})

# Threshold ratios torch uses to switch floats to scientific notation.
_SCI_RATIO = 1000.0
_SCI_MAX = 1.0e8
_SCI_MIN = 1.0e-4


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change the global print options with ``torch.set_printoptions`` semantics.

    As in torch, ``sci_mode`` is always assigned, so any call without it goes back to
    automatic notation.
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"Unknown profile {profile!r}; expected one of {sorted(_PROFILES)}")
        for name, value in _PROFILES[profile].items():
            setattr(_OPTIONS, name, value)
    if precision is not None:
        _OPTIONS.precision = precision
    if threshold is not None:
        _OPTIONS.threshold = threshold
    if edgeitems is not None:
        _OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTIONS.linewidth = linewidth
    _OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options as a plain dict, keys as in ``torch._tensor_str.get_printoptions``."""
    return asdict(_OPTIONS)


@contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change print options (``torch.printoptions``), restoring them on exit."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


def format_size(shape: Sequence[int]) -> str:
    """``torch.Size`` text: ``torch.Size([2, 3])``, ``torch.Size([])`` for a scalar."""
    return "torch.Size([" + ", ".join(str(int(n)) for n in shape) + "])"


def format_tensor(
    values: np.ndarray,
    dtype: str,
    grad_suffix: str | None = None,
    *,
    prefix: str = "tensor(",
    options: PrintOptions | None = None,
    default_dtype: str = "float32",
) -> str:
    """Text of a tensor holding ``values`` with torch dtype name ``dtype``.

    ``grad_suffix`` is the autograd part (``grad_fn=<MulBackward0>`` or ``requires_grad=True``).
    A multi-line ``prefix`` such as ``"Parameter containing:\\ntensor("`` is supported: only its
    last line sets the indentation, as with ``nn.Parameter``'s repr.  ``options`` defaults to the
    global print options.
    """
    opts = _OPTIONS if options is None else options
    array = _as_dtype(np.asarray(values), dtype)
    head, newline, opener = prefix.rpartition("\n")
    indent = len(opener)

    suffixes: list[str] = []
    if array.size == 0:
        # Nothing to show, so torch states the shape (unless it is the plain ``(0,)``) and any
        # dtype other than the default: no element can hint at it.
        if array.ndim != 1:
            suffixes.append("size=" + _shape_tuple_text(array.shape))
        if dtype != default_dtype:
            suffixes.append("dtype=torch." + dtype)
        body = "[]"
    else:
        if not opts.edgeitems:
            suffixes.append("size=" + _shape_tuple_text(array.shape))
        if dtype != default_dtype and dtype not in _SELF_EVIDENT_DTYPES:
            suffixes.append("dtype=torch." + dtype)
        body = _body_text(array, indent, opts)
    if grad_suffix:
        suffixes.append(grad_suffix)
    return head + newline + _append_suffixes(opener + body, suffixes, indent, opts.linewidth)


# Storage for the torch dtypes numpy can hold; others (bfloat16) are printed from what is given.
_STORAGE: dict[str, np.dtype[Any]] = {
    name: np.dtype(name)
    for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")
}


def _as_dtype(array: np.ndarray, dtype: str) -> np.ndarray:
    """Values as the tensor's own storage type, so a float32 tensor prints its float32 values
    (``0.1000000015``) even if a caller hands over wider numbers."""
    if array.dtype.kind not in "biuf":
        raise NotImplementedError(f"printing tensors whose values are {array.dtype} ({dtype})")
    storage = _STORAGE.get(dtype)
    if storage is not None and array.dtype != storage:
        with np.errstate(over="ignore", invalid="ignore"):
            return array.astype(storage)
    return array


def _shape_tuple_text(shape: tuple[int, ...]) -> str:
    """Python's tuple repr of a shape, ``(2000,)`` included, as torch uses in ``size=``."""
    return str(tuple(int(n) for n in shape))


def _append_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    """Join suffixes after the data, wrapping with torch's (conservative) length test.

    The running length starts two above the true length of the last line and only becomes
    exact after a wrap; observed line breaks depend on exactly that bookkeeping.
    """
    parts = [text]
    running = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if running + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            running = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            running += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _body_text(array: np.ndarray, indent: int, opts: PrintOptions) -> str:
    """The bracketed data of a non-empty tensor (or the bare element of a 0-dim one)."""
    summarize = array.size > opts.threshold
    if array.ndim == 0:
        return _element_strings(array.reshape(1), opts)[0][0]
    edge = int(opts.edgeitems)
    if summarize and not edge:
        return "[...]"
    shown = _summarized(array, edge) if summarize else array
    cells, width = _element_strings(shown.reshape(-1), opts)
    # Rows sit one column deeper per enclosing bracket; the row's own indent limits its length.
    row_indent = indent + array.ndim - 1
    per_line = max(1, math.floor((opts.linewidth - row_indent) / (width + 2)))
    elided = tuple(summarize and n > 2 * edge for n in array.shape)
    return _layout(cells, shown.shape, elided, edge, indent, per_line)


def _summarized(array: np.ndarray, edge: int) -> np.ndarray:
    """Keep the first and last ``edge`` entries of every axis longer than ``2 * edge``."""
    for axis, size in enumerate(array.shape):
        if size > 2 * edge:
            keep = np.r_[0:edge, size - edge : size]
            array = np.take(array, keep, axis=axis)
    return array


def _element_strings(flat: np.ndarray, opts: PrintOptions) -> tuple[list[str], int]:
    """Every element formatted and right-aligned to the common width, plus that width."""
    if flat.dtype.kind == "f":
        return _float_strings(flat, opts)
    texts = [str(v) for v in flat.tolist()]
    width = max(len(t) for t in texts)
    return [t.rjust(width) for t in texts], width


def _float_strings(flat: np.ndarray, opts: PrintOptions) -> tuple[list[str], int]:
    """Floats in one shared notation, decided on the nonzero finite elements.

    Values are formatted from their exact binary value widened to a Python float, so a
    float32 ``0.1`` shows ``0.1000000015`` at precision 10, as in torch.
    """
    # Plain Python over the widened values: for the few dozen elements a repr usually shows,
    # this is several times faster than a chain of small numpy reductions.
    py_values = flat.tolist()
    shown_at = [i for i, v in enumerate(py_values) if v != 0 and math.isfinite(v)]
    if not shown_at:
        # torch's width stays at its initial 1 here and sci_mode is not consulted.
        return [_integral_text(v) for v in py_values], 1
    magnitudes = [abs(py_values[i]) for i in shown_at]
    smallest = min(magnitudes)
    largest = max(magnitudes)
    ratio = largest / smallest  # an overflow gives inf, which reads as "far apart" as torch does
    integral = all(m.is_integer() for m in magnitudes)
    if integral:
        scientific = ratio > _SCI_RATIO or largest > _SCI_MAX
    else:
        scientific = ratio > _SCI_RATIO or largest > _SCI_MAX or smallest < _SCI_MIN
    if opts.sci_mode is not None:
        scientific = opts.sci_mode

    if scientific:
        spec = f".{opts.precision}e"
        texts = [format(v, spec) for v in py_values]
    elif integral:
        texts = [_integral_text(v) for v in py_values]
    else:
        spec = f".{opts.precision}f"
        texts = [format(v, spec) for v in py_values]
    width = max(len(texts[i]) for i in shown_at)
    return [t.rjust(width) for t in texts], width


def _integral_text(value: float) -> str:
    """``3.`` for a whole number, ``nan``/``inf`` as Python spells them (no trailing dot)."""
    text = format(value, ".0f")
    return text + "." if math.isfinite(value) else text


def _layout(
    cells: list[str],
    shape: tuple[int, ...],
    elided: tuple[bool, ...],
    edge: int,
    indent: int,
    per_line: int,
) -> str:
    """Nest the formatted cells into torch's bracket layout.

    Recursion depth is the tensor's number of dimensions (a handful), not a graph depth.
    """
    row_len = shape[-1]

    def block(start: int, axis: int, depth_indent: int) -> str:
        count = shape[axis]
        if axis == len(shape) - 1:
            items = cells[start : start + row_len]
            if elided[axis]:
                items = [*items[:edge], " ...", *items[edge:]]
            lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
            return "[" + (",\n" + " " * (depth_indent + 1)).join(lines) + "]"
        stride = math.prod(shape[axis + 1 :])
        parts = [block(start + i * stride, axis + 1, depth_indent + 1) for i in range(count)]
        if elided[axis]:
            parts.insert(edge, "...")
        separator = "," + "\n" * (len(shape) - axis - 1) + " " * (depth_indent + 1)
        return "[" + separator.join(parts) + "]"

    return block(0, 0, indent)
