"""torch.nn and torch.optim on gradviz: finite-difference checks (float64) of the public nn
functions through every path they take, plus the Module / Parameter / init / optimizer behaviour
that the golden scripts do not pin down value by value."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import gradviz.torch as torch
from gradviz.autograd.node import FREED_MESSAGE
from gradviz.runner.sandbox.owners import gradviz_type
from gradviz.torch import nn
from gradviz.torch.nn import functional as F

EPS = 1e-6


def _tensors(arrays: list[np.ndarray]) -> list[Any]:
    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]


def gradcheck(fn: Callable[..., Any], *arrays: np.ndarray, seed: int = 0, create_graph: bool = False) -> None:
    """The engine's grads of <v, fn(x)> must match central differences, for a random v."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    rng = np.random.default_rng(seed)
    out = fn(*_tensors(arrays))
    v = rng.standard_normal(tuple(out.shape))

    def objective(values: list[np.ndarray]) -> float:
        # inputs require grad so that an fn calling autograd.grad itself can run
        return float(np.sum(v * fn(*_tensors(values))._data))

    inputs = _tensors(arrays)
    result = fn(*inputs)
    analytic = torch.autograd.grad(
        result, inputs, torch.tensor(v, dtype=torch.float64), allow_unused=True, create_graph=create_graph
    )
    for index, (a, grad) in enumerate(zip(arrays, analytic)):
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[index][idx] += EPS
            minus[index][idx] -= EPS
            numeric[idx] = (objective(plus) - objective(minus)) / (2 * EPS)
        got = np.zeros_like(a) if grad is None else grad._data
        np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-7, err_msg=f"input {index}")


RNG = np.random.default_rng(1234)


def rand(*shape: int) -> np.ndarray:
    return RNG.uniform(-1.5, 1.5, size=shape)


# -- finite differences through the public functions ------------------------------------------


@pytest.mark.parametrize("input_shape", [(4, 3), (3,), (2, 2, 3)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_gradcheck_every_rank(input_shape: tuple[int, ...], with_bias: bool) -> None:
    if with_bias:
        gradcheck(lambda x, w, b: F.linear(x, w, b), rand(*input_shape), rand(2, 3), rand(2))
    else:
        gradcheck(lambda x, w: F.linear(x, w), rand(*input_shape), rand(2, 3))


def test_linear_gradcheck_transposed_input_and_weight_layouts() -> None:
    """Column-major operands take addmm's layout-preserving backward formulas."""
    gradcheck(lambda x, w, b: F.linear(x.t(), w, b), rand(3, 4), rand(2, 3), rand(2))
    gradcheck(lambda x, w, b: F.linear(x, w.t(), b), rand(4, 3), rand(3, 2), rand(2))
    gradcheck(lambda x, w, b: F.linear(x.transpose(0, 1), w, b), rand(2, 2, 3), rand(2, 3), rand(2))
    lin = nn.Linear(784, 16)
    F.linear(torch.ones(8, 784), lin.weight, lin.bias).sum().backward()
    assert lin.weight.grad.is_contiguous()


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_and_log_softmax_gradcheck(dim: int) -> None:
    gradcheck(lambda x: F.softmax(x, dim), rand(3, 4))
    gradcheck(lambda x: F.log_softmax(x, dim), rand(3, 4))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_gradcheck(reduction: str) -> None:
    target = torch.tensor([2, 0, 1, 2])
    gradcheck(lambda x: F.cross_entropy(x, target, reduction=reduction), rand(4, 3))
    weight = torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64)
    gradcheck(lambda x: F.cross_entropy(x, target, weight=weight, reduction=reduction), rand(4, 3))
    ignored = torch.tensor([2, -100, 1, 2])
    gradcheck(lambda x: F.cross_entropy(x, ignored, reduction=reduction), rand(4, 3))


def test_cross_entropy_single_sample_and_probability_targets() -> None:
    gradcheck(lambda x: F.cross_entropy(x, torch.tensor(1)), rand(3))
    probs = RNG.dirichlet(np.ones(3), size=4)
    for reduction in ("mean", "sum", "none"):
        gradcheck(lambda x, p, reduction=reduction: F.cross_entropy(x, p, reduction=reduction), rand(4, 3), probs)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_gradcheck_both_inputs(reduction: str) -> None:
    gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), rand(3, 2), rand(3, 2))


def test_mse_loss_broadcast_gradcheck() -> None:
    with pytest.warns(UserWarning, match="different to the input size"):
        gradcheck(lambda a, b: F.mse_loss(a, b), rand(3, 1), rand(3))


