# Breadth: boolean and integer indexing, batched matmul, random in-place fills, conversions.
# %% inputs
import torch
x = torch.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]], requires_grad=True)
# %% boolean mask
y = x[x > 0]
print(y, y.grad_fn, y.grad_fn._saved_self_sym_sizes)
print(y.grad_fn._saved_indices)
(y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(x.grad)
# %% integer list picks rows, repeated indices add up
x.grad = None
y = x[[1, 0, 1]]
print(y, y.grad_fn.name())
y.sum().backward()
print(x.grad)
# %% integer tensor index and a column pick
x.grad = None
y = x[torch.tensor([0, 0, 1])]
z = x[:, [2, 0]]
print(y, z)
(y.sum() + (z * 10).sum()).backward()
print(x.grad)
# %% a pair of index lists picks elements
x.grad = None
e = x[[0, 1], [2, 0]]
print(e, e.grad_fn.name())
e.sum().backward()
print(x.grad)
# %% batched matmul, same batch
a = torch.arange(24.0).view(2, 3, 4).requires_grad_()
b = torch.linspace(-1.0, 1.0, 40).view(2, 4, 5).requires_grad_()
c = a @ b
print(c.shape, c.grad_fn, c.grad_fn.next_functions[0][0])
c.sum().backward()
print(a.grad[1], b.grad[0])
# %% 3-d times a matrix folds into one mm
a.grad = None
w = torch.tensor([[1.0, 0.5], [0.0, -1.0], [2.0, 1.0], [0.5, 0.5]], requires_grad=True)
c = torch.matmul(a, w)
print(c.shape, c.grad_fn.name(), c.grad_fn.next_functions[0][0].name())
c.sum().backward()
print(w.grad, a.grad[0])
# %% 3-d times a vector, and bmm
v = torch.tensor([1.0, -1.0, 0.5, 2.0], requires_grad=True)
print(a @ v, (a @ v).grad_fn.next_functions[0][0].name())
(a @ v).sum().backward()
print(v.grad)
print(torch.bmm(a, b).grad_fn.name(), torch.bmm(a, b)[1, 2])
# %% broadcast batch dims
l = torch.ones(3, 1, 2, 4, requires_grad=True)
out = l @ b
print(out.shape)
out.sum().backward()
print(l.grad[2, 0])
# %% normal_ and uniform_ refill in place
torch.manual_seed(0)
w = torch.empty(2, 3)
print(w.normal_(), w._version)
print(w.uniform_(-1.0, 1.0), w._version)
with torch.no_grad():
    p = torch.zeros(4, requires_grad=True)
    p.normal_(0.0, 0.1)
print(p, p.requires_grad)
# %% type conversions
h = torch.tensor([1.5, -2.5], requires_grad=True)
d = h.double()
print(d, d.grad_fn, h.long(), d.float().grad_fn.name())
(d * d).sum().backward()
print(h.grad)
