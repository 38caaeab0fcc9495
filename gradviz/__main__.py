"""``python -m gradviz`` is the ``gradviz`` command (for a venv whose scripts are not on PATH)."""

import sys

from gradviz.cli.main import main

sys.exit(main())
