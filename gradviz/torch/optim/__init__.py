"""``torch.optim``: SGD, Adam, AdamW, RMSprop, Adagrad and Adadelta with PyTorch's single-tensor
update arithmetic, and ``lr_scheduler``."""

from __future__ import annotations

from gradviz.autograd.class_names import present_module as _present_module
from gradviz.torch.optim import lr_scheduler
from gradviz.torch.optim.adam import Adam, AdamW
from gradviz.torch.optim.adaptive import Adadelta, Adagrad, RMSprop
from gradviz.torch.optim.optimizer import Optimizer
from gradviz.torch.optim.sgd import SGD

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]

# PyTorch's module and name on the classes exported here (type(x) prints <class 'torch....'>).
_present_module(__name__, globals())
