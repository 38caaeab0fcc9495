"""Record the public names of torch.Tensor and torch (run under the torch 2.13 venv).

gradviz uses the lists to tell "PyTorch has this, gradviz does not support it yet"
(NotImplementedError naming the op) apart from a plain typo (AttributeError).

    /path/to/torchvenv/bin/python tools/record_torch_names.py
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "gradviz" / "autograd" / "torch_names.json"


def main() -> None:
    tensor_methods = sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    functions = sorted(
        n for n in dir(torch) if not n.startswith("_") and n[0].islower() and callable(getattr(torch, n))
    )
    OUT.write_text(
        json.dumps(
            {"torch": torch.__version__, "tensor_methods": tensor_methods, "torch_functions": functions}, indent=0
        )
        + "\n"
    )
    print(f"wrote {OUT}: {len(tensor_methods)} Tensor methods, {len(functions)} functions")


if __name__ == "__main__":
    main()
