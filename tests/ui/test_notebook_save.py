"""The app's Save over an opened notebook keeps its outputs, counts, tags and raw cells
(ui.files.write_document; the merge itself is tested in tests/test_cells_ipynb_save.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cells_ipynb_save import OUTPUT_STREAM, _notebook
from ui.files import read_document, write_document


def test_the_app_saves_over_the_notebook_it_opened(tmp_path: Path) -> None:
    """ui.write_document keeps the overwritten notebook's outputs (the app's Save)."""
    path = tmp_path / "lesson.ipynb"
    notebook = _notebook()
    path.write_text(json.dumps(notebook), encoding="utf-8")
    text = read_document(path)
    write_document(path, text.replace("print(x * 2)", "print(x * 2)  # twice"))
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["cells"][1]["outputs"] == [OUTPUT_STREAM]
    assert saved["cells"][3] == notebook["cells"][3]
    assert saved["cells"][2]["cell_type"] == "raw"
