"""More activation modules and a distance: PReLU (a learned slope per channel), Hardswish,
Hardsigmoid, Softsign, Softmin, GLU, Threshold and PairwiseDistance, with PyTorch's arguments
and printed forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradviz.autograd import dtypes
from gradviz.autograd.device import require_cpu
from gradviz.autograd.factories import empty
from gradviz.autograd.grad_mode import no_grad
from gradviz.torch.nn import _functional_extra as F
from gradviz.torch.nn.modules import Module
from gradviz.torch.nn.parameter import Parameter

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike

__all__ = ["GLU", "Hardsigmoid", "Hardswish", "PReLU", "PairwiseDistance", "Softmin", "Softsign", "Threshold"]


class PReLU(Module):
    """max(0, x) + a * min(0, x) with ``num_parameters`` learned slopes a, all ``init`` at first."""

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: object = None, dtype: DTypeLike | None = None
    ) -> None:
        require_cpu(device)
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        kind = dtypes.as_dtype(dtype) if dtype is not None else None
        self.weight = Parameter(empty(num_parameters, dtype=kind))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        with no_grad():
            self.weight.fill_(self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _InplaceActivation(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Hardswish(_InplaceActivation):
    """x * relu6(x + 3) / 6 (prints without its inplace flag, as PyTorch's does)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)

    def extra_repr(self) -> str:
        return ""


class Hardsigmoid(Hardswish):
    """relu6(x + 3) / 6."""

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Softmin(Module):
    """softmax(-x) along ``dim``."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class GLU(Module):
    """The gated linear unit along ``dim``: first half * sigmoid(second half)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Threshold(Module):
    """x where x > threshold, else value."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        suffix = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{suffix}"


class PairwiseDistance(Module):
    """The p-norm distance between rows of x1 and x2 (prints with no arguments, as PyTorch's)."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
