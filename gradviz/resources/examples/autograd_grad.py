# torch.autograd.grad: ask for a gradient instead of accumulating it into .grad.
# Useful for gradient penalties and second derivatives; nothing is written to .grad.

# %% The grad of y with respect to x, returned, not stored
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
(dy_dx,) = torch.autograd.grad(y, x)
print(dy_dx)
print("x.grad stays", x.grad)

# %% Several inputs at once, and allow_unused for one the output does not depend on
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
c = torch.tensor(4.0, requires_grad=True)
out = a * b
print(torch.autograd.grad(out, [a, b, c], allow_unused=True))

# %% Without allow_unused an unused input is an error
out = a * b
torch.autograd.grad(out, [a, c])

# %% create_graph=True makes the gradient differentiable: a second derivative
t = torch.tensor([0.5, 1.0], requires_grad=True)
f = (t.sin() * t).sum()
(first,) = torch.autograd.grad(f, t, create_graph=True)
print("first:", first, first.grad_fn)
(second,) = torch.autograd.grad(first.sum(), t)
print("second:", second)
