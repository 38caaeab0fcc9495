"""``nn.Conv1d``, ``nn.Conv2d``, ``nn.Conv3d``, ``nn.ConvTranspose1d`` and ``nn.ConvTranspose2d``:
PyTorch's constructor arguments, printed form and initialisation (kaiming_uniform_(a=sqrt(5)) for
the weight, then U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias, both from the default
generator), over ``F.conv1d/2d/3d`` and ``F.conv_transpose1d/2d``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from gradviz.autograd import dtypes
from gradviz.autograd.factories import empty
from gradviz.torch.nn import _functional_layers as FL
from gradviz.torch.nn import init
from gradviz.torch.nn.modules import Module
from gradviz.torch.nn.parameter import Parameter

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import DTypeLike

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value: int | Sequence[int], n: int) -> tuple[int, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value)
    return (int(cast("int", value)),) * n


class _ConvNd(Module):
    _dims = 0
    _transposed_weight = False  # weight (in, out // groups, *kernel) rather than (out, in // groups, *kernel)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: int | Sequence[int] | str = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: object = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__()
        n = self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of ['valid', 'same']")
            if padding == "same" and any(s != 1 for s in _ntuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got padding_mode='{padding_mode}'"
            )
        if padding_mode != "zeros":
            raise NotImplementedError(f"gradviz: Conv{n}d(padding_mode={padding_mode!r}) is not supported yet")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(stride, n)
        self.padding: tuple[int, ...] | str = padding if isinstance(padding, str) else _ntuple(padding, n)
        self.dilation = _ntuple(dilation, n)
        self.transposed = False
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        kind = dtypes.as_dtype(dtype) if dtype is not None else None
        if self._transposed_weight:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(empty(*shape, dtype=kind, device=device))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=kind, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.weight.shape[2:])
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        conv = {1: FL.conv1d, 2: FL.conv2d, 3: FL.conv3d}[self._dims]
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_ConvNd):
    _dims = 1


class Conv2d(_ConvNd):
    _dims = 2


class Conv3d(_ConvNd):
    _dims = 3


class _ConvTransposeNd(_ConvNd):
    """A transposed convolution: weight (in_channels, out_channels // groups, *kernel), initialised
    as the convolution's (its fan-in read from that shape), over ``F.conv_transpose1d/2d``."""

    _transposed_weight = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: int | Sequence[int] = 0,
        output_padding: int | Sequence[int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | Sequence[int] = 1,
        padding_mode: str = "zeros",
        device: object = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise NotImplementedError(f"gradviz: {type(self).__name__}(padding={padding!r}) is not supported")
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype
        )
        self.transposed = True
        self.output_padding = _ntuple(output_padding, self._dims)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text

    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None) -> tuple[int, ...]:
        """The output_padding that makes the output ``output_size`` (PyTorch's check and message)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        sizes = [int(v) for v in output_size]
        if len(sizes) == n + 2:
            sizes = sizes[2:]
        if len(sizes) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or {n + 2} elements "
                f"(got {len(sizes)})"
            )
        spatial = list(input.shape[-n:])
        padding = cast("tuple[int, ...]", self.padding)
        minimum = [
            (spatial[d] - 1) * self.stride[d] - 2 * padding[d] + self.dilation[d] * (self.kernel_size[d] - 1) + 1
            for d in range(n)
        ]
        maximum = [minimum[d] + self.stride[d] - 1 for d in range(n)]
        for d in range(n):
            if not minimum[d] <= sizes[d] <= maximum[d]:
                raise ValueError(
                    f"requested an output size of {sizes}, but valid sizes range from {minimum} to {maximum} "
                    f"(for an input of torch.Size([{', '.join(map(str, spatial))}]))"
                )
        return tuple(sizes[d] - minimum[d] for d in range(n))

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        conv = {1: FL.conv_transpose1d, 2: FL.conv_transpose2d}[self._dims]
        output_padding = self._output_padding(input, output_size)
        padding = cast("tuple[int, ...]", self.padding)
        return conv(input, self.weight, self.bias, self.stride, padding, output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    _dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    _dims = 2
