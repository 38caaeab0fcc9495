# Linear regression by hand: the whole training loop with nothing but tensors and autograd.
# Watch w.grad and b.grad in the backward player; each iteration is its own backward() call.

# %% Data on a line y = 3x + 0.5, with a little noise
import torch

torch.manual_seed(0)
x = torch.linspace(0, 1, 20).reshape(20, 1)
y = 3 * x + 0.5 + 0.05 * torch.randn(20, 1)
print(x.shape, y.shape)

# %% Parameters are leaves that require grad
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.5

# %% The loop: forward, backward, update under no_grad, then zero the grads
for step in range(100):
    loss = ((x * w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if step % 20 == 0:
        print(f"step {step:3d}  loss {loss.item():.5f}")
print("w =", round(w.item(), 3), " b =", round(b.item(), 3))
