"""The recurrent layers' own nodes, as PyTorch 2.13 records them on CPU.

* ``unsafe_chunk`` (UnsafeSplitBackward0): the gate split of the LSTM and GRU cells, one node with an
  output per chunk (the chunks are not tracked as views, as in PyTorch); backward concatenates the
  chunks' grads, zeros for chunks that got none.
* ``transpose_`` (TransposeBackward1): the in-place transpose of a batch_first layer's output.
* ``lstm_layer`` (MkldnnRnnLayerBackward0): a whole LSTM layer in one direction is one oneDNN node
  in PyTorch's CPU build, with three outputs (the sequence, h_n, c_n) and the saved attributes it
  shows (``weight0..3``, ``hx_``, ``cx_``, ``result0..3``, ``mode`` 2, ...). Here its forward is the
  LSTM recurrence in the input's dtype (gates i, f, g, o; ``c' = f c + i g``; ``h' = o tanh(c')``) and
  its backward is backpropagation through time in float64, rounded once per grad: float32 results
  agree with oneDNN's to float32 rounding, not bit for bit. ``result3`` (oneDNN's workspace) is an
  empty tensor here. A create_graph backward through it raises NotImplementedError.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.grad_mode import is_grad_enabled
from gradviz.autograd.node import BackwardRun, Grad, Node, NodeOutput, SavedTensor
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import VJP, GradCase, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["LstmLayerResult", "lstm_layer", "unsafe_chunk"]


def _make(array: np.ndarray, dtype: dtypes.DType) -> Tensor:
    return _registry.Tensor._make(array, dtype)


# -- unsafe_chunk ----------------------------------------------------------------------------------


class UnsafeSplitBackward0(Node):
    """One node for all chunks of ``unsafe_chunk``; backward concatenates their grads."""

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        dim: int = self.attrs["dim"]
        sizes: list[tuple[int, ...]] = self.attrs["chunk_shapes"]
        dtype = self.input_meta[0][1]
        if run.graph_mode:
            from gradviz.autograd.ops.functional_more import cat

            parts = [
                cast("Tensor", grads[i]) if grads.get(i) is not None else _make(np.zeros(shape, dtype.np), dtype)
                for i, shape in enumerate(sizes)
            ]
            return NodeOutput([cat(parts, dim)], {})
        arrays = [
            np.asarray(grads[i]) if grads.get(i) is not None else np.zeros(shape, dtype.np)
            for i, shape in enumerate(sizes)
        ]
        return NodeOutput([np.concatenate(arrays, axis=dim)], {})


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``Tensor.unsafe_chunk``: ``chunks`` pieces along ``dim`` (the last one smaller if need be)."""
    axis = dim % input.dim()
    length = input.shape[axis]
    split_size = -(-length // chunks)
    pieces = [
        np.ascontiguousarray(np.take(input._data, range(start, min(start + split_size, length)), axis=axis))
        for start in range(0, length, split_size)
    ]
    outputs = [_make(piece, input.dtype) for piece in pieces]
    if not (is_grad_enabled() and input.requires_grad and input.dtype.is_floating_point):
        return tuple(outputs)
    node = UnsafeSplitBackward0(None, "UnsafeSplitBackward0", (input._gradient_edge(),))
    node.num_outputs = len(outputs)
    node.needs_input_grad = (True,)
    node.inputs = (input,)
    node.input_meta = [(input._data.shape, input.dtype)]
    node.attrs = {"dim": axis, "chunk_shapes": [piece.shape for piece in pieces]}
    node.saved = {"dim": dim % (1 << 64), "self_sym_sizes": tuple(input.shape), "split_size": split_size}
    node.outputs = list(outputs)
    for nr, out in enumerate(outputs):
        out.grad_fn = node
        out._output_nr = nr
        out._requires_grad = True
    return tuple(outputs)


# -- transpose_ ------------------------------------------------------------------------------------

defop(
    "transpose_",
    "TransposeBackward1",
    ("self",),
    lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1),
    {"self": VJP(("dim0", "dim1"), lambda g, s: _swap(g, s.dim0, s.dim1))},
    dtype_rule="same",
    save=lambda arrays, attrs: {"dim0": attrs["dim0"], "dim1": attrs["dim1"]},
    cases=(GradCase(((2, 3, 4),), {"dim0": 0, "dim1": 1}),),
)


def _swap(g: Grad, dim0: int, dim1: int) -> Grad:
    if isinstance(g, np.ndarray):
        return np.swapaxes(g, dim0, dim1)
    from gradviz.autograd.ops import functional

    return functional.transpose(g, dim0, dim1)


# -- the LSTM layer ------------------------------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class LstmLayerResult:
    """What a layer computed: the outputs and, for backward, each step's gates and cell states."""

    def __init__(self, output: np.ndarray, hy: np.ndarray, cy: np.ndarray, steps: list[tuple[np.ndarray, ...]]) -> None:
        self.output = output
        self.hy = hy
        self.cy = cy
        self.steps = steps  # per processing step: (t, h_prev, c_prev, i, f, g, o, c)


