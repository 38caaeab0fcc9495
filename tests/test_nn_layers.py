"""Layers whose backward is not a single table entry, checked numerically in float64: the LSTM layer
node (backpropagation through time), the cells' UnsafeSplitBackward0, RNN/GRU layers, full backward
hooks that replace grad_input; and Dropout's mask statistics. The goldens (tests/goldens/cases/nn_*)
hold the same layers to PyTorch's printed values; these tests hold the formulas to the maths."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import gradviz.torch as torch
from gradviz.torch import nn

EPS = 1e-6


def _numeric_grads(fn: Callable[..., torch.Tensor], arrays: list[np.ndarray]) -> list[np.ndarray]:
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            values = []
            for sign in (1.0, -1.0):
                moved = [x.copy() for x in arrays]
                moved[i][idx] += sign * EPS
                with torch.no_grad():
                    values.append(fn(*[torch.tensor(x, dtype=torch.float64) for x in moved]).item())
            g[idx] = (values[0] - values[1]) / (2 * EPS)
        grads.append(g)
    return grads


def _check(fn: Callable[..., torch.Tensor], arrays: list[np.ndarray]) -> None:
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    analytic = torch.autograd.grad(fn(*leaves), leaves)
    for got, want in zip(analytic, _numeric_grads(fn, arrays)):
        np.testing.assert_allclose(got._data, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_layer_backward_through_time_matches_finite_differences(bidirectional: bool) -> None:
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 2, num_layers=2, bidirectional=bidirectional).double()
    rng = np.random.default_rng(1)
    directions = 2 if bidirectional else 1
    arrays = [rng.standard_normal(shape) for shape in ((4, 2, 3), (2 * directions, 2, 2), (2 * directions, 2, 2))]

    def loss(x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor) -> torch.Tensor:
        out, (hn, cn) = lstm(x, (h0, c0))
        return (out * out).sum() + hn.sum() * 0.5 + (cn * cn).sum()

    _check(loss, arrays)
    # and the weights: one parameter of each kind
    x, h0, c0 = (torch.tensor(a, dtype=torch.float64) for a in arrays)
    weight = lstm.weight_hh_l1
    base = weight._data.copy()
    (analytic,) = torch.autograd.grad(loss(x, h0, c0), weight)
    numeric = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        values = []
        for sign in (1.0, -1.0):
            weight._data[...] = base
            weight._data[idx] += sign * EPS
            with torch.no_grad():
                values.append(loss(x, h0, c0).item())
        numeric[idx] = (values[0] - values[1]) / (2 * EPS)
    weight._data[...] = base
    np.testing.assert_allclose(analytic._data, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("make", [lambda: nn.LSTMCell(3, 2), lambda: nn.GRUCell(3, 2), lambda: nn.RNNCell(3, 2)])
def test_cells_backward_matches_finite_differences(make: Callable[[], nn.Module]) -> None:
    torch.manual_seed(2)
    cell = make().double()
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((2, 3)), rng.standard_normal((2, 2))]

    def loss(x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        out = cell(x, (h, h * 0.5)) if isinstance(cell, nn.LSTMCell) else cell(x, h)
        if isinstance(out, tuple):
            return (out[0] * out[1]).sum() + out[1].sum()
        return (out * out).sum()

    _check(loss, arrays)


@pytest.mark.parametrize("kind", ["RNN", "GRU"])
def test_rnn_and_gru_layers_backward_matches_finite_differences(kind: str) -> None:
    torch.manual_seed(4)
    layer = getattr(nn, kind)(2, 3, num_layers=2, bidirectional=True, batch_first=True).double()
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((2, 3, 2)), rng.standard_normal((4, 2, 3))]

    def loss(x: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
        out, hn = layer(x, h0)
        return (out * out).sum() + hn.sum()

    _check(loss, arrays)


def test_unsafe_chunk_sends_zeros_for_unused_chunks() -> None:
    from gradviz.autograd.ops.rnn_ops import unsafe_chunk

    x = torch.arange(10.0, requires_grad=True)
    first, _, third = unsafe_chunk(x, 3, 0)
    assert [tuple(c.shape) for c in unsafe_chunk(x, 3, 0)] == [(4,), (4,), (2,)]
    (first.sum() * 2 + third.sum()).backward()
    assert x.grad.tolist() == [2.0] * 4 + [0.0] * 4 + [1.0] * 2
    assert first.grad_fn.name() == "UnsafeSplitBackward0" and first.grad_fn._saved_split_size == 4


def test_full_backward_hook_can_replace_grad_input() -> None:
    layer = nn.Linear(2, 2)
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((gi[0].shape, go[0].shape)) or (gi[0] * 3,))
    x = torch.ones(1, 2, requires_grad=True)
    plain = torch.autograd.grad(nn.functional.linear(x, layer.weight, layer.bias).sum(), x)[0]
    hooked = torch.autograd.grad(layer(x).sum(), x)[0]
    np.testing.assert_allclose(hooked._data, 3 * plain._data)
    assert seen == [(torch.Size([1, 2]), torch.Size([1, 2]))]


def test_dropout_mask_is_zero_or_rescaled_at_the_expected_rate() -> None:
    torch.manual_seed(7)
    out = nn.functional.dropout(torch.ones(200, 100), p=0.3)
    values = np.unique(out._data)
    np.testing.assert_allclose(values, [0.0, np.float32(1) / np.float32(0.7)])
    kept = float((out._data != 0).mean())
    assert abs(kept - 0.7) < 0.01  # 20,000 draws: the standard error is 0.003
