# nn.AdaptiveMaxPool1d/2d and F.adaptive_max_pool1d/2d: printed forms, values and indices for bins
# that overlap, the nodes they record (AdaptiveMaxPool2DBackward0, the 1-d form through unsqueeze
# and squeeze), grads that go to each bin's maximum, ties, and misuse.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F
# %% modules, values and indices
torch.manual_seed(0)
print(nn.AdaptiveMaxPool2d((2, 2)), nn.AdaptiveMaxPool2d(3, return_indices=True), nn.AdaptiveMaxPool1d(3))
x = torch.randn(1, 2, 5, 5, requires_grad=True)
y, idx = nn.AdaptiveMaxPool2d((2, 3), return_indices=True)(x)
print(y, idx, sep="\n")
print(y.grad_fn, y.grad_fn._saved_result1.equal(idx), y.grad_fn._saved_self is x, idx.dtype)
(y * torch.arange(12.0).view(1, 2, 2, 3)).sum().backward()
print(x.grad[0, 1])
print(F.adaptive_max_pool2d(x, (None, 2)).shape, F.adaptive_max_pool2d(x[0], 1).shape)
# %% 1-d
s = torch.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0, 7.0]]], requires_grad=True)
out = F.adaptive_max_pool1d(s, 3)
vals, where = nn.AdaptiveMaxPool1d(4, return_indices=True)(s)
print(out, vals, where)
print(out.grad_fn, out.grad_fn.next_functions, out.grad_fn.next_functions[0][0].next_functions)
(out.sum() + vals.sum()).backward()
print(s.grad)
print(nn.AdaptiveMaxPool1d(2)(torch.arange(8.0).view(2, 4)))
# %% ties and a classifier head
t = torch.tensor([[[[1.0, 1.0], [1.0, 1.0]]]], requires_grad=True)
p, i = F.adaptive_max_pool2d(t, 1, return_indices=True)
p.sum().backward()
print(p, i, t.grad)
torch.manual_seed(1)
head = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(2, 1))
print(head(torch.randn(3, 1, 6, 6)).shape, head)
# %% wrong number of dimensions
F.adaptive_max_pool2d(torch.ones(5, 5), 2)
# %% 1-d wrong number of dimensions
F.adaptive_max_pool1d(torch.ones(5), 2)
