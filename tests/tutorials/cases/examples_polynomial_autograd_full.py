# FULL-LENGTH training loop (issue 14 requires it to finish within gradviz's default limits):
# the "Learning PyTorch with Examples: Tensors and autograd" workload, 2,000 samples x 2,000 steps
# of a cubic fit with autograd and a hand-written SGD update under no_grad. Own numbers and target.
# Values are printed rounded: this case measures that the full loop runs within the limits; exact
# float32 digits are held by the shorter loops (examples_polynomial_tensor, ..._custom_function).

# %%
import math

import torch

dtype = torch.float
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")
torch.set_default_device(device)
torch.manual_seed(0)

x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.cos(x)
k0 = torch.randn((), dtype=dtype, requires_grad=True)
k1 = torch.randn((), dtype=dtype, requires_grad=True)
k2 = torch.randn((), dtype=dtype, requires_grad=True)
k3 = torch.randn((), dtype=dtype, requires_grad=True)
print(x[:3], x[-1], y.sum())

# %%
step_size = 1e-6
for t in range(2000):
    y_hat = k0 + k1 * x + k2 * x**2 + k3 * x**3
    loss = (y_hat - y).pow(2).sum()
    if t % 250 == 249:
        print(t, f"{loss.item():.2f}")
    loss.backward()
    with torch.no_grad():
        k0 -= step_size * k0.grad
        k1 -= step_size * k1.grad
        k2 -= step_size * k2.grad
        k3 -= step_size * k3.grad
        k0.grad = None
        k1.grad = None
        k2.grad = None
        k3.grad = None

print(f"Result: y = {k0.item():.3f} + {k1.item():.3f} x + {k2.item():.3f} x^2 + {k3.item():.3f} x^3")

# %%
# zeroing by assigning a Python number is a type error in PyTorch
try:
    k0.grad = 0.0
except TypeError as e:
    print(type(e).__name__, e)
