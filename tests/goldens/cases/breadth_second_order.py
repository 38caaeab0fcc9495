# Breadth: second derivatives with create_graph=True for the common ops.
# %% inputs
import torch
x = torch.tensor([0.3, -0.7, 1.2], requires_grad=True)
# %% pow and mul
(g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
print(g, g.grad_fn)
print(torch.autograd.grad(g.sum(), x))
(g,) = torch.autograd.grad((x * x * x).sum(), x, create_graph=True)
print(g, torch.autograd.grad(g.sum(), x))
# %% exp and sin
(g,) = torch.autograd.grad(x.exp().sum(), x, create_graph=True)
print(g, g.grad_fn, torch.autograd.grad(g.sum(), x))
(g,) = torch.autograd.grad(x.sin().sum(), x, create_graph=True)
print(g, g.grad_fn, torch.autograd.grad(g.sum(), x))
# %% tanh and sigmoid (values only: PyTorch names these first grads' nodes TanhBackwardBackward0 /
# SigmoidBackwardBackward0, gradviz records them as plain MulBackward0 chains)
(g,) = torch.autograd.grad(x.tanh().sum(), x, create_graph=True)
print(g.detach(), torch.autograd.grad(g.sum(), x))
(g,) = torch.autograd.grad(x.sigmoid().sum(), x, create_graph=True)
print(g.detach(), torch.autograd.grad(g.sum(), x))
# %% sum and mean
(g,) = torch.autograd.grad((x * x).sum() * (x * x).mean(), x, create_graph=True)
print(g, torch.autograd.grad(g.sum(), x))
# %% mm
a = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
w = torch.tensor([[1.5, 0.5], [-0.5, 2.0]], requires_grad=True)
(ga, gw) = torch.autograd.grad(((a @ w) ** 2).sum(), (a, w), create_graph=True)
print(ga, gw)
print(torch.autograd.grad(ga.sum() + gw.sum(), (a, w)))
# %% third derivative of a power
(g,) = torch.autograd.grad((x ** 4).sum(), x, create_graph=True)
(h,) = torch.autograd.grad(g.sum(), x, create_graph=True)
print(h, torch.autograd.grad(h.sum(), x))
