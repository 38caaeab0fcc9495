"""gradviz's Qt front end. It renders state computed by the headless ``gradviz`` core."""

from ui._pyside_compat import protect_singletons

protect_singletons()
