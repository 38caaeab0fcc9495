"""``torch.nn.functional``: activations and losses over gradviz ops."""

from __future__ import annotations

from typing import Any

from ...ops import functional as _F

__all__ = ["relu", "sigmoid", "tanh"]


def relu(input: Any, inplace: bool = False) -> Any:  # noqa: A002 - torch's argument name
    if inplace:
        raise NotImplementedError("gradviz: F.relu(inplace=True) is not supported yet")
    return _F.relu(input)


def sigmoid(input: Any) -> Any:  # noqa: A002
    return _F.sigmoid(input)


def tanh(input: Any) -> Any:  # noqa: A002
    return _F.tanh(input)
