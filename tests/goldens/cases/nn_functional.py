# torch.nn.functional: activations, softmax and log_softmax (node names, saved attributes,
# gradients), and the implicit-dim warning.
# %% imports and a helper listing a node's saved attributes
import torch
import torch.nn.functional as F
def saved(node):
    return {name: getattr(node, name) for name in dir(node) if name.startswith("_saved_")}
x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]], requires_grad=True)
# %% relu, sigmoid, tanh
for r in [F.relu(x), F.sigmoid(x), F.tanh(x)]:
    print(r)
    print(saved(r.grad_fn))
# %% softmax over rows and columns
s = F.softmax(x, dim=1)
print(s)
print(s.grad_fn.name(), saved(s.grad_fn))
print(F.softmax(x, dim=0))
# %% a negative dim is saved as PyTorch stores it
print(saved(F.softmax(x, dim=-1).grad_fn)["_saved_dim"])
print(saved(F.log_softmax(x, dim=-2).grad_fn)["_saved_dim"])
# %% each row of a softmax sums to one
print(s.sum(dim=1))
# %% softmax gradient: a weighted sum sends back y * (g - sum(g * y))
weights = torch.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]])
(s * weights).sum().backward()
print(x.grad)
# %% log_softmax and its gradient
x.grad = None
ls = F.log_softmax(x, dim=1)
print(ls)
print(ls.grad_fn.name(), saved(ls.grad_fn))
(ls * weights).sum().backward()
print(x.grad)
# %% log_softmax is log of softmax, computed stably
big = torch.tensor([1000.0, 0.0, -1000.0])
print(F.log_softmax(big, dim=0))
print(F.softmax(big, dim=0))
# %% softmax of a 1-d tensor and of a scalar
print(F.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0))
print(F.softmax(torch.tensor(5.0), dim=0))
# %% no dim: a deprecation warning, then dim 1 for a 2-d input
print(F.softmax(torch.tensor([[1.0, 2.0], [3.0, 5.0]])))
# %% the modules apply the same functions
print(torch.nn.Softmax(dim=1)(x))
print(torch.nn.ReLU()(x))
# %% in-place relu rewrites its input
h = x * 1
F.relu(h, inplace=True)
print(h)
# %% out-of-range dim
F.softmax(x, dim=2)
