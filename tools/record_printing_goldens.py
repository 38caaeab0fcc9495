"""Record how PyTorch prints tensors, as goldens for gradviz.autograd.printing.

Run with the oracle's interpreter (torch 2.13 lives only there):

    /path/to/torchvenv/bin/python tools/record_printing_goldens.py

Writes tests/goldens/printing.json.  The cases are deterministic: hand-picked edge cases
(notation switches, alignment, nan/inf/-0., empties, summarisation, wrapping, suffix placement,
nn.Parameter) followed by seeded random arrays over many shapes, dtypes and magnitudes under a
few print options.  Each case stores the input values in an exact, JSON-safe encoding (see
``encode_values``), the dtype, the print options, the autograd suffix, the prefix and torch's repr.
"""

from __future__ import annotations

import base64
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "goldens" / "printing.json"

NUMPY_DTYPES: dict[str, Any] = {
    "float32": np.float32,
    "float64": np.float64,
    "float16": np.float16,
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
    "bool": np.bool_,
}

# Arrays up to this many elements are stored as readable lists; larger ones as base64 bytes.
LIST_LIMIT = 64

# Ops that keep every value bit for bit (nan, -0. included) but give the result a grad_fn,
# so suffixes of several lengths are exercised with names torch really produces.
GRAD_OPS: list[Callable[[torch.Tensor], torch.Tensor]] = [
    lambda t: t * 1,
    lambda t: t.clone(),
    lambda t: t.expand_as(t),
    lambda t: t.unsqueeze(0).squeeze(0),
    lambda t: t.permute(tuple(range(t.dim()))),
    lambda t: torch.where(torch.ones_like(t, dtype=torch.bool), t, t),
]


def encode_float(value: float) -> float | str:
    """JSON numbers round-trip any double exactly; only nan, infinities and -0. need strings."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0 and math.copysign(1.0, value) < 0:
        return "-0.0"
    return value


def encode_values(array: np.ndarray) -> dict[str, Any]:
    """Exact encoding: a flat list for small arrays, little-endian base64 for large ones."""
    shape = list(array.shape)
    if array.size > LIST_LIMIT:
        raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        return {"shape": shape, "b64": base64.b64encode(raw).decode("ascii")}
    flat = array.reshape(-1).tolist()
    if array.dtype.kind == "f":
        flat = [encode_float(v) for v in flat]
    return {"shape": shape, "data": flat}


def encode_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: ("inf" if isinstance(v, float) and math.isinf(v) else v) for k, v in options.items()}


def torch_repr(
    array: np.ndarray, suffix_kind: str | None, grad_op: int, parameter: bool, options: dict[str, Any]
) -> tuple[str, str | None, str]:
    """torch's repr of the array, plus the suffix and prefix gradviz must be given."""
    base = torch.from_numpy(np.array(array, copy=True))
    prefix = "tensor("
    suffix: str | None = None
    if parameter:
        tensor: torch.Tensor = torch.nn.Parameter(base, requires_grad=base.is_floating_point())
        prefix = "Parameter containing:\ntensor("
        suffix = "requires_grad=True" if base.is_floating_point() else None
    elif suffix_kind == "requires_grad":
        tensor = base.requires_grad_()
        suffix = "requires_grad=True"
    elif suffix_kind == "grad_fn":
        tensor = GRAD_OPS[grad_op](base.requires_grad_())
        suffix = f"grad_fn=<{type(tensor.grad_fn).__name__}>"
        got = np.ascontiguousarray(tensor.detach().numpy()).tobytes()
        assert got == np.ascontiguousarray(array).tobytes(), "grad op changed the values"
    else:
        tensor = base
    torch.set_printoptions(**options)
    try:
        text = repr(tensor)
    finally:
        torch.set_printoptions(profile="default")
    return text, suffix, prefix


