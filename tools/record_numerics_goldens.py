"""Record what torch 2.13's CPU kernels compute, bit for bit: linspace, sum, mean, pow, and the
training loops of tests/numerics_workloads.py. tests/test_numerics.py compares gradviz with them.

Run with the oracle interpreter (torch 2.13.0, CPU), from the repository root:

    /path/to/torchvenv/bin/python tools/record_numerics_goldens.py

One thread, as every golden is recorded: ATen splits a reduction of more than 32,768 elements
between threads, which changes its order. Inputs are made from PCG64's raw 64-bit words (a stream
numpy keeps stable), and each case stores the SHA-256 of its input so the test knows it rebuilt
the same numbers.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "goldens" / "numerics.json"
FULL_LIMIT = 64  # outputs with at most this many elements are stored whole

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64}


def make_input(seed: int, shape: list[int], scale: float, dtype: str) -> np.ndarray:
    """Uniform numbers in [-scale/2, scale/2) from PCG64's raw words (tests/test_numerics.py has
    the same few lines)."""
    count = int(np.prod(shape)) if shape else 1
    words = np.random.PCG64(seed).random_raw(count)
    unit = (words >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return ((unit - 0.5) * scale).astype(dtype).reshape(shape)


def encode(array: np.ndarray) -> dict[str, Any]:
    array = np.ascontiguousarray(array)
    raw = array.tobytes()
    entry: dict[str, Any] = {"dtype": str(array.dtype), "shape": list(array.shape)}
    if array.size <= FULL_LIMIT:
        entry["hex"] = raw.hex()
    else:
        entry["sha256"] = hashlib.sha256(raw).hexdigest()
    return entry


def linspace_cases() -> list[dict[str, Any]]:
    import math

    picks = random.Random(14)
    specs: list[tuple[float, float, int, str]] = [
        (-math.pi, math.pi, 2000, "float32"),
        (-math.pi / 2, math.pi / 2, 500, "float32"),
        (-1.0, 1.0, 400, "float32"),
        (0.0, 1.0, 10, "float32"),
        (-5.0, 5.0, 11, "float32"),
        (3.0, -3.0, 7, "float32"),
        (0.0, 1.0, 1, "float32"),
        (0.0, 1.0, 0, "float32"),
        (-math.pi, math.pi, 2000, "float64"),
        (-3.7, 9.2, 13, "int64"),
    ]
    for _ in range(120):
        start, end = picks.uniform(-100, 100), picks.uniform(-100, 100)
        steps = picks.choice([2, 3, 5, 8, 17, 31, 64, 100, 255, 1000, picks.randint(2, 5000)])
        specs.append((start, end, steps, picks.choice(["float32", "float32", "float64"])))
    cases = []
    for start, end, steps, dtype in specs:
        out = torch.linspace(start, end, steps, dtype=DTYPES[dtype]).numpy()
        cases.append({"start": start, "end": end, "steps": steps, "dtype": dtype, "out": encode(out)})
    return cases


def _dim_sets(ndim: int) -> list[list[int]]:
    sets = [[d] for d in range(ndim)]
    if ndim > 1:
        sets += [list(range(1, ndim)), list(range(ndim - 1))]
    if ndim > 2:
        sets += [[0, ndim - 1]]
    return sets


def reduction_cases() -> list[dict[str, Any]]:
    shapes: list[list[int]] = [[n] for n in (1, 3, 7, 8, 9, 31, 32, 33, 100, 255, 256, 257, 500, 2000, 4097, 40000)]
    shapes += [[3, 4], [5, 7], [2, 8], [10, 33], [33, 10], [64, 64], [64, 10], [10, 1], [100, 3], [3, 100]]
    shapes += [[128, 17], [7, 9, 11], [4, 16, 5], [2, 3, 40], [8, 3, 6, 6], [6, 1, 9]]
    cases = []
    seed = 100
    for shape in shapes:
        for dtype in ("float32", "float64"):
            seed += 1
            scale = 10.0 ** ((seed % 7) - 3)
            data = make_input(seed, shape, scale, dtype)
            x = torch.from_numpy(data)
            case: dict[str, Any] = {
                "seed": seed,
                "shape": shape,
                "scale": scale,
                "dtype": dtype,
                "input_sha256": hashlib.sha256(data.tobytes()).hexdigest(),
                "results": [],
            }
            case["results"].append({"op": "sum", "dim": None, "keepdim": False, "out": encode(x.sum().numpy())})
            case["results"].append({"op": "mean", "dim": None, "keepdim": False, "out": encode(x.mean().numpy())})
            for dims in _dim_sets(len(shape)):
                for keepdim in (False, True):
                    for op in ("sum", "mean"):
                        value = getattr(x, op)(dims, keepdim=keepdim).numpy()
                        case["results"].append({"op": op, "dim": dims, "keepdim": keepdim, "out": encode(value)})
            # Not 0.5 or -0.5: ATen sends those to MKL's vector sqrt, which is not correctly rounded.
            for exponent in (2, 3, -1, -2):
                case["results"].append({"op": "pow", "exponent": exponent, "out": encode(x.pow(exponent).numpy())})
            cases.append(case)
    return cases


def float_hex(values: list[float]) -> list[str]:
    return [float(v).hex() for v in values]


def workload_results() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("numerics_workloads", REPO / "tests" / "numerics_workloads.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = {}
    for name, workload in module.WORKLOADS.items():
        outcome = workload(torch)
        results[name] = {
            "losses": float_hex(outcome["losses"]),
            "params": [float_hex(group) for group in outcome["params"]],
        }
    return results


def main() -> int:
    torch.set_num_threads(1)
    document = {
        "reference": f"torch {torch.__version__}, one thread, CPU capability {torch.backends.cpu.get_cpu_capability()}",
        "linspace": linspace_cases(),
        "reductions": reduction_cases(),
        "workloads": workload_results(),
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}: {len(document['linspace'])} linspace, {len(document['reductions'])} inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
