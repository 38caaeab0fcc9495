# In-place forms of the unary ops (x.sin_(), torch.sin_(x), sigmoid_, relu_, exp_, clamp_, ...):
# values, the node they record onto the tensor, what it saves (the value from before the write, or
# the result), version counts, grads through them and through a view, and PyTorch's refusals.
# %% imports
import torch
# %% values, as methods and as torch functions
t = torch.tensor([-1.0, 0.0, 0.5, 2.0])
print(t.clone().sin_(), torch.cos_(t.clone()), t.clone().exp_(), torch.tanh_(t.clone()), t.clone().sigmoid_())
print(torch.relu_(t.clone()), t.clone().abs_(), t.clone().neg_(), t.clone().negative_(), torch.neg_(t.clone()))
print(t.clone().square_(), t.clone().sign_(), t.clone().sgn_(), t.clone().reciprocal_(), t.clone().abs_().sqrt_().log_())
print(t.clone().clamp_(min=-0.5, max=1.0), t.clone().clamp_(max=0.0), torch.clamp_(t.clone(), -0.25), t.clone().clip_(0, 1))
print(t.clone().clamp_min_(0.1), torch.clamp_max_(t.clone(), 0.2), t.clone().masked_fill_(t > 0, 9.0))
print(t.clone().masked_fill_(t < 0, torch.tensor(7.0)), torch.sqrt_(t.clone()), torch.log_(t.clone()))
i = torch.tensor([1, -2, 3])
print(i.clone().abs_(), i.clone().neg_(), i.clone().square_(), i.clone().relu_(), i.clone().clamp_(0, 2), i.clone().sign_())
r = t.clone()
print(r.exp_() is r, r._version, r.sin_().cos_()._version)
# %% the nodes they record and what those save
leaf = torch.tensor([0.5, -0.5, 1.5], requires_grad=True)
h = leaf * 2
h.sigmoid_()
print(h, h.grad_fn, h.grad_fn._saved_result.equal(h), h._version)
e = leaf * 1
e.exp_()
s = leaf + 0
s.sin_()
print(e.grad_fn, e.grad_fn._saved_result.equal(e), s.grad_fn, s.grad_fn._saved_self)
c = leaf * 3
torch.relu_(c)
k = leaf - 1
k.clamp_(min=0.0, max=0.4)
q = leaf * 1
q.square_()
print(c.grad_fn, k.grad_fn, q.grad_fn, q.grad_fn._saved_exponent, k.grad_fn._saved_min, k.grad_fn._saved_max)
n = leaf * 1
n.neg_().abs_().tanh_()
print(n.grad_fn, n.grad_fn.next_functions[0][0], n.grad_fn.next_functions[0][0].next_functions[0][0])
(h.sum() + e.sum() + s.sum() + c.sum() + k.sum() + q.sum() + n.sum()).backward()
print(leaf.grad)
# %% through a view of a non-leaf
leaf = torch.tensor([[0.5, -0.5], [1.0, 2.0]], requires_grad=True)
base = leaf * 1
row = base[0]
row.exp_()
print(base.grad_fn, row.grad_fn, base)
base.sum().backward()
print(leaf.grad)
m = leaf.clone()
m.masked_fill_(leaf > 0.75, 0.0)
m.sum().backward()
print(m.grad_fn, leaf.grad)
# %% refusals
leaf = torch.linspace(0.0, 1.0, steps=4, requires_grad=True)
try:
    torch.sin_(leaf)
except RuntimeError as err:
    print(type(err).__name__, err)
try:
    leaf[1:].relu_()
except RuntimeError as err:
    print(type(err).__name__, err)
with torch.no_grad():
    leaf.clamp_(0.2, 0.8)
print(leaf, leaf.requires_grad, leaf.grad_fn)
# %% an integer tensor cannot hold sin
torch.tensor([1, 2]).sin_()
# %% an integer tensor cannot hold sigmoid
torch.arange(3).sigmoid_()
