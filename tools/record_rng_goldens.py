"""Record what PyTorch's CPU generator produces, for tests/test_rng.py to compare bit for bit.

Run with the oracle interpreter (torch 2.13.0, CPU):

    /path/to/torchvenv/bin/python tools/record_rng_goldens.py

Each case is a seed plus a list of calls (plain-data specs that tests/test_rng.py replays on
gradviz.autograd.random.generator). For every call the exact output bytes are stored: in full as hex when small,
as a SHA-256 of the bytes plus the first and last 64 bytes when large (so the JSON stays
around a megabyte). After the calls the SHA-256 of ``torch.get_rng_state()`` is stored, so a
case also pins down how many random words each call consumed.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "goldens" / "rng.json"
FULL_LIMIT = 256  # arrays with at most this many elements are stored whole

DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "int64": torch.int64,
    "int32": torch.int32,
    "uint8": torch.uint8,
    "bool": torch.bool,
}

SEEDS = [0, 1, 42, 2**32 - 1, 2**32, 2**40 + 5, 2**63 + 12345, 2**64 - 1, -7, 123456789012345]
SIZES = [0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 100, 1000, 4097]


def encode(array: np.ndarray) -> dict[str, Any]:
    array = np.ascontiguousarray(array)
    raw = array.tobytes()
    entry: dict[str, Any] = {"dtype": str(array.dtype), "shape": list(array.shape)}
    if array.size <= FULL_LIMIT:
        entry["hex"] = raw.hex()
    else:
        entry["sha256"] = hashlib.sha256(raw).hexdigest()
        entry["head"] = raw[:64].hex()
        entry["tail"] = raw[-64:].hex()
    return entry


def _target(spec: dict[str, Any]) -> torch.Tensor:
    """The output tensor an in-place call writes into, in the spec's memory layout."""
    shape, dtype = spec["shape"], DTYPES[spec["dtype"]]
    layout = spec.get("layout", "contiguous")
    if layout == "contiguous":
        return torch.empty(shape, dtype=dtype)
    if layout == "transposed":  # 2-D view whose memory order is column-major
        return torch.empty(shape[::-1], dtype=dtype).t()
    if layout == "strided":  # every other column of a wider buffer
        return torch.zeros(shape[0], 2 * shape[1], dtype=dtype)[:, ::2]
    raise ValueError(layout)


def run_call(spec: dict[str, Any]) -> np.ndarray:
    op = spec["op"]
    if op == "rand":
        return torch.rand(spec["shape"], dtype=DTYPES[spec["dtype"]]).numpy()
    if op == "randn":
        return torch.randn(spec["shape"], dtype=DTYPES[spec["dtype"]]).numpy()
    if op == "randint":
        return torch.randint(spec["low"], spec["high"], spec["shape"], dtype=DTYPES[spec["dtype"]]).numpy()
    if op == "randperm":
        return torch.randperm(spec["n"]).numpy()
    if op == "uniform_":
        return _target(spec).uniform_(spec["low"], spec["high"]).numpy()
    if op == "normal_":
        return _target(spec).normal_(spec["mean"], spec["std"]).numpy()
    if op == "bernoulli_":
        return _target(spec).bernoulli_(spec["p"]).numpy()
    if op == "linear_init":  # what nn.Linear(in, out) draws: kaiming_uniform_ weight, then bias
        layer = torch.nn.Linear(spec["in"], spec["out"])
        return np.concatenate([layer.weight.detach().numpy().ravel(), layer.bias.detach().numpy()])
    if op == "dropout":
        x = torch.ones(spec["shape"])
        return torch.nn.functional.dropout(x, spec["p"], training=True).numpy()
    raise ValueError(op)


def case(name: str, seed: int, calls: list[dict[str, Any]]) -> dict[str, Any]:
    torch.manual_seed(seed)
    results = [encode(run_call(c)) for c in calls]
    state = torch.get_rng_state().numpy().tobytes()
    return {
        "id": name,
        "seed": seed,
        "calls": calls,
        "results": results,
        "state_sha256": hashlib.sha256(state).hexdigest(),
    }


def size_sweep() -> list[dict[str, Any]]:
    cases = []
    for seed in SEEDS:
        for n in SIZES:
            for dtype in ("float32", "float64"):
                calls = [
                    {"op": "rand", "shape": [n], "dtype": dtype},
                    {"op": "randn", "shape": [n], "dtype": dtype},
                    {"op": "randn", "shape": [3], "dtype": dtype},
                ]
                cases.append(case(f"sweep-seed{seed}-n{n}-{dtype}", seed, calls))
    return cases


