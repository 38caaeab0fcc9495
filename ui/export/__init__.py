"""Export the graph as PNG, SVG, PDF and backward animations (GIF/APNG/WebP) with Qt and Pillow.

``api`` turns a request into files (used by ``gradviz export`` and the dialog), ``drawing``
paints a laid-out view, ``writers`` knows each file format, ``steps`` derives each backward
step's state from a recorded trace, ``dialog`` is File -> Export in the app.
"""
