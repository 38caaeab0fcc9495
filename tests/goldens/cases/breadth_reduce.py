# Breadth: max/min (whole tensor and per dim), var, std, norm.
# %% inputs
import torch
x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
# %% max of the whole tensor
m = x.max()
print(m, m.grad_fn, m.grad_fn._saved_result)
m.backward()
print(x.grad)
# %% ties share the grad evenly
t = torch.tensor([2.0, 7.0, 7.0, 1.0, 7.0], requires_grad=True)
t.max().backward()
print(t.grad)
t.grad = None
t.min().backward()
print(t.grad)
# %% max along a dim returns values and indices
x.grad = None
r = x.max(dim=1)
print(r)
values, indices = r
print(values.grad_fn, values.grad_fn._saved_dim, values.grad_fn._saved_keepdim, values.grad_fn._saved_indices)
(values * torch.tensor([1.0, 10.0])).sum().backward()
print(x.grad, r.indices, r.values is values)
# %% min with keepdim
x.grad = None
r = torch.min(x, 0, keepdim=True)
print(r.values, r.indices, r.values.grad_fn.name())
r.values.sum().backward()
print(x.grad)
# %% torch.max of two tensors is maximum
print(torch.max(x, torch.full((2, 3), 3.5)).grad_fn.name())
# %% var and std
x.grad = None
v = x.var()
s = x.std()
print(v, s, v.grad_fn, s.grad_fn._saved_correction, s.grad_fn._saved_dim)
(v + s).backward()
print(x.grad)
# %% var and std along a dim, biased and unbiased
x.grad = None
v = x.var(dim=1, keepdim=True)
s = x.std(0, unbiased=False)
print(v, s, v.grad_fn._saved_correction, v.grad_fn._saved_dim, s.grad_fn._saved_correction)
(v.sum() + s.sum()).backward()
print(x.grad)
print(x.var(correction=0), torch.std(x, dim=1))
# %% norm
x.grad = None
n = x.norm()
print(n, n.grad_fn, n.grad_fn._saved_ord, n.grad_fn._saved_dim)
n.backward()
print(x.grad)
# %% norm along a dim, and the 1-norm
x.grad = None
n = x.norm(dim=1)
print(n, n.grad_fn._saved_dim, n.grad_fn._saved_keepdim)
(n.sum() + (x - 2.5).norm(p=1)).backward()
print(x.grad)
