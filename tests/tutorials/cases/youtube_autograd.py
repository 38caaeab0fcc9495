# Learner-style script in the manner of the PyTorch YouTube series' "Fundamentals of Autograd":
# linspace(steps=..., requires_grad=True), walking grad_fn.next_functions by hand, one training
# batch on a small model with the weight slice printed before/after, gradient accumulation and
# zero_grad(set_to_none=False), requires_grad toggled, no_grad as a decorator, an in-place op on
# a leaf refused.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: B007, PIE808, SIM117, UP008

# %%
import math

import torch

a = torch.linspace(0.0, math.pi, steps=9, requires_grad=True)
print(a)
b = torch.cos(a)
print(b)
c = 2.5 * b
d = c - 2
out = d.sum()
print(c, d, out, sep="\n")

# %%
print("d:")
print(d.grad_fn)
print(d.grad_fn.next_functions)
print(d.grad_fn.next_functions[0][0].next_functions)
print(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)
print(d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0].next_functions)
print("\na:")
print(a.grad_fn)

# %%
out.backward()
print(a.grad)
print(c.grad)

# %%
torch.manual_seed(13)


class Small(torch.nn.Module):
    def __init__(self):
        super(Small, self).__init__()
        self.layer1 = torch.nn.Linear(12, 6)
        self.relu = torch.nn.ReLU()
        self.layer2 = torch.nn.Linear(6, 3)

    def forward(self, x):
        return self.layer2(self.relu(self.layer1(x)))


inp = torch.randn(4, 12, requires_grad=False)
want = torch.randn(4, 3, requires_grad=False)
model = Small()
print(model.layer2.weight[0][0:4])
print(model.layer2.weight.grad)

# %%
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
prediction = model(inp)
loss = (want - prediction).pow(2).sum()
print(loss)
loss.backward()
print(model.layer2.weight[0][0:4])
print(model.layer2.weight.grad[0][0:4])
optimizer.step()
print(model.layer2.weight[0][0:4])

# %%
for i in range(0, 3):
    prediction = model(inp)
    loss = (want - prediction).pow(2).sum()
    loss.backward()
print(model.layer2.weight.grad[0][0:4])
optimizer.zero_grad(set_to_none=False)
print(model.layer2.weight.grad[0][0:4])
optimizer.zero_grad()
print(model.layer2.weight.grad)

# %%
ones = torch.ones(2, 2, requires_grad=True)
first = 2 * ones
ones.requires_grad = False
second = 2 * ones
print(first, second, sep="\n")


def plain_add(x, y):
    return x + y


@torch.no_grad()
def quiet_add(x, y):
    return x + y


p = torch.ones(2, requires_grad=True) * 2
q = torch.ones(2, requires_grad=True) * 3
print(plain_add(p, q))
print(quiet_add(p, q))
with torch.no_grad():
    with torch.enable_grad():
        print(p * q)

# %%
leaf = torch.linspace(0.0, 1.0, steps=4, requires_grad=True)
try:
    torch.sin_(leaf)
except RuntimeError as e:
    print(type(e).__name__, e)
dev = torch.device("cpu")
on_gpu = False
if torch.cuda.is_available():
    dev = torch.device("cuda")
    on_gpu = True
print(dev, on_gpu)
