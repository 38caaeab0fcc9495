"""``torch.nn``: Module, Parameter, layers, losses, ``functional`` and ``init``."""

from __future__ import annotations

from gradviz.torch.nn import functional, init
from gradviz.torch.nn.layers import Flatten, Identity, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from gradviz.torch.nn.losses import CrossEntropyLoss, MSELoss, NLLLoss
from gradviz.torch.nn.modules import Module, Sequential
from gradviz.torch.nn.parameter import Parameter

__all__ = [
    "CrossEntropyLoss",
    "Flatten",
    "Identity",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
