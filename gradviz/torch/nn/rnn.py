"""``nn.RNN``, ``nn.LSTM``, ``nn.GRU`` and the cells ``nn.RNNCell``, ``nn.LSTMCell``, ``nn.GRUCell``.

Parameters are registered in PyTorch's order and names (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, then ``..._reverse`` and the next layer) and initialised as PyTorch
does, U(-1/sqrt(hidden), 1/sqrt(hidden)) over ``parameters()`` in order, so ``manual_seed`` gives the
same weights. The graphs are the ones PyTorch 2.13 records on CPU: RNN and GRU layers project the
whole input sequence with one ``linear`` (AddmmBackward0 between views), ``unbind`` it, run the cell
per step (AddmmBackward0 for the hidden projection, AddBackward0, TanhBackward0 / ReluBackward0, the
GRU's gates through UnsafeSplitBackward0) and ``stack`` the outputs; bidirectional outputs are
concatenated along dim 2 and h_n is a stack; a batch_first output is transposed in place
(TransposeBackward1). An LSTM layer is one MkldnnRnnLayerBackward0 node per direction, as oneDNN
records it (bidirectional outputs concatenated along dim -1). With ``dropout`` the output of every layer but
the last goes through dropout in training mode. An LSTM with proj_size runs ATen's default path (no
oneDNN): the cell per step as an RNN layer's, each hidden state projected by ``weight_hr``.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

from gradviz.autograd import dtypes
from gradviz.autograd.factories import empty, zeros
from gradviz.autograd.ops import functional as _F
from gradviz.autograd.ops.functional_more import cat, stack
from gradviz.autograd.ops.registry import OPS, call
from gradviz.autograd.ops.rnn_ops import lstm_layer, unsafe_chunk
from gradviz.autograd.ops.shape import unbind
from gradviz.autograd.tensor import Tensor
from gradviz.autograd.warn_once import warn_once
from gradviz.torch.nn import functional as F
from gradviz.torch.nn import init
from gradviz.torch.nn.modules import Module
from gradviz.torch.nn.parameter import Parameter

if TYPE_CHECKING:
    from gradviz.autograd.types import DTypeLike

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _linear(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    return F.linear(x, weight, bias)


# -- one step of each cell (PyTorch's ATen cells; ``projected``: the input's linear already applied) --


def _simple_cell(x: Tensor, h: Tensor, params: tuple[Tensor | None, ...], relu: bool, projected: bool) -> Tensor:
    w_ih, w_hh, b_ih, b_hh = params
    assert w_ih is not None and w_hh is not None
    total = _linear(h, w_hh, b_hh) + (x if projected else _linear(x, w_ih, b_ih))
    return _F.relu(total) if relu else _F.tanh(total)


def _lstm_cell(x: Tensor, state: tuple[Tensor, Tensor], params: tuple[Tensor | None, ...]) -> tuple[Tensor, Tensor]:
    w_ih, w_hh, b_ih, b_hh = params
    assert w_ih is not None and w_hh is not None
    hx, cx = state
    gates = _linear(hx, w_hh, b_hh) + _linear(x, w_ih, b_ih)
    in_chunk, forget_chunk, cell_chunk, out_chunk = unsafe_chunk(gates, 4, 1)
    ingate = _F.sigmoid(in_chunk)
    forgetgate = _F.sigmoid(forget_chunk)
    cellgate = _F.tanh(cell_chunk)
    outgate = _F.sigmoid(out_chunk)
    cy = forgetgate * cx + ingate * cellgate
    hy = outgate * _F.tanh(cy)
    return hy, cy


def _gru_cell(x: Tensor, h: Tensor, params: tuple[Tensor | None, ...], projected: bool) -> Tensor:
    w_ih, w_hh, b_ih, b_hh = params
    assert w_ih is not None and w_hh is not None
    i_reset, i_input, i_new = unsafe_chunk(x if projected else _linear(x, w_ih, b_ih), 3, 1)
    h_reset, h_input, h_new = unsafe_chunk(_linear(h, w_hh, b_hh), 3, 1)
    reset_gate = _F.sigmoid(h_reset + i_reset)
    input_gate = _F.sigmoid(h_input + i_input)
    new_gate = _F.tanh(i_new + h_new * reset_gate)
    return (h - new_gate) * input_gate + new_gate


# -- the layers ----------------------------------------------------------------------------------------


class RNNBase(Module):
    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: object = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__()
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                UserWarning,
                stacklevel=3,
            )
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        kind = dtypes.as_dtype(dtype) if dtype is not None else None
        self._all_weights: list[list[str]] = []
        real_hidden = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                suffix = "_reverse" if direction == 1 else ""
                shapes: list[tuple[int, ...]] = [(gate_size, layer_input), (gate_size, real_hidden)]
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                if proj_size > 0:
                    shapes.append((proj_size, hidden_size))
                    names.append(f"weight_hr_l{layer}{suffix}")
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(empty(*shape, dtype=kind, device=device)))
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _layer_params(self, layer: int, direction: int) -> tuple[Tensor | None, ...]:
        suffix = "_reverse" if direction == 1 else ""
        names = ("weight_ih_l{}{}", "weight_hh_l{}{}", "bias_ih_l{}{}", "bias_hh_l{}{}")
        return tuple(self._parameters.get(name.format(layer, suffix)) for name in names)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text

    def _check_input(self, input: Tensor) -> None:
        first = next(iter(self.parameters()))
        if input.dtype is not first.dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({first.dtype}). "
                f"Convert input: input.to({first.dtype}), or convert model: model.to({input.dtype})"
            )
        if input.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {input.dim()}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.shape[-1]}"
            )

    def _initial_state(
        self,
        input: Tensor,
        hx: Tensor | None,
        batched: bool,
        name: str = "hx",
        label: str = "hidden",
        size: int | None = None,
    ) -> Tensor:
        directions = 2 if self.bidirectional else 1
        batch = input.shape[0] if self.batch_first else input.shape[1]
        expected = (self.num_layers * directions, batch, self.hidden_size if size is None else size)
        if hx is None:
            return zeros(*expected, dtype=input.dtype)
        if not batched:
            if hx.dim() != 2:
                raise RuntimeError(f"For unbatched 2-D input, {name} should also be 2-D but got {hx.dim()}-D tensor")
            hx = _F.unsqueeze(hx, 1)
        elif hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, {name} should also be 3-D but got {hx.dim()}-D tensor")
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected {label} size {expected}, got [{', '.join(map(str, hx.shape))}]")
        return hx

    def _prepare(self, input: Tensor) -> tuple[Tensor, bool]:
        batched = input.dim() == 3
        if input.dim() not in (2, 3):
            raise ValueError(f"{self._get_name()}: Expected input to be 2D or 3D, got {input.dim()}D tensor instead")
        sequence = input if batched else _F.unsqueeze(input, 0 if self.batch_first else 1)
        self._check_input(sequence)
        return sequence, batched

    def _between_layers(self, output: Tensor, layer: int) -> Tensor:
        """A layer's output on its way to the next layer: dropout in training, as ATen applies it
        after every layer but the last (a bernoulli mask from the default generator)."""
        if self.dropout and self.training and layer < self.num_layers - 1:
            return F.dropout(output, self.dropout, True)
        return output


class RNN(RNNBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, *args, **kwargs)

    def _cell(self, x: Tensor, h: Tensor, params: tuple[Tensor | None, ...]) -> Tensor:
        return _simple_cell(x, h, params, self.mode == "RNN_RELU", projected=True)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        sequence, batched = self._prepare(input)
        h0 = self._initial_state(sequence, hx, batched)
        output, h_n = _run_layers(self, sequence, h0)
        return _finish(self, output, h_n, batched)


class GRU(RNN):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if "nonlinearity" in kwargs:
            raise ValueError("The nonlinearity argument is not supported by GRU")
        RNNBase.__init__(self, "GRU", *args, **kwargs)
        object.__setattr__(self, "nonlinearity", "tanh")

    def _cell(self, x: Tensor, h: Tensor, params: tuple[Tensor | None, ...]) -> Tensor:
        return _gru_cell(x, h, params, projected=True)


def _run_layers(module: RNN, sequence: Tensor, h0: Tensor) -> tuple[Tensor, Tensor]:
    """All layers and directions of an RNN/GRU over a (T, B, I) sequence, as ATen's FullLayer runs them."""
    if module.batch_first:
        sequence = _F.transpose(sequence, 0, 1)
    directions = 2 if module.bidirectional else 1
    finals: list[Tensor] = []
    layer_input = sequence
    initial = unbind(h0, 0)
    for layer in range(module.num_layers):
        outputs = []
        for direction in range(directions):
            params = module._layer_params(layer, direction)
            w_ih, _, b_ih, _ = params
            assert w_ih is not None
            steps = unbind(F.linear(layer_input, w_ih, b_ih), 0)
            h = initial[layer * directions + direction]
            order = range(len(steps) - 1, -1, -1) if direction == 1 else range(len(steps))
            produced: dict[int, Tensor] = {}
            for t in order:
                h = module._cell(steps[t], h, params)
                produced[t] = h
            outputs.append(stack([produced[t] for t in range(len(steps))], 0))
            finals.append(h)
        layer_input = outputs[0] if directions == 1 else cat(outputs, 2)
        layer_input = module._between_layers(layer_input, layer)
    output = layer_input
    if module.batch_first:
        output = call(OPS["transpose_"], (output,), {"dim0": 0, "dim1": 1})
    return output, stack(finals, 0)


