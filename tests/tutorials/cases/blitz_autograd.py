# Learner-style script in the manner of the "60-minute blitz" autograd chapter: a tensor that
# tracks history, its grad_fn, a mean, requires_grad_(), a vector-Jacobian product through a
# data-dependent loop, and no_grad. Written for gradviz's tutorial corpus; goldens from torch 2.13.

# %%
import torch

torch.manual_seed(7)
w = torch.ones(3, 2, requires_grad=True)
print(w)

# %%
shifted = w - 1.5
print(shifted)
print(shifted.grad_fn)

# %%
cube = shifted * shifted * shifted
avg = cube.mean()
print(cube, avg)

# %%
m = torch.randn(2, 3)
m = (m + 2) * (m - 4)
print(m.requires_grad)
m.requires_grad_()
print(m.requires_grad)
total = (m / 3).sum()
print(total.grad_fn)

# %%
avg.backward()
print(w.grad)

# %%
v = torch.randn(4, requires_grad=True)
out = v * 3
steps = 0
while out.data.norm() < 500:
    out = out * 3
    steps += 1
print(steps)
print(out)

# %%
weights = torch.tensor([1.0, 0.01, 0.5, 2.0], dtype=torch.float)
out.backward(weights)
print(v.grad)

# %%
print(v.requires_grad)
print((v * v).requires_grad)
with torch.no_grad():
    print((v * v).requires_grad)

# %%
p = torch.tensor([1.0, 4.0], requires_grad=True)
q = torch.tensor([2.0, -1.0], requires_grad=True)
big_q = 2 * p**3 - q**2
upstream = torch.tensor([1.0, 1.0])
big_q.backward(gradient=upstream)
print(6 * p**2 == p.grad)
print(-2 * q == q.grad)

# %%
# freezing: parameters excluded from the graph keep grad None
layer = torch.nn.Linear(3, 2)
for prm in layer.parameters():
    prm.requires_grad = False
layer.bias.requires_grad_(True)
res = layer(torch.ones(1, 3)).sum()
res.backward()
print(layer.weight.grad, layer.bias.grad)
print([name for name, prm in layer.named_parameters() if prm.requires_grad])
