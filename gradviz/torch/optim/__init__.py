"""``torch.optim``: optimizers (see gradviz/torch/optim/optimizers.py)."""

from __future__ import annotations

__all__: list[str] = []
