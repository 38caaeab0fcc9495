"""The training view: a session's training loops, their loss curve, and grads that keep adding up.

``install_training_panel(window)`` docks a TrainingPanel in the main window; the panel drives
any ui.protocols.BackwardPlayerView (the window's BackwardPlayer).
"""

from __future__ import annotations

from ui.training.curve import LossCurve
from ui.training.install import install_training_panel
from ui.training.panel import TrainingPanel

__all__ = ["LossCurve", "TrainingPanel", "install_training_panel"]
