"""Explanations: every code renders in both languages; the seed scenarios give the right codes."""

from __future__ import annotations

import re

import pytest

from gradviz.backward.explain import (
    REASON_CODES,
    GradContext,
    Reason,
    annotate_snapshot,
    explain_error,
    render,
    why_grad_is_none,
)
from gradviz.runner import cells
from gradviz.runner.session import Session
from tests.paths import SEED_NOTEBOOK

_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", REASON_CODES)
def test_every_code_renders_in_both_languages(code):
    reason = Reason(
        code,
        {
            "name": "y",
            "fix": "y.retain_grad()",
            "grad_fn": "MulBackward0",
            "roots": "s",
            "dtype": "int64",
            "method": "detach()",
            "value": "1",
            "left": "2x3",
            "left_cols": "3",
            "right": "2x3",
            "right_rows": "2",
            "mat": "2x3",
            "mat_cols": "3",
            "vec": "4",
            "a": "3",
            "b": "4",
            "dim": "1",
            "shape": "2, 4",
            "size": "6",
            "holds": "holds 8",
            "holds_zh": "能容纳 8 个元素",
            "target": "4",
            "existing": "3",
            "target_sizes": "2, 4",
            "sizes": "2, 3",
            "expected": "2",
            "got": "3",
            "index": "1",
        },
    )
    en, zh = render(reason, "en"), render(reason, "zh")
    assert en and zh and en != zh
    assert not _CJK.search(en) and _CJK.search(zh)
    assert "{" not in en and "{" not in zh and "?" not in en
    assert render(reason.to_dict(), "zh_CN") == zh  # the UI's locale name and the dict form


def test_unnamed_tensor_reads_naturally():
    """No pseudo-code built from "this tensor" (``这个张量.retain_grad()``) in either language."""
    for code in ("backward_not_called", "not_leaf_no_retain", "requires_grad_false", "grad_reset"):
        for lang, unnamed in (("en", "this tensor"), ("zh", "这个张量")):
            text = render(Reason(code, {"name": None, "grad_fn": "MulBackward0"}), lang)
            assert unnamed in text and unnamed + "." not in text


def _tensor(**kw):
    base = {
        "id": "t1",
        "name": "w",
        "kind": "tensor",
        "role": "leaf",
        "is_leaf": True,
        "requires_grad": True,
        "retains_grad": False,
        "dtype": "float32",
        "grad": None,
        "grad_fn": None,
    }
    base.update(kw)
    return base


def _ctx(**kw):
    ctx = GradContext(calls=1, roots=["t9"], names={"t9": "s"})
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def test_why_none_rules():
    assert why_grad_is_none(_tensor(grad={"shape": []}), _ctx()) is None
    r = why_grad_is_none(
        _tensor(is_leaf=False, role="intermediate", grad_fn="n3", grad_fn_name="MulBackward0", span=[0, 2, 0, 2, 5]),
        _ctx(reached_nodes={"n3"}),
    )
    assert r.code == "not_leaf_no_retain" and r.fix == "w.retain_grad()" and "MulBackward0" in render(r)
    r = why_grad_is_none(_tensor(is_leaf=False, role="intermediate", grad_fn="n3", grad_fn_name="MulBackward0"), _ctx())
    assert r.code == "not_on_path"  # no backward call reached it: retain_grad() would not help
    r = why_grad_is_none(_tensor(requires_grad=False, role="constant", span=[0, 2, 0, 2, 5]), _ctx())
    assert r.code == "requires_grad_false" and r.fix == "w.requires_grad_()"
    assert why_grad_is_none(_tensor(requires_grad=False, origin="no_grad"), _ctx()).code == "created_under_no_grad"
    r = why_grad_is_none(_tensor(requires_grad=False, origin="data"), _ctx())
    assert r.code == "detached" and ".data" in render(r)
    assert why_grad_is_none(_tensor(dtype="int64", requires_grad=False), _ctx()).code == "integer_dtype"
    assert why_grad_is_none(_tensor(), GradContext()).code == "backward_not_called"
    r = why_grad_is_none(_tensor(), _ctx())
    assert r.code == "not_on_path" and "from s," in render(r)
    assert why_grad_is_none(_tensor(), _ctx(captured={"t1"})).code == "grad_via_autograd_grad"
    assert why_grad_is_none(_tensor(), _ctx(accumulated={"t1"})).code == "grad_reset"


