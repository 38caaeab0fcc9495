# detach() and .data: the same storage, no history, and what that means for in-place changes.
# %% imports
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
# %% detach() gives a leaf that does not require grad
d = y.detach()
print(d, d.requires_grad, d.is_leaf, d.grad_fn)
# %% .data too
print(y.data, y.data.requires_grad, y.data.is_leaf)
# %% a detached tensor shares data with its source
d = x.detach()
d[0] = 10.0
print(x)
# %% .data shares data too
x.data[1] = 20.0
print(x)
# %% the original still requires grad and keeps its history
print(x.requires_grad, y.requires_grad, y.grad_fn.name())
# %% ops on a detached tensor build no graph
z = y.detach() * 3
print(z.requires_grad, z.grad_fn)
# %% gradients do not flow through a detached branch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * x
z = y.detach() * x
z.sum().backward()
print(x.grad)
# %% detach then requires_grad_ makes a new leaf
w = (x * 2).detach().requires_grad_()
print(w, w.is_leaf)
(w * w).sum().backward()
print(w.grad)
# %% modifying a detached saved tensor in place is caught at backward
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
y.detach().zero_()
y.sum().backward()
# %% modifying via .data is not caught: the grad silently uses the new values
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
y.data.zero_()
y.sum().backward()
print(x.grad)
# %% versions: detach() shares the counter, .data does not
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
d = y.detach()
d.add_(1)
print(y._version, d._version)
y.data.add_(1)
print(y._version)
# %% numpy() needs detach()
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.numpy()
# %% detach().numpy() and tolist()
print(x.detach().numpy(), x.tolist())
