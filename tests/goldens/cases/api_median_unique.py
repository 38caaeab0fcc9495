# torch.median (of everything; values and indices along a dim), torch.kthvalue and torch.unique:
# values, tie and NaN choices, return types, grad_fns and what they save, grads, and errors.
# %% inputs
import torch
x = torch.tensor([[3.0, 1.0, 2.0, 1.0], [5.0, 5.0, 4.0, 5.0]], requires_grad=True)
# %% median of everything
m = torch.median(x)
print(m, m.grad_fn, m.grad_fn._saved_result, x.median())
m.backward()
print(x.grad)
x.grad = None
t = torch.tensor([2.0, 1.0, 2.0, 3.0], requires_grad=True)
t.median().backward()
print(t.median(), t.grad)
print(torch.median(torch.tensor([1.0, float("nan"), 2.0])), torch.median(torch.tensor([[1, 2], [3, 4]])), torch.median(torch.tensor([])))
# %% median along a dim
r = torch.median(x, 1)
print(r, type(r).__name__, r.values.grad_fn, r.values.grad_fn._saved_dim, r.values.grad_fn._saved_indices)
print(r.values.grad_fn._saved_keepdim, r.values.grad_fn._saved_self_sym_sizes)
values, indices = x.median(dim=-1, keepdim=True)
print(values, indices, values.grad_fn._saved_dim)
(r.values * torch.tensor([1.0, 10.0])).sum().backward()
print(x.grad)
x.grad = None
print(torch.median(x, 0), torch.median(torch.tensor([1.0, float("nan"), 2.0, float("nan")]), 0))
print(torch.median(torch.tensor([3, 1, 2, 3, 1, 3]), 0), torch.median(torch.tensor(3.0, requires_grad=True), 0))
# %% median along an empty dim
torch.median(torch.ones(2, 0), 1)
# %% median of bools
torch.median(torch.tensor([True, False]))
# %% kthvalue
k = torch.kthvalue(x, 2, 1)
print(k, type(k).__name__, k.values.grad_fn, k.values.grad_fn._saved_dim, k.values.grad_fn._saved_indices)
k.values.sum().backward()
print(x.grad)
x.grad = None
print(torch.kthvalue(x, 3), x.kthvalue(1, 0, True), torch.kthvalue(torch.tensor([2, 1, 3]), 2))
print(torch.tensor([1.0, 1.0, 1.0, 1.0, 2.0, 1.0]).kthvalue(5), torch.tensor([3, 1, 2, 3, 1, 3]).kthvalue(2))
print(torch.kthvalue(torch.tensor([float("nan"), 1.0, 0.5]), 3), torch.kthvalue(torch.tensor(3.0), 1))
# %% kthvalue with k too large
torch.kthvalue(x, 5, 1)
# %% kthvalue with k = 0
torch.kthvalue(x, 0)
# %% unique
u = torch.tensor([3, 1, 2, 3, 1, 5])
print(torch.unique(u), u.unique(), torch.unique(u, sorted=False), torch.unique(u, return_inverse=True))
print(torch.unique(u, return_counts=True), torch.unique(u, return_inverse=True, return_counts=True))
print(type(torch.unique(u, return_counts=True)).__name__, torch.unique(torch.tensor([[1, 2], [1, 2], [3, 4]]), return_inverse=True))
print(torch.unique(torch.tensor([2.0, float("nan"), 1.0, float("nan")])), torch.unique(torch.tensor([True, False, True])))
print(torch.unique(torch.tensor(3.0)), torch.unique(torch.tensor([]), return_inverse=True, return_counts=True))
print(torch.unique(torch.tensor([5.0, 3.0, 5.0, 1.0]), sorted=False, return_inverse=True, return_counts=True))
# %% unique along a dim
rows = torch.tensor([[1, 2], [1, 2], [0, 5]])
print(torch.unique(rows, dim=0), torch.unique(rows, dim=0, return_inverse=True, return_counts=True))
print(torch.unique(rows, dim=1, return_counts=True), rows.unique(dim=-1))
# %% unique keeps a grad_fn but has no derivative
uu = torch.unique(x)
print(uu, uu.requires_grad, uu.grad_fn, torch.unique(x, dim=0).grad_fn)
uu.sum().backward()
# %% unique along a dim has no derivative either
torch.unique(x, dim=1).sum().backward()
# %% median, kthvalue and unique in a small robust loss
w = torch.tensor([0.5, -1.0], requires_grad=True)
pts = torch.tensor([[1.0, 2.0], [2.0, 0.5], [-1.0, 3.0], [10.0, -8.0], [0.0, 1.0]])
res = pts @ w
loss = (res - res.median()).abs().median() + res.kthvalue(4).values
loss.backward()
print(res, loss, w.grad, torch.unique(res.detach().round()))
