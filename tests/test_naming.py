"""Names of values the learner never named: their own expression where the learner's code made
them, the layer that made them inside gradviz's layers, in the learner's language."""

from __future__ import annotations

from typing import Any

from gradviz.graph.naming import localize_labels, module_title_text
from gradviz.runner.session import Session

CNN = """\
import torch
import torch.nn as nn
import torch.nn.functional as F

class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(4 * 4 * 4, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)

model = SmallCNN()
images = torch.randn(2, 1, 8, 8)
loss = model(images).sum()
"""

MLP = """\
import torch
from torch import nn
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
x = torch.randn(2, 4)
loss = model(x).sum()
"""


def _titles(source: str) -> dict[str, dict[str, Any]]:
    result = Session().run_cell(0, source)
    assert result.error is None and result.graph is not None
    return {str(n["label"]).split("\n")[0]: n for n in result.graph["nodes"] if n["kind"] == "tensor"}


def test_values_a_learners_forward_makes_read_as_their_own_expressions() -> None:
    titles = _titles(CNN)
    # The learner's forward called relu and flatten: their spans are their own expressions. They
    # used to read "output of model", which is what model(images) returned, not these.
    assert {"F.relu(self.conv1(x))", "torch.flatten(x, 1)"} <= set(titles)
    assert not any(title in ("output of model", "in model") for title in titles)
    # gradviz's layers still read as the layer that made the value (their ops' spans are the call).
    assert {"output of model.conv1", "output of model.pool"} <= set(titles)
    assert titles["output of model.conv1"]["module_title"] == {"role": "output", "path": "model.conv1"}
    # A layer's transposed weight names the weight.
    assert "model.fc.weight.T" in titles and "module_title" not in titles["model.fc.weight.T"]


def test_module_titles_follow_the_language_and_back() -> None:
    result = Session().run_cell(0, MLP)
    snapshot = result.graph
    assert snapshot is not None
    before = {n["id"]: n["label"] for n in snapshot["nodes"]}
    assert localize_labels(snapshot, "zh")
    after = {n["id"]: n["label"] for n in snapshot["nodes"]}
    changed = {i for i in before if before[i] != after[i]}
    assert changed and all(after[i].startswith("model.") for i in changed)
    assert any(after[i].split("\n")[0] == "model.0 的输出" for i in changed)
    # Only the title line changes: the shape below it is kept.
    assert all(after[i].split("\n")[1:] == before[i].split("\n")[1:] for i in changed)
    assert not localize_labels(snapshot, "zh")  # already in Chinese: nothing to do
    assert localize_labels(snapshot, "en")
    assert {n["id"]: n["label"] for n in snapshot["nodes"]} == before


def test_module_title_text_in_both_languages() -> None:
    inside = {"role": "in", "path": "loss_fn"}
    assert module_title_text(inside, "en") == "in loss_fn"
    assert module_title_text(inside, "zh") == "loss_fn 内部"
    assert module_title_text({"role": "output", "path": "model.2"}, "fr") == "output of model.2"
