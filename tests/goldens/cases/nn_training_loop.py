# A training loop: a tiny MLP learns a toy problem; losses are read with .item(); forgetting
# zero_grad() makes the grads add up; a parameter that forward() never uses has no grad.
# %% imports and a toy dataset: two inputs, label 1 when they have the same sign
import torch
import torch.nn as nn
torch.manual_seed(0)
X = torch.randn(16, 2)
y = (X[:, 0] * X[:, 1] > 0).float().reshape(16, 1)
print(y.sum().item())
# %% the model, the loss and the optimizer
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
loss_fn = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
print(model)
# %% loss is a tensor with a graph; loss.item() is a plain Python float
loss = loss_fn(model(X), y)
print(loss)
print(type(loss.item()).__name__, round(loss.item(), 4))
# %% five steps: zero_grad, forward, backward, step
for step in range(5):
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.4f}")
print(model[2].bias.grad)
# %% forgetting zero_grad: the same batch twice doubles the grad
model.zero_grad()
loss_fn(model(X), y).backward()
first = model[2].bias.grad.clone()
loss_fn(model(X), y).backward()
print(first, model[2].bias.grad)
print(torch.allclose(model[2].bias.grad, 2 * first))
# %% with zero_grad each backward starts from nothing
opt.zero_grad()
print(model[2].bias.grad)
loss_fn(model(X), y).backward()
print(torch.allclose(model[2].bias.grad, first))
# %% training with Adam and cross-entropy on the same data
torch.manual_seed(1)
clf = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
opt = torch.optim.Adam(clf.parameters(), lr=0.05)
labels = y.reshape(16).long()
for step in range(5):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(clf(X), labels)
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.4f}")
# %% accuracy needs no graph
with torch.no_grad():
    scores = clf(X)
print(scores.requires_grad, scores.grad_fn)
# %% a parameter the forward never uses has no grad after backward
class Partial(nn.Module):
    def __init__(self):
        super().__init__()
        self.used = nn.Linear(2, 1)
        self.unused = nn.Linear(2, 1)
    def forward(self, x):
        return self.used(x)
net = Partial()
net(X).sum().backward()
print(net.used.bias.grad is None, net.unused.bias.grad)
# %% summing losses as tensors keeps every graph alive; .item() keeps just the number
total = 0.0
for _ in range(3):
    total += loss_fn(model(X), y).item()
print(type(total).__name__, round(total, 4))
