# Assigning through boolean masks and index lists writes into the tensor itself.
import torch

# %% a boolean mask
g = torch.tensor([1.0, 2.0, 3.0])
m = torch.tensor([-1.0, 0.5, 2.0])
g[m < 0] = 0
print(g, g._version)

# %% an index list, a tensor of values, and += through a mask
h = torch.zeros(4)
h[[0, 2]] = torch.tensor([5.0, 6.0])
h[h > 0] += 1
print(h, h._version)

# %% rows of a matrix by a mask
a = torch.arange(6.0).reshape(3, 2)
a[torch.tensor([True, False, True])] = -1.0
print(a)

# %% a clamp written by hand inside a custom backward, as tutorials do
grad = torch.ones(4)
inp = torch.tensor([-2.0, -0.5, 0.5, 2.0])
grad[inp.abs() > 1] = 0
print(grad)
