# Learner-style script in the manner of "Learning PyTorch with Examples: optim" and "Control Flow
# + Weight Sharing": RMSprop on a Sequential, then a Module whose forward draws its depth with
# Python's random and reuses one Parameter, trained with SGD + momentum. Shortened loops.

# %%
import math
import random

import torch

torch.manual_seed(4)
random.seed(4)
x = torch.linspace(-2.0, 2.0, 300)
y = torch.exp(-x * x)
feats = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
print(optimizer)

# %%
for t in range(120):
    pred = model(feats)
    loss = loss_fn(pred, y)
    if t % 30 == 29:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(model[0].weight, model[0].bias)


# %%
class WobblyPoly(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.tail = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        out = self.a + self.b * x + self.c * x**2
        for power in range(3, random.randint(3, 5)):
            out = out + self.tail * x**power
        return out

    def describe(self):
        head = f"y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} x^2"
        return head + f" + {self.tail.item():.4f} x^3..."


net = WobblyPoly()
criterion = torch.nn.MSELoss(reduction="sum")
opt = torch.optim.SGD(net.parameters(), lr=1e-5, momentum=0.9)
for t in range(150):
    loss = criterion(net(x), y)
    if t % 50 == 49:
        print(t, loss.item())
    opt.zero_grad()
    loss.backward()
    opt.step()
print(net.describe())
print(math.isfinite(loss.item()))