class Recorder:
    def __init__(self) -> None:
        self.cases: list[dict[str, Any]] = []

    def add(
        self,
        name: str,
        array: np.ndarray,
        dtype: str,
        *,
        suffix: str | None = None,
        options: dict[str, Any] | None = None,
        parameter: bool = False,
        grad_op: int = 0,
    ) -> None:
        array = np.asarray(array, dtype=NUMPY_DTYPES[dtype])
        is_float = array.dtype.kind == "f"
        if suffix is not None and not is_float:
            suffix = None  # torch refuses requires_grad on integer tensors
        options = dict(options or {})
        text, suffix_text, prefix = torch_repr(array, suffix, grad_op, parameter, options)
        self.cases.append(
            {
                "id": f"{len(self.cases):04d}-{name}",
                "values": encode_values(array),
                "dtype": dtype,
                "options": encode_options(options),
                "suffix": suffix_text,
                "prefix": prefix,
                "repr": text,
            }
        )


def hand_picked(rec: Recorder) -> None:
    nan, inf = math.nan, math.inf
    f = "float32"
    # Notation and alignment of small float tensors.
    rec.add("scalar-sum", np.float32(12.0), f, suffix="grad_fn")
    for i, vals in enumerate(
        [
            [1.0, 2.0, 3.0],
            [0.1, 1.0],
            [0.1, 0.25, -3.5],
            [-1.0, 2.0],
            [0.0, 100.0],
            [-0.0, 1.0],
            [-0.0],
            [0.0, 0.0],
            [1.0, nan],
            [nan, 1.0],
            [0.0, nan],
            [inf, -inf, 1.5],
            [nan, inf, -inf],
            [1e10, 1.0],
            [1e-5, 1.0],
            [1e8, 1.0],
            [1.5e8, 1.0],
            [1e-4, 1.0],
            [9.9e-5, 1.0],
            [1000.0, 1.0],
            [1001.0, 1.0],
            [0.5, 500.0],
            [0.5, 500.5],
            [123456789.0, 1.5],
            [1e12, 1e-7, inf],
            [-1e-20, 3e20],
            [3.4e38, 1e-45],
            [1e-40, 2e-40],
            [65504.0, -65504.0],
            [0.1, 0.2, 0.3],
            [1 / 3, 2 / 3],
            [-123.456, 0.001],
            [99999.5, 0.5],
        ]
    ):
        rec.add(f"floats-{i}", np.array(vals), f)
        rec.add(f"floats64-{i}", np.array(vals), "float64")
    for vals in ([5e-324, 1.0], [1e308, -1e308], [1e-310, 2e-310], [0.1, 1 / 3]):
        rec.add("float64-extreme", np.array(vals), "float64")
    for v in (nan, inf, -inf, -0.0, 0.0, 1.5, 1e-5, 1e10, -7.0, 0.1):
        rec.add("scalar", np.array(v), f)
        rec.add("scalar-grad", np.array(v), f, suffix="requires_grad")
    rec.add("scalar-f64-grad", np.array(2.5), "float64", suffix="requires_grad")
    rec.add("scalar-f16-grad", np.array(3.0), "float16", suffix="grad_fn")
    # Integers and bools of every dtype, scalars included.
    for dt in ("int8", "int16", "int32", "int64", "uint8"):
        rec.add("ints", np.array([1, -2, 30] if dt != "uint8" else [1, 2, 255]), dt)
        rec.add("int-scalar", np.array(3), dt)
        rec.add("int-matrix", np.arange(12).reshape(3, 4) - 4 * (dt != "uint8"), dt)
    rec.add("bools", np.array([True, False]), "bool")
    rec.add("bool-scalar", np.array(True), "bool")
    rec.add("bool-matrix", np.array([[True, False, True], [False, False, True]]), "bool")
    rec.add("float16", np.array([1.0, 2.0]), "float16")
    rec.add("float16-0.1", np.array([0.1, 1e-3, 60000.0]), "float16")
    # Empty tensors of several shapes and dtypes.
    for shape in ((0,), (0, 3), (2, 0), (3, 0, 2), (0, 0)):
        for dt in ("float32", "float64", "int64", "bool", "int32"):
            rec.add(f"empty-{dt}", np.zeros(shape), dt)
    rec.add("empty-grad", np.zeros((0, 3)), f, suffix="requires_grad")
    rec.add("empty-f64-grad", np.zeros((0,)), "float64", suffix="grad_fn")
    # Shapes from 1-d to 4-d, and the tutorial's tensors.
    rec.add("ones-2x3-grad", np.ones((2, 3)), f, suffix="requires_grad")
    rec.add("twos-3x3-mul", np.full((3, 3), 2.0), f, suffix="grad_fn")
    rec.add("grad-3x3", np.array([[6.0, 0, 0], [0, 0, 0], [0, 0, 0]]), f)
    for nd in range(1, 5):
        shape = (2,) * nd + (3,)
        rec.add(f"arange-{nd + 1}d", np.arange(math.prod(shape), dtype=float).reshape(shape) - 5, f)
        rec.add(f"arange-int-{nd + 1}d", np.arange(math.prod(shape)).reshape(shape), "int64")
    # Line wrapping: rows just below and above the width, zeros with their nominal width of 1.
    for n in (13, 14, 15, 16, 17, 19, 20, 30, 40):
        rec.add(f"wrap-{n}", np.arange(n, dtype=float), f)
        rec.add(f"wrap-f64-grad-{n}", np.arange(n, dtype=float) * 2, "float64", suffix="grad_fn")
        rec.add(f"wrap-param-{n}", np.arange(n, dtype=float), "float64", parameter=True)
    rec.add("zeros-30", np.zeros(30), f)
    rec.add("nans-30", np.full(30, nan), f)
    rec.add("negzero-2x30", np.full((2, 30), -0.0), f)
    rec.add("wide-3x10-f64", np.arange(30.0).reshape(3, 10) * 2, "float64", suffix="grad_fn")
    rec.add("wide-sci", np.arange(1, 25, dtype=float) * 1e9, f)
    # Suffix placement near the line limit: sweep row lengths under a few linewidths.
    for width in (10, 30, 50, 60, 80):
        for n in range(1, 13):
            rec.add(
                f"suffix-lw{width}-{n}",
                np.arange(n, dtype=float).reshape(1, n),
                "float64",
                suffix="grad_fn",
                options={"linewidth": width},
                grad_op=n % len(GRAD_OPS),
            )
        rec.add(f"suffix-scalar-lw{width}", np.array(3.0), "float16", suffix="grad_fn", options={"linewidth": width})
    # Parameters.
    rec.add("param-2x3", np.ones((2, 3)), f, parameter=True)
    rec.add("param-scalar", np.array(1.0), f, parameter=True)
    rec.add("param-int", np.array([1, 2, 3]), "int64", parameter=True)
    rec.add("param-3d", np.arange(24.0).reshape(2, 3, 4) / 7, f, parameter=True)
    # Summarisation.
    rec.add("arange-2000", np.arange(2000), "int64")
    rec.add("arange-2000-f", np.arange(2000.0), f, suffix="grad_fn")
    rec.add("sum-2x10x100", np.arange(2000.0).reshape(2, 10, 100), f)
    rec.add("sum-10x20x1", np.arange(0.0, 4000.0, 20.0).reshape(10, 20, 1), f)
    rec.add("sum-1001", np.linspace(-1, 1, 1001), "float64")
    rec.add("sum-40x40-int", np.arange(1600).reshape(40, 40) - 800, "int32")
    small = {"edgeitems": 1, "threshold": 5}
    rec.add("edge1-3d", np.arange(24).reshape(2, 3, 4), "int64", options=small)
    rec.add("edge1-4d", np.arange(72).reshape(2, 3, 3, 4), "int64", options=small)
    rec.add("edge1-4d-333", np.arange(81).reshape(3, 3, 3, 3), "int64", options=small)
    rec.add(
        "edge2-5d",
        np.arange(3**5).reshape(3, 3, 3, 3, 3) * 0.5,
        f,
        options={"edgeitems": 1, "threshold": 5},
        suffix="grad_fn",
    )
    rec.add("thresh0-7", np.arange(1.0, 8.0), f, options={"threshold": 0})
    rec.add("thresh0-7x1", np.ones((7, 1)), f, options={"threshold": 0})
    rec.add("thresh0-scalar", np.array(5.0), f, options={"threshold": 0})
    for opts in ({"edgeitems": 0}, {"edgeitems": 0, "threshold": 0}):
        rec.add("edge0-small", np.arange(5), "int64", options=opts)
        rec.add("edge0-grad", np.arange(5.0), f, suffix="requires_grad", options=opts)
        rec.add("edge0-scalar", np.array(5.0), f, options=opts)
        rec.add("edge0-empty", np.zeros((2, 0)), "int32", options=opts)
    rec.add("edge0-big", np.arange(2000.0), "float64", options={"edgeitems": 0})
    rec.add("edge0-big-2d", np.arange(2000).reshape(20, 100), "int64", options={"edgeitems": 0})
    # Forced notation and precision.
    for opts in (
        {"sci_mode": True},
        {"sci_mode": False},
        {"precision": 0},
        {"precision": 10},
        {"profile": "short"},
        {"profile": "full", "precision": 2},
        {"profile": "short", "sci_mode": True},
    ):
        for i, vals in enumerate(
            [
                [1.0, 2.0],
                [1.0, 200.0],
                [1.5, 200.0],
                [1.0, nan],
                [nan, 0.0],
                [1e10, 1.0],
                [1e-6, 1.5],
                [1e12, 1e-7, inf],
                [0.1, 1 / 3],
                [-0.0, 2.0],
                [0.5, 1.5, 2.25],
            ]
        ):
            rec.add(f"opts-{i}", np.array(vals), f, options=opts)
        rec.add("opts-matrix", np.array([[1.0, 2.0], [3.0, 4.5]]), f, options=opts, suffix="grad_fn")
        rec.add("opts-f16", np.array([0.1, 3.0]), "float16", options=opts)
        rec.add("opts-int", np.array([5, -6]), "int64", options=opts)


