import os
import sys
from pathlib import Path

# Qt aborts without a display unless a platform is chosen; tests render offscreen by default.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
