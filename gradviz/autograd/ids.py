"""One counter for stable ids of tensors and autograd nodes (graph ids "t<uid>" / "n<uid>")."""

from __future__ import annotations

import itertools

_uids = itertools.count(1)


def next_uid() -> int:
    return next(_uids)
