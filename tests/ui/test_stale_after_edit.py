"""Re-running a cell after an edit retires what its previous run left behind: the player replays
the new call with the new numbers, the graph the cell drew before is marked stale (dimmed) when
it is still reachable, and the output of later cells, which ran against the old values, is marked
"ran before cell N changed"."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor

from gradviz.backward.replay import format_grad
from tests.ui.full_window import full_window

RUN_TIMEOUT_MS = 60_000

THREE_CELLS = """# %%
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
# %%
z = y * y * 3
out = z.mean()
out.backward()
# %%
print(x.grad)
"""


@pytest.fixture
def window(qtbot, tmp_path):
    with full_window(qtbot, tmp_path, time_s=20.0) as win:
        yield win


def _run_all(qtbot, window, text: str) -> None:
    window.documents.load_text(text, None)
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.running.run_all()


def _edit(window, old: str, new: str) -> None:
    """Replace ``old`` with ``new`` in the editor, as typing would (one undoable edit)."""
    editor = window.editor
    text = editor.toPlainText()
    start = text.index(old)
    cursor = QTextCursor(editor.document())
    cursor.setPosition(start)
    cursor.setPosition(start + len(old), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(new)


def _run_cell(qtbot, window, index: int) -> None:
    with qtbot.waitSignal(window.run_idle, timeout=RUN_TIMEOUT_MS):
        window.running.run_cell(index)


def _leaf_grad_text(player) -> str:
    """What the selected call added to x.grad (x.grad itself keeps adding up across runs)."""
    (entry,) = player.replay.state(-1).ledger
    return format_grad(entry.contribution)


def test_rerun_replays_the_new_call_and_lights_the_new_graph(qtbot, window):
    _run_all(qtbot, window, THREE_CELLS)
    player = window.player
    assert player.call_count == 1 and _leaf_grad_text(player) == "4.5"
    _edit(window, "z = y * y * 3", "z = y * y * y")
    _run_cell(qtbot, window, 1)
    # the one call of cell 1 is the new one, with the new numbers: d/dy mean(y^3) = 3 y^2 / 4 = 6.75
    assert player.call_count == 1 and _leaf_grad_text(player) == "6.75"
    # and it plays on the graph now drawn: every node of the call is on the canvas and lights up
    scene = window.canvas.view.graph_scene
    replay = player.replay
    assert all(scene.node_item(n) is not None for n in replay.node_order)
    player.seek(-1)
    lit = {scene.node_item(n).node_id for n in replay.node_order}
    assert all(scene.nodes[v].run_state == "done" for v in lit if v in scene.nodes)


def test_later_cells_are_marked_stale_until_they_run_again(qtbot, window):
    _run_all(qtbot, window, THREE_CELLS)
    output = window.output
    assert "4.5" in output.plain_text_for(2) and not output.stale_note(2)
    _edit(window, "z = y * y * 3", "z = y * y * y")
    _run_cell(qtbot, window, 1)
    note = output.stale_note(2)
    assert note == "ran before cell 1 changed"
    assert note in output.toPlainText() and not output.stale_note(1) and not output.stale_note(0)
    _run_cell(qtbot, window, 2)
    assert not output.stale_note(2) and "11.25" in output.plain_text_for(2)  # 4.5 + 6.75: x.grad adds up


def test_a_failed_rerun_marks_the_old_graph_stale(qtbot, window):
    _run_all(qtbot, window, THREE_CELLS)
    scene = window.canvas.view.graph_scene
    old_out = next(n["id"] for n in window.running.cell_graphs[1]["nodes"] if n.get("name") == "out")
    _edit(window, "z = y * y * 3", "z = y * yy * 3")
    _run_cell(qtbot, window, 1)  # NameError: name 'yy' is not defined
    assert window.output.result_for(1).error is not None
    # z and out still hold the previous run's tensors, so their graph is still reachable: drawn
    # dimmed as stale, not as if this run had made it; y (cell 0) is not stale
    stale = scene.stale_nodes()
    assert old_out in stale and scene.nodes[old_out].opacity() < 0.6
    y = next(n["id"] for n in window.running.cell_graphs[0]["nodes"] if n.get("name") == "y")
    assert y not in stale and scene.nodes[y].opacity() == 1.0
    # the previous run's backward call is retired from the player with it
    assert window.player.call_count == 0
    # a successful run of the cell brings everything back to full strength
    _edit(window, "z = y * yy * 3", "z = y * y * 3")
    _run_cell(qtbot, window, 1)
    assert not scene.stale_nodes() and window.player.call_count == 1


ONE_CELL = """import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
"""


def test_rerun_of_a_single_cell_script(qtbot, window):
    _run_all(qtbot, window, ONE_CELL)
    player = window.player
    _edit(window, "z = y * y * 3", "z = y * y * y")
    _run_cell(qtbot, window, 0)
    assert player.call_count == 1 and _leaf_grad_text(player) == "6.75"
    scene = window.canvas.view.graph_scene
    replay = player.replay
    assert all(scene.node_item(n) is not None for n in replay.node_order)
    names = {d.get("name") for _, d in scene.graph.nodes(data=True)}
    assert "PowBackward0" not in names
    assert sum(1 for _, d in scene.graph.nodes(data=True) if d.get("name") == "MulBackward0") == 2


FOUR_CELLS = """# %%
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
# %%
z = y * y * 3
# %%
out = z.mean()
out.backward()
# %%
print(x.grad)
"""


def test_backward_in_a_later_cell_is_marked_stale_with_its_graph(qtbot, window):
    """Edit cell 1, re-run only it: cell 2's call (on the old z) is marked stale in the player, the
    old z and out are dimmed, cell 2 and 3's output say they ran before cell 1 changed."""
    _run_all(qtbot, window, FOUR_CELLS)
    player, scene = window.player, window.canvas.view.graph_scene
    old = {n.get("name"): n["id"] for n in window.running.cell_graphs[2]["nodes"] if n.get("name")}
    _edit(window, "z = y * y * 3", "z = y * y * y")
    _run_cell(qtbot, window, 1)
    assert [window.output.stale_note(i) for i in range(4)] == [
        None,
        None,
        "ran before cell 1 changed",
        "ran before cell 1 changed",
    ]
    assert player.call_count == 1
    assert player.call_box.itemText(0).endswith("stale: ran before cell 1 changed")
    stale = scene.stale_nodes()
    assert old["out"] in stale and old["z"] in stale and old["x"] not in stale and old["y"] not in stale
    new_z = next(n["id"] for n in window.running.cell_graphs[1]["nodes"] if n.get("name") == "z")
    assert new_z != old["z"] and new_z not in stale
    # running the later cells again makes everything current: no stale call, node or output
    _run_cell(qtbot, window, 2)
    _run_cell(qtbot, window, 3)
    assert player.call_count == 1 and "stale" not in player.call_box.itemText(0)
    assert _leaf_grad_text(player) == "6.75" and not scene.stale_nodes()
    assert all(window.output.stale_note(i) is None for i in range(4))
