# Learner-style script in the manner of pytorch/examples' regression example: random polynomial
# features built with torch.cat over powers, a Linear model trained with F.smooth_l1_loss on fresh
# batches counted with itertools.count until the loss is small, a manual update, and the learned
# polynomial formatted with '{:+.2f}'.format(tensor). The un-wrapped in-place update is shown too.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: N803, UP032

# %%
from itertools import count

import torch
import torch.nn.functional as F

torch.manual_seed(3)
DEGREE = 3
W_true = torch.randn(DEGREE, 1) * 2
b_true = torch.randn(1) * 2


def features(x):
    x = x.unsqueeze(1)
    return torch.cat([x**i for i in range(1, DEGREE + 1)], 1)


def truth(x):
    return x.mm(W_true) + b_true.item()


def describe(W, b):
    text = "y = "
    for i, w in enumerate(W):
        text += "{:+.2f} x^{} ".format(w, i + 1)
    text += "{:+.2f}".format(b[0])
    return text


def batch(size=16):
    raw = torch.randn(size)
    x = features(raw)
    return x, truth(x)


fc = torch.nn.Linear(W_true.size(0), 1)
print(describe(W_true.view(-1), b_true))

# %%
bx, by = batch()
fc.zero_grad()
first = F.smooth_l1_loss(fc(bx), by)
first.backward()
for param in fc.parameters():
    try:
        param.add_(-0.1 * param.grad)
    except RuntimeError as e:
        print(type(e).__name__, e)
        break

# %%
for batch_idx in count(1):
    bx, by = batch()
    fc.zero_grad()
    output = F.smooth_l1_loss(fc(bx), by)
    loss = output.item()
    output.backward()
    with torch.no_grad():
        for param in fc.parameters():
            param.add_(-0.1 * param.grad)
    if loss < 1e-2 or batch_idx >= 300:
        break

print("Loss: {:.6f} after {} batches".format(loss, batch_idx))
print("==> Learned function:\t" + describe(fc.weight.view(-1), fc.bias))
print("==> Actual function:\t" + describe(W_true.view(-1), b_true))