# Magnitude styles for random float data: name -> generator(rng, n) -> float64 values.
def _styles() -> dict[str, Callable[[np.random.Generator, int], np.ndarray]]:
    def scaled(rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.standard_normal(n) * 10.0 ** rng.integers(-12, 13)

    def whole(rng: np.random.Generator, n: int) -> np.ndarray:
        return np.round(rng.standard_normal(n) * 10.0 ** rng.integers(0, 11))

    def spread(rng: np.random.Generator, n: int) -> np.ndarray:
        lo = int(rng.integers(-8, 4))
        hi = lo + int(rng.integers(0, 8))
        return rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(lo, hi, n)

    def unit(rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.random(n)

    def halves(rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(-40, 40, n) / 4.0

    return {"scaled": scaled, "whole": whole, "spread": spread, "unit": unit, "halves": halves}


def _random_shape(rng: np.random.Generator, big: bool) -> tuple[int, ...]:
    if big:
        ndim = int(rng.integers(1, 5))
        while True:
            shape = tuple(int(rng.integers(1, 40)) for _ in range(ndim))
            if 1000 < math.prod(shape) <= 4000:
                return shape
            if ndim == 1:
                return (int(rng.integers(1001, 3000)),)
    ndim = int(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]))
    shape = [int(rng.integers(1, 5)) for _ in range(ndim)]
    if ndim and rng.random() < 0.25:
        shape[-1] = int(rng.integers(5, 40))
    if ndim and rng.random() < 0.04:
        shape[int(rng.integers(0, ndim))] = 0
    return tuple(shape)


def randomized(rec: Recorder, count: int, big_count: int) -> None:
    rng = np.random.default_rng(20240613)
    styles = _styles()
    dtypes = ["float32"] * 6 + ["float64"] * 3 + ["float16"] * 2 + ["int64", "int32", "int16", "int8", "uint8", "bool"]
    option_sets: list[dict[str, Any]] = [{}] * 6 + [
        {"precision": 2},
        {"precision": 6},
        {"sci_mode": True},
        {"sci_mode": False},
        {"linewidth": 50},
        {"linewidth": 120},
        {"profile": "short"},
        {"threshold": 40, "edgeitems": 2},
    ]
    for i in range(count + big_count):
        big = i >= count
        dtype = str(rng.choice(dtypes))
        shape = _random_shape(rng, big)
        n = math.prod(shape)
        style = str(rng.choice(list(styles)))
        if dtype == "bool":
            values = rng.random(n) < 0.5
        elif dtype.startswith(("int", "uint")):
            info = np.iinfo(NUMPY_DTYPES[dtype])
            top = min(int(info.max), 10 ** int(rng.integers(1, 19)))
            bottom = max(int(info.min), -top)
            values = rng.integers(bottom, top, n, endpoint=True, dtype=np.int64)
        else:
            values = styles[style](rng, n)
            if rng.random() < 0.35:
                specials = np.array([math.nan, math.inf, -math.inf, -0.0, 0.0])
                hits = rng.random(n) < 0.15
                values[hits] = rng.choice(specials, int(hits.sum()))
        with np.errstate(over="ignore"):
            array = np.asarray(values).astype(NUMPY_DTYPES[dtype]).reshape(shape)
        options = dict(option_sets[int(rng.integers(0, len(option_sets)))])
        roll = rng.random()
        suffix = None if roll < 0.5 else ("grad_fn" if roll < 0.85 else "requires_grad")
        parameter = bool(rng.random() < 0.05)
        rec.add(
            f"random-{dtype}-{style}-{'x'.join(map(str, shape)) or 'scalar'}",
            array,
            dtype,
            suffix=suffix,
            options=options,
            parameter=parameter,
            grad_op=int(rng.integers(0, len(GRAD_OPS))),
        )


def option_states() -> list[dict[str, Any]]:
    """get_printoptions() after sequences of set_printoptions calls (sci_mode resets, profiles)."""
    sequences: list[list[dict[str, Any]]] = [
        [],
        [{"precision": 2}],
        [{"sci_mode": True}],
        [{"sci_mode": True}, {"precision": 2}],
        [{"sci_mode": True}, {"profile": "short"}],
        [{"profile": "full"}],
        [{"profile": "short", "linewidth": 100, "edgeitems": 5}],
        [{"threshold": 7, "sci_mode": False}, {"profile": "default", "precision": 6}],
        [{"linewidth": 40}, {"edgeitems": 1}],
    ]
    states = []
    for calls in sequences:
        for call in calls:
            torch.set_printoptions(**call)
        state = torch._tensor_str.get_printoptions()
        torch.set_printoptions(profile="default")
        states.append({"calls": [encode_options(c) for c in calls], "state": encode_options(dict(state))})
    return states


def sizes() -> list[dict[str, Any]]:
    shapes: list[tuple[int, ...]] = [(), (5,), (2, 3), (0,), (0, 3), (1, 1, 1, 1), (10, 20, 30)]
    return [{"shape": list(s), "text": str(torch.Size(s))} for s in shapes]


def main() -> int:
    torch.set_printoptions(profile="default")
    rec = Recorder()
    hand_picked(rec)
    randomized(rec, count=420, big_count=30)
    document = {
        "reference": f"torch {torch.__version__}",
        "cases": rec.cases,
        "option_states": option_states(),
        "sizes": sizes(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=0, ensure_ascii=False, allow_nan=False)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(rec.cases)} cases, {len(text) / 1e6:.2f} MB to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
