"""Measure how far gradviz's float32 training loops drift from PyTorch's (docs/numerics.md).

Runs every workload of tests/numerics_workloads.py on gradviz and compares it with what torch 2.13
recorded in tests/goldens/numerics.json (tools/record_numerics_goldens.py). Run from the
repository root with gradviz's own environment (no torch needed):

    .venv/bin/python tools/measure_drift.py             # gradviz as it is
    .venv/bin/python tools/measure_drift.py --numpy     # reductions, linspace and pow left to numpy

``--numpy`` swaps gradviz.autograd.numerics' functions for numpy's own (np.sum, np.mean, a
float64 linspace, ``**``): what gradviz computed before it followed ATen's order, for the
before/after numbers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
GOLDEN = REPO / "tests" / "goldens" / "numerics.json"


def _load_workloads() -> Any:
    spec = importlib.util.spec_from_file_location("numerics_workloads", REPO / "tests" / "numerics_workloads.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _numpy_linspace(start: float, end: float, steps: int, dtype: np.dtype) -> np.ndarray:
    if steps == 1:
        return np.array([start], dtype=dtype)
    index = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1)
    return np.where(index < steps // 2, start + step * index, end - step * (steps - 1 - index)).astype(dtype)


def use_numpy_order() -> None:
    """gradviz before it followed ATen: numpy's pairwise sums, a float64 linspace, numpy's pow."""
    from gradviz.autograd import numerics

    numerics.sum = lambda a, axis=None, keepdims=False: np.asarray(  # type: ignore[assignment]
        np.sum(a, axis=None if axis is None else tuple(np.atleast_1d(axis)), keepdims=keepdims), dtype=a.dtype
    )
    numerics.mean = lambda a, axis=None, keepdims=False: np.asarray(  # type: ignore[assignment]
        np.mean(a, axis=None if axis is None else tuple(np.atleast_1d(axis)), keepdims=keepdims), dtype=a.dtype
    )
    numerics.linspace = _numpy_linspace  # type: ignore[assignment]
    numerics.power = lambda a, exponent: np.asarray(a**exponent)  # type: ignore[assignment]


def drift(recorded: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """First step whose loss differs, the final loss's relative drift, the parameters' largest
    relative drift (|difference| / largest |parameter|)."""
    want_losses = [float.fromhex(v) for v in recorded["losses"]]
    got_losses = got["losses"]
    first = next((i for i, (a, b) in enumerate(zip(want_losses, got_losses)) if a != b), None)
    final = abs(got_losses[-1] - want_losses[-1]) / abs(want_losses[-1])
    want_params = np.concatenate([np.array([float.fromhex(v) for v in group]) for group in recorded["params"]])
    got_params = np.concatenate([np.asarray(group, dtype=np.float64) for group in got["params"]])
    params = float(np.max(np.abs(got_params - want_params)) / np.max(np.abs(want_params)))
    return {"first_differing_step": first, "final_loss_rel": final, "params_rel": params}


def measure() -> dict[str, dict[str, Any]]:
    import gradviz.torch as torch

    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))["workloads"]
    workloads = _load_workloads().WORKLOADS
    return {name: drift(recorded[name], workloads[name](torch)) for name in workloads}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numpy", action="store_true", help="numpy's order for sums, mean, linspace and pow")
    args = parser.parse_args(argv)
    if args.numpy:
        use_numpy_order()
    for name, numbers in measure().items():
        first = numbers["first_differing_step"]
        print(
            f"{name:20s} first differing loss: {'none' if first is None else f'step {first}':10s} "
            f"final loss rel. drift {numbers['final_loss_rel']:.2e}   params rel. drift {numbers['params_rel']:.2e}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
