# Learner-style script in the manner of "Learning PyTorch with Examples: Defining new autograd
# Functions": a custom Function for a cubic Hermite-like polynomial with save_for_backward, used
# through .apply in a short fit. Its node prints as <CubicHermiteBackward>.

# %%
import math

import torch


class CubicHermite(torch.autograd.Function):
    """H(t) = 4 t^3 - 6 t, with H'(t) = 12 t^2 - 6."""

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return 4 * t**3 - 6 * t

    @staticmethod
    def backward(ctx, grad_output):
        (t,) = ctx.saved_tensors
        return grad_output * (12 * t**2 - 6)


dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-1.0, 1.0, 400, device=device, dtype=dtype)
y = torch.sin(2 * x)
p = torch.full((), 0.1, device=device, dtype=dtype, requires_grad=True)
q = torch.full((), -0.2, device=device, dtype=dtype, requires_grad=True)
r = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
s = torch.full((), 0.5, device=device, dtype=dtype, requires_grad=True)

# %%
H = CubicHermite.apply
probe = H(r + s * x)
print(probe.grad_fn)
print(type(probe.grad_fn).__name__, probe.grad_fn.name())
print(probe.grad_fn.next_functions)

# %%
lr = 1e-4
for step in range(200):
    H = CubicHermite.apply
    y_pred = p + q * H(r + s * x)
    loss = (y_pred - y).pow(2).sum()
    if step % 40 == 39:
        print(step, loss.item())
    loss.backward()
    with torch.no_grad():
        for k in (p, q, r, s):
            k -= lr * k.grad
            k.grad = None

print(f"Result: y = {p.item()} + {q.item()} * H({r.item()} + {s.item()} x)")

# %%
print(hasattr(CubicHermite, "apply"), callable(CubicHermite.apply))
print(math.isclose(H(torch.tensor(0.5)).item(), 4 * 0.125 - 3.0))
