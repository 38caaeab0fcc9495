"""Record golden outputs: run every tests/goldens/cases/*.py under real PyTorch, write its JSON.

Run from the repository root with the torch virtualenv:

    /path/to/torchvenv/bin/python tools/record_goldens.py            # check the seed, record all
    /path/to/torchvenv/bin/python tools/record_goldens.py inplace    # only cases whose name matches
    /path/to/torchvenv/bin/python tools/record_goldens.py --check    # compare, write nothing

Before recording, the seed notebook is run through the same capture code and must reproduce
tests/goldens/seed_expected.json exactly; that is what proves the capture semantics (stdout,
exception line, warning filter, addresses) match the ones the reference was made with.

Only gradviz.runner's cell modules (cells, capture, trusted_run: pure standard library) are
imported, so that nothing else of gradviz (numpy engine and all) runs next to torch. Output is
deterministic: fixed key order, addresses normalised, one thread.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "goldens" / "cases"
SEED_SCRIPT = REPO / "gradviz" / "resources" / "examples" / "seed_notebook.py"
SEED_EXPECTED = REPO / "tests" / "goldens" / "seed_expected.json"


def load_cells_module() -> SimpleNamespace:
    """The capture code the recorders use: reading cells, the import table, running, normalising.

    gradviz's package ``__init__`` files import nothing, so importing these three modules loads no
    other part of gradviz next to torch (tests/test_recorders.py checks the list)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from gradviz.runner import capture, cells, trusted_run

    return SimpleNamespace(
        load_cells=cells.load_cells,
        module_map=trusted_run.module_map,
        run_cells_trusted=trusted_run.run_cells_trusted,
        normalize_addresses=capture.normalize_addresses,
    )


def normalized(cells_mod: SimpleNamespace, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    norm = cells_mod.normalize_addresses
    result = []
    for out in outputs:
        result.append(
            {
                "cell": out["cell"],
                "code": out["code"],
                "stdout": norm(out["stdout"]),
                "exception": None if out["exception"] is None else norm(out["exception"]),
                "warnings": [norm(w) for w in out["warnings"]],
                "echo": None if out["echo"] is None else norm(out["echo"]),
            }
        )
    return result


def run_script(cells_mod: SimpleNamespace, path: Path, extra_modules: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Run a script or notebook as a fresh kernel would; ``extra_modules`` are standard modules
    its ``import`` statements may name besides torch, numpy and math."""
    import importlib

    import numpy
    import torch

    # Every case starts from the same state: default print options, seed 0, grad mode on.
    torch.set_printoptions(profile="default")
    torch.manual_seed(0)
    torch.set_grad_enabled(True)
    modules = cells_mod.module_map(torch, numpy)
    modules.update({name: importlib.import_module(name) for name in extra_modules})
    cells = cells_mod.load_cells(path)
    return normalized(cells_mod, cells_mod.run_cells_trusted(cells, modules))


def check_seed(cells_mod: SimpleNamespace) -> list[str]:
    """Differences between the seed run and seed_expected.json (empty when the capture is right)."""
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["cells"]
    got = run_script(cells_mod, SEED_SCRIPT)
    problems = []
    if len(got) != len(expected):
        problems.append(f"seed: {len(got)} cells run, {len(expected)} expected")
    for want, have in zip(expected, got):
        for key in ("cell", "code", "stdout", "exception", "warnings"):
            if want[key] != have[key]:
                problems.append(f"seed cell {want['cell']} {key}: expected {want[key]!r}, got {have[key]!r}")
    return problems


def golden_document(path: Path, outputs: list[dict[str, Any]]) -> dict[str, Any]:
    import torch

    return {
        "reference": f"torch {torch.__version__}, Python {platform.python_version()}, one namespace for all cells",
        "torch": torch.__version__,
        "source": path.relative_to(REPO).as_posix(),
        "cells": outputs,
    }


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def write_golden(target: Path, text: str, check: bool) -> bool:
    """Write ``text`` to ``target`` unless it already holds it (or ``check``: only report).
    Returns whether the golden was stale."""
    old = target.read_text(encoding="utf-8") if target.exists() else None
    if old == text:
        print(f"  unchanged {target.name}")
        return False
    if not check:
        target.write_text(text, encoding="utf-8")
    print(f"  {'STALE' if check else 'wrote'}     {target.name}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="record only cases whose file name contains one of these")
    parser.add_argument("--check", action="store_true", help="report stale goldens, write nothing")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    cells_mod = load_cells_module()
    problems = check_seed(cells_mod)
    if problems:
        print("capture does not reproduce seed_expected.json:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("seed reproduced exactly")

    stale = 0
    for path in sorted(CASES.glob("*.py")):
        if args.names and not any(name in path.stem for name in args.names):
            continue
        text = dump(golden_document(path, run_script(cells_mod, path)))
        stale += write_golden(path.with_suffix(".json"), text, args.check)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
