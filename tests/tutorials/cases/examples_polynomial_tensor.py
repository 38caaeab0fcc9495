# Learner-style script in the manner of "Learning PyTorch with Examples: Tensors": fit a cubic
# with hand-written gradients (no autograd), using torch.matmul's keyword form. Shortened to 300
# steps; the full-length versions are examples_polynomial_autograd_full and examples_nn_polynomial_full.

# %%
import math

import torch

dtype = torch.float
device = torch.device("cpu")
torch.manual_seed(2)
x = torch.linspace(-math.pi / 2, math.pi / 2, 500, device=device, dtype=dtype)
y = torch.tanh(x)

c0 = torch.randn((), device=device, dtype=dtype)
c1 = torch.randn((), device=device, dtype=dtype)
c2 = torch.randn((), device=device, dtype=dtype)
c3 = torch.randn((), device=device, dtype=dtype)
print(c0, c1, c2, c3)

# %%
lr = 2e-5
for it in range(300):
    pred = c0 + c1 * x + c2 * x.pow(2) + c3 * x.pow(3)
    loss = (pred - y).pow(2).sum().item()
    if it % 50 == 49:
        print(it, loss)
    g_pred = 2.0 * (pred - y)
    g0 = g_pred.sum()
    g1 = torch.matmul(input=g_pred, other=x)
    g2 = torch.matmul(input=g_pred, other=x.pow(2))
    g3 = (g_pred * x**3).sum()
    c0 -= lr * g0
    c1 -= lr * g1
    c2 -= lr * g2
    c3 -= lr * g3

print(f"Fit: y = {c0.item()} + {c1.item()} x + {c2.item()} x^2 + {c3.item()} x^3")

# %%
print(torch.randn(size=(2, 3)).shape, torch.rand(size=(4,)).shape, torch.zeros(size=(1, 2)))
print(torch.matmul(input=torch.ones(2, 3), other=torch.ones(3)))
