# requires_grad: the argument, the attribute, requires_grad_(), propagation and is_leaf.
# %% imports
import torch
# %% the requires_grad argument
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([1.0, 2.0])
print(a.requires_grad, b.requires_grad)
print(a)
print(b)
# %% the requires_grad attribute on a leaf
b.requires_grad = True
print(b.requires_grad, b.is_leaf)
print(b)
b.requires_grad = False
print(b)
# %% requires_grad_() works in place and returns the same tensor
c = torch.ones(2)
d = c.requires_grad_()
print(d is c, c.requires_grad)
c.requires_grad_(False)
print(c.requires_grad, d.requires_grad)
# %% propagation: a result requires grad if any input does
x = torch.ones(2, requires_grad=True)
w = torch.ones(2)
y = x * w
z = w * 2
print(y.requires_grad, z.requires_grad)
print(x.is_leaf, w.is_leaf, y.is_leaf, z.is_leaf)
print(y.grad_fn.name(), z.grad_fn)
# %% tensors that do not require grad are always leaves
print(torch.zeros(3).is_leaf, (torch.zeros(3) + 1).is_leaf)
# %% a non-leaf cannot be switched off
y.requires_grad = False
# %% switching a non-leaf on is allowed (it already requires grad)
y.requires_grad = True
print(y.requires_grad, y.is_leaf)
# %% a result that does not require grad is a leaf and can be switched on
z.requires_grad = True
print(z.is_leaf, z.grad_fn, z)
# %% integer tensors cannot require grad (argument)
i = torch.tensor([1, 2], requires_grad=True)
# %% integer tensors cannot require grad (attribute)
i = torch.tensor([1, 2])
i.requires_grad = True
# %% requires_grad_() on an integer tensor
i.requires_grad_()
# %% factories take requires_grad too
print(torch.zeros(2, requires_grad=True), torch.ones(1, 2, requires_grad=True).is_leaf)
print(torch.full((2,), 3.0, requires_grad=True))
