"""Record the public names of torch.Tensor and torch, and torch's class names (run under the torch
2.13 venv).

gradviz uses the lists to tell "PyTorch has this, gradviz does not support it yet"
(NotImplementedError naming the op) apart from a plain typo (AttributeError), and the class names
so that ``type(p)`` prints ``<class 'torch.nn.parameter.Parameter'>``: every class gradviz's torch
facade exports under a public name takes the module and qualified name PyTorch's class of that
name has (gradviz.autograd.class_names).

    /path/to/torchvenv/bin/python tools/record_torch_names.py
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / "gradviz" / "autograd" / "torch_names.json"

# The namespaces learners reach classes through (gradviz.torch mirrors them).
CLASS_NAMESPACES = (
    "torch",
    "torch.autograd",
    "torch.autograd.anomaly_mode",
    "torch.autograd.function",
    "torch.autograd.functional",
    "torch.autograd.grad_mode",
    "torch.autograd.graph",
    "torch.autograd.variable",
    "torch.accelerator",
    "torch.backends",
    "torch.cuda",
    "torch.nn",
    "torch.nn.functional",
    "torch.nn.init",
    "torch.nn.parameter",
    "torch.nn.utils",
    "torch.optim",
    "torch.optim.lr_scheduler",
    "torch.random",
    "torch.utils",
    "torch.utils.data",
)


def class_names() -> dict[str, list[str]]:
    """``{"torch.nn.Linear": ["torch.nn.modules.linear", "Linear"], ...}``: public path -> the class's
    ``__module__`` and ``__qualname__``."""
    found: dict[str, list[str]] = {}
    for namespace in CLASS_NAMESPACES:
        module = importlib.import_module(namespace)
        for name in sorted(dir(module)):
            value = getattr(module, name, None)
            if not name.startswith("_") and isinstance(value, type):
                found[f"{namespace}.{name}"] = [value.__module__, value.__qualname__]
    return found


def main() -> None:
    tensor_methods = sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    functions = sorted(
        n for n in dir(torch) if not n.startswith("_") and n[0].islower() and callable(getattr(torch, n))
    )
    classes = class_names()
    OUT.write_text(
        json.dumps(
            {
                "torch": torch.__version__,
                "tensor_methods": tensor_methods,
                "torch_functions": functions,
                "classes": classes,
            },
            indent=0,
        )
        + "\n"
    )
    print(f"wrote {OUT}: {len(tensor_methods)} Tensor methods, {len(functions)} functions, {len(classes)} classes")


if __name__ == "__main__":
    main()
