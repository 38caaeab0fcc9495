"""``nn.Dropout``: zeroes elements with probability p in training mode (drawing its mask from the
default generator as PyTorch's CPU bernoulli_ does), the identity in eval mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradviz.torch.nn import _functional_layers as FL
from gradviz.torch.nn.modules import Module

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["Dropout"]


class Dropout(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

    def forward(self, input: Tensor) -> Tensor:
        return FL.dropout(input, self.p, self.training, self.inplace)
