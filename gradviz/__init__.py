"""gradviz: a headless numpy twin of PyTorch's autograd that records every backward step.

This package never imports Qt; the desktop front end lives in the separate ``ui`` package.
"""

__version__ = "0.1.0"
