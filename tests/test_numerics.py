"""gradviz's float arithmetic against torch 2.13's, bit for bit where gradviz follows ATen's order
(linspace, sum, mean, pow's special exponents), and the drift of whole training loops where it
cannot (matrix products through MKL, SLEEF's transcendental functions): see docs/numerics.md.

The values were recorded from torch by tools/record_numerics_goldens.py (tests/goldens/numerics.json).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gradviz.torch as torch
from gradviz.autograd import numerics
from tests.numerics_workloads import WORKLOADS

GOLDEN = json.loads((Path(__file__).parent / "goldens" / "numerics.json").read_text(encoding="utf-8"))
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64}

# The largest relative drift of any workload's final loss and parameters from PyTorch's (measured
# 2.7e-07; docs/numerics.md): a regression that changes a whole kernel's arithmetic shows here.
DRIFT_BOUND = 1e-6


def make_input(seed: int, shape: list[int], scale: float, dtype: str) -> np.ndarray:
    """The recorder's inputs (tools/record_numerics_goldens.py): PCG64's raw words made uniform."""
    count = int(np.prod(shape)) if shape else 1
    words = np.random.PCG64(seed).random_raw(count)
    unit = (words >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return ((unit - 0.5) * scale).astype(dtype).reshape(shape)


def same(entry: dict[str, Any], array: np.ndarray) -> bool:
    array = np.ascontiguousarray(array)
    if str(array.dtype) != entry["dtype"] or list(array.shape) != entry["shape"]:
        return False
    raw = array.tobytes()
    if "hex" in entry:
        return raw.hex() == entry["hex"]
    return hashlib.sha256(raw).hexdigest() == entry["sha256"]


def test_linspace_is_torchs_to_the_last_bit() -> None:
    wrong = []
    for case in GOLDEN["linspace"]:
        got = torch.linspace(case["start"], case["end"], case["steps"], dtype=DTYPES[case["dtype"]])
        if not same(case["out"], got.numpy()):
            wrong.append((case["start"], case["end"], case["steps"], case["dtype"]))
    assert wrong == []


@pytest.mark.parametrize(
    "case", GOLDEN["reductions"], ids=[f"{c['dtype']}-{'x'.join(map(str, c['shape']))}" for c in GOLDEN["reductions"]]
)
def test_sum_mean_and_pow_are_torchs_to_the_last_bit(case: dict[str, Any]) -> None:
    data = make_input(case["seed"], case["shape"], case["scale"], case["dtype"])
    assert hashlib.sha256(data.tobytes()).hexdigest() == case["input_sha256"], "not the recorded input"
    x = torch.from_numpy(data)
    wrong = []
    for result in case["results"]:
        if result["op"] == "pow":
            got = x.pow(result["exponent"])
        elif result["dim"] is None:
            got = getattr(x, result["op"])()
        else:
            got = getattr(x, result["op"])(result["dim"], keepdim=result["keepdim"])
        if not same(result["out"], got.numpy()):
            wrong.append({k: v for k, v in result.items() if k != "out"})
    assert wrong == []


def test_a_broadcast_grad_is_summed_back_in_torchs_order() -> None:
    # The grad of a 0-d parameter multiplying a vector is sum(grad * x), as PyTorch's sum_to adds it.
    case = next(c for c in GOLDEN["reductions"] if c["shape"] == [2000] and c["dtype"] == "float32")
    data = make_input(case["seed"], case["shape"], case["scale"], case["dtype"])
    w = torch.tensor(1.0, requires_grad=True)
    (w * torch.from_numpy(data)).backward(torch.ones(2000))
    summed = next(r for r in case["results"] if r["op"] == "sum" and r["dim"] is None)
    assert same(summed["out"], w.grad.numpy())


def test_numpy_order_would_differ() -> None:
    """The goldens can tell the orders apart: numpy's pairwise sum misses at least one of them."""
    misses = 0
    for case in GOLDEN["reductions"]:
        data = make_input(case["seed"], case["shape"], case["scale"], case["dtype"])
        total = next(r for r in case["results"] if r["op"] == "sum" and r["dim"] is None)
        misses += not same(total["out"], np.asarray(np.sum(data), dtype=data.dtype))
        assert same(total["out"], numerics.sum(data))
    assert misses > 0


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_training_loops_stay_within_the_measured_drift(name: str) -> None:
    recorded = GOLDEN["workloads"][name]
    got = WORKLOADS[name](torch)
    want_loss = float.fromhex(recorded["losses"][-1])
    assert abs(got["losses"][-1] - want_loss) <= DRIFT_BOUND * abs(want_loss)
    want = np.concatenate([[float.fromhex(v) for v in group] for group in recorded["params"]])
    have = np.concatenate([np.asarray(group, dtype=np.float64) for group in got["params"]])
    assert np.max(np.abs(have - want)) <= DRIFT_BOUND * np.max(np.abs(want))
