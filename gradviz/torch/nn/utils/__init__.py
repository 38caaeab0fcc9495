"""``torch.nn.utils``: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``)."""

from __future__ import annotations

from gradviz.torch.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_, get_total_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm"]
