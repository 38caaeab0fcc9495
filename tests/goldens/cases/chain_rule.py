# Classic autograd exercises: gradients that match hand-derived formulas.
# %% imports
import torch
# %% y = w * x + b: dy/dw = x, dy/dx = w, dy/db = 1
x = torch.tensor(3.0, requires_grad=True)
w = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)
y = w * x + b
y.backward()
print(y, x.grad, w.grad, b.grad)
# %% f(x) = x**2 * exp(x): autograd against the formula 2x e^x + x^2 e^x
def f(x):
    return x ** 2 * torch.exp(x)
def f_grad(x):
    return 2 * x * torch.exp(x) + x ** 2 * torch.exp(x)
x = torch.tensor([[1.0, 0.5], [-1.0, 2.0]], requires_grad=True)
y = f(x)
y.backward(torch.ones(y.size()))
print(x.grad)
print(f_grad(x))
# %% a two-layer computation with several leaves
x = torch.tensor([1.0, 2.0])
w1 = torch.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)
w2 = torch.tensor([[1.0], [-1.0]], requires_grad=True)
h = (x.view(1, 2) @ w1).sigmoid()
out = (h @ w2).sum()
out.backward()
print(h, out)
print(w1.grad)
print(w2.grad)
# %% mean squared error and its gradient
pred = torch.tensor([2.0, 4.0, 6.0], requires_grad=True)
target = torch.tensor([1.0, 5.0, 6.0])
loss = ((pred - target) ** 2).mean()
loss.backward()
print(loss, pred.grad)
# %% the product rule through a shared intermediate
x = torch.tensor(2.0, requires_grad=True)
u = x.sin()
v = x.cos()
y = u * v
y.backward()
print(x.grad, (x.cos() ** 2 - x.sin() ** 2).item())
# %% gradient descent on a parabola, five steps
w = torch.tensor(0.0, requires_grad=True)
for step in range(5):
    loss = (w - 3) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 0.25 * w.grad
    w.grad.zero_()
    print(step, round(loss.item(), 4), w)
# %% tanh and relu in a tiny network
x = torch.tensor([[0.5, 1.0]])
W = torch.tensor([[1.0, -2.0], [0.5, 0.5]], requires_grad=True)
a = (x @ W).tanh().relu()
a.sum().backward()
print(a, W.grad)
# %% abs and sqrt: a Euclidean norm and an L1 norm
v = torch.tensor([3.0, -4.0], requires_grad=True)
norm = (v ** 2).sum().sqrt()
l1 = v.abs().sum()
(norm + l1).backward()
print(norm, l1, v.grad)
