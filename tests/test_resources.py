"""gradviz.resources: the shipped examples, and real paths for packaged files wherever they live."""

from __future__ import annotations

import importlib
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from gradviz import resources


def test_the_seed_comes_first_then_the_other_examples_by_name() -> None:
    examples = resources.example_files()
    names = [path.name for path in examples]
    assert names[0] == resources.SEED_NAME
    assert names[1:] == sorted(names[1:], key=str.lower) and len(names) > 1
    assert all(path.is_file() and path.suffix in resources.EXAMPLE_SUFFIXES for path in examples)
    assert resources.seed_notebook() == examples[0]


def test_a_file_inside_a_zipped_package_gets_a_real_path_that_outlives_the_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("gvzipped/__init__.py", "")
        zipped.writestr("gvzipped/icons/run.svg", "<svg/>")
    monkeypatch.syspath_prepend(str(archive))
    importlib.invalidate_caches()
    try:
        resource = files("gvzipped") / "icons" / "run.svg"
        assert not isinstance(resource, Path)  # a zip entry, not a file Qt could open
        path = resources.resource_path(resource)
        assert path.is_file() and path.read_text() == "<svg/>"
        assert not path.is_relative_to(archive)
    finally:
        sys.modules.pop("gvzipped", None)


def test_a_file_on_disk_is_its_own_path() -> None:
    seed = resources.examples() / resources.SEED_NAME
    assert resources.resource_path(seed) == seed
