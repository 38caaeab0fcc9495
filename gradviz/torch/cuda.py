"""``torch.cuda`` as PyTorch 2.13's CPU wheel answers it: no CUDA here.

The queries answer (not available, no devices, nothing allocated), the seeding calls do nothing
(as torch's do when CUDA is absent), and whatever needs a device fails with torch's own error:
``AssertionError: Torch not compiled with CUDA enabled``.
"""

from __future__ import annotations

from gradviz.autograd.device import NO_CUDA, device

__all__ = [
    "current_device",
    "device_count",
    "empty_cache",
    "get_device_capability",
    "get_device_name",
    "get_device_properties",
    "get_rng_state",
    "initial_seed",
    "ipc_collect",
    "is_available",
    "is_bf16_supported",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "max_memory_allocated",
    "max_memory_reserved",
    "mem_get_info",
    "memory_allocated",
    "memory_reserved",
    "seed",
    "seed_all",
    "set_rng_state",
    "synchronize",
]

_DeviceArg = device | str | int | None


def _no_cuda() -> AssertionError:
    return AssertionError(NO_CUDA)


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def current_device() -> int:
    raise _no_cuda()


def get_device_name(device: _DeviceArg = None) -> str:
    raise _no_cuda()


def get_device_properties(device: _DeviceArg = None) -> object:
    raise _no_cuda()


def get_device_capability(device: _DeviceArg = None) -> tuple[int, int]:
    raise _no_cuda()


def synchronize(device: _DeviceArg = None) -> None:
    raise _no_cuda()


def mem_get_info(device: _DeviceArg = None) -> tuple[int, int]:
    raise _no_cuda()


def ipc_collect() -> None:
    raise _no_cuda()


def initial_seed() -> int:
    raise _no_cuda()


def get_rng_state(device: _DeviceArg = "cuda") -> object:
    raise _no_cuda()


# Seeding CUDA without CUDA is silently nothing in PyTorch (so CPU-only scripts seed everything).
def manual_seed(seed: int) -> None:
    return None


def manual_seed_all(seed: int) -> None:
    return None


def seed() -> None:
    return None


def seed_all() -> None:
    return None


def set_rng_state(new_state: object, device: _DeviceArg = "cuda") -> None:
    return None


def empty_cache() -> None:
    return None


def memory_allocated(device: _DeviceArg = None) -> int:
    return 0


def max_memory_allocated(device: _DeviceArg = None) -> int:
    return 0


def memory_reserved(device: _DeviceArg = None) -> int:
    return 0


def max_memory_reserved(device: _DeviceArg = None) -> int:
    return 0
