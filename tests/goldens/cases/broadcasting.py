# Broadcasting in every binary op; grads are summed back to each input's shape.
# %% imports
import torch
M = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
# %% a row vector against a matrix
r = torch.tensor([10.0, 20.0, 30.0], requires_grad=True)
(M + r).sum().backward()
print(M.grad)
print(r.grad, r.grad.shape)
# %% a column vector against a matrix
M.grad = None
col = torch.tensor([[2.0], [3.0]], requires_grad=True)
(M * col).sum().backward()
print(M.grad)
print(col.grad, col.grad.shape)
# %% a 0-dim tensor against a matrix
M.grad = None
s = torch.tensor(2.0, requires_grad=True)
(M / s).sum().backward()
print(M.grad)
print(s.grad, s.grad.shape)
# %% sub in both directions
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([[1.0], [2.0]], requires_grad=True)
d = a - b
print(d)
d.sum().backward()
print(a.grad, b.grad)
# %% pow with a broadcast exponent
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
e = torch.tensor([[1.0], [2.0]], requires_grad=True)
p = a ** e
print(p)
p.sum().backward()
print(a.grad)
print(e.grad)
# %% both sides broadcast: (2,1) * (1,3) -> (2,3)
u = torch.tensor([[1.0], [2.0]], requires_grad=True)
v = torch.tensor([[3.0, 4.0, 5.0]], requires_grad=True)
w = u * v
print(w, w.shape)
w.sum().backward()
print(u.grad, v.grad)
# %% a size-1 leading dimension is reduced with keepdim
k = torch.tensor([[1.0, 1.0, 1.0]], requires_grad=True)
(M * k).sum().backward()
print(k.grad, k.grad.shape)
# %% broadcasting with an upstream gradient that is not all ones
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
y = a * b
y.backward(torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
print(a.grad)
print(b.grad)
# %% broadcasting against a tensor that does not require grad
a = torch.tensor([1.0, 2.0], requires_grad=True)
(a + torch.ones(3, 2)).sum().backward()
print(a.grad)
# %% in-place ops broadcast the argument, never the target
m = torch.zeros(2, 3)
m += torch.tensor([1.0, 2.0, 3.0])
print(m)
m2 = torch.zeros(3)
m2 += torch.ones(2, 3)
# %% the shapes of the results
print((torch.ones(2, 1) + torch.ones(3)).shape, (torch.ones(1) * torch.ones(2, 2)).shape, (torch.ones(4, 1, 2) - torch.ones(3, 1)).shape)
