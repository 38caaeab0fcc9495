# In-place ops on plain tensors, version counters, and the leaf in-place errors.
# %% imports
import torch
# %% in-place ops change the tensor and bump _version
a = torch.tensor([1.0, 2.0, 3.0])
print(a._version)
a.add_(1)
print(a, a._version)
a.mul_(2)
a.sub_(1)
print(a, a._version)
# %% in-place ops return the tensor itself
b = a.zero_()
print(b is a, a, a._version)
b = a.fill_(7.0)
print(b is a, a, a._version)
# %% +=, -=, *=, /= are in place and keep the object
c = torch.ones(2)
before = c
c += 1
c *= 3
c -= 1
c /= 5
print(c, c is before, c._version)
# %% item assignment is in place too
c[0] = 10.0
c[1] += 1
print(c, c._version)
# %% add_ and sub_ with a tensor argument, with broadcasting
m = torch.zeros(2, 2)
m.add_(torch.tensor([1.0, 2.0]))
m.sub_(torch.tensor([[0.5], [1.0]]))
print(m, m._version)
# %% versions of views: a slice shares the counter with its base
v = torch.zeros(3)
row = v[0:2]
row.add_(1)
print(v, v._version, row._version)
v.mul_(2)
print(row, row._version)
# %% a leaf that requires grad cannot be modified in place
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.add_(1)
# %% nor by item assignment
x[0] = 5.0
# %% nor by +=
x += 1