def _lstm_forward(
    x: np.ndarray,
    weights: Sequence[np.ndarray],
    hx: np.ndarray,
    cx: np.ndarray,
    reverse: bool,
) -> LstmLayerResult:
    w_ih, w_hh, b_ih, b_hh = weights
    dtype = x.dtype
    hidden = w_hh.shape[1]
    h, c = hx, cx
    output = np.empty((x.shape[0], x.shape[1], hidden), dtype=dtype)
    steps: list[tuple[np.ndarray, ...]] = []
    order = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    for t in order:
        gates = (x[t] @ w_ih.T + h @ w_hh.T) + (b_ih + b_hh)
        i = _sigmoid(gates[:, :hidden]).astype(dtype)
        f = _sigmoid(gates[:, hidden : 2 * hidden]).astype(dtype)
        g = np.tanh(gates[:, 2 * hidden : 3 * hidden]).astype(dtype)
        o = _sigmoid(gates[:, 3 * hidden :]).astype(dtype)
        c_new = (f * c + i * g).astype(dtype)
        h_new = (o * np.tanh(c_new)).astype(dtype)
        steps.append((np.array(t), h, c, i, f, g, o, c_new))
        output[t] = h_new
        h, c = h_new, c_new
    return LstmLayerResult(output, h, c, steps)


class MkldnnRnnLayerBackward0(Node):
    """PyTorch's CPU LSTM layer node: backpropagation through time over the recorded steps."""

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        if run.graph_mode:
            raise NotImplementedError(
                "gradviz: double backward through MkldnnRnnLayerBackward0 (create_graph=True) is not supported yet"
            )
        result: LstmLayerResult = self.attrs["result"]
        x, w_ih, w_hh = (np.asarray(a, np.float64) for a in self.attrs["arrays"][:3])
        d_out = np.zeros(result.output.shape) if grads.get(0) is None else np.asarray(grads[0], np.float64)
        dh_next = np.zeros(result.hy.shape) if grads.get(1) is None else np.asarray(grads[1], np.float64)
        dc_next = np.zeros(result.cy.shape) if grads.get(2) is None else np.asarray(grads[2], np.float64)
        dx = np.zeros(x.shape)
        dw_ih = np.zeros(w_ih.shape)
        dw_hh = np.zeros(w_hh.shape)
        db = np.zeros(w_ih.shape[0])
        for step in reversed(result.steps):
            t = int(step[0])
            h_prev, c_prev, i, f, g, o, c = (np.asarray(a, np.float64) for a in step[1:])
            dh = d_out[t] + dh_next
            tanh_c = np.tanh(c)
            dc = dc_next + dh * o * (1.0 - tanh_c * tanh_c)
            d_input = dc * g * i * (1.0 - i)
            d_forget = dc * c_prev * f * (1.0 - f)
            d_cell = dc * i * (1.0 - g * g)
            d_output = dh * tanh_c * o * (1.0 - o)
            d_gates = np.concatenate([d_input, d_forget, d_cell, d_output], axis=1)
            dx[t] = d_gates @ w_ih
            dw_ih += d_gates.T @ x[t]
            dw_hh += d_gates.T @ h_prev
            db += d_gates.sum(axis=0)
            dh_next = d_gates @ w_hh
            dc_next = dc * f
        outs: list[Grad | None] = []
        for index, value in enumerate((dx, dw_ih, dw_hh, db, db, dh_next, dc_next)):
            if not self.needs_input_grad[index]:
                outs.append(None)
                continue
            shape, dtype = self.input_meta[index]
            outs.append(value.reshape(shape).astype(dtype.np))
        return NodeOutput(outs, {})


def lstm_layer(
    input: Tensor,
    weights: Sequence[Tensor],
    hx: Tensor,
    cx: Tensor,
    reverse: bool,
    *,
    num_layers: int,
    bidirectional: bool,
    batch_first: bool,
    train: bool,
    has_biases: bool,
) -> tuple[Tensor, Tensor, Tensor]:
    """One direction of one LSTM layer over a (T, B, I) input: (output, h_n, c_n), one node."""
    arrays = [input._data, *(w._data for w in weights)]
    result = _lstm_forward(input._data, [w._data for w in weights], hx._data, cx._data, reverse)
    dtype = input.dtype
    output, hy, cy = _make(result.output, dtype), _make(result.hy, dtype), _make(result.cy, dtype)
    operands = (input, *weights, hx, cx)
    needs = tuple(t.requires_grad for t in operands)
    if not (is_grad_enabled() and any(needs)):
        return output, hy, cy
    node = MkldnnRnnLayerBackward0(None, "MkldnnRnnLayerBackward0", tuple(t._gradient_edge() for t in operands))
    node.num_outputs = 3
    node.needs_input_grad = needs
    node.inputs = operands
    node.input_meta = [(t._data.shape, t.dtype) for t in operands]
    node.attrs = {"result": result, "arrays": arrays}
    workspace = _make(np.zeros((0,), dtype=dtype.np), dtype)
    saved: dict[str, object] = {
        "batch_first": batch_first,
        "batch_sizes": (),
        "bidirectional": bidirectional,
        "cx_": SavedTensor(cx, is_output=False),
        "has_biases": has_biases,
        "hidden_size": weights[1].shape[1],
        "hx_": SavedTensor(hx, is_output=False),
        "input": SavedTensor(input, is_output=False),
        "mode": 2,
        "num_layers": num_layers,
        "result3": SavedTensor(workspace, is_output=False),
        "reverse": reverse,
        "train": train,
    }
    for index, weight in enumerate(weights):
        saved[f"weight{index}"] = SavedTensor(weight, is_output=False)
    node.saved = saved
    node.outputs = [output, hy, cy]
    for nr, out in enumerate(node.outputs):
        out.grad_fn = node
        out._output_nr = nr
        out._requires_grad = True
    for nr, out in enumerate(node.outputs):
        saved[f"result{nr}"] = SavedTensor(out, is_output=True)
    node.saved = dict(sorted(saved.items()))
    return output, hy, cy
