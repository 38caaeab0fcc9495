# Reading .grad of a non-leaf warns (once per line in a cell) and gives None.
# %% imports
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
(y * y).sum().backward()
# %% reading y.grad warns
print(y.grad)
# %% reading it twice on two lines warns twice
a = y.grad
b = y.grad
print(a, b)
# %% in a loop the same line warns once
for _ in range(3):
    g = y.grad
print(g)
# %% no warning for a leaf
print(x.grad)
# %% no warning after retain_grad()
y2 = x * 3
y2.retain_grad()
y2.sum().backward()
print(y2.grad)
# %% no warning for a tensor that does not require grad
c = torch.ones(2) * 2
print(c.grad)
# %% also before any backward
z = x.exp()
print(z.grad)
# %% is_leaf tells which tensors get a .grad
for name, t in [("x", x), ("y", y), ("y2", y2), ("c", c)]:
    print(name, t.is_leaf, t.requires_grad, t.retains_grad)
# %% the seed's case: print(y.grad) after backward
x = torch.ones(3, 2, requires_grad=True)
y = x ** 2
z = (y + 1) * y
z.sum().backward()
print(y.grad)
# %% a grad_fn result inside no_grad is a leaf: no warning
with torch.no_grad():
    n = x * 2
print(n.grad)
