# Learner-style script in the manner of Dive into Deep Learning's "Numerical Stability and
# Initialization": the vanishing sigmoid gradient from arange(..., requires_grad=True) and
# backward(torch.ones_like(x)), a product of 100 random matrices exploding, Xavier initialisation,
# and torch.set_default_dtype switching the default to float64 and back.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: B007

# %%
import torch

x = torch.arange(-6.0, 6.0, 0.5, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
print(x.grad[::4])
print(x.grad.max(), x.grad.argmax())

# %%
torch.manual_seed(0)
M = torch.normal(0, 1, size=(4, 4))
print("一个矩阵\n", M)
for i in range(100):
    M = torch.mm(M, torch.normal(0, 1, size=(4, 4)))
print("乘以100个矩阵后，最大元素约", f"{M.abs().max().item():.0e}", M.abs().max() > 1e20)

# %%
lin = torch.nn.Linear(50, 20)
torch.nn.init.xavier_normal_(lin.weight)
print(lin.weight.std().item() < 0.3, lin.weight.shape)
torch.nn.init.xavier_uniform_(lin.weight, gain=torch.nn.init.calculate_gain("relu"))
print(lin.weight.abs().max().item() <= (6 / 70) ** 0.5 * 2**0.5)
torch.nn.init.kaiming_uniform_(lin.weight, nonlinearity="relu")
print(lin.weight[0, :4])

# %%
torch.set_default_dtype(torch.float64)
print(torch.get_default_dtype())
r = torch.tensor([1.0, 2.0])
print(r.dtype, torch.zeros(2).dtype, torch.nn.Linear(2, 2).weight.dtype)
print(torch.arange(3).dtype, torch.arange(3.0).dtype)
torch.set_default_dtype(torch.float32)
print(torch.tensor([1.0]).dtype)

# %%
deep = torch.randn(8, 8)
acts = torch.randn(1, 8)
for _ in range(30):
    acts = torch.tanh(acts @ deep)
print(acts.abs().mean() > 0.5)
print(torch.sigmoid(torch.tensor([-40.0, 0.0, 40.0])))
