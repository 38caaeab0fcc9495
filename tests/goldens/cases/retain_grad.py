# retain_grad() keeps .grad on a non-leaf tensor.
# %% imports
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
# %% without retain_grad a non-leaf has no grad (and warns)
y = x * 2
z = (y * y).sum()
z.backward()
print(y.grad)
# %% with retain_grad it is kept
y = x * 2
y.retain_grad()
z = (y * y).sum()
z.backward(retain_graph=True)
print(y.grad)
print(y.retains_grad, x.retains_grad)
# %% retained grads accumulate too (y's own graph was retained)
z = (y * 3).sum()
z.backward()
print(y.grad)
# %% retain_grad on a leaf is a no-op
x.retain_grad()
print(x.retains_grad)
# %% retain_grad on a tensor that does not require grad fails
c = torch.ones(2)
c.retain_grad()
# %% retain_grad on the output itself
x = torch.tensor([1.0, 2.0], requires_grad=True)
s = (x ** 2).sum()
s.retain_grad()
s.backward()
print(s.grad, x.grad)
# %% retain_grad must be called before backward
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
y.sum().backward(retain_graph=True)
y.retain_grad()
print(y.grad)
y.sum().backward()
print(y.grad)
# %% retained grads of intermediate results of a chain
x = torch.tensor(3.0, requires_grad=True)
a = x * 2
b = a ** 2
c = b + 1
for t in (a, b, c):
    t.retain_grad()
c.backward()
print(a.grad, b.grad, c.grad, x.grad)
# %% retain_grad then zeroing the grad
b.grad.zero_()
print(b.grad)
