# rand / randn / manual_seed: shapes, dtypes, reproducibility, and the exact numbers of seed 0.
# %% imports
import torch
# %% shapes and dtypes
torch.manual_seed(0)
a = torch.rand(2, 3)
b = torch.randn(4)
print(a.shape, a.dtype, b.shape, b.dtype)
print(torch.rand(()).shape, torch.randn((2, 2)).shape)
# %% rand lies in [0, 1)
torch.manual_seed(1)
r = torch.rand(1000)
print(all(0.0 <= v < 1.0 for v in r.tolist()), len(set(r.tolist())) > 990)
# %% the same seed gives the same numbers
torch.manual_seed(42)
first = torch.rand(5).tolist()
torch.manual_seed(42)
second = torch.rand(5).tolist()
print(first == second)
# %% the stream continues: two draws differ
torch.manual_seed(42)
print(torch.rand(3).tolist() == torch.rand(3).tolist())
# %% requires_grad works on random tensors
torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
print(w.requires_grad, w.is_leaf, w.grad_fn)
(w * 2).sum().backward()
print(w.grad)
# %% the exact values of rand after manual_seed(0)
torch.manual_seed(0)
print(torch.rand(5))
print(torch.rand(2, 3))
# %% the exact values of randn after manual_seed(0)
torch.manual_seed(0)
print(torch.randn(5))
print(torch.randn(2, 2))
# %% a longer randn draw (16 values and more take a different path in PyTorch)
torch.manual_seed(0)
print(torch.randn(17))
# %% rand and randn interleaved
torch.manual_seed(3)
print(torch.rand(2), torch.randn(2), torch.rand(1))
