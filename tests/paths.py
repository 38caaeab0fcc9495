"""The shipped files the tests read, named in this one place.

They are found through gradviz.resources, as the app and the commands find them, so the tests read
the files an install ships and never a path on one machine. Tests run from a checkout, where the
packaged examples are a folder on the file system.
"""

from __future__ import annotations

from pathlib import Path

from gradviz import resources

SEED_NOTEBOOK: Path = resources.seed_notebook()
EXAMPLES_DIR: Path = SEED_NOTEBOOK.parent
