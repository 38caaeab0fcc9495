# In-place ops inside a graph: their grad_fn, their grads, and the version-counter error.
# %% imports
import torch
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
