# Grad mode: no_grad, enable_grad, set_grad_enabled as context managers and decorators.
# %% imports
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
# %% inside no_grad results do not require grad
with torch.no_grad():
    y = x * 2
print(y, y.requires_grad, y.grad_fn, y.is_leaf)
# %% grad mode comes back after the with block
with torch.no_grad():
    print((x * 2).requires_grad)
print((x * 2).requires_grad)
# %% leaves keep requires_grad inside no_grad
with torch.no_grad():
    print(x.requires_grad)
    z = torch.ones(2, requires_grad=True)
print(z.requires_grad, z.is_leaf)
# %% enable_grad inside no_grad
with torch.no_grad():
    with torch.enable_grad():
        y = x * 2
    w = x * 2
print(y.requires_grad, w.requires_grad)
# %% set_grad_enabled(False) and (True)
with torch.set_grad_enabled(False):
    a = x * 2
with torch.set_grad_enabled(True):
    b = x * 2
print(a.requires_grad, b.requires_grad)
# %% set_grad_enabled as a plain call switches the mode until switched back
torch.set_grad_enabled(False)
c = x * 2
torch.set_grad_enabled(True)
d = x * 2
print(c.requires_grad, d.requires_grad)
# %% no_grad as a decorator
@torch.no_grad()
def double(t):
    return t * 2
print(double(x).requires_grad, (x * 2).requires_grad)
# %% enable_grad as a decorator inside no_grad
@torch.enable_grad()
def triple(t):
    return t * 3
with torch.no_grad():
    print(triple(x).requires_grad)
# %% an exception inside no_grad still restores grad mode
try:
    with torch.no_grad():
        raise ValueError("inside")
except ValueError as err:
    print("caught", err)
print((x * 2).requires_grad)
# %% parameter update under no_grad, the usual training step
w = torch.tensor([1.0, -1.0], requires_grad=True)
loss = (w * w).sum()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
print(w, w.is_leaf, w._version)
w.grad.zero_()
# %% the same update without no_grad fails
w -= 0.1 * w.grad
# %% in-place on a leaf inside no_grad keeps it a leaf with requires_grad
with torch.no_grad():
    w.mul_(2)
    w[0] = 5.0
print(w, w.requires_grad, w.grad_fn)
# %% backward of a result computed under no_grad fails
with torch.no_grad():
    s = (x * 2).sum()
s.backward()
