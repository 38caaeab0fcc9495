# The target mistakes learners make with classification losses.
# %% imports
import torch
import torch.nn.functional as F
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], requires_grad=True)
# %% a class index past the number of classes
F.cross_entropy(logits, torch.tensor([0, 3]))
# %% a batch size mismatch
F.cross_entropy(logits, torch.tensor([0, 1, 2]))
# %% float class indices
F.cross_entropy(logits, torch.tensor([0.0, 1.0]))
# %% a negative class index that is not ignore_index
F.nll_loss(logits, torch.tensor([0, -1]))
# %% an unknown reduction
F.mse_loss(logits, logits, reduction="average")
