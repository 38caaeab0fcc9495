# grad_fn class names of every supported op (PyTorch's own names, as the graph shows them).
# %% imports
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
M = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
# %% leaves have no grad_fn
print(x.grad_fn, M.grad_fn)
# %% binary ops between tensors
for r in [x + y, x - y, x * y, x / y, x ** y]:
    print(r.grad_fn.name())
# %% binary ops with a Python scalar on the right
for r in [x + 1, x - 1, x * 2, x / 2, x ** 2, x ** 0.5]:
    print(r.grad_fn.name())
# %% binary ops with a Python scalar on the left
for r in [1 + x, 1 - x, 2 * x, 2 / x, 2 ** x]:
    print(r.grad_fn.name())
# %% unary minus
print((-x).grad_fn.name())
# %% unary functions
for r in [x.exp(), x.log(), x.sin(), x.cos(), x.tanh(), x.sigmoid(), x.relu(), x.sqrt(), x.abs()]:
    print(r.grad_fn.name())
# %% torch.* spellings give the same nodes
for r in [torch.exp(x), torch.log(x), torch.sin(x), torch.cos(x), torch.tanh(x), torch.sigmoid(x), torch.relu(x), torch.sqrt(x), torch.abs(x)]:
    print(r.grad_fn.name())
# %% reductions
for r in [x.sum(), x.mean(), M.sum(0), M.sum(dim=1, keepdim=True), M.mean(1), torch.sum(x), torch.mean(M)]:
    print(r.grad_fn.name())
# %% matrix products
for r in [M @ M, M.mm(M), torch.mm(M, M), torch.matmul(M, M), M.matmul(M)]:
    print(r.grad_fn.name())
# %% shapes and views
for r in [M.t(), M.view(4), M.reshape(4), M.view(-1, 1), x.expand(3, 2), x.expand_as(M)]:
    print(r.grad_fn.name())
# %% indexing
for r in [M[0], M[0][1], M[:, 1], M[0:1], x[1:], M[0, 1]]:
    print(r.grad_fn.name())
# %% the repr of a grad_fn and of a result
r = x * y
print(r.grad_fn)
print(r)
print((x.sum()).grad_fn, x.sum())
