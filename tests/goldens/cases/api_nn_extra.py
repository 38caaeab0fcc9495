# F.pairwise_distance / nn.PairwiseDistance, nn.PReLU / F.prelu, Hardswish, Hardsigmoid, Softsign,
# Softmin, GLU, Threshold (modules and functional forms): values, printed modules, grad_fns and
# what they save, grads, in-place forms, and the errors of common misuse.
# %% inputs
import torch
import torch.nn as nn
import torch.nn.functional as F
x = torch.tensor([[-4.0, -1.5, 0.0, 0.5], [1.0, 2.5, 3.5, -0.25]], requires_grad=True)
y = torch.tensor([[1.0, 0.0, -1.0, 2.0], [0.5, 0.5, 0.5, 0.5]], requires_grad=True)
# %% pairwise_distance
d = F.pairwise_distance(x, y)
print(d, d.grad_fn, d.grad_fn._saved_p, d.grad_fn._saved_dim, d.grad_fn._saved_keepdim)
print(d.grad_fn.next_functions[0][0], d.grad_fn.next_functions[0][0].next_functions[0][0])
d.sum().backward()
print(x.grad, y.grad)
x.grad = y.grad = None
print(F.pairwise_distance(x, y, p=1.0, keepdim=True), F.pairwise_distance(x, y[0]), F.pairwise_distance(x, y, p=3))
print(F.pairwise_distance(x, y, p=float("inf")), F.pairwise_distance(torch.ones(3), torch.zeros(3)))
m = nn.PairwiseDistance(p=1.0, eps=0.0, keepdim=True)
print(nn.PairwiseDistance(), m, m(x, y))
F.pairwise_distance(x, y, p=1.0).sum().backward()
print(x.grad)
x.grad = None
F.pairwise_distance(x, y, p=float("inf")).sum().backward()
print(x.grad)
x.grad = None
# %% pairwise_distance of mismatched rows
F.pairwise_distance(torch.ones(2, 3), torch.ones(2, 4))
# %% PReLU module
torch.manual_seed(0)
p = nn.PReLU()
print(p, p.weight, [n for n, _ in p.named_parameters()], nn.PReLU(3, init=0.1), nn.PReLU(3, init=0.1).weight)
out = p(x)
print(out, out.grad_fn, out.grad_fn._saved_weight.shape, out.grad_fn.next_functions[1][0])
out.sum().backward()
print(x.grad, p.weight.grad)
x.grad = None
# %% PReLU with a slope per channel
pc = nn.PReLU(4, init=0.5)
with torch.no_grad():
    pc.weight.copy_(torch.tensor([0.1, 0.2, 0.3, 0.4]))
out = pc(x)
print(out, out.grad_fn._saved_weight)
(out * torch.arange(8.0).view(2, 4)).sum().backward()
print(x.grad, pc.weight.grad)
x.grad = None
img = torch.linspace(-1, 1, 24).view(1, 2, 3, 4)
print(nn.PReLU(2)(img).shape, nn.PReLU()(img).grad_fn._saved_weight.shape, F.prelu(torch.tensor(-2.0), torch.tensor(0.1)))
print(F.prelu(x, torch.tensor([0.5])), nn.PReLU(dtype=torch.float64).weight.dtype)
# %% PReLU with the wrong number of slopes
nn.PReLU(3)(x)
# %% prelu with a 2-d weight
F.prelu(x, torch.ones(2, 2))
# %% prelu with a weight of another dtype
F.prelu(x, torch.ones(1, dtype=torch.float64))
# %% Hardswish and Hardsigmoid
h = F.hardswish(x)
s = nn.Hardsigmoid()(x)
print(h, h.grad_fn, h.grad_fn._saved_self.shape, s, s.grad_fn, nn.Hardswish(), nn.Hardsigmoid(inplace=True))
(h + s).sum().backward()
print(x.grad)
x.grad = None
e = torch.tensor([-3.0, 3.0, -2.9, 2.9], requires_grad=True)
(F.hardswish(e) + F.hardsigmoid(e)).sum().backward()
print(e.grad)
# %% Hardswish in place
z = x.clone()
r = F.hardswish(z, inplace=True)
print(r is z, z.grad_fn, z.grad_fn._saved_self.grad_fn)
z2 = x.clone()
nn.Hardsigmoid(inplace=True)(z2)
print(z2, z2.grad_fn)
(z + z2).sum().backward()
print(x.grad)
x.grad = None
# %% hardswish of integers
F.hardswish(torch.tensor([1, 2]))
# %% Softsign
s = F.softsign(x)
print(s, s.grad_fn, [f[0].name() if f[0] else None for f in s.grad_fn.next_functions], nn.Softsign())
s.sum().backward()
print(x.grad, nn.Softsign()(torch.tensor([1, -3])))
x.grad = None
# %% Softmin
sm = nn.Softmin(dim=1)
o = sm(x)
print(sm, nn.Softmin(), o, o.grad_fn, o.grad_fn.next_functions[0][0])
(o * torch.arange(8.0).view(2, 4)).sum().backward()
print(x.grad)
x.grad = None
print(F.softmin(x, 0), F.softmin(x, dim=1, dtype=torch.float64).grad_fn.next_functions[0][0])
# %% Softmin without a dim
print(F.softmin(torch.tensor([[1.0, 2.0], [3.0, 5.0]])))
# %% GLU
g = nn.GLU()
o = g(x)
print(g, nn.GLU(0), o, o.grad_fn, o.grad_fn._saved_dim, F.glu(x, 0).grad_fn._saved_dim)
(o * torch.tensor([1.0, 2.0])).sum().backward()
print(x.grad)
x.grad = None
print(F.glu(torch.arange(8.0).view(2, 2, 2), dim=1))
# %% GLU over an odd dim
F.glu(torch.ones(2, 3))
# %% GLU of a scalar
F.glu(torch.tensor(1.0))
# %% Threshold
t = nn.Threshold(0.1, 20.0)
o = t(x)
print(t, nn.Threshold(0.5, -1, inplace=True), o, o.grad_fn, o.grad_fn._saved_threshold, o.grad_fn._saved_self.shape)
o.sum().backward()
print(x.grad, F.threshold(torch.tensor([1, 2, 3]), 1, 5))
x.grad = None
# %% Threshold in place
z = x.clone()
F.threshold(z, 0.5, -1.0, inplace=True)
z2 = x.clone()
F.threshold_(z2, 1.0, 0.0)
print(z, z.grad_fn, z2, z2.grad_fn, z2.grad_fn._saved_threshold)
(z + z2).sum().backward()
print(x.grad)
# %% a small network with the new layers
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 6), nn.PReLU(6), nn.Linear(6, 4), nn.GLU(), nn.Hardswish(), nn.Linear(2, 2), nn.Softmin(dim=1))
print(net)
out = net(x)
out[:, 0].sum().backward()
print(out, net[1].weight.grad, net[5].weight.grad)
