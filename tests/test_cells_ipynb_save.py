"""Saving a notebook keeps what gradviz's editor does not hold: outputs, execution counts, cell ids,
tags and other metadata, raw cells, attachments and the notebook's metadata (issue 14, item 6).

The editor holds percent text; saving splits it and writes it over the notebook it came from, so
these tests go the same way: read_ipynb -> write_percent -> (edit) -> split_percent_cells ->
write_ipynb(cells, previous)."""

from __future__ import annotations

import json
from typing import Any

from gradviz.runner.cells import read_ipynb, split_percent_cells, write_ipynb, write_percent

OUTPUT_STREAM = {"name": "stdout", "output_type": "stream", "text": ["tensor([2., 2.])\n"]}
OUTPUT_RESULT = {
    "data": {"text/plain": ["tensor(4.)"]},
    "execution_count": 3,
    "metadata": {},
    "output_type": "execute_result",
}
OUTPUT_IMAGE = {
    "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]},
    "metadata": {},
    "output_type": "display_data",
}


def _notebook() -> dict[str, Any]:
    return {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "intro",
                "metadata": {"tags": ["intro"]},
                "attachments": {"a.png": {"image/png": "iVBORw0KGgo="}},
                "source": ["# Gradients\n", "![a](attachment:a.png)"],
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "id": "make-x",
                "metadata": {"tags": ["setup", "hide-input"], "collapsed": False},
                "outputs": [OUTPUT_STREAM],
                "source": ["import torch\n", "x = torch.ones(2, requires_grad=True)\n", "print(x * 2)"],
            },
            {"cell_type": "raw", "id": "raw-1", "metadata": {"format": "text/restructuredtext"}, "source": ".. note::"},
            {
                "cell_type": "code",
                "execution_count": 3,
                "id": "loss",
                "metadata": {"tags": ["graded"]},
                "outputs": [OUTPUT_RESULT, OUTPUT_IMAGE],
                "source": "y = (x * x).sum()\ny.backward()\ny",
            },
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "empty-out",
                "metadata": {},
                "outputs": [],
                "source": "",
            },
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.4"},
            "colab": {"provenance": []},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _save(editor_text: str, previous: dict[str, Any] | None) -> dict[str, Any]:
    text = write_ipynb(split_percent_cells(editor_text), None if previous is None else json.dumps(previous))
    return json.loads(text)


def _editor_text(notebook: dict[str, Any]) -> str:
    return write_percent(read_ipynb(json.dumps(notebook)))


def test_unchanged_notebook_saves_back_as_it_was() -> None:
    notebook = _notebook()
    saved = _save(_editor_text(notebook), notebook)
    assert saved == notebook


def test_raw_cells_stay_raw_and_never_run() -> None:
    cells = read_ipynb(json.dumps(_notebook()))
    raw = cells[2]
    assert raw.raw and raw.kind == "markdown" and raw.source == ".. note::"
    text = write_percent(cells)
    assert "# %% [raw]\n# .. note::" in text
    again = split_percent_cells(text)[2]
    assert again.raw and again.source == ".. note::"
    # without a previous notebook too: a [raw] marker writes a raw cell
    assert _save(text, None)["cells"][2]["cell_type"] == "raw"


def test_edits_keep_what_each_cell_had() -> None:
    notebook = _notebook()
    text = _editor_text(notebook)
    text = text.replace("print(x * 2)", "print(x * 3)")  # edit the setup cell
    text = text.replace("# %% [raw]", "# %%\nz = 1\n\n# %% [raw]")  # a new code cell before the raw one
    saved = _save(text, notebook)
    kinds = [c["cell_type"] for c in saved["cells"]]
    assert kinds == ["markdown", "code", "code", "raw", "code", "code"]
    setup, new, raw, loss = saved["cells"][1:5]
    # the edited cell keeps its id, tags and (until it runs again, as in Jupyter) its output
    assert setup["id"] == "make-x" and setup["metadata"]["tags"] == ["setup", "hide-input"]
    assert setup["execution_count"] == 2 and setup["outputs"] == [OUTPUT_STREAM]
    assert setup["source"][-1] == "print(x * 3)"
    assert new["outputs"] == [] and new["execution_count"] is None and new["metadata"] == {}
    assert new["id"] not in {c["id"] for c in notebook["cells"]}
    assert raw == notebook["cells"][2]
    assert loss == notebook["cells"][3]  # unchanged, moved down one place: everything kept
    assert saved["cells"][0]["attachments"] == notebook["cells"][0]["attachments"]
    assert saved["metadata"] == notebook["metadata"]


def test_deleted_and_reordered_cells() -> None:
    notebook = _notebook()
    cells = read_ipynb(json.dumps(notebook))
    loss, setup = cells[3], cells[1]
    saved = _save(write_percent([loss, setup]), notebook)
    assert [c["id"] for c in saved["cells"]] == ["loss", "make-x"]
    assert saved["cells"][0]["outputs"] == [OUTPUT_RESULT, OUTPUT_IMAGE]
    ids = [c["id"] for c in saved["cells"]]
    assert len(set(ids)) == len(ids)


def test_a_cell_that_changed_kind_drops_its_outputs() -> None:
    notebook = _notebook()
    text = _editor_text(notebook).replace("# %%\ny = (x * x)", "# %% [markdown]\ny = (x * x)")
    saved = _save(text, notebook)
    assert "outputs" not in saved["cells"][3] and "execution_count" not in saved["cells"][3]


def test_titles_live_in_metadata_next_to_the_tags() -> None:
    notebook = _notebook()
    text = _editor_text(notebook).replace("# %%\nimport torch", "# %% Setup\nimport torch")
    saved = _save(text, notebook)
    assert saved["cells"][1]["metadata"] == {"tags": ["setup", "hide-input"], "collapsed": False, "title": "Setup"}
    back = _save(_editor_text(saved).replace("# %% Setup", "# %%"), saved)
    assert back["cells"][1]["metadata"] == {"tags": ["setup", "hide-input"], "collapsed": False}


def test_an_unreadable_previous_file_is_overwritten_plainly() -> None:
    text = "# %%\nx = 1\n"
    for previous in ("not json", json.dumps({"nbformat": 3}), json.dumps({"nbformat": 4, "cells": [1]})):
        saved = json.loads(write_ipynb(split_percent_cells(text), previous))
        assert saved["cells"] == [
            {
                "cell_type": "code",
                "id": "cell-0",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": ["x = 1"],
            }
        ]
