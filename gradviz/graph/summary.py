"""Plain-data descriptions of tensors and saved buffers for graph snapshots (schema: notes/graph_schema.md).

Everything returned here is JSON-ready (lists, str, int, float, bool, None): a snapshot crosses a
process boundary and is stored in CellResult, so no numpy scalar or Tensor may leak into it.
Non-finite floats become the strings "nan", "inf", "-inf", as trace.py writes them, because strict
JSON has no spelling for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gradviz.autograd.node import Node
    from gradviz.autograd.tensor import Tensor

__all__ = [
    "PREVIEW_CELLS",
    "array_summary",
    "format_shape",
    "json_number",
    "saved_buffers",
    "wrapped_value_text",
]

PREVIEW_CELLS = 64  # at most this many values are copied into a snapshot per array


def json_number(value: Any) -> Any:
    """A Python number made JSON-safe (non-finite floats as strings, numpy scalars unboxed)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    v = float(value)
    if math.isfinite(v):
        return v
    if v != v:
        return "nan"
    return "inf" if v > 0 else "-inf"


_shape_text: dict[tuple[int, ...], str] = {}


def format_shape(shape: Sequence[int] | None) -> str:
    """As torch.Size prints its content: ``[3, 2]``; a scalar is ``[]``, an unknown shape ``""``.
    Cached: graphs repeat shapes."""
    if shape is None:
        return ""
    key = tuple(shape)
    text = _shape_text.get(key)
    if text is None:
        text = "[" + ", ".join(str(int(s)) for s in key) + "]"
        if len(_shape_text) < 4096:
            _shape_text[key] = text
    return text


def _preview_block(a: np.ndarray) -> tuple[np.ndarray, bool]:
    """The top-left block of ``a`` viewed as 2-d (leading dims flattened), at most PREVIEW_CELLS.

    A top-left block, rather than the first 64 values in memory order, keeps a heatmap of a wide
    matrix two-dimensional (8x8 of a 100x100 weight instead of a strip of its first row).
    """
    if a.ndim <= 1:
        flat = a.reshape(-1)
        block = flat[:PREVIEW_CELLS]
        return (block if a.ndim == 1 else a), flat.size > PREVIEW_CELLS
    rows = a.reshape(-1, a.shape[-1]) if a.shape[-1] else a.reshape(-1, 0)
    n_rows, n_cols = rows.shape
    if n_rows * n_cols <= PREVIEW_CELLS:
        return rows, False
    side = math.isqrt(PREVIEW_CELLS)
    if n_rows <= 1:
        cols = min(n_cols, PREVIEW_CELLS)
    elif n_cols <= side:
        cols = n_cols
    else:
        cols = max(side, PREVIEW_CELLS // n_rows) if n_rows < side else side
        cols = min(cols, n_cols)
    keep_rows = min(n_rows, PREVIEW_CELLS // max(cols, 1))
    return rows[:keep_rows, :cols], True


def _clean(values: Any) -> Any:
    if isinstance(values, list):
        return [_clean(v) for v in values]
    if isinstance(values, float) and not math.isfinite(values):
        return json_number(values)
    return values


def array_summary(a: np.ndarray, dtype_name: str) -> dict[str, Any]:
    """ArraySummary: shape, dtype, numel, min/max/mean over finite values, a small 2-d preview."""
    numel = int(a.size)
    lo = hi = mean = None
    nonfinite = False
    if numel and a.dtype.kind in "fiub":
        if numel <= PREVIEW_CELLS:
            # Small arrays are the common case in teaching graphs; Python reductions over a
            # 9-element list are ~10x cheaper than three numpy reductions.
            flat = a.reshape(-1).tolist()
            total = sum(flat)
            if a.dtype.kind == "f" and not math.isfinite(total):
                nonfinite = True
                flat = [v for v in flat if math.isfinite(v)]
                total = sum(flat)
            if flat:
                # tolist() already gave Python numbers, all finite here.
                lo, hi, mean = min(flat), max(flat), total / len(flat)
        else:
            finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
            nonfinite = finite.size != numel
            if finite.size:
                lo, hi = json_number(finite.min()), json_number(finite.max())
                mean = json_number(finite.mean(dtype=np.float64))
    block, truncated = _preview_block(a)
    preview = block.tolist() if numel else []
    if nonfinite:
        preview = _clean(preview)
    shape = a.shape
    return {
        "shape": list(shape),
        "dtype": dtype_name,
        "numel": numel,
        "min": lo,
        "max": hi,
        "mean": mean,
        "preview": preview,
        "truncated": truncated,
    }


def wrapped_value_text(t: Tensor) -> str:
    """The Python number a wrapped scalar came from, as the learner typed it (``1``, ``0.5``)."""
    return repr(t._data.item())


def _plain_value(value: Any) -> tuple[str, str]:
    """(kind, printable text) of a saved non-tensor attribute."""
    if isinstance(value, (bool, int, float, np.integer, np.floating)):
        return "scalar", repr(value.item() if isinstance(value, np.generic) else value)
    if isinstance(value, (tuple, list)) and all(isinstance(v, (int, np.integer)) for v in value):
        return "ints", "[" + ", ".join(str(int(v)) for v in value) + "]"
    if value is None:
        return "none", "None"
    return "value", repr(value)


def saved_buffers(node: Node, tensor_id: Any) -> list[dict[str, Any]]:
    """SavedBuffer records for ``node.saved``, in the op's order of saved names.

    ``tensor_id(obj)`` maps a tensor object to its graph id. A freed SavedTensor no longer holds
    its tensor, so the id is recovered from what was saved: the op's output for ``result``, else
    the input of the same name (``self``/``other``).
    """
    from gradviz.autograd.node import SavedTensor

    op_inputs = tuple(getattr(node.op, "inputs", ()) or ())
    out: list[dict[str, Any]] = []
    for key, value in node.saved.items():
        record: dict[str, Any] = {"attr": f"_saved_{key}"}
        if isinstance(value, SavedTensor):
            source = value.tensor
            if source is None:
                if value.is_output and node.outputs:
                    source = node.outputs[0]
                elif key in op_inputs and op_inputs.index(key) < len(node.inputs):
                    source = node.inputs[op_inputs.index(key)]
            record.update(
                kind="tensor",
                shape=[int(s) for s in value.shape],
                dtype=value.dtype_name,
                nbytes=int(value.nbytes),
                freed=bool(value.freed),
                tensor=tensor_id(source) if source is not None else None,
                value="<freed>" if value.freed else f"tensor of shape {format_shape(value.shape)}",
            )
        else:
            kind, text = _plain_value(value)
            record.update(kind=kind, shape=None, dtype=None, nbytes=0, freed=False, tensor=None, value=text)
        out.append(record)
    return out
