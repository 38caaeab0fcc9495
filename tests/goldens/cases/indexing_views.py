# Indexing, views and reshaping: values, grad_fn names and where the grad lands.
# %% imports
import torch
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], requires_grad=True)
# %% x[0]
y = x[0]
print(y, y.shape)
y.sum().backward()
print(x.grad)
# %% x[0][0], the seed's element
x.grad = None
y = x[0][0]
print(y, y.shape, y.grad_fn, y.grad_fn.next_functions[0][0])
y.backward()
print(x.grad)
# %% x[:, 1]
x.grad = None
y = x[:, 1]
print(y)
(y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(x.grad)
# %% x[1:3]
x.grad = None
y = x[1:3]
print(y, y.grad_fn)
y.sum().backward()
print(x.grad)
# %% negative indices and steps
print(x[-1], x[0, -1], x[::2])
print(x[::2].grad_fn.name(), x[-1].grad_fn.name())
# %% indexing twice sums into the same grad
x.grad = None
(x[0, 0] * 2 + x[0][0] * 3 + x[2, 2]).backward()
print(x.grad)
# %% view and reshape
v = x.view(9)
r = x.reshape(1, 9)
print(v)
print(r, r.shape)
print(x.view(-1, 3).shape, x.reshape(-1).shape, x.view(3, -1).grad_fn.name())
# %% the grad of a view has the base's shape
x.grad = None
(x.view(9) * torch.arange(9.0)).sum().backward()
print(x.grad)
# %% t()
x.grad = None
xt = x.t()
print(xt, xt.grad_fn)
(xt[0] * 10).sum().backward()
print(x.grad)
# %% reshape of a transposed tensor copies
print(x.t().reshape(9))
print(x.t().reshape(9).grad_fn.name())
# %% expand and expand_as
a = torch.tensor([[1.0], [2.0]], requires_grad=True)
e = a.expand(2, 3)
print(e, e.grad_fn)
e.sum().backward()
print(a.grad)
b = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
f = b.expand_as(x)
print(f)
(f * x.detach()).sum().backward()
print(b.grad)
# %% expand with -1 keeps a dimension
print(a.expand(-1, 4).shape, torch.ones(1, 3).expand(2, -1).shape)
# %% views share data with their base
base = torch.zeros(2, 3)
v = base.view(6)
v[0] = 1.0
base[1, 2] = 5.0
print(base)
print(v)
# %% indexing a 1-d tensor gives a 0-d tensor
z = torch.tensor([3.0, 4.0], requires_grad=True)
print(z[1], z[1].dim(), z[1].item())
