# A first training loop: a two-layer MLP learns to tell the two halves of a toy "two moons"-like
# dataset apart. Every number is reproducible (manual_seed) and the same as PyTorch 2.13 prints.
# Along the way: why optimizer.zero_grad(), what happens without it, why loss.item(), and why a
# parameter can end up without a grad.

# %% Imports and the data: 64 points on two noisy arcs, label 0 or 1
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
n = 32
angle = torch.rand(n) * math.pi
upper = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
lower = torch.stack([1 - torch.cos(angle), 0.5 - torch.sin(angle)], dim=1)
X = torch.cat([upper, lower]) + 0.1 * torch.randn(2 * n, 2)
y = torch.cat([torch.zeros(n), torch.ones(n)]).long()
print(X.shape, y.shape, y.sum().item())

# %% The model: Linear -> ReLU -> Linear, printed as a module tree
class MLP(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = nn.Linear(2, hidden)
        self.out = nn.Linear(hidden, 2)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))

model = MLP(16)
print(model)
print(model.hidden.weight[:2])
print(sum(p.numel() for p in model.parameters()), "parameters")

# %% One forward pass: the loss is a tensor with a graph behind it
logits = model(X)
loss = F.cross_entropy(logits, y)
print(loss)
print(loss.grad_fn, loss.grad_fn.next_functions[0][0])
print(logits.grad_fn)

# %% Backward fills .grad of every parameter (they start as None)
print(model.out.bias.grad)
loss.backward()
print(model.out.bias.grad)

# %% Why zero_grad(): backward adds into .grad, so a second backward doubles it
first = model.out.bias.grad.clone()
F.cross_entropy(model(X), y).backward()
print(model.out.bias.grad, torch.allclose(model.out.bias.grad, 2 * first))
model.zero_grad()
print(model.out.bias.grad)

# %% The training loop: zero_grad, forward, backward, step; log loss.item(), a plain float
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
print(optimizer)
history = []
for epoch in range(60):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
    history.append(loss.item())
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}")
print(type(history[-1]).__name__, f"{history[-1]:.4f}")

# %% Evaluate without building a graph
with torch.no_grad():
    scores = model(X)
predicted = (scores[:, 1] > scores[:, 0]).long()  # the class with the larger score
accuracy = (predicted == y).float().mean().item()
print(f"accuracy {accuracy:.3f}")

# %% A parameter that forward() never uses gets no grad, so step() leaves it alone
class WithSpare(MLP):
    def __init__(self, hidden):
        super().__init__(hidden)
        self.spare = nn.Linear(2, 2)

spare_model = WithSpare(4)
F.cross_entropy(spare_model(X), y).backward()
print(spare_model.hidden.bias.grad is None, spare_model.spare.weight.grad)
