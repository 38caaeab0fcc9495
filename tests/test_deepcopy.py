"""copy.deepcopy of tensors and modules, against what torch 2.13 does (the tutorial case
basics_keep_best_model has the printed side; these check the engine's state directly)."""

from __future__ import annotations

import copy

import pytest

import gradviz.torch as torch
from gradviz.autograd.copying import NON_LEAF_DEEPCOPY
from gradviz.torch import nn


def test_a_trained_model_deep_copies_as_fresh_leaves_without_grads() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    model(torch.randn(4, 2)).sum().backward()
    twin = copy.deepcopy(model)
    for mine, theirs in zip(twin.parameters(), model.parameters()):
        assert type(mine) is nn.Parameter and mine.is_leaf and mine.requires_grad
        assert mine.grad is None and theirs.grad is not None
        assert mine is not theirs and torch.equal(mine, theirs)
        assert mine.uid != theirs.uid and mine._version == 0
        mine.data.add_(1.0)
        assert not torch.equal(mine, theirs)  # no memory shared


def test_a_leaf_keeps_its_grad_and_attributes_but_not_its_graph_state() -> None:
    t = torch.ones(2, requires_grad=True)
    t.retain_grad()
    t.register_hook(lambda g: g * 2)
    (t * 3).sum().backward()
    t.note = {"kept": [1]}
    c = copy.deepcopy(t)
    assert c.requires_grad and c.is_leaf and c._version == 1
    assert c.grad is not None and c.grad is not t.grad and torch.equal(c.grad, t.grad)
    assert c.note == {"kept": [1]} and c.note is not t.note
    assert c._hooks is None and c._grad_accumulator is None


def test_views_copied_together_share_one_copy_and_the_original_is_untouched() -> None:
    a = torch.arange(6.0).reshape(2, 3)
    row, column = a[1], a[:, 2]
    a2, row2, column2 = copy.deepcopy([a, row, column])
    row2[2] = 100.0
    assert a2[1, 2].item() == 100.0 and column2[1].item() == 100.0
    assert a[1, 2].item() == 5.0
    alone = copy.deepcopy(row)
    alone[0] = -1.0
    assert a[1, 0].item() == 3.0


def test_the_result_of_an_op_is_refused_as_torch_refuses_it() -> None:
    t = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError) as raised:
        copy.deepcopy(t * 2)
    assert str(raised.value) == NON_LEAF_DEEPCOPY
    with torch.no_grad():
        assert torch.equal(copy.deepcopy(t * 2), torch.full((2,), 2.0))
