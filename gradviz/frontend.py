"""The one door from the headless core to the optional Qt front end.

``gradviz`` never imports ``ui`` or PySide6 statically: the command line is the composition root,
and only the commands that draw (the app, ``screenshot``, picture exports) open this door, by
module name, at the moment they run. Everything else (run, trace, layout, .dot/.json export)
works on a machine without Qt.
"""

from __future__ import annotations

import importlib
from typing import Any


def frontend(module: str) -> Any:
    """Import ``ui.<module>`` on demand (raises ImportError with a clear message without Qt)."""
    try:
        return importlib.import_module(f"ui.{module}")
    except ImportError as error:
        raise ImportError(
            f"this command needs gradviz's Qt front end (ui.{module}), which could not be loaded: "
            f"{error}. Install the project with ./dev setup."
        ) from error
