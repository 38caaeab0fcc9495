"""``torch.optim``: SGD, Adam, AdamW, RMSprop, Adagrad and Adadelta with PyTorch's single-tensor
update arithmetic, and ``lr_scheduler``."""

from __future__ import annotations

from gradviz.torch.optim import lr_scheduler
from gradviz.torch.optim.adam import Adam, AdamW
from gradviz.torch.optim.adaptive import Adadelta, Adagrad, RMSprop
from gradviz.torch.optim.optimizer import Optimizer
from gradviz.torch.optim.sgd import SGD

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
