"""``torch.nn``: Module, Parameter, layers, losses, ``functional`` and ``init``."""

from __future__ import annotations

from gradviz.torch.nn import functional, init
from gradviz.torch.nn.layers import Flatten, Identity, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from gradviz.torch.nn.losses import CrossEntropyLoss, MSELoss, NLLLoss
from gradviz.torch.nn.modules import Module, Sequential
from gradviz.torch.nn.parameter import Parameter

__all__ = ["functional", "init", "Module", "Sequential", "Parameter", "Linear", "Identity", "ReLU",
           "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Flatten", "MSELoss", "CrossEntropyLoss",
           "NLLLoss"]
