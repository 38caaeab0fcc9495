"""How the data classes print: as PyTorch's own (``<torch.utils.data.dataset.TensorDataset object at
0x...>``), while a learner's subclass prints as Python prints any class of theirs."""

from __future__ import annotations

__all__ = ["torch_repr"]


def torch_repr(obj: object, module: str) -> str:
    cls = type(obj)
    if cls.__module__.startswith("gradviz."):
        return f"<torch.utils.data.{module}.{cls.__qualname__} object at {hex(id(obj))}>"
    return object.__repr__(obj)
