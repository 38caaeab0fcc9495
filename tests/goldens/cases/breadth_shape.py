# Breadth: permute, cat, stack, repeat and their grads.
# %% inputs
import torch
a = torch.arange(24.0).view(2, 3, 4).requires_grad_()
p = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
q = torch.tensor([[5.0, 6.0]], requires_grad=True)
# %% permute
z = a.permute(2, 0, 1)
print(z.shape, z.grad_fn, z.grad_fn._saved_dims, z._base is a)
(z * torch.arange(4.0).view(4, 1, 1)).sum().backward()
print(a.grad[0])
print(p.permute(1, 0), torch.permute(p, (1, 0)).grad_fn.name())
# %% cat along dim 0
c = torch.cat([p, q * 2], 0)
print(c, c.grad_fn, c.grad_fn._saved_dim)
(c * torch.tensor([[1.0], [2.0], [3.0]])).sum().backward()
print(p.grad, q.grad)
# %% cat of three along dim 1
p.grad = None
c = torch.cat((p, p * 10, p.exp()), dim=-1)
print(c.shape, c.grad_fn.name(), c.grad_fn._saved_dim)
c.sum().backward()
print(p.grad)
# %% stack
p.grad = None
q.grad = None
s = torch.stack([p[0], q[0], p[1]])
print(s, s.grad_fn, s.grad_fn._saved_dim)
(s * torch.tensor([[1.0], [10.0], [100.0]])).sum().backward()
print(p.grad, q.grad)
# %% stack on the last dim
p.grad = None
s = torch.stack([p, p * p], dim=2)
print(s.shape, s[1, 1])
s.sum().backward()
print(p.grad)
# %% repeat
p.grad = None
r = p.repeat(2, 3)
print(r, r.grad_fn, r.grad_fn._saved_repeats, r.grad_fn._saved_self_sym_sizes)
(r * torch.arange(24.0).view(4, 6)).sum().backward()
print(p.grad)
# %% repeat adding a dimension
v = torch.tensor([1.0, 2.0], requires_grad=True)
r = v.repeat(3, 2)
print(r.shape)
r.sum().backward()
print(v.grad)
