# Breadth: maximum/minimum, clamp, where, masked_fill: values, grad_fn names, saved attributes, grads.
# %% inputs
import torch
x = torch.tensor([[1.0, -2.0, 3.0], [0.5, 2.0, -1.0]], requires_grad=True)
y = torch.tensor([[2.0, -2.0, 1.0], [0.5, 3.0, -4.0]], requires_grad=True)
# %% maximum splits ties in half
m = torch.maximum(x, y)
print(m, m.grad_fn.name(), m.grad_fn._saved_self is x, m.grad_fn._saved_other is y)
m.sum().backward()
print(x.grad)
print(y.grad)
# %% minimum, with broadcasting
x.grad = None
b = torch.tensor([0.5, 0.0, 1.0], requires_grad=True)
n = torch.minimum(x, b)
print(n)
(n * torch.arange(6.0).view(2, 3)).sum().backward()
print(x.grad, b.grad)
# %% clamp with both bounds, the bounds themselves pass grad
x.grad = None
c = x.clamp(-1.0, 2.0)
print(c, c.grad_fn, c.grad_fn._saved_min, c.grad_fn._saved_max)
c.sum().backward()
print(x.grad)
# %% clamp with one bound and clamp_min / clamp_max
x.grad = None
print(x.clamp(min=0.0).grad_fn._saved_max, x.clamp(max=0.0).grad_fn._saved_min)
print(x.clamp_min(0.5).grad_fn.name(), x.clamp_max(0.5).grad_fn.name(), x.clamp_min(0.5).grad_fn._saved_min)
(x.clamp_min(0.5) + x.clamp_max(0.5) * 2).sum().backward()
print(x.grad)
print(torch.clamp(x, max=1.0), x.clip(0.0, 1.0))
# %% where with grads
x.grad = None
y.grad = None
w = torch.where(x > 0, x * 2, y)
print(w, w.grad_fn, w.grad_fn._saved_condition)
w.sum().backward()
print(x.grad, y.grad)
# %% where with a scalar branch
x.grad = None
w = torch.where(x > 1, x, 0.0)
print(w)
w.sum().backward()
print(x.grad)
# %% masked_fill
x.grad = None
f = x.masked_fill(x < 0, 0.0)
print(f, f.grad_fn.name(), f.grad_fn._saved_mask)
(f * 3).sum().backward()
print(x.grad)
# %% masked_fill with a broadcast mask
x.grad = None
f = x.masked_fill(torch.tensor([True, False, True]), -1.0)
print(f)
f.sum().backward()
print(x.grad)
