# Tensor.register_hook: called with the grad, may replace it, returns a handle with remove().
# %% imports
import torch
# %% a hook on a leaf sees the grad before it is accumulated
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x.register_hook(lambda g: print("leaf hook", g))
(x * 3).sum().backward()
print(x.grad)
# %% returning a value replaces the grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x.register_hook(lambda g: g * 10)
(x * 3).sum().backward()
print(x.grad)
# %% remove() unregisters the hook
h.remove()
x.grad = None
(x * 3).sum().backward()
print(x.grad)
# %% removing twice is harmless
h.remove()
print("removed twice")
# %% several hooks run in registration order, each sees the previous result
x = torch.tensor([1.0, 2.0], requires_grad=True)
def first(g):
    print("first", g)
    return g + 1
def second(g):
    print("second", g)
    return g * 2
def third(g):
    print("third", g)
x.register_hook(first)
x.register_hook(second)
x.register_hook(third)
(x * 1).sum().backward()
print(x.grad)
# %% a hook on a non-leaf changes what flows further down
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.register_hook(lambda g: print("y hook", g))
y.register_hook(lambda g: g * 100)
(y * y).sum().backward()
print(x.grad)
# %% a non-leaf hook with retain_grad: the retained grad is the one after the hooks
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.retain_grad()
y.register_hook(lambda g: g * 10)
y.sum().backward()
print(y.grad, x.grad)
# %% hooks on non-leaf and leaf: the non-leaf one runs first
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
x.register_hook(lambda g: print("x hook"))
y.register_hook(lambda g: print("y hook"))
y.sum().backward()
# %% a hook on a tensor that does not require grad fails
c = torch.ones(2)
c.register_hook(lambda g: g)
# %% a hook returning a wrong shape fails
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.register_hook(lambda g: torch.ones(3))
(x * 2).sum().backward()
# %% a hook that raises stops the backward with its own error
x = torch.tensor([1.0, 2.0], requires_grad=True)
def broken(g):
    raise ValueError("hook says no")
x.register_hook(broken)
(x * 2).sum().backward()
# %% hooks fire on every backward, once per use of the tensor's grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
calls = []
x.register_hook(lambda g: calls.append(g.tolist()))
y = x * x + x
y.sum().backward()
y = x * 4
y.sum().backward()
print(calls, x.grad)
# %% a hook on a non-leaf used twice fires once with the summed grad
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x + 1
y.register_hook(lambda g: print("y grad", g))
(y * y + y).sum().backward()
print(x.grad)
