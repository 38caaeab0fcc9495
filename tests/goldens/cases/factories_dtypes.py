# Factories, dtypes and the attributes a learner inspects.
# %% imports
import torch
# %% tensor() infers the dtype from Python values
print(torch.tensor([1.0, 2.0]).dtype, torch.tensor([1, 2]).dtype, torch.tensor([True, False]).dtype, torch.tensor(3.5).dtype)
print(torch.tensor([1, 2.5]).dtype, torch.tensor([[1, 2], [3, 4]]).dtype)
# %% printing int64, bool and float64 tensors
print(torch.tensor([1, 2, 3]))
print(torch.tensor([True, False]))
print(torch.tensor([1.5, 2.0], dtype=torch.float64))
print(torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True))
print(torch.tensor(7), torch.tensor(7.0), torch.tensor(True))
# %% ones and zeros take sizes as arguments or as a tuple
print(torch.ones(2, 3))
print(torch.zeros((2, 2)))
print(torch.ones(3, dtype=torch.int64), torch.zeros(2, dtype=torch.bool))
print(torch.ones([1, 2]), torch.ones(()))
# %% full
print(torch.full((2, 2), 7.0))
print(torch.full((3,), 2), torch.full((3,), 2).dtype)
print(torch.full((2,), 1.5, dtype=torch.float64))
# %% ones_like and zeros_like keep shape and dtype, not requires_grad
a = torch.tensor([[1.0, 2.0]], requires_grad=True)
print(torch.ones_like(a), torch.zeros_like(a))
print(torch.ones_like(torch.tensor([1, 2])), torch.zeros_like(a, dtype=torch.int64))
print(torch.ones_like(a, requires_grad=True))
# %% arange
print(torch.arange(5), torch.arange(5).dtype)
print(torch.arange(1, 4), torch.arange(0, 10, 3))
print(torch.arange(5.0), torch.arange(0, 1, 0.25))
print(torch.arange(3, dtype=torch.float32), torch.arange(3, dtype=torch.float64))
# %% torch.Size
s = torch.ones(2, 3).shape
print(s, type(s) is torch.Size, s[0], s[1], len(s), tuple(s), list(s))
print(s == (2, 3), s == torch.Size([2, 3]), torch.Size([2, 3]))
print(torch.ones(()).shape, torch.ones(4).shape)
# %% shape, size(), dim(), numel()
m = torch.ones(2, 3, 4)
print(m.shape, m.size(), m.size(1), m.size(-1), m.dim(), m.numel())
print(torch.tensor(5.0).dim(), torch.tensor(5.0).numel(), torch.tensor(5.0).shape)
# %% dtype names
print(torch.float32, torch.float64, torch.int64, torch.bool)
print(torch.float32 == torch.float64, torch.ones(1).dtype is torch.float32)
print(torch.ones(1).dtype == torch.float32)
# %% item()
print(torch.tensor(2.5).item(), torch.tensor([3]).item(), torch.tensor(4).item(), torch.tensor(True).item())
print(type(torch.tensor(2.5).item()).__name__, type(torch.tensor(4).item()).__name__)
print(torch.tensor(2.0, requires_grad=True).item())
# %% tolist()
print(torch.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist(), torch.tensor([1, 2]).tolist(), torch.tensor(1.5).tolist())
print(torch.tensor([True, False]).tolist())
# %% float32 rounding shows in item() and tolist()
print(torch.tensor(0.1).item(), torch.tensor([0.1, 0.2]).tolist())
print(torch.tensor(0.1, dtype=torch.float64).item())
# %% mixed dtypes promote
i = torch.tensor([1, 2])
f = torch.tensor([0.5, 0.5])
print(i + f, (i + f).dtype)
print(i * 2, (i * 2).dtype, i * 2.5, i / 2)
print((f + torch.tensor([1.0, 1.0], dtype=torch.float64)).dtype)
# %% integer division of int tensors gives floats
print(torch.tensor([3, 4]) / torch.tensor([2, 2]))
