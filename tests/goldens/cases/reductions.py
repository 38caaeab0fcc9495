# sum and mean: over everything, over a dim, with keepdim, and their gradients.
# %% imports
import torch
M = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
# %% sum over everything
s = M.sum()
print(s, s.shape)
s.backward()
print(M.grad)
# %% mean over everything
M.grad = None
m = M.mean()
print(m)
m.backward()
print(M.grad)
# %% sum over dim 0 and dim 1
print(M.sum(0), M.sum(1), M.sum(dim=0).shape)
# %% keepdim
print(M.sum(1, keepdim=True), M.sum(0, keepdim=True).shape)
print(M.mean(1, keepdim=True), M.mean(dim=0, keepdim=True).shape)
# %% negative dims
print(M.sum(-1), M.mean(-2))
# %% mean over a dim
print(M.mean(0), M.mean(1))
# %% gradients of a dim reduction under a non-uniform upstream gradient
M.grad = None
r = M.sum(0)
r.backward(torch.tensor([1.0, 10.0, 100.0]))
print(M.grad)
M.grad = None
r = M.mean(1, keepdim=True)
r.backward(torch.tensor([[1.0], [2.0]]))
print(M.grad)
# %% torch.sum and torch.mean
print(torch.sum(M), torch.mean(M), torch.sum(M, 1), torch.mean(M, dim=0))
# %% sum of a 0-dim and of a 1-element tensor
print(torch.tensor(3.0).sum(), torch.tensor([3.0]).sum(), torch.tensor([3.0]).mean())
# %% sum of integers stays integer; mean of integers is an error
print(torch.tensor([1, 2, 3]).sum(), torch.tensor([1, 2, 3]).sum().dtype)
torch.tensor([1, 2, 3]).mean()
# %% sum over a tuple of dims
print(torch.ones(2, 3, 4).sum((0, 2)), torch.ones(2, 3, 4).sum(dim=(0, 1), keepdim=True).shape)
# %% chained reductions and their grad
X = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
loss = X.sum(1).mean()
loss.backward()
print(loss, X.grad)
