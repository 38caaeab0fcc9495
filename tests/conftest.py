import faulthandler
import os
import sys
import tempfile
from pathlib import Path

# Qt aborts without a display unless a platform is chosen; tests render offscreen by default.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Settings (language, theme, recent files) and autosaves must not leak between test runs or from
# the developer's own use of the app: point Qt's per-user folders at a fresh temporary home.
_QT_HOME = Path(tempfile.mkdtemp(prefix="gradviz-tests-"))
for _var, _sub in (
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_STATE_HOME", "state"),
):
    os.environ[_var] = str(_QT_HOME / _sub)

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# Hypothesis on a shared, busy machine: nothing may fail because the machine was slow, so no
# per-example deadline and no "data generation too slow" health check (both measure wall time).
# In CI (the CI environment variable is set, as CI services do) the examples are also derandomized:
# each test draws the same examples on every run (seeded from the test itself; no example database
# carried between runs), so a red CI run is reproducible and a green one does not depend on luck.
# Locally examples stay random, which is how hypothesis finds new failures.
_TIME_INDEPENDENT = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("dev", **_TIME_INDEPENDENT)
settings.register_profile("ci", derandomize=True, database=None, **_TIME_INDEPENDENT)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that switches the UI language (e.g. an export with --lang zh) must not change the
    language the next test sees: Qt's installed translator is process-wide."""
    yield
    i18n = sys.modules.get("ui.i18n")
    if i18n is not None and "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is not None:
            i18n.language_switcher().apply("en")


# A test that hangs must not hold CI until its own time limit with nothing printed: after this long
# one test's thread stacks are written to stderr and the run ends there, failed. No test comes near
# it (the slowest take about a minute on a loaded 2-core machine); it is a backstop, not a timer.
HUNG_TEST_AFTER_S = 900


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    faulthandler.dump_traceback_later(HUNG_TEST_AFTER_S, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
