"""The backward player: a dock that steps through recorded backward() calls.

Host it in the main window as a dock (see BackwardPlayer) and call ``set_calls`` after each run.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.player.player import BackwardPlayer

__all__ = ["BackwardPlayer", "apply_screenshot_args", "find_player"]


def find_player(window_or_player: QWidget) -> BackwardPlayer | None:
    """The player itself, or the BackwardPlayer inside a window."""
    if isinstance(window_or_player, BackwardPlayer):
        return window_or_player
    return window_or_player.findChild(BackwardPlayer)


def apply_screenshot_args(window_or_player: QWidget, call: int | None, step: int | None) -> BackwardPlayer:
    """``gradviz screenshot FILE -o OUT.png --call K --step N``: show call K at step N.

    K counts calls from 1, as the player numbers them (#1, #2, ...) and as ``gradviz trace`` and
    ``gradviz export --call`` do; N counts steps from 0. Negative values count from the end
    (``--call -1 --step -1`` is the last step of the last call).
    Call this after the script ran and ``set_calls`` was given its traces. Raises LookupError
    when there is no player or no backward call, IndexError when K or N is out of range (the
    message names the valid range, for the command line to print).
    """
    player = find_player(window_or_player)
    if player is None:
        raise LookupError("no BackwardPlayer in this window")
    calls = player.call_count
    if calls == 0:
        raise LookupError("the script made no backward() call")
    if call is not None:
        index = call + calls if call < 0 else call - 1
        if call == 0 or not 0 <= index < calls:
            raise IndexError(
                f"--call {call}: the script made {calls} backward() call(s); use 1..{calls} or -{calls}..-1"
            )
        player.select_call(index)
    if step is not None:
        number = player.current_call + 1
        summarized = player.summarized_calls()
        if summarized[player.current_call]:
            raise IndexError(
                f"--step {step}: call {number} was kept as a summary to save memory (its loss only), so it "
                f"has no steps to show; add --record-call {number} to run the script again keeping it in full, "
                f"or pick a call kept in full: {_numbers_text([k + 1 for k, s in enumerate(summarized) if not s])}"
            )
        steps = len(player.replay or ())
        if not -steps <= step < steps:
            raise IndexError(f"--step {step}: call {number} has {steps} step(s); use 0..{steps - 1} or -{steps}..-1")
        player.seek(step)
    player.pause()
    return player


def _numbers_text(numbers: list[int]) -> str:
    """Call numbers as runs: [1, 2, 3, 4, 17, 18, 19, 20] -> "1-4, 17-20"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
