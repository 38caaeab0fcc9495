# Learner-style script on torch.autograd.functional as the YouTube series' "high-level API" and the
# autograd docs use it: jacobian of a two-input function (tuple of tuples), hessian, vjp with
# v=..., jvp, hvp and vhp, and the same answers from torch.autograd.grad.

# %%
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def mix(u, w):
    return 3 * u.exp() - 2 * w


torch.manual_seed(14)
pair = (torch.rand(1), torch.rand(1))
print(pair)
print(jacobian(mix, pair))

# %%
pair = (torch.rand(3), torch.rand(3))
print(jacobian(mix, pair))
print(torch.autograd.functional.jacobian(lambda t: t**2, torch.tensor([1.0, 2.0])))


# %%
def energy(t):
    return (t**3).sum() + t[0] * t[1]


pt = torch.tensor([1.0, -1.0, 2.0])
print(hessian(energy, pt))


# %%
def keep_doubling(t):
    y = t * 2
    while y.data.norm() < 100:
        y = y * 2
    return y


start = torch.randn(3)
direction = torch.tensor([1.0, 0.1, 0.01])
print(vjp(keep_doubling, start, v=direction))
print(torch.autograd.functional.vjp(keep_doubling, start, direction))

# %%
print(jvp(lambda t: t.sin(), pt, v=torch.ones(3)))
print(hvp(energy, pt, v=torch.tensor([1.0, 0.0, 0.0])))
print(vhp(energy, pt, v=torch.tensor([0.0, 1.0, 0.0])))

# %%
x = pt.clone().requires_grad_(True)
(g,) = torch.autograd.grad(energy(x), x, create_graph=True)
print(g)
rows = [torch.autograd.grad(g[i], x, retain_graph=True)[0] for i in range(3)]
print(torch.stack(rows))
print(torch.equal(torch.stack(rows), hessian(energy, pt)))
J = jacobian(lambda t: torch.stack([t[0] * t[1], t[1].sin(), t[2] ** 2]), pt, create_graph=False)
print(J.shape, J)
