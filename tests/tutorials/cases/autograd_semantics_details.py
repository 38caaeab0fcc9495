# Learner-style script on the details learners print while exploring autograd: iterating a tensor
# (UnbindBackward0), .mT / .T / permute / transpose chains and their node names, repr of
# set_grad_enabled and no_grad objects, inference_mode and is_inference, the version-counter
# error, "element 0 of tensors does not require grad", the warning when a tensor requiring grad
# becomes a Python number, type(...) of parameters, retain_grad and is_leaf.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: BLE001, C416, UP032

# %%
import torch

torch.manual_seed(0)
x = torch.randn(3, 2, requires_grad=True)
rows = [r for r in x]
print(rows[0].grad_fn, rows[2])
total = sum(r.sum() for r in x)
total.backward()
print(x.grad)
for i, r in enumerate(torch.ones(2, 2, requires_grad=True)):
    print(i, r.grad_fn, r._version)

# %%
m = torch.randn(2, 3, 4, requires_grad=True)
print(m.mT.shape, m.mT.grad_fn)
print(x.T.grad_fn, x.t().grad_fn, x.transpose(0, 1).grad_fn)
p = m.permute(2, 0, 1).permute(1, 2, 0)
print(p.grad_fn, p.grad_fn.next_functions)
print(p.grad_fn._saved_dims)
q = m.mT.mT
print(q.grad_fn.next_functions[0][0])
print(torch.equal(q, m), p.is_contiguous(), m.permute(2, 1, 0).is_contiguous())

# %%
print(torch.set_grad_enabled(False))
print(torch.is_grad_enabled())
torch.set_grad_enabled(True)
mode = torch.set_grad_enabled(False)
print(type(mode).__name__)
with mode:
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())
torch.set_grad_enabled(True)
print(torch.no_grad(), torch.is_grad_enabled())

# %%
with torch.inference_mode():
    inf = x * 2
print(inf.is_inference(), x.is_inference(), inf.requires_grad)
try:
    (inf * x).sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)

# %%
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a.sigmoid()
b.mul_(2)
try:
    b.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
c = a * 1
c[0] = 5.0
print(c.grad_fn, c._version)
sq = c * c
c[1] = 0.0
print(c._version)
try:
    sq.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)

# %%
plain = torch.tensor([1.0, 2.0])
try:
    (plain * 2).sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.autograd.grad((plain * 3).sum(), [a])
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.tensor([1, 2], requires_grad=True)
except RuntimeError as e:
    print(type(e).__name__, e)

# %%
s = (a * a).sum()
print(float(s))
print(int(a[0]), s.item())
print(f"{s:.3f}", "{:+.2f}".format(a[1]))

# %%
lin = torch.nn.Linear(2, 2)
print(type(lin.weight))
print(type(lin.weight.data), type(lin.weight.detach()), type(lin.weight * 1))
print(isinstance(lin.weight, torch.nn.Parameter), isinstance(lin.weight, torch.Tensor))
print(torch.nn.Parameter(torch.ones(2)))
print(type(lin), type(torch.ones(1)), type(torch.float32), torch.ones(1).dtype)

# %%
h = a * 3
h.retain_grad()
k = (h**2).sum()
k.backward()
print(h.is_leaf, a.is_leaf, k.is_leaf, h.grad, a.grad)
print(h.requires_grad, h.grad_fn.next_functions[0][0].variable is a)
try:
    print(k.grad)
except Exception as e:
    print(type(e).__name__, e)