def shapes_nd() -> list[dict[str, Any]]:
    cases = []
    for shape in ([4, 4], [2, 8], [3, 5], [2, 3, 4], [5, 1, 7], [1, 16], [64, 33]):
        for dtype in ("float32", "float64"):
            calls = [{"op": "randn", "shape": shape, "dtype": dtype}, {"op": "rand", "shape": shape, "dtype": dtype}]
            cases.append(case(f"nd-{'x'.join(map(str, shape))}-{dtype}", 5, calls))
    for seed in (0, 42):  # many Box-Muller blocks: exercises the float32 log/sincos emulation widely
        cases.append(
            case(f"big-randn-float32-seed{seed}", seed, [{"op": "randn", "shape": [200000], "dtype": "float32"}])
        )
    cases.append(case("big-randn-float64", 3, [{"op": "randn", "shape": [20000], "dtype": "float64"}]))
    return cases


def interleaved() -> list[dict[str, Any]]:
    cases = [
        case(
            "interleave-brief",
            0,
            [
                {"op": "rand", "shape": [3], "dtype": "float32"},
                {"op": "randn", "shape": [5], "dtype": "float32"},
                {"op": "randint", "low": 0, "high": 10, "shape": [4], "dtype": "int64"},
            ],
        )
    ]
    picker = random.Random(2024)
    ops = ["rand", "randn", "randint", "randperm", "uniform_", "normal_", "bernoulli_"]
    for k in range(40):
        calls = []
        for _ in range(picker.randint(2, 7)):
            op = picker.choice(ops)
            n = picker.choice([1, 2, 3, 5, 8, 15, 16, 17, 20, 33, 50])
            dtype = picker.choice(["float32", "float32", "float64"])
            if op in ("rand", "randn"):
                calls.append({"op": op, "shape": [n], "dtype": dtype})
            elif op == "randint":
                calls.append(
                    {
                        "op": op,
                        "low": picker.randint(-50, 0),
                        "high": picker.randint(1, 1000),
                        "shape": [n],
                        "dtype": "int64",
                    }
                )
            elif op == "randperm":
                calls.append({"op": op, "n": n})
            elif op == "uniform_":
                calls.append({"op": op, "shape": [n], "dtype": dtype, "low": -0.5, "high": 1.5})
            elif op == "normal_":
                calls.append({"op": op, "shape": [n], "dtype": dtype, "mean": 0.25, "std": 3.0})
            else:
                calls.append({"op": op, "shape": [n], "dtype": dtype, "p": 0.4})
        cases.append(case(f"interleave-{k}", picker.choice(SEEDS), calls))
    return cases


def in_place() -> list[dict[str, Any]]:
    cases = []
    for n in (1, 5, 15, 16, 17, 100, 1000):
        for dtype in ("float32", "float64"):
            for mean, std in ((0.5, 2.0), (-3.0, 0.1), (1000.0, 1e-3), (0.0, 0.02), (0.0, 0.0)):
                cases.append(
                    case(
                        f"normal_-n{n}-{dtype}-m{mean}-s{std}",
                        11,
                        [{"op": "normal_", "shape": [n], "dtype": dtype, "mean": mean, "std": std}],
                    )
                )
            bound = 1.0 / math.sqrt(3.0)
            for low, high in ((-0.3, 0.3), (-bound, bound), (2.0, 5.5), (-1000.0, 1e-3), (0.0, 1.0), (1.0, 1.0)):
                cases.append(
                    case(
                        f"uniform_-n{n}-{dtype}-{low}-{high}",
                        12,
                        [{"op": "uniform_", "shape": [n], "dtype": dtype, "low": low, "high": high}],
                    )
                )
    for shape in ([4, 5], [8, 6], [3, 7], [16, 16]):
        for dtype in ("float32", "float64"):
            for layout in ("transposed", "strided"):
                tag = f"{layout}-{'x'.join(map(str, shape))}-{dtype}"
                cases.append(
                    case(
                        f"noncontig-{tag}",
                        13,
                        [
                            {
                                "op": "normal_",
                                "shape": shape,
                                "dtype": dtype,
                                "mean": 1.0,
                                "std": 0.5,
                                "layout": layout,
                            },
                            {
                                "op": "uniform_",
                                "shape": shape,
                                "dtype": dtype,
                                "low": -1.0,
                                "high": 2.0,
                                "layout": layout,
                            },
                            {"op": "bernoulli_", "shape": shape, "dtype": dtype, "p": 0.3, "layout": layout},
                            {"op": "randn", "shape": [3], "dtype": dtype},
                        ],
                    )
                )
    return cases


