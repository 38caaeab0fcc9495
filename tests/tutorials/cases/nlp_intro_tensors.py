# Learner-style script in the manner of the NLP tutorials' "Introduction to PyTorch": legacy
# constructors (torch.Tensor, torch.FloatTensor, torch.LongTensor), indexing 1-D/2-D/3-D tensors,
# cat along each axis, view with -1, and autograd.Variable as older material still writes it.

# %%
import torch
import torch.autograd as autograd

torch.manual_seed(1)
vec = torch.Tensor([2.0, 4.0, 8.0])
mat = torch.Tensor([[1.0, 0.5], [0.25, 0.125]])
cube = torch.Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
print(vec)
print(mat)
print(cube)
print(vec[1], mat[1], cube[1])

# %%
ints = torch.LongTensor([3, 1, 2])
floats = torch.FloatTensor([[1, 2, 3]])
doubles = torch.DoubleTensor(2)
print(ints, ints.dtype)
print(floats, floats.dtype)
print(doubles.shape, doubles.dtype)
print(torch.Tensor(2, 3).shape, torch.LongTensor(4).dtype)
print(isinstance(ints, torch.Tensor), isinstance(floats, torch.FloatTensor), ints.type())

# %%
noise = torch.randn((2, 3, 4))
print(noise)
r1 = torch.randn(2, 4)
r2 = torch.randn(1, 4)
print(torch.cat([r1, r2]))
c1 = torch.randn(2, 1)
c2 = torch.randn(2, 2)
print(torch.cat([c1, c2], 1))
try:
    torch.cat([r1, c2])
except RuntimeError as e:
    print(type(e).__name__, e)

# %%
blk = torch.randn(2, 2, 3)
print(blk.view(2, 6))
print(blk.view(-1, 3))
print(blk.view(4, -1).shape)

# %%
a = autograd.Variable(torch.Tensor([1.0, 2.0, 3.0]), requires_grad=True)
b = autograd.Variable(torch.Tensor([0.5, 0.5, 0.5]), requires_grad=True)
c = a * b
print(c.data)
print(c.grad_fn)
s = c.sum()
print(s, s.grad_fn)
s.backward()
print(a.grad, b.grad)

# %%
wrapped = autograd.Variable(torch.LongTensor([1, 2]))
print(wrapped, wrapped.dtype, wrapped.requires_grad)
print(type(a), isinstance(a, torch.Tensor))
try:
    autograd.Variable(torch.LongTensor([1, 2]), requires_grad=True)
except RuntimeError as e:
    print(type(e).__name__, e)

# %%
p = torch.randn(2, 2)
q = torch.randn(2, 2)
p = p.requires_grad_()
q = q.requires_grad_()
pq = p + q
print(pq.grad_fn)
detached_sum = pq.detach()
print(detached_sum.grad_fn)
with torch.no_grad():
    print((p**2).requires_grad)
print((p.detach() ** 2).requires_grad)
