# A typical autograd chapter, cell by cell: leaves and grad_fn, hooks, autograd.grad, a custom
# Function, linear regression by hand, a small nn.Module, and two classic errors.
# Runs the same under PyTorch and under gradviz (tests/goldens/chapter_autograd.json).

# %% Imports
import math
import torch
import torch.nn.functional as F
from torch import nn
from torch.autograd import Function

torch.manual_seed(0);  # the trailing ; suppresses the echo, as in a notebook

# %% Leaves, grad_fn and backward
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
z = (y ** 2).sum()
print(x.is_leaf, y.is_leaf, y.requires_grad)
print(z.grad_fn)
z.backward()
print(x.grad)

# %% Tensor hooks see (and may replace) the gradient
seen = []

def remember(grad):
    seen.append(grad.clone())
    return grad * 10

a = torch.tensor(2.0, requires_grad=True)
b = a * 3
handle = b.register_hook(remember)
c = b ** 2
c.backward()
print(seen, a.grad)
handle.remove()

# %% autograd.grad and a second derivative
u = torch.tensor([0.5, -1.0], requires_grad=True)
v = (u.exp() * u).sum()
(g,) = torch.autograd.grad(v, u, create_graph=True)
print(g)
g2 = torch.autograd.grad(g.sum(), u)[0]
print(g2)

# %% A custom Function
class Square(Function):
    @staticmethod
    def forward(ctx, inp):
        ctx.save_for_backward(inp)
        return inp * inp

    @staticmethod
    def backward(ctx, grad_out):
        (inp,) = ctx.saved_tensors
        return 2 * inp * grad_out

s = torch.tensor([3.0, 4.0], requires_grad=True)
q = Square.apply(s)
print(q.grad_fn is not None)
q.sum().backward()
print(s.grad)

# %% Linear regression by hand
true_w, true_b = 2.0, -1.0
xs = torch.arange(20, dtype=torch.float32).reshape(20, 1) / 20
ys = true_w * xs + true_b
w = torch.zeros(1, requires_grad=True)
bias = torch.zeros(1, requires_grad=True)
lr = 0.5
for step in range(201):
    pred = xs * w + bias
    loss = ((pred - ys) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        bias -= lr * bias.grad
    w.grad.zero_()
    bias.grad.zero_()
    if step % 50 == 0:
        print(f"step {step}: loss {loss.item():.4f}")
print(round(w.item(), 2), round(bias.item(), 2))

# %% A small nn.Module
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def forward(self, inp):
        return torch.sigmoid(self.fc(inp))

net = Net()
out = net(torch.ones(3, 2))
out.sum().backward()
print(out.shape, net.fc.weight.grad.shape, math.isclose(1.0, 1.0))

# %% backward() needs a scalar
m = torch.ones(2, 2, requires_grad=True) * 3
m.backward()

# %% In-place on a leaf that requires grad
leaf = torch.ones(2, requires_grad=True)
leaf.add_(1)

# %% The last expression is echoed
s.grad
