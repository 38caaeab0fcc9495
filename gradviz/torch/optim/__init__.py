"""``torch.optim``: SGD and Adam with PyTorch's single-tensor update arithmetic."""

from __future__ import annotations

from gradviz.torch.optim.adam import Adam
from gradviz.torch.optim.optimizer import Optimizer
from gradviz.torch.optim.sgd import SGD

__all__ = ["SGD", "Adam", "Optimizer"]
