"""``torch.accelerator`` as PyTorch 2.13 answers it on a machine with no accelerator: none is
available, the current accelerator is None, and asking for a device index fails."""

from __future__ import annotations

from gradviz.autograd.device import NO_ACCELERATOR, device

__all__ = [
    "current_accelerator",
    "current_device_index",
    "device_count",
    "is_available",
    "set_device_index",
    "synchronize",
]


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False) -> device | None:
    return None


def device_count() -> int:
    return 0


def current_device_index() -> int:
    raise RuntimeError(NO_ACCELERATOR)


def set_device_index(device: device | str | int | None) -> None:
    raise RuntimeError(NO_ACCELERATOR)


def synchronize(device: device | str | int | None = None) -> None:
    raise RuntimeError(NO_ACCELERATOR)