def _finish(module: RNNBase, output: Tensor, h_n: Any, batched: bool) -> tuple[Tensor, Any]:
    if batched:
        return output, h_n
    output = _F.squeeze(output, 0 if module.batch_first else 1)
    if isinstance(h_n, tuple):
        return output, tuple(_F.squeeze(h, 1) for h in h_n)
    return output, _F.squeeze(h_n, 1)


class LSTM(RNNBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        sequence, batched = self._prepare(input)
        if hx is not None and not isinstance(hx, tuple):
            raise RuntimeError("lstm expects two hidden states")
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        h0 = self._initial_state(sequence, None if hx is None else hx[0], batched, "hx", "hidden[0]", real_hidden)
        c0 = self._initial_state(sequence, None if hx is None else hx[1], batched, "cx", "hidden[1]")
        if self.proj_size > 0:
            output, h_n, c_n = _run_projected_lstm(self, sequence, h0, c0)
            return _finish(self, output, (h_n, c_n), batched)
        if self.batch_first:
            sequence = _F.transpose(sequence, 0, 1)
        directions = 2 if self.bidirectional else 1
        hs: list[Tensor] = []
        cs: list[Tensor] = []
        layer_input = sequence
        h_init, c_init = unbind(h0, 0), unbind(c0, 0)
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                w_ih, w_hh, b_ih, b_hh = self._layer_params(layer, direction)
                assert w_ih is not None and w_hh is not None
                biases = [b if b is not None else zeros(w_ih.shape[0], dtype=w_ih.dtype) for b in (b_ih, b_hh)]
                index = layer * directions + direction
                out, hy, cy = lstm_layer(
                    layer_input,
                    [w_ih, w_hh, *biases],
                    h_init[index],
                    c_init[index],
                    direction == 1,
                    num_layers=self.num_layers,
                    bidirectional=self.bidirectional,
                    batch_first=self.batch_first,
                    train=self.training,
                    has_biases=self.bias,
                )
                outputs.append(out)
                hs.append(hy)
                cs.append(cy)
            layer_input = outputs[0] if directions == 1 else cat(outputs, -1)
            layer_input = self._between_layers(layer_input, layer)
        output = layer_input
        if self.batch_first:
            output = _F.transpose(output, 0, 1)  # the oneDNN path transposes out of place
        result, state = _finish(self, output, (stack(hs, 0), stack(cs, 0)), batched)
        return result, state


PROJECTION_WARNING = (
    "LSTM with projections is not supported with oneDNN. Using default implementation. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/RNN.cpp:1512.)"
)


def _run_projected_lstm(module: LSTM, sequence: Tensor, h0: Tensor, c0: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM with proj_size on ATen's default CPU path (oneDNN has no projections): like an RNN
    layer, the input projected once and unbound, then per step the cell and hy @ weight_hr.t()."""
    # TORCH_WARN_ONCE: once per process
    warn_once(PROJECTION_WARNING, UserWarning, stacklevel=4)
    if module.batch_first:
        sequence = _F.transpose(sequence, 0, 1)
    directions = 2 if module.bidirectional else 1
    hs: list[Tensor] = []
    cs: list[Tensor] = []
    layer_input = sequence
    h_init, c_init = unbind(h0, 0), unbind(c0, 0)
    for layer in range(module.num_layers):
        outputs = []
        for direction in range(directions):
            suffix = "_reverse" if direction == 1 else ""
            w_ih, w_hh, b_ih, b_hh = module._layer_params(layer, direction)
            w_hr = module._parameters[f"weight_hr_l{layer}{suffix}"]
            assert w_ih is not None and w_hh is not None and w_hr is not None
            steps = unbind(F.linear(layer_input, w_ih, b_ih), 0)
            index = layer * directions + direction
            h, c = h_init[index], c_init[index]
            order = range(len(steps) - 1, -1, -1) if direction == 1 else range(len(steps))
            produced: dict[int, Tensor] = {}
            for t in order:
                gates = _linear(h, w_hh, b_hh) + steps[t]
                in_chunk, forget_chunk, cell_chunk, out_chunk = unsafe_chunk(gates, 4, 1)
                c = _F.sigmoid(forget_chunk) * c + _F.sigmoid(in_chunk) * _F.tanh(cell_chunk)
                h = _F.matmul(_F.sigmoid(out_chunk) * _F.tanh(c), _F.t(w_hr))
                produced[t] = h
            outputs.append(stack([produced[t] for t in range(len(steps))], 0))
            hs.append(h)
            cs.append(c)
        layer_input = outputs[0] if directions == 1 else cat(outputs, 2)
        layer_input = module._between_layers(layer_input, layer)
    output = layer_input
    if module.batch_first:
        output = _F.transpose(output, 0, 1)  # out of place here, unlike the RNN and GRU layers
    return output, stack(hs, 0), stack(cs, 0)


# -- the cells -------------------------------------------------------------------------------------


class RNNCellBase(Module):
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: object = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kind = dtypes.as_dtype(dtype) if dtype is not None else None
        self.weight_ih = Parameter(empty(num_chunks * hidden_size, input_size, dtype=kind, device=device))
        self.weight_hh = Parameter(empty(num_chunks * hidden_size, hidden_size, dtype=kind, device=device))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=kind, device=device))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=kind, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity")
        if nonlinearity is not None and nonlinearity != "tanh":
            text += f", nonlinearity={nonlinearity}"
        return text

    def _params(self) -> tuple[Tensor | None, ...]:
        return (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)

    def _batched(self, input: Tensor, name: str) -> tuple[Tensor, bool]:
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if input.dim() == 1:
            return _F.unsqueeze(input, 0), False
        return input, True

    def _state(self, input: Tensor, hx: Tensor | None, batched: bool) -> Tensor:
        if hx is None:
            return zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        return hx if batched else _F.unsqueeze(hx, 0)


class RNNCell(RNNCellBase):
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: object = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        x, batched = self._batched(input, "RNNCell")
        h = self._state(x, hx, batched)
        out = _simple_cell(x, h, self._params(), self.nonlinearity == "relu", projected=False)
        return out if batched else _F.squeeze(out, 0)


class LSTMCell(RNNCellBase):
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: object = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._batched(input, "LSTMCell")
        if hx is None:
            state = (self._state(x, None, batched), self._state(x, None, batched))
        else:
            state = (self._state(x, hx[0], batched), self._state(x, hx[1], batched))
        hy, cy = _lstm_cell(x, state, self._params())
        if batched:
            return hy, cy
        return _F.squeeze(hy, 0), _F.squeeze(cy, 0)


class GRUCell(RNNCellBase):
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: object = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, batched = self._batched(input, "GRUCell")
        h = self._state(x, hx, batched)
        out = _gru_cell(x, h, self._params(), projected=False)
        return out if batched else _F.squeeze(out, 0)
