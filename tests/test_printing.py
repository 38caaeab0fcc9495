"""gradviz.autograd.printing against PyTorch 2.13's own text (tests/goldens/printing.json).

The goldens are recorded by tools/record_printing_goldens.py with real torch; this file never
imports torch.  Every case is its own test id, so a failure names the case.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gradviz.autograd import printing
from gradviz.autograd.printing import (
    PrintOptions,
    format_size,
    format_tensor,
    get_printoptions,
    printoptions,
    set_printoptions,
)

GOLDENS = json.loads((Path(__file__).resolve().parent / "goldens" / "printing.json").read_text(encoding="utf-8"))

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

_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0.0": -0.0}


def decode_values(encoded: dict[str, Any], dtype: str) -> np.ndarray:
    np_dtype = np.dtype(NUMPY_DTYPES[dtype])
    shape = tuple(encoded["shape"])
    if "b64" in encoded:
        raw = base64.b64decode(encoded["b64"])
        return np.frombuffer(raw, dtype=np_dtype.newbyteorder("<")).astype(np_dtype).reshape(shape)
    flat = [_SPECIAL_FLOATS.get(v, v) if isinstance(v, str) else v for v in encoded["data"]]
    return np.array(flat, dtype=np_dtype).reshape(shape)


def decode_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: (math.inf if v == "inf" else v) for k, v in options.items()}


@pytest.fixture(autouse=True)
def default_print_options() -> Iterator[None]:
    """Each test starts and ends with torch's default options, whatever it set."""
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


@pytest.mark.parametrize("case", GOLDENS["cases"], ids=[c["id"] for c in GOLDENS["cases"]])
def test_matches_torch_repr(case: dict[str, Any]) -> None:
    values = decode_values(case["values"], case["dtype"])
    set_printoptions(**decode_options(case["options"]))
    text = format_tensor(values, case["dtype"], case["suffix"], prefix=case["prefix"])
    assert text == case["repr"]


def test_golden_set_is_broad() -> None:
    """Guards against a recorder change silently shrinking what is compared."""
    cases = GOLDENS["cases"]
    assert len(cases) >= 700
    assert {c["dtype"] for c in cases} == set(NUMPY_DTYPES)
    assert {len(c["values"]["shape"]) for c in cases} >= {0, 1, 2, 3, 4}
    assert sum("..." in c["repr"] for c in cases) >= 30
    assert sum(c["prefix"] != "tensor(" for c in cases) >= 20


@pytest.mark.parametrize("entry", GOLDENS["option_states"], ids=lambda e: repr(e["calls"]))
def test_option_state_after_calls(entry: dict[str, Any]) -> None:
    for call in entry["calls"]:
        set_printoptions(**decode_options(call))
    assert get_printoptions() == decode_options(entry["state"])


@pytest.mark.parametrize("entry", GOLDENS["sizes"], ids=lambda e: str(e["shape"]))
def test_format_size(entry: dict[str, Any]) -> None:
    assert format_size(entry["shape"]) == entry["text"]


def test_explicit_options_leave_globals_alone() -> None:
    values = np.array([1e10, 1.0], dtype=np.float32)
    forced = PrintOptions(sci_mode=False)
    assert format_tensor(values, "float32", options=forced) == "tensor([10000000000.,           1.])"
    assert format_tensor(values, "float32") == "tensor([1.0000e+10, 1.0000e+00])"
    assert get_printoptions()["sci_mode"] is None


def test_printoptions_context_restores() -> None:
    set_printoptions(precision=6)
    with printoptions(precision=2, linewidth=40):
        assert get_printoptions()["precision"] == 2
        assert format_tensor(np.array([0.125], dtype=np.float32), "float32") == "tensor([0.12])"
    assert get_printoptions() == {
        "precision": 6,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }


def test_unknown_profile_is_rejected() -> None:
    with pytest.raises(ValueError, match="profile"):
        set_printoptions(profile="verbose")


def test_default_dtype_can_be_float64() -> None:
    """With torch.set_default_dtype(torch.float64), float32 gets named and float64 does not."""
    values = np.array([1.5], dtype=np.float64)
    assert format_tensor(values, "float64", default_dtype="float64") == "tensor([1.5000])"
    assert (
        format_tensor(values.astype(np.float32), "float32", default_dtype="float64")
        == "tensor([1.5000], dtype=torch.float32)"
    )


def test_values_are_read_as_the_tensor_dtype() -> None:
    """A float32 tensor prints its float32 value even when handed float64 numbers (torch: 0.1f)."""
    set_printoptions(precision=10)
    assert format_tensor(np.array([0.1]), "float32") == "tensor([0.1000000015])"
    assert format_tensor(np.array([0.1]), "float64") == "tensor([0.1000000000], dtype=torch.float64)"


def test_complex_values_are_not_supported() -> None:
    with pytest.raises(NotImplementedError, match="complex"):
        format_tensor(np.array([1 + 2j]), "complex64")


def test_module_exports() -> None:
    assert set(printing.__all__) >= {"format_tensor", "set_printoptions", "format_size"}