def test_second_order_through_a_small_network() -> None:
    """create_graph=True through linear, tanh and cross_entropy: d/dx of the input gradient."""
    w = torch.tensor(rand(3, 2), dtype=torch.float64)
    b = torch.tensor(rand(3), dtype=torch.float64)
    target = torch.tensor([0, 2])

    def input_grad(x: Any) -> Any:
        loss = F.cross_entropy(F.linear(torch.tanh(x), w, b), target)
        (g,) = torch.autograd.grad(loss, [x], create_graph=True)
        return g

    gradcheck(input_grad, rand(2, 2))


def test_mlp_gradcheck_with_relu_and_mse() -> None:
    def mlp(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> Any:
        return F.mse_loss(F.linear(F.relu(F.linear(x, w1, b1)), w2, b2), torch.zeros(4, 1, dtype=torch.float64))

    gradcheck(mlp, rand(4, 3), rand(5, 3), rand(5), rand(1, 5), rand(1))


# -- values and saved state -------------------------------------------------------------------


def test_losses_match_numpy_formulas() -> None:
    logits = rand(5, 4)
    labels = np.array([3, 0, 1, 1, 2])
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_probs[np.arange(5), labels].mean()
    got = F.cross_entropy(torch.tensor(logits), torch.tensor(labels)).item()
    assert got == pytest.approx(expected, rel=1e-12)
    a, b = rand(2, 3), rand(2, 3)
    assert F.mse_loss(torch.tensor(a), torch.tensor(b)).item() == pytest.approx(np.mean((a - b) ** 2), rel=1e-12)


def test_nll_saved_tensors_are_freed_by_backward() -> None:
    x = torch.tensor(rand(3, 2), requires_grad=True)
    loss = F.nll_loss(x, torch.tensor([1, 0, 1]))
    node = loss.grad_fn
    assert node._saved_target.tolist() == [1, 0, 1]
    assert node._saved_total_weight.item() == 3.0
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = node._saved_target
    assert FREED_MESSAGE.startswith("Trying to backward")


def test_addmm_strides_show_only_for_operands_that_need_grad() -> None:
    lin = nn.Linear(3, 2)
    plain = lin(torch.ones(4, 3)).grad_fn
    assert plain._saved_mat1_sym_strides == () and plain._saved_mat2_sym_strides == (1, 3)
    both = lin(torch.ones(4, 3, requires_grad=True)).grad_fn
    assert both._saved_mat1_sym_strides == (3, 1)


# -- modules ----------------------------------------------------------------------------------


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = nn.Linear(2, 3)
        self.second = nn.Linear(3, 1)

    def forward(self, x: Any) -> Any:
        return self.second(torch.relu(self.first(x)))


def test_shared_parameters_are_listed_once_and_collect_both_grads() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    model(torch.ones(1, 2)).sum().backward()
    assert shared.weight.grad is not None


def test_reassigning_and_deleting_registered_attributes() -> None:
    model = TwoLayer()
    model.first = nn.Linear(2, 3, bias=False)
    assert [n for n, _ in model.named_parameters()] == ["first.weight", "second.weight", "second.bias"]
    model.second.bias = None
    assert "second.bias" not in model.state_dict()
    del model.first
    assert [n for n, _ in model.named_children()] == ["second"]
    with pytest.raises(TypeError, match="as child module 'second'"):
        model.second = 3


def test_state_dict_round_trip_copies_values_into_the_same_parameters() -> None:
    torch.manual_seed(3)
    source, target = TwoLayer(), TwoLayer()
    weight_before = target.first.weight
    target.load_state_dict(source.state_dict())
    assert target.first.weight is weight_before
    assert np.array_equal(target.first.weight._data, source.first.weight._data)
    assert target.first.weight.requires_grad


def test_buffers_appear_in_state_dict_unless_not_persistent() -> None:
    loss = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]))
    assert list(loss.state_dict()) == ["weight"]
    module = nn.Module()
    module.register_buffer("running", torch.zeros(2))
    module.register_buffer("scratch", torch.zeros(2), persistent=False)
    assert list(module.state_dict()) == ["running"]
    assert [n for n, _ in module.named_buffers()] == ["running", "scratch"]


def test_deep_nesting_needs_no_recursion() -> None:
    model: nn.Module = nn.Linear(1, 1)
    for _ in range(3000):
        model = nn.Sequential(model)
    assert len(list(model.parameters())) == 2
    assert len(list(model.named_modules())) == 3001
    model.eval()
    assert not any(m.training for m in model.modules())


