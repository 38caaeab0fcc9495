# Ops along one dimension as tutorials use them: gather / take_along_dim to pick per-row entries
# (the log-probability of each target), scatter / scatter_ to build one-hot rows, scatter_add /
# index_add to accumulate, index_select to pick rows; their grad_fns, saved attributes, grads,
# second derivatives, dtypes and the errors of common misuse.
# %% imports
import torch

# %% forward values and dtypes
m = torch.arange(12.0).reshape(3, 4)
print(torch.gather(m, 1, torch.tensor([[0, 1], [2, 3], [1, 1]])), m.gather(0, torch.tensor([[2, 1, 0, 2]])))
print(m.gather(-1, torch.tensor([[3], [0], [2]], dtype=torch.int32)), m.long().gather(1, torch.tensor([[1], [0], [3]])))
print(
    torch.index_select(m, 0, torch.tensor([2, 0])),
    m.index_select(1, torch.tensor([1, 3])),
    m.index_select(0, torch.tensor(1)),
)
print(m.index_select(0, torch.tensor([], dtype=torch.long)), torch.tensor(5.0).index_select(0, torch.tensor([0])))
print(torch.zeros(3, 5).scatter(1, torch.tensor([[0], [2], [4]]), 1.0))
print(torch.zeros(3, 3).scatter_(0, torch.tensor([[0, 1, 2], [2, 0, 0]]), torch.arange(1.0, 7.0).reshape(2, 3)))
print(
    torch.zeros(2, dtype=torch.int64).scatter_(0, torch.tensor([1]), 2.7),
    torch.zeros(4, 3).scatter_(1, torch.tensor([2, 0, 1, 1]).unsqueeze(1), 1),
)
print(
    torch.zeros(4).scatter_add(0, torch.tensor([0, 1, 0, 3, 3]), torch.ones(5)),
    torch.scatter_add(m, 1, torch.tensor([[0, 0]]), torch.ones(1, 2)),
)
print(
    m.index_add(0, torch.tensor([0, 0]), torch.ones(2, 4), alpha=2), torch.index_add(m, 1, torch.tensor([3]), -m[:, :1])
)
print(torch.zeros(5).index_add_(0, torch.tensor([1, 1, 4]), torch.tensor([1.0, 2.0, 3.0])))
print(torch.take_along_dim(m, torch.tensor([[0], [1], [2]]), 1), torch.take_along_dim(m, torch.tensor([[0, 1]]), 1))
print(torch.take_along_dim(m, torch.tensor([5, 0])), m.take_along_dim(m.argmax(dim=1, keepdim=True), dim=1))
# %% picking the log-probability of each target
torch.manual_seed(0)
logits = torch.randn(4, 3, requires_grad=True)
target = torch.tensor([2, 0, 1, 1])
logp = logits.log_softmax(dim=1)
picked = logp.gather(1, target.unsqueeze(1)).squeeze(1)
loss = -picked.mean()
loss.backward()
print(picked, loss)
print(logits.grad)
onehot = torch.zeros(4, 3).scatter_(1, target.unsqueeze(1), 1.0)
print(onehot, (logp * onehot).sum(dim=1).neg().mean())
# %% grad_fn names, saved attributes and grads
w = torch.randn(3, 4, requires_grad=True)
g = w.gather(1, torch.tensor([[0, 1], [1, 1], [3, 0]]))
print(g.grad_fn, g.grad_fn._saved_dim, g.grad_fn._saved_index, g.grad_fn._saved_sparse_grad, g.grad_fn._saved_self is w)
s = w.index_select(1, torch.tensor([0, 2, 2]))
print(s.grad_fn, s.grad_fn._saved_dim, s.grad_fn._saved_index, s.grad_fn._saved_self_sym_sizes)
v = w.scatter(1, torch.tensor([[0, 1]]), 2.0)
u = w.scatter(0, torch.tensor([[2, 0, 1]]), w[:1, :3] * 3)
a = w.scatter_add(1, torch.tensor([[3, 3]]), w[:1, :2])
x = w.index_add(1, torch.tensor([0, 0]), w[:, 2:], alpha=3)
print(v.grad_fn, v.grad_fn._saved_dim, v.grad_fn._saved_index, u.grad_fn, a.grad_fn, a.grad_fn._saved_index)
print(x.grad_fn, x.grad_fn._saved_alpha, x.grad_fn._saved_dim, x.grad_fn._saved_source_dim, x.grad_fn._saved_index)
print(u.grad_fn.next_functions, a.grad_fn.next_functions)
(g.pow(2).sum() + s.sum() + (v * w).sum() + u.sum() + (a * 2).sum() + x.pow(2).sum()).backward()
print(w.grad)
t = torch.take_along_dim(w, torch.tensor([[0, 1]]), 1)
print(t.grad_fn, t.grad_fn.next_functions, torch.take_along_dim(w, torch.tensor([5, 0])).grad_fn.next_functions)
# %% in place on a non-leaf, and on a leaf
h = w * 1
h.scatter_(1, torch.tensor([[0, 1]]), 1.0)
print(h.grad_fn, h._version)
h.index_add_(0, torch.tensor([0]), torch.ones(1, 4))
print(h.grad_fn)
h.scatter_add_(0, torch.tensor([[0]]), torch.ones(1, 4))
print(h.grad_fn, h._version)
h.sum().backward()
print(w.grad)
try:
    torch.zeros(3, 4, requires_grad=True).scatter_(1, torch.tensor([[0, 1]]), 1.0)
