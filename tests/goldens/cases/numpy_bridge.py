# numpy(), tolist(), item() and tensors built from numpy arrays.
# %% imports
import torch
import numpy as np
# %% numpy() of a plain tensor
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
n = a.numpy()
print(n, n.dtype, n.shape, type(n).__name__)
# %% numpy() shares memory with the tensor
n[0, 0] = 100.0
print(a)
a.add_(1)
print(n)
# %% numpy() of a tensor that requires grad fails
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.numpy()
# %% also for a result with a grad_fn
(x * 2).numpy()
# %% detach().numpy() works
print((x * 2).detach().numpy())
# %% a .grad can be turned into numpy directly
(x * 3).sum().backward()
print(x.grad.numpy())
# %% int64 and bool tensors give matching numpy dtypes
print(torch.tensor([1, 2]).numpy().dtype, torch.tensor([True]).numpy().dtype, torch.ones(1, dtype=torch.float64).numpy().dtype)
# %% torch.tensor from a numpy array copies and keeps its dtype
arr = np.array([1.0, 2.0, 3.0])
t = torch.tensor(arr)
print(t, t.dtype)
arr[0] = -1.0
print(t)
# %% float32 arrays stay float32, int arrays become int64
print(torch.tensor(np.array([1.5], dtype=np.float32)), torch.tensor(np.array([1, 2])).dtype)
# %% a numpy array can require grad after conversion
t = torch.tensor(np.array([1.0, 2.0]), requires_grad=True)
(t ** 2).sum().backward()
print(t.grad)
# %% item() and tolist() give Python numbers
g = torch.tensor([[0.5, 1.5]])
print(g.tolist(), g[0, 1].item(), g.sum().item())
# %% math on item() values
import math
print(math.sqrt(torch.tensor(16.0).item()), round(torch.tensor(2.0).exp().item(), 4))
