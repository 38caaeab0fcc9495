# The in-place forms learners' hand-written optimizers use (addcmul_, addcdiv_, lerp_) and the other
# new in-place methods (nan_to_num_, atan2_/arctan2_, hypot_, xlogy_, cumprod_): values, version
# bumps, the nodes recorded when the written tensor is in a graph, grads, and misuse.
# %% Adam written by hand with addcmul_, addcdiv_ and lerp_
import torch
torch.manual_seed(0)
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
m = torch.zeros(3)
v = torch.zeros(3)
beta1, beta2, lr, eps = 0.9, 0.999, 0.1, 1e-8
for step in range(1, 4):
    loss = ((w - torch.tensor([0.0, 1.0, 2.0])) ** 2).sum()
    w.grad = None
    loss.backward()
    with torch.no_grad():
        m.lerp_(w.grad, 1 - beta1)
        v.mul_(beta2).addcmul_(w.grad, w.grad, value=1 - beta2)
        m_hat = m / (1 - beta1**step)
        v_hat = v / (1 - beta2**step)
        w.addcdiv_(m_hat, v_hat.sqrt().add_(eps), value=-lr)
    print(step, loss.item(), w, m, v)
print(w.requires_grad, w.grad_fn, m._version, v._version)
# %% in-place forms inside a graph
a = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
b = torch.tensor([2.0, 0.25], requires_grad=True)
c = a.clone()
c.addcmul_(b, b, value=2)
print(c, c.grad_fn, c.grad_fn._saved_value, c._version)
d = a * 1
d.addcdiv_(b, torch.tensor([4.0, 2.0]))
e = a + 0
e.lerp_(b, 0.25)
f = a.clone()
f.lerp_(b, torch.tensor([[0.0], [1.0]]))
print(d, d.grad_fn, e, e.grad_fn, f.grad_fn)
(c + d + e + f).sum().backward()
print(a.grad, b.grad)
a.grad = b.grad = None
# %% the rest in place
g = torch.tensor([1.0, float("nan"), float("inf"), -2.0])
print(g.nan_to_num_(posinf=9.0), torch.nan_to_num_(torch.tensor([float("-inf")])), g._version)
h = a.clone()
h.atan2_(b)
k = a.clone()
k.arctan2_(b)
p = a.clone().abs_()
p.hypot_(b)
q = a.clone().abs_()
q.xlogy_(b)
r = a.clone()
r.cumprod_(1)
print(h, h.grad_fn, torch.equal(h, k), p, p.grad_fn, q, q.grad_fn, r, r.grad_fn)
(h + p + q + r).sum().backward()
print(a.grad, b.grad)
print(torch.xlogy_(torch.tensor([0.0, 2.0]), torch.tensor([0.0, 3.0])), torch.tensor([3.0, 4.0]).xlogy_(2))
# %% addcmul_ on a leaf that requires grad
a.addcmul_(b, b)
# %% addcmul_ of float into an integer tensor
torch.tensor([1, 2]).addcmul_(torch.tensor([0.5, 0.5]), torch.tensor([1.0, 1.0]))
# %% lerp_ with an end of another dtype
torch.zeros(2).lerp_(torch.ones(2, dtype=torch.float64), 0.5)
