# Learner-style script in the manner of the PyTorch transfer-learning tutorial's training loop and
# d2l's model selection: the best weights kept with copy.deepcopy(model.state_dict()) while training,
# loaded back at the end, a whole model deep-copied as a frozen reference, and the one thing
# deepcopy refuses (a tensor that is the result of an op).

# %%
import copy

import torch
from torch import nn

torch.manual_seed(0)
X = torch.randn(64, 3)
true_w = torch.tensor([[1.5], [-2.0], [0.5]])
y = X @ true_w + 0.1 * torch.randn(64, 1)

model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

best_loss = float("inf")
best_model_wts = copy.deepcopy(model.state_dict())
for epoch in range(12):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
    if loss.item() < best_loss:
        best_loss = loss.item()
        best_model_wts = copy.deepcopy(model.state_dict())
    print(f"epoch {epoch:2d} loss {loss.item():.4f}")
print(f"best loss: {best_loss:.4f}")

# %%
model.load_state_dict(best_model_wts)
with torch.no_grad():
    print(criterion(model(X), y))
print(best_model_wts["0.weight"].requires_grad, best_model_wts["0.weight"] is model[0].weight)

# %%
reference = copy.deepcopy(model)
print(reference)
print(reference[0].weight.grad, reference[0].weight.requires_grad, type(reference[0].weight))
for p in reference.parameters():
    p.requires_grad_(False)
loss = criterion(model(X), y) + ((model[0].weight - reference[0].weight) ** 2).sum()
loss.backward()
print(model[0].weight.grad.shape, reference[0].weight.grad)

# %%
a = torch.arange(6.0)
view = a[2:]
a_copy, view_copy = copy.deepcopy([a, view])
view_copy[0] = 100.0
print(a_copy, a)

# %%
prediction = model(X[:2])
copy.deepcopy(prediction)
