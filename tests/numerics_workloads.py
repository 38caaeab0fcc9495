"""Training loops whose float32 drift from PyTorch is measured (docs/numerics.md).

Each workload takes the ``torch`` module to run on: tools/record_numerics_goldens.py calls it with
real torch 2.13 (one thread) and stores what it returns in tests/goldens/numerics.json;
tests/test_numerics.py and tools/measure_drift.py call it with gradviz's twin and compare.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any


def two_layer_net(torch: ModuleType, activation: str = "tanh", steps: int = 300) -> dict[str, Any]:
    """A 10-32-1 MLP on fixed random data, MSE loss, plain SGD: the issue's "2-layer net"."""
    torch.manual_seed(0)
    x = torch.randn(64, 10)
    y = torch.randn(64, 1)
    act = torch.nn.Tanh() if activation == "tanh" else torch.nn.ReLU()
    net = torch.nn.Sequential(torch.nn.Linear(10, 32), act, torch.nn.Linear(32, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    losses = []
    for _ in range(steps):
        loss = torch.nn.functional.mse_loss(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {"losses": losses, "params": [p.detach().reshape(-1).tolist() for p in net.parameters()]}


def cubic_fit(torch: ModuleType, steps: int = 300) -> dict[str, Any]:
    """ "Learning PyTorch with Examples" in miniature: a cubic through sin on linspace, autograd and
    a hand-written update under no_grad (sums, powers, linspace; no matrix product)."""
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    coeffs = [torch.randn((), requires_grad=True) for _ in range(4)]
    losses = []
    for _ in range(steps):
        a, b, c, d = coeffs
        loss = (a + b * x + c * x**2 + d * x**3 - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for k in coeffs:
                k -= 1e-6 * k.grad
                k.grad = None
        losses.append(loss.item())
    return {"losses": losses, "params": [[k.item()] for k in coeffs]}


def linear_regression(torch: ModuleType, steps: int = 300) -> dict[str, Any]:
    """d2l's concise linear regression: nn.Linear(2, 1), MSELoss, SGD on minibatches of 10."""
    torch.manual_seed(0)
    w_true = torch.tensor([2.0, -3.4])
    features = torch.randn(100, 2)
    labels = (features @ w_true + 4.2 + 0.01 * torch.randn(100)).reshape(-1, 1)
    net = torch.nn.Linear(2, 1)
    loss_fn = torch.nn.MSELoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.03)
    losses = []
    for step in range(steps):
        start = (step * 10) % 100
        loss = loss_fn(net(features[start : start + 10]), labels[start : start + 10])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {"losses": losses, "params": [p.detach().reshape(-1).tolist() for p in net.parameters()]}


WORKLOADS = {
    "two_layer_tanh": lambda torch: two_layer_net(torch, "tanh"),
    "two_layer_relu": lambda torch: two_layer_net(torch, "relu"),
    "cubic_fit": cubic_fit,
    "linear_regression": linear_regression,
}
