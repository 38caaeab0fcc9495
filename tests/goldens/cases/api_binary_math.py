# atan2, hypot, logaddexp, xlogy, lerp, addcmul, addcdiv, cumprod: values, promotion,
# broadcasting, grad_fn names and saved values, grads, and the errors of common misuse.
# %% inputs
import torch
a = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
b = torch.tensor([2.0, 0.25], requires_grad=True)
# %% atan2
y = torch.atan2(a, b)
print(y, y.grad_fn, y.grad_fn._saved_self.shape, y.grad_fn._saved_other.shape)
y.sum().backward()
print(a.grad, b.grad)
print(torch.atan2(torch.tensor([1, -1]), torch.tensor([0, 0])), torch.arctan2(b, b).grad_fn.name())
print(a.atan2(b.double()).dtype, a.arctan2(b).shape)
# %% atan2 with a number
torch.atan2(a, 2.0)
# %% hypot
a.grad = b.grad = None
y = torch.hypot(a, b)
print(y, y.grad_fn, y.grad_fn._saved_result.shape)
(y * torch.tensor([1.0, 2.0])).sum().backward()
print(a.grad, b.grad)
print(torch.hypot(torch.tensor([3.0]), torch.tensor([4.0], dtype=torch.float64)))
# %% hypot of integers
torch.hypot(torch.tensor([3]), torch.tensor([4]))
# %% logaddexp
a.grad = b.grad = None
y = torch.logaddexp(a, b)
print(y, y.grad_fn)
y.sum().backward()
print(a.grad, b.grad)
print(torch.logaddexp(torch.tensor([1000.0, -1000.0]), torch.tensor([1000.0, -1000.0])), a.logaddexp(b).shape)
# %% logaddexp of integers
torch.logaddexp(torch.tensor([1]), torch.tensor([2]))
# %% xlogy with tensors
p = torch.tensor([0.0, 1.0, 2.0, 0.0], requires_grad=True)
q = torch.tensor([0.0, 2.0, 0.5, float("nan")], requires_grad=True)
y = torch.xlogy(p, q)
print(y, y.grad_fn)
y[:3].sum().backward()
print(p.grad, q.grad)
# %% xlogy with a number on either side
p.grad = q.grad = None
y1 = torch.xlogy(p, 3.0)
y2 = torch.xlogy(2, q)
print(y1, y1.grad_fn, y1.grad_fn._saved_other, y2, y2.grad_fn, y2.grad_fn._saved_self)
y1.sum().backward()
print(p.grad)
print(torch.xlogy(torch.tensor([1, 2]), torch.tensor([3, 4])), p.xlogy(q).grad_fn.name())
# %% xlogy of two numbers
torch.xlogy(2.0, 3.0)
# %% lerp with a number weight
a.grad = b.grad = None
y = torch.lerp(a, b, 0.25)
print(y, y.grad_fn, y.grad_fn._saved_weight)
y.sum().backward()
print(a.grad, b.grad)
# %% lerp with a tensor weight
a.grad = b.grad = None
w = torch.tensor([[0.0], [1.0]], requires_grad=True)
y = a.lerp(b, w)
print(y, y.grad_fn, y.grad_fn._saved_weight.shape, y.grad_fn._saved_end.shape)
(y * torch.tensor([1.0, 2.0])).sum().backward()
print(a.grad, b.grad, w.grad)
# %% lerp with an end of another dtype
torch.lerp(a, b.double(), 0.5)
# %% lerp with a weight of another dtype
torch.lerp(a, b, torch.tensor(0.5, dtype=torch.float64))
# %% addcmul
a.grad = b.grad = None
t2 = torch.tensor([[3.0], [-1.0]], requires_grad=True)
y = torch.addcmul(a, b, t2, value=0.5)
print(y, y.grad_fn, y.grad_fn._saved_value, y.grad_fn._saved_tensor1.shape)
y.sum().backward()
print(a.grad, b.grad, t2.grad)
print(a.addcmul(b, b).grad_fn._saved_value, torch.addcmul(torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([1.5, 2.0])))
# %% addcdiv
a.grad = b.grad = t2.grad = None
y = torch.addcdiv(a, b, t2, value=2)
print(y, y.grad_fn, y.grad_fn._saved_value)
y.sum().backward()
print(a.grad, b.grad, t2.grad)
print(a.addcdiv(b, b).shape)
# %% addcdiv of integer tensors
torch.addcdiv(torch.ones(2), torch.tensor([1, 2]), torch.tensor([3, 4]))
# %% cumprod
c = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]], requires_grad=True)
y = torch.cumprod(c, 1)
print(y, y.grad_fn, y.grad_fn._saved_dim, y.grad_fn._saved_self.shape, y.grad_fn._saved_result.shape)
y.sum().backward()
print(c.grad)
print(c.cumprod(-1).grad_fn._saved_dim, c.cumprod(0), torch.cumprod(torch.tensor([1, 2, 3]), 0))
print(torch.cumprod(torch.tensor([1, 2, 3]), 0, dtype=torch.float64), torch.tensor([True, True]).cumprod(0).dtype)
# %% cumprod through zeros
z = torch.tensor([2.0, 0.0, 3.0, 0.0, 5.0], requires_grad=True)
y = z.cumprod(0)
(y * torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])).sum().backward()
print(y, z.grad)
z1 = torch.tensor([2.0, 0.0, 3.0, 4.0], requires_grad=True)
z1.cumprod(0).sum().backward()
print(z1.grad)
# %% cumprod on a dim that does not exist
torch.cumprod(b, 1)
# %% second order through lerp, hypot and logaddexp
s = torch.tensor([0.3, 1.2], requires_grad=True)
e = torch.tensor([2.0, -0.5], requires_grad=True)
out = (torch.lerp(s, e, s) + torch.hypot(s, e) + torch.logaddexp(s, e) + torch.atan2(s, e)).sum()
(gs,) = torch.autograd.grad(out, s, create_graph=True)
print(gs, gs.grad_fn is not None)
gs.sum().backward()
print(s.grad, e.grad)
# %% lerp of integer tensors
torch.lerp(torch.tensor([1, 2]), torch.tensor([3, 4]), 0.5)
# %% addcmul of bool tensors
torch.addcmul(torch.tensor([True]), torch.tensor([True]), torch.tensor([False]))
