"""``torch.nn``: modules, parameters and losses (see gradviz/torch/nn/modules.py)."""

from __future__ import annotations

from . import functional

__all__ = ["functional"]
