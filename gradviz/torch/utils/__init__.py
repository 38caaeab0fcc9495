"""``torch.utils``: gradviz offers its ``data`` part (datasets, samplers, DataLoader)."""

from __future__ import annotations

from gradviz.torch.utils import data

__all__ = ["data"]
