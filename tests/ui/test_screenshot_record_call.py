"""`gradviz screenshot --record-call N`: a loop's iteration kept only as a summary can be shown at
any step, as `gradviz run/trace/export --record-call N` keep it (learner review 16, P1-3)."""

from __future__ import annotations

from gradviz.cli import app as cli_app
from gradviz.runner.limits import Limits

# Each call lists about 3 x 4,000 grad numbers (contribution, after, and the root's grad), so the
# default size budget keeps the first and last few dozen calls and summarises the middle ones.
GRAD_SIZE = 4_000
STEPS = 2 * Limits().detail_budget // (3 * GRAD_SIZE) + 40
MIDDLE = STEPS // 2


def _script(tmp_path):
    path = tmp_path / "wide_loop.py"
    path.write_text(
        f"import torch\nw = torch.ones({GRAD_SIZE}, requires_grad=True)\n"
        f"for step in range({STEPS}):\n    w.grad = None\n    (w * step).sum().backward()\n",
        encoding="utf-8",
    )
    return path


def test_a_summarised_call_is_refused_then_recorded_in_full(qapp, tmp_path, capsys, monkeypatch) -> None:
    import ui.player as player_module

    shown = []
    real = player_module.apply_screenshot_args

    def spy(window, call, step):
        player = real(window, call, step)
        shown.append((player.current_call, player.current_step, len(player.replay or ())))
        return player

    monkeypatch.setattr(player_module, "apply_screenshot_args", spy)
    script = _script(tmp_path)
    refused = tmp_path / "refused.png"
    argv = [str(script), "-o", str(refused), "--size", "900x600", "--call", str(MIDDLE), "--step", "-1"]
    assert cli_app.screenshot_main(argv) == 2
    err = capsys.readouterr().err
    assert f"call {MIDDLE} was kept as a summary to save memory" in err
    assert f"add --record-call {MIDDLE}" in err and "Limits." not in err
    assert not refused.exists()

    out = tmp_path / "recorded.png"
    argv = [str(script), "-o", str(out), "--size", "900x600", "--record-call", str(MIDDLE), "--step", "-1"]
    assert cli_app.screenshot_main(argv) == 0  # --call defaults to the call recorded
    assert out.stat().st_size > 0
    call, step, steps = shown[-1]
    assert call == MIDDLE - 1 and steps > 1 and step == steps - 1