except RuntimeError as e:
    print(e)
# %% second derivatives
w = torch.randn(3, 4, requires_grad=True)
y = (w.gather(1, torch.tensor([[0, 1], [1, 1], [3, 0]])) ** 3).sum()
(gw,) = torch.autograd.grad(y, w, create_graph=True)
print(gw.grad_fn, gw.grad_fn.next_functions[0][0], gw)
(gg,) = torch.autograd.grad(gw.sum(), w)
print(gg)
y = (w.index_select(0, torch.tensor([0, 0, 2])) ** 3).sum()
(gw,) = torch.autograd.grad(y, w, create_graph=True)
print(gw.grad_fn, gw.grad_fn.next_functions[0][0])
print(torch.autograd.grad(gw.sum(), w)[0])
# %% gather index dtype
m.gather(1, torch.tensor([[1.0]]))
# %% gather index dimensions
m.gather(1, torch.tensor([0, 1]))
# %% gather index too large apart from dim
m.gather(1, torch.tensor([[1]] * 4))
# %% gather index out of bounds
m.gather(1, torch.tensor([[0, 5]]))
# %% gather negative index
m.gather(1, torch.tensor([[0, -1]]))
# %% gather dim out of range
m.gather(2, torch.tensor([[0, 1]]))
# %% index_select index is a matrix
m.index_select(0, torch.tensor([[0, 1]]))
# %% index_select float index
m.index_select(0, torch.tensor([0.0, 1.0]))
# %% index_select out of range
m.index_select(0, torch.tensor([0, 5]))
# %% scatter out of bounds
m.scatter(1, torch.tensor([[0], [5], [1]]), 1.0)
# %% scatter src dtype
m.scatter(1, torch.tensor([[0], [1], [1]]), torch.ones(3, 1, dtype=torch.float64))
# %% scatter src smaller than index
m.scatter(1, torch.tensor([[0], [1], [1]]), torch.ones(2, 1))
# %% scatter_add needs a tensor
m.scatter_add(1, torch.tensor([[0], [1], [1]]), 1.0)
# %% index_add count
m.index_add(0, torch.tensor([0, 0]), torch.ones(3, 4))
# %% index_add dtype
m.index_add(1, torch.tensor([1]), torch.ones(3, 1, dtype=torch.float64))
# %% index_add index out of bounds
m.index_add(0, torch.tensor([0, 7]), torch.ones(2, 4))
# %% take_along_dim float indices
torch.take_along_dim(m, torch.tensor([[0, 1]]).float(), 1)
# %% take_along_dim dimensions
torch.take_along_dim(m, torch.tensor([0, 1]), 1)
