import os
import sys
import tempfile
from pathlib import Path

# Qt aborts without a display unless a platform is chosen; tests render offscreen by default.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Settings (language, theme, recent files) and autosaves must not leak between test runs or from
# the developer's own use of the app: point Qt's per-user folders at a fresh temporary home.
_QT_HOME = Path(tempfile.mkdtemp(prefix="gradviz-tests-"))
for _var, _sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                   ("XDG_STATE_HOME", "state")):
    os.environ[_var] = str(_QT_HOME / _sub)

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
