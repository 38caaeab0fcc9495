"""``torch.backends``: which compute backends this build has. gradviz answers as PyTorch 2.13's CPU
wheel does on a machine without a GPU: no CUDA, cuDNN or MPS; the switches learners set for
reproducibility (``torch.backends.cudnn.deterministic = True``) can be set and read back."""

from __future__ import annotations

__all__ = ["cuda", "cudnn", "mps"]


class _MpsBackend:
    """``torch.backends.mps``: Apple's GPU backend, absent."""

    def is_available(self) -> bool:
        return False

    def is_built(self) -> bool:
        return False


class _CudnnBackend:
    """``torch.backends.cudnn``: absent, with torch's default switches (settable, and inert here)."""

    def __init__(self) -> None:
        self.enabled = True
        self.deterministic = False
        self.benchmark = False
        self.allow_tf32 = True

    def is_available(self) -> bool:
        return False

    def version(self) -> None:
        return None


class _CublasSwitches:
    """``torch.backends.cuda.matmul``: the TF32 switch learners set (inert here)."""

    def __init__(self) -> None:
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True


class _CudaBackend:
    """``torch.backends.cuda``: not built in."""

    def __init__(self) -> None:
        self.matmul = _CublasSwitches()

    def is_built(self) -> bool:
        return False


mps = _MpsBackend()
cudnn = _CudnnBackend()
cuda = _CudaBackend()
