"""The files gradviz ships beside its code, found through importlib.resources.

``examples/`` holds the seed notebook and the other example scripts (the app's Examples menu and
the commands' default FILE). They are package data, so they are found the same way in a checkout,
an editable install and an installed wheel, whatever the current directory is. The Qt front end's
own files (icons, stylesheet, translations) live in ``ui/resources`` and are found through
:func:`resource_path` too.
"""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["EXAMPLE_SUFFIXES", "SEED_NAME", "example_files", "examples", "resource_path", "seed_notebook"]

SEED_NAME = "seed_notebook.py"
EXAMPLE_SUFFIXES = (".py", ".ipynb")

# Paths handed out by resource_path stay valid until the process ends: for a package on the file
# system they are the files themselves; for one inside a zip archive, extracted copies.
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def resource_path(resource: Traversable) -> Path:
    """A file-system path for a packaged file (Qt's loaders and the editor's documents want paths)."""
    return _extracted.enter_context(as_file(resource))


def examples() -> Traversable:
    """The folder of example scripts shipped with gradviz."""
    return files(__name__) / "examples"


def example_files() -> list[Path]:
    """The shipped examples as paths: the seed notebook first, then the others by name."""
    folder = examples()
    if not folder.is_dir():
        return []
    found = [entry for entry in folder.iterdir() if entry.is_file() and entry.name.lower().endswith(EXAMPLE_SUFFIXES)]
    found.sort(key=lambda entry: (entry.name != SEED_NAME, entry.name.lower()))
    return [resource_path(entry) for entry in found]


def seed_notebook() -> Path:
    """The seed notebook: what the app opens, and what ``gradviz run``/``trace``/``export``/
    ``screenshot`` run, when no FILE is given."""
    return resource_path(examples() / SEED_NAME)
