"""``torch.nn``: Module, Parameter, layers, losses, ``functional`` and ``init``."""

from __future__ import annotations

from . import functional, init
from .layers import Flatten, Identity, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .losses import CrossEntropyLoss, MSELoss, NLLLoss
from .modules import Module, Sequential
from .parameter import Parameter

__all__ = ["functional", "init", "Module", "Sequential", "Parameter", "Linear", "Identity", "ReLU",
           "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Flatten", "MSELoss", "CrossEntropyLoss",
           "NLLLoss"]
