"""gradviz's Qt front end. It renders state computed by the headless ``gradviz`` core."""