def test_parameter_shares_data_with_the_wrapped_tensor() -> None:
    data = torch.tensor([1.0, 2.0])
    param = nn.Parameter(data)
    with torch.no_grad():
        param.mul_(3)
    assert data.tolist() == [3.0, 6.0]
    assert repr(param).startswith("Parameter containing:\ntensor(")
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(torch.tensor([1, 2]))


# -- init -------------------------------------------------------------------------------------


def test_linear_init_bounds_and_determinism() -> None:
    torch.manual_seed(7)
    first = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)
    assert np.abs(first.weight._data).max() <= bound and np.abs(first.bias._data).max() <= bound
    assert np.abs(first.weight._data).max() > 0.9 * bound
    torch.manual_seed(7)
    assert np.array_equal(nn.Linear(100, 50).weight._data, first.weight._data)


def test_init_functions_fill_in_place_without_history() -> None:
    w = nn.Parameter(torch.zeros(40, 30))
    version = w._version
    nn.init.xavier_uniform_(w)
    limit = math.sqrt(6 / 70)
    assert w.grad_fn is None and w._version == version + 1
    assert 0.9 * limit < np.abs(w._data).max() <= limit
    nn.init.normal_(w, 0.0, 0.01)
    assert abs(float(w._data.std()) - 0.01) < 0.002
    nn.init.constant_(w, 0.5)
    assert np.all(w._data == 0.5)
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    assert np.abs(w._data).max() <= math.sqrt(6 / 30)
    nn.init.eye_(w)
    assert np.array_equal(w._data, np.eye(40, 30, dtype=np.float32))
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.uniform_()  # outside no_grad, as in PyTorch


# -- optimizers -------------------------------------------------------------------------------


def _quadratic_step(opt_factory: Callable[[list[Any]], Any], steps: int) -> float:
    torch.manual_seed(0)
    target = torch.tensor([1.0, -2.0, 0.5])
    p = nn.Parameter(torch.zeros(3))
    opt = opt_factory([p])
    for _ in range(steps):
        opt.zero_grad()
        loss = ((p - target) ** 2).sum()
        loss.backward()
        opt.step()
    return float(((p - target) ** 2).sum().item())


@pytest.mark.parametrize(
    "factory",
    [
        lambda ps: torch.optim.SGD(ps, lr=0.1),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
        lambda ps: torch.optim.Adam(ps, lr=0.1),
        lambda ps: torch.optim.Adam(ps, lr=0.1, amsgrad=True, weight_decay=1e-4),
    ],
)
def test_optimizers_minimise_a_quadratic(factory: Callable[[list[Any]], Any]) -> None:
    assert _quadratic_step(factory, 200) < 1e-3


def test_step_bumps_the_version_so_stale_graphs_fail() -> None:
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = torch.optim.SGD([p], lr=0.1)
    y = (p * p).sum()
    p.grad = torch.tensor([1.0, 1.0])
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_closure_and_state_dict_round_trip() -> None:
    p = nn.Parameter(torch.tensor([3.0]))
    opt = torch.optim.Adam([p], lr=0.5)

    def closure() -> Any:
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    saved = opt.state_dict()
    other = torch.optim.Adam([nn.Parameter(torch.tensor([3.0]))], lr=0.1)
    other.load_state_dict(saved)
    assert other.param_groups[0]["lr"] == 0.5
    assert other.state[other.param_groups[0]["params"][0]]["step"].item() == 1.0


def test_optimizer_flags_for_other_implementations_are_refused() -> None:
    with pytest.raises(NotImplementedError, match="foreach"):
        torch.optim.Adam([nn.Parameter(torch.ones(1))], foreach=True)


def test_state_containers_print_like_pytorchs_and_are_gradviz_types() -> None:
    """The sandbox opens methods of gradviz types only, so sd.keys() and opt.state.items() work."""
    lin = nn.Linear(1, 1)
    sd = lin.state_dict()
    assert repr(sd).startswith("OrderedDict([('weight', tensor([[")
    opt = torch.optim.SGD(lin.parameters(), lr=0.1, momentum=0.5)
    assert repr(opt.state) == "defaultdict(<class 'dict'>, {})"
    for value in (sd, opt.state):
        # The sandbox knows them by the module gradviz defined them in; learners see PyTorch's.
        assert gradviz_type(type(value))
    assert repr(type(sd)) == "<class 'collections.OrderedDict'>"
    assert repr(type(opt.state)) == "<class 'collections.defaultdict'>"
