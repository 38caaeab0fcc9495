# Hooks: a function that autograd calls with a gradient on its way through the graph.
# register_hook on a tensor sees (and may replace) that tensor's grad; node hooks see a grad_fn's
# inputs and outputs. Run a cell, then open the backward player to watch each hook fire.

# %% A hook on an intermediate tensor sees the grad that reaches it
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.register_hook(lambda grad: print("grad reaching y:", grad))
y.sum().backward()
print("x.grad:", x.grad)

# %% A hook may return a new grad: everything further down sees the replacement
x.grad = None
y = x * 2
handle = y.register_hook(lambda grad: grad * 100)
y.sum().backward()
print("x.grad with the hook:", x.grad)
handle.remove()  # a handle removes the hook again
x.grad = None
(x * 2).sum().backward()
print("x.grad without it:", x.grad)

# %% Hooks on a leaf run before its .grad is written
w = torch.tensor([0.5, -0.5], requires_grad=True)
w.register_hook(lambda grad: print("leaf hook:", grad))
(w ** 2).sum().backward()
print("w.grad:", w.grad)

# %% Node hooks: a pre-hook sees the grads flowing into a grad_fn, a hook sees what it sends on
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a.exp()
b.grad_fn.register_prehook(lambda grad_outputs: print("into ExpBackward0:", grad_outputs))
b.grad_fn.register_hook(lambda grad_inputs, grad_outputs: print("out of ExpBackward0:", grad_inputs))
b.sum().backward()
