"""A tutorial that plots with matplotlib: its PyTorch lines run as under Python (with matplotlib
installed), each matplotlib line is skipped with a note naming it (gradviz.runner.sandbox.plots)."""

from __future__ import annotations

from pathlib import Path

from gradviz.runner.cells import load_cells
from gradviz.runner.results import CellResult
from gradviz.runner.sandbox.plots import NOT_DRAWN
from gradviz.runner.session import Session

TUTORIAL = """\
# %%
import torch
import matplotlib.pyplot as plt
torch.manual_seed(0)
w = torch.zeros(3, requires_grad=True)
x = torch.randn(8, 3)
y = x @ torch.tensor([1.0, -2.0, 0.5])
losses = []
for step in range(5):
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        w.grad.zero_()
    losses.append(loss.item())
    plt.plot(losses)
fig, ax = plt.subplots()
ax.plot(losses, label="loss")
ax.set_xlabel("step")
fig, axes = plt.subplots(2, 2, figsize=(6, 6))
axes[0, 1].plot([1, 2])
for a in axes.flat:
    a.grid(True)
line, = plt.plot([1])
n, bins, patches = plt.hist(losses)
plt.rcParams["figure.figsize"] = (8, 4)
with plt.style.context("ggplot"):
    plt.show()
print(len(losses), round(losses[-1], 4), axes.shape)
# %%
from matplotlib import pyplot
import matplotlib as mpl
mpl.use("Agg")
pyplot.savefig("loss.png")
print(w.grad)
"""

# The same script as Python runs it without its matplotlib lines: what it must print.
WITHOUT_PLOTS = """\
# %%
import torch
torch.manual_seed(0)
w = torch.zeros(3, requires_grad=True)
x = torch.randn(8, 3)
y = x @ torch.tensor([1.0, -2.0, 0.5])
losses = []
for step in range(5):
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        w.grad.zero_()
    losses.append(loss.item())
print(len(losses), round(losses[-1], 4), (2, 2))
# %%
print(w.grad)
"""


def _run(tmp_path: Path, text: str) -> list[CellResult]:
    path = tmp_path / "tutorial.py"
    path.write_text(text, encoding="utf-8")
    return Session(snapshots=False).run_cells(load_cells(path))


def test_pytorch_lines_run_and_print_what_python_prints(tmp_path: Path) -> None:
    with_plots = _run(tmp_path, TUTORIAL)
    plain = _run(tmp_path, WITHOUT_PLOTS)
    assert [r.error for r in with_plots] == [None, None]
    assert [r.stdout for r in with_plots] == [r.stdout for r in plain]
    assert with_plots[0].stdout.startswith("5 ")
    assert len(with_plots[0].backward_calls) == 5  # the loop trained; the training panel has it


def test_each_matplotlib_line_is_named_once(tmp_path: Path) -> None:
    first, second = _run(tmp_path, TUTORIAL)
    notes = first.warnings
    assert all(note.startswith("Note: line ") and note.endswith(NOT_DRAWN) for note in notes)
    lines = [int(note.split()[2].rstrip(":")) for note in notes]
    # import, plt.plot in the loop (once for 5 iterations), subplots, ax.plot, set_xlabel, subplots,
    # axes[0, 1].plot, a.grid in a loop (once), plot, hist, style.context, show
    assert lines == [3, 16, 17, 18, 19, 20, 21, 23, 24, 25, 27, 28]
    assert "line 3: import matplotlib works, its calls are skipped" in notes[0]
    assert "line 16: matplotlib.pyplot.plot() skipped" in notes[1]
    assert "line 19: matplotlib's set_xlabel() skipped" in notes[4]
    assert [note.split(":")[0:2] for note in second.warnings] == [
        ["Note", " line 31"],
        ["Note", " line 32"],
        ["Note", " line 33"],
        ["Note", " line 34"],
    ]


def test_matplotlib_objects_name_matplotlib_and_refuse_nothing_learners_do(tmp_path: Path) -> None:
    (result,) = _run(
        tmp_path,
        "import matplotlib.pyplot as plt\n"
        "fig = plt.figure()\n"
        "fig.title = 'x'\n"
        "ax1, ax2 = plt.subplots(1, 2)[1]\n"
        "print(type(plt).__module__, len(plt.subplots(3, 1)[1]), plt.subplots(2, 3)[1].ravel().shape)\n",
    )
    assert result.error is None
    assert result.stdout == "matplotlib 3 (6,)\n"
    assert "gradviz.runner" not in result.stdout


def test_other_missing_modules_still_fail_as_in_python(tmp_path: Path) -> None:
    (result,) = _run(tmp_path, "import seaborn\n")
    assert result.error is not None and result.error.type == "ModuleNotFoundError"
