# How tensors print: precision, alignment, scientific notation, 0-dim, empty, summarised and 3-d.
# %% imports
import torch
# %% whole numbers print with a trailing dot, aligned
print(torch.tensor([1.0, 10.0, 100.0]))
print(torch.tensor([[1.0, -2.0], [30.0, 4.0]]))
# %% fractions print with four decimals
print(torch.tensor([0.5, 1.25, 3.14159]))
print(torch.tensor([1.0, 0.1]))
# %% very large or very small values switch to scientific notation
print(torch.tensor([1e-5, 1.0]))
print(torch.tensor([1e5, 1.0]))
print(torch.tensor([123456789.0]))
print(torch.tensor([1e-10]), torch.tensor([1e10]))
print(torch.tensor([0.001, 1000.0]))
# %% 0-dim tensors
print(torch.tensor(3.0), torch.tensor(-0.5), torch.tensor(1e-8), torch.tensor(12345.0))
# %% empty tensors
print(torch.tensor([]), torch.zeros(0, 3), torch.tensor([]).shape)
# %% negative zero, nan and inf
print(torch.tensor([-0.0, 0.0]), torch.tensor([float("nan"), 1.0]), torch.tensor([float("inf"), -float("inf"), 2.5]))
# %% 3-d tensors
print(torch.ones(2, 2, 3))
print(torch.arange(8.0).view(2, 2, 2))
# %% long tensors are summarised past 1000 elements
print(torch.arange(1001.0))
print(torch.arange(2000).view(2, 1000))
# %% rows wrap at 80 characters
print(torch.arange(30.0) / 7)
print(torch.arange(25))
# %% requires_grad and grad_fn suffixes, and dtype with them
x = torch.tensor([1.5, 2.0], requires_grad=True)
print(x, x * 2, (x * 2).sum())
print(torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True) * 2)
# %% repr and str agree; the echo of a trailing expression
print(repr(x) == str(x))
x * 3
# %% lists and tuples of tensors print their reprs
print([torch.tensor(1.0), torch.tensor([2, 3])], (x.sum(),))
# %% ints are right-aligned, bools padded
print(torch.tensor([[1, -20], [300, 4]]), torch.tensor([[True], [False]]))
# %% large ints and large whole floats
print(torch.tensor([100000, 1]), torch.tensor([100000000.0, 1.0]))
