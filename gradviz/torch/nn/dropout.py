"""``nn.Dropout`` and the channel-wise ``nn.Dropout1d/2d/3d``: zero elements (or whole channels) with
probability p in training mode, drawing the mask from the default generator as PyTorch's CPU
bernoulli_ does, and are the identity in eval mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradviz.torch.nn import _functional_layers as FL
from gradviz.torch.nn.modules import Module

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"]


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:
        return FL.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of (N, C, L) inputs."""

    def forward(self, input: Tensor) -> Tensor:
        return FL.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels of (N, C, H, W) inputs."""

    def forward(self, input: Tensor) -> Tensor:
        return FL.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zeroes whole channels of (N, C, D, H, W) inputs."""

    def forward(self, input: Tensor) -> Tensor:
        return FL.dropout3d(input, self.p, self.training, self.inplace)
