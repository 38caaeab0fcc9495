"""The canvas and the player offer every member of the Protocols they are called through
(ui/protocols.py), with signatures that take the protocol's arguments. mypy checks the same where
ui/extensions.py installs them; this keeps it true for a run without mypy, too."""

from __future__ import annotations

import inspect

import pytest
from PySide6.QtCore import SignalInstance

from ui.graph import GraphPanel, GraphView
from ui.player import BackwardPlayer
from ui.protocols import BackwardPlayerView, GraphCanvas, PlaybackCanvas


def _members(protocol: type) -> list[str]:
    return sorted(name for name in vars(protocol) if not name.startswith("_"))


@pytest.mark.parametrize(
    ("protocol", "implementation"),
    [(GraphCanvas, GraphPanel), (PlaybackCanvas, GraphView), (BackwardPlayerView, BackwardPlayer)],
)
def test_the_real_classes_satisfy_their_protocols(qtbot, protocol, implementation) -> None:
    widget = implementation()
    qtbot.addWidget(widget)
    names = _members(protocol)
    assert names, "the protocol lists its members"
    for name in names:
        declared = vars(protocol)[name]
        assert hasattr(widget, name), f"{implementation.__name__} lacks {name}"
        value = getattr(widget, name)
        if isinstance(declared, property):
            returns = inspect.signature(declared.fget).return_annotation
            if returns == "SignalInstance":
                assert isinstance(value, SignalInstance), f"{implementation.__name__}.{name} is not a signal"
            continue
        wanted = [p for p in inspect.signature(declared).parameters.values() if p.name != "self"]
        # Every argument the protocol passes positionally must be accepted by the implementation.
        inspect.signature(value).bind(*[object()] * len(wanted))
