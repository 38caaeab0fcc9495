# Errors from shapes, indices and conversions, word for word.
# %% imports
import torch
# %% shape mismatch in a binary op
torch.ones(2) + torch.ones(3)
# %% matmul of incompatible shapes
torch.ones(2, 3) @ torch.ones(2, 3)
# %% mm needs matrices
torch.mm(torch.ones(2), torch.ones(2, 2))
# %% view with an incompatible size
torch.ones(2, 3).view(4)
# %% view of a non-contiguous tensor
torch.ones(2, 3).t().view(6)
# %% index out of range
torch.ones(2, 3)[2]
# %% sum over a dim that does not exist
torch.ones(2, 3).sum(2)
# %% item() on a tensor with more than one element
torch.ones(2).item()
# %% expand to an incompatible size
torch.ones(2).expand(3)
