"""Record what PyTorch prints for the examples the app ships: gradviz/resources/examples/*.py (all but the
seed notebook, whose PyTorch output is tests/goldens/seed_expected.json).

Run from the repository root with the torch virtualenv:

    /path/to/torchvenv/bin/python tools/record_chapter_goldens.py          # write the goldens
    /path/to/torchvenv/bin/python tools/record_chapter_goldens.py --check  # compare, write nothing

Writes tests/goldens/examples/<name>.json in the format of tests/goldens/cases/*.json, using the
capture code of tools/record_goldens.py (which first proves itself against the seed), so the
sandbox tests can hold the sandboxed runner to exactly what PyTorch printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record_goldens

REPO = record_goldens.REPO
EXAMPLES = REPO / "gradviz" / "resources" / "examples"
GOLDENS = REPO / "tests" / "goldens" / "examples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report stale goldens, write nothing")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    cells_mod = record_goldens.load_cells_module()
    problems = record_goldens.check_seed(cells_mod)
    if problems:
        print("capture does not reproduce seed_expected.json:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    stale = 0
    GOLDENS.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in EXAMPLES.glob("*.py") if p.name != "seed_notebook.py"):
        outputs = record_goldens.run_script(cells_mod, path)
        text = record_goldens.dump(record_goldens.golden_document(path, outputs))
        stale += record_goldens.write_golden(GOLDENS / f"{path.stem}.json", text, args.check)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