def integers() -> list[dict[str, Any]]:
    cases = []
    bounds = [
        (0, 1),
        (0, 2),
        (-5, 5),
        (0, 10),
        (3, 2**28 - 1 + 3),
        (0, 2**28),
        (-(2**27), 2**27),
        (3, 2**31),
        (0, 2**32),
        (0, 2**32 + 1),
        (-(2**40), 2**40),
        (-(2**63), 2**63 - 1),
        (2**62, 2**63 - 1),
        (10, 11),
    ]
    for low, high in bounds:
        cases.append(
            case(
                f"randint-{low}-{high}",
                21,
                [
                    {"op": "randint", "low": low, "high": high, "shape": [50], "dtype": "int64"},
                    {"op": "rand", "shape": [2], "dtype": "float32"},
                ],
            )
        )
    for low, high in ((0, 10), (-100, 100), (0, 2**28), (-(2**31), 2**31 - 1)):
        cases.append(
            case(
                f"randint-int32-{low}-{high}",
                22,
                [{"op": "randint", "low": low, "high": high, "shape": [20], "dtype": "int32"}],
            )
        )
    for low, high in ((0, 10), (-1000, 1000), (0, 2**24)):
        for dtype in ("float32", "float64"):
            cases.append(
                case(
                    f"randint-{dtype}-{low}-{high}",
                    23,
                    [{"op": "randint", "low": low, "high": high, "shape": [20], "dtype": dtype}],
                )
            )
    for n in (0, 1, 2, 3, 5, 10, 100, 1000, 10000, 100000):
        cases.append(
            case(f"randperm-{n}", 31, [{"op": "randperm", "n": n}, {"op": "rand", "shape": [2], "dtype": "float32"}])
        )
    return cases


def bernoulli_and_layers() -> list[dict[str, Any]]:
    cases = []
    for p in (0.0, 0.1, 0.5, 0.9, 1.0):
        for dtype in ("float32", "float64", "int64", "uint8", "bool"):
            cases.append(
                case(f"bernoulli_-{p}-{dtype}", 41, [{"op": "bernoulli_", "shape": [300], "dtype": dtype, "p": p}])
            )
    for shape, p in (([8, 8], 0.5), ([64, 64], 0.25), ([3], 0.1)):
        cases.append(case(f"dropout-{'x'.join(map(str, shape))}-{p}", 42, [{"op": "dropout", "shape": shape, "p": p}]))
    for fan_in, fan_out in ((4, 3), (2, 1), (10, 5), (784, 128)):
        cases.append(case(f"linear-{fan_in}-{fan_out}", 0, [{"op": "linear_init", "in": fan_in, "out": fan_out}]))
    return cases


def state_cases() -> list[dict[str, Any]]:
    """Full state bytes at a few points, so get_state/set_state can be checked byte for byte."""
    out = []
    for seed, calls in (
        (0, []),
        (7, [{"op": "randn", "shape": [3], "dtype": "float32"}]),
        (9, [{"op": "rand", "shape": [1000], "dtype": "float64"}, {"op": "randn", "shape": [5], "dtype": "float64"}]),
    ):
        torch.manual_seed(seed)
        for c in calls:
            run_call(c)
        state = torch.get_rng_state().numpy()
        after = torch.randn(20).numpy()
        out.append({"seed": seed, "calls": calls, "state_hex": state.tobytes().hex(), "next_randn20": encode(after)})
    return out


def main() -> int:
    # A freshly constructed torch.Generator() starts from a fixed seed; the process-wide
    # default generator is seeded from OS entropy at startup in 2.13, so it is not recorded.
    fresh = torch.Generator()
    default_seed = fresh.initial_seed()
    unseeded = encode(torch.rand(5, generator=fresh).numpy())
    cases = size_sweep() + shapes_nd() + interleaved() + in_place() + integers() + bernoulli_and_layers()
    golden = {
        "torch_version": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "fresh_generator_initial_seed": default_seed,
        "fresh_generator_rand5": unseeded,
        "cases": cases,
        "states": state_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
