# In-place ops, version counters and the two in-place errors.
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
# %% a leaf that requires grad cannot be modified in place
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.add_(1)
# %% nor by item assignment
x[0] = 5.0
# %% nor by +=
x += 1
# %% in place on a non-leaf is recorded in the graph
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
print(y.grad_fn.name(), y._version)
y.add_(1)
print(y.grad_fn.name(), y._version, y)
y.mul_(3)
print(y.grad_fn.name(), y._version)
y.sum().backward()
print(x.grad)
# %% in-place names: sub_, zero_, fill_, item assignment
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
y.sub_(1)
print(y.grad_fn.name())
y.zero_()
print(y.grad_fn.name())
y.fill_(2.0)
print(y.grad_fn.name())
y[0] = 3.0
print(y.grad_fn.name(), y._version, y)
y.sum().backward()
print(x.grad)
# %% += on a non-leaf
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
z = y
y += x
print(y is z, y.grad_fn.name(), y.grad_fn.next_functions[0][0].name())
y.sum().backward()
print(x.grad)
# %% modifying a tensor that backward needs: exp saves its result
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
y.add_(1)
y.sum().backward()
# %% modifying a saved input: mul saves both operands
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 1
z = h * h
h.mul_(2)
z.sum().backward()
# %% modifying a tensor that nobody saved is fine: add saves nothing
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 1
z = h + 1
h.add_(5)
z.sum().backward()
print(x.grad, h._version)
# %% versions of views: x[0] shares the counter with x
v = torch.zeros(3)
row = v[0:2]
row.add_(1)
print(v, v._version, row._version)
v.mul_(2)
print(row, row._version)
# %% item assignment into a non-leaf that requires grad, then backward
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y[1] = 0.0
y.sum().backward()
print(x.grad)
# %% assigning a tensor that requires grad into a plain tensor makes it require grad
base = torch.zeros(2)
w = torch.tensor(4.0, requires_grad=True)
base[0] = w * 2
print(base, base.requires_grad, base.is_leaf)
base.sum().backward()
print(w.grad)
