# The layer functions tutorials call from the top-level namespace: torch.conv1d, torch.conv2d
# (the same functions as torch.nn.functional's) and torch.dropout(input, p, train).
# %% imports
import torch
import torch.nn.functional as F
# %% conv2d and conv1d
torch.manual_seed(0)
x = torch.randn(1, 2, 5, 5, requires_grad=True)
w = torch.randn(3, 2, 3, 3, requires_grad=True)
b = torch.randn(3)
y = torch.conv2d(x, w, b, stride=2, padding=1)
print(y, y.grad_fn, y.shape)
print(torch.equal(y, F.conv2d(x, w, b, stride=2, padding=1)), torch.conv2d(x, w, padding="same").shape)
y.sum().backward()
print(w.grad[0], x.grad[0, 0])
s = torch.randn(2, 3, 7)
k = torch.randn(4, 3, 2)
print(torch.conv1d(s, k).shape, torch.conv1d(s, k, None, 1, 1, 2).shape, torch.conv1d(s, k, stride=3).shape)
print(torch.equal(torch.conv1d(s, k, None, 1, 1, 2), F.conv1d(s, k, padding=1, dilation=2)))
# %% dropout
torch.manual_seed(0)
a = torch.ones(2, 6, requires_grad=True)
d = torch.dropout(a, 0.5, True)
print(d, d.grad_fn, torch.dropout(a, 0.5, False) is a, torch.dropout(a, 0.0, True).grad_fn)
d.sum().backward()
print(a.grad)
# %% conv2d with mismatched channels
torch.conv2d(torch.ones(1, 3, 4, 4), torch.ones(2, 2, 3, 3))