@pytest.fixture(scope="module")
def seed():
    session = Session()
    return {r.index: r for r in session.run_cells(cells.split_percent_cells(SEED_NOTEBOOK.read_text(encoding="utf-8")))}


def test_seed_cell10_y_grad_is_none_because_not_leaf(seed):
    calls = [c for i in sorted(seed) for c in seed[i].backward_calls]
    snapshot = annotate_snapshot(seed[10].graph, calls)
    tensors = {n["name"]: n for n in snapshot["nodes"] if n.get("kind") == "tensor" and n.get("name")}
    assert tensors["y"]["grad_none_reason"]["code"] == "not_leaf_no_retain"
    assert tensors["y"]["grad_none_reason"]["params"]["fix"] == "y.retain_grad()"
    assert tensors["z"]["grad_none_reason"]["code"] == "not_leaf_no_retain"
    assert tensors["x"]["grad_none_reason"] is None  # x.grad is a (zeroed) tensor
    for node in snapshot["nodes"]:
        if node.get("kind") == "tensor" and node["grad"] is None:
            assert node["grad_none_reason"] is not None  # every None grad is explained
    constants = [n for n in snapshot["nodes"] if n.get("kind") == "tensor" and n["role"] == "constant"]
    assert constants and all(n["grad_none_reason"]["code"] == "python_number" for n in constants)
    assert render(constants[0]["grad_none_reason"]).startswith("1 is a plain Python number")
    assert (
        why_grad_is_none(_tensor(requires_grad=False, role="constant", name=None), _ctx()).code == "requires_grad_false"
    )


def test_seed_before_any_backward(seed):
    snapshot = annotate_snapshot(seed[3].graph, [])
    x = next(n for n in snapshot["nodes"] if n.get("name") == "x")
    assert x["grad_none_reason"]["code"] == "backward_not_called"


def test_seed_errors(seed):
    r = explain_error(seed[4].error.type, seed[4].error.message, names={"root": "z"})
    assert r.code == "err_non_scalar_backward" and r.fix == "z.sum().backward()"
    r = explain_error(seed[6].error.type, seed[6].error.message)
    assert r.code == "err_backward_twice" and r.fix is None  # no variable to name: words, no code
    assert "retain_graph=True" in render(r, "zh") and "z." not in render(r, "en")


@pytest.mark.parametrize(
    "message, code",
    [
        (
            (
                "one of the variables needed for gradient computation has been modified by an inplace operation: "
                "[torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 "
                "instead."
            ),
            "err_version_counter",
        ),
        ("a leaf Variable that requires grad is being used in an in-place operation.", "err_leaf_inplace"),
        ("element 0 of tensors does not require grad and does not have a grad_fn", "err_no_grad_fn"),
        ("Only Tensors of floating point and complex dtype can require gradients", "err_int_requires_grad"),
        (
            (
                "One of the differentiated Tensors appears to not have been used in the graph. "
                "Set allow_unused=True if this is the desired behavior."
            ),
            "err_unused_input",
        ),
    ],
)
def test_error_codes(message, code):
    reason = explain_error("RuntimeError", message)
    assert reason is not None and reason.code == code
    assert render(reason, "en") and _CJK.search(render(reason, "zh"))


def test_unknown_errors_are_not_guessed():
    assert explain_error("RuntimeError", "something else entirely") is None
    assert explain_error("NameError", "grad can be implicitly created only for scalar outputs") is None
