# Learner-style script on the tensor vocabulary textbooks drill before autograd: index_select,
# gather, scatter / scatter_add, masked ops and where; equal / all / any / allclose; torch.normal
# in its forms; keyword forms (size=, input=, other=); top-level softmax / log_softmax; and the
# in-place variants (sigmoid_, tanh_, relu_, exp_, clamp_, add_ with alpha, mul_, masked_fill_).

# %%
import torch

torch.manual_seed(0)
m = torch.arange(12.0).reshape(3, 4)
print(torch.index_select(m, 0, torch.tensor([2, 0])))
print(m.index_select(1, torch.tensor([1, 3])))
idx = torch.tensor([[0, 1], [2, 3], [1, 1]])
print(torch.gather(m, 1, idx))
print(m.gather(0, torch.tensor([[2, 1, 0, 2]])))

# %%
zeros = torch.zeros(3, 5)
print(zeros.scatter(1, torch.tensor([[0], [2], [4]]), 1.0))
src = torch.arange(1.0, 7.0).reshape(2, 3)
print(torch.zeros(3, 3).scatter_(0, torch.tensor([[0, 1, 2], [2, 0, 0]]), src))
print(torch.zeros(4).scatter_add(0, torch.tensor([0, 1, 0, 3, 3]), torch.ones(5)))
onehot = torch.zeros(4, 3).scatter_(1, torch.tensor([2, 0, 1, 1]).unsqueeze(1), 1)
print(onehot)

# %%
w = torch.randn(3, 4, requires_grad=True)
picked = w.gather(1, torch.tensor([[0], [3], [1]]))
sel = w.index_select(0, torch.tensor([1, 1]))
(picked.sum() + sel.sum()).backward()
print(picked.grad_fn, sel.grad_fn)
print(w.grad)

# %%
a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([1.0, 2.0, 3.0 + 1e-7])
print(torch.equal(a, b), a.equal(a.clone()), torch.allclose(a, b), a.allclose(b + 1e-3))
print((a > 1).all(), (a > 2).any(), torch.all(a > 0), torch.any(a < 0), a.bool().all())
print(torch.all(m > 3, dim=1), m.gt(5).any(dim=0))
print(torch.where(m > 5, m, torch.zeros_like(m)))
print(m.masked_fill(m < 4, -1.0))

# %%
print(torch.normal(0.0, 1.0, size=(2, 3)))
print(torch.normal(mean=torch.zeros(4), std=torch.arange(1.0, 5.0)))
print(torch.normal(torch.arange(3.0), 0.1))
print(torch.normal(2.0, torch.ones(2)))
print(torch.randn(size=(2,)), torch.rand(size=(1, 2)), torch.ones(size=(2,)))
print(torch.randint(0, 10, size=(4,)), torch.randint(5, (2, 2)))
print(torch.matmul(input=m, other=torch.ones(4)), torch.add(input=a, other=a, alpha=2))

# %%
logits = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], requires_grad=True)
sm = torch.softmax(logits, dim=1)
lsm = torch.log_softmax(logits, dim=-1)
print(sm, lsm, sep="\n")
print(torch.softmax(logits, 0).sum(0), logits.softmax(-1).equal(sm), logits.log_softmax(1).grad_fn)

# %%
t = torch.tensor([-1.0, 0.0, 2.0])
print(t.clone().sigmoid_(), t.clone().tanh_(), t.clone().relu_(), t.clone().exp_())
print(t.clone().clamp_(min=-0.5, max=1.0), t.clone().add_(t, alpha=3), t.clone().mul_(2))
print(t.clone().masked_fill_(t > 0, 9.0), t.clone().abs_(), t.clone().neg_(), t.clone().pow_(2))
leaf = torch.tensor([0.5, -0.5], requires_grad=True)
h = leaf * 2
h.sigmoid_()
print(h, h.grad_fn)
h.sum().backward()
print(leaf.grad)
u = leaf * 1
torch.relu_(u)
print(u.grad_fn)
