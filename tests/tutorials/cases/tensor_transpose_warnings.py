# Learner-style script on the one-time warnings learners meet while reshaping batches: `.T` on a
# batch of matrices (PyTorch says to use `.mT`) and on vectors, `.mT`/`.mH`/`.H`/`adjoint()` on a
# 0-d tensor, and turning a tensor that requires grad into a Python float. PyTorch gives each of
# these warnings once per process, however often the line runs.

# %%
import math

import torch

torch.manual_seed(1)
batch = torch.randn(4, 2, 3, requires_grad=True)
for step in range(3):
    flipped = batch.T
    print(step, flipped.shape, flipped.grad_fn)
print(batch.mT.shape, batch.permute(0, 2, 1).shape, torch.equal(batch.mT, batch.transpose(-2, -1)))

# %%
v = torch.arange(4.0)
print(v.T, v.T.shape)
scale = torch.tensor(2.5, requires_grad=True)
print(scale.T, scale.mT is scale, scale.mH is scale, scale.H is scale)
print(scale.adjoint() is scale)

# %%
loss = (batch * scale).pow(2).mean()
for _ in range(2):
    print(f"{float(loss):.4f}", round(float(loss), 2))
print(math.sqrt(loss), int(loss), loss.item() > 0)
print(complex(scale))
try:
    float(batch)
except ValueError as err:
    print(type(err).__name__, err)
