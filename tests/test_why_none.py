"""Every reason code, from a learner script to the words and the fix (issue 15).

Each case is a small script run through the session as the app runs it. The annotated snapshot
must give the expected reason for the tensor the case names; its text (English and Chinese) must
name the learner's variable (or, for an unnamed intermediate, the expression that made it) and
never an internal id; and a fix, applied the way the window applies it (gradviz.backward.fixes,
which ui/window_actions.insert_fix calls), must give a script that parses and, run again, gives
the tensor a .grad (or moves it on to the reason the case expects next). Errors are covered the
same way with the exact messages gradviz raises.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import pytest

from gradviz.backward.explain import REASON_CODES, Reason, render
from gradviz.backward.explain_text import TEXTS
from gradviz.backward.fixes import apply_insertion, fix_insertion
from gradviz.runner.results import CellResult
from gradviz.runner.session import Session

_INTERNAL_ID = re.compile(r"\b[tn]\d+\b")
_CJK = re.compile(r"[\u4e00-\u9fff]")
LANGS = ("en", "zh")


@dataclass(frozen=True)
class Case:
    code: str
    script: str
    tensor: str  # the learner's variable, or the source text of an unnamed tensor
    shown: str  # what the text must contain to name it
    fixed: str | None = None  # None: no fix offered; "grad": the fix gives it a .grad; else the next reason


_HEAD = "import torch\nx = torch.ones(2, requires_grad=True)\n"

WHY_NONE_CASES = [
    Case("not_leaf_no_retain", _HEAD + "y = x * 2\nloss = y.sum()\nloss.backward()\n", "y", "y", "grad"),
    Case("not_leaf_no_retain", _HEAD + "z = (x * x).sum()\nz.backward()\n", "x * x", "`x * x`"),
    Case(
        "requires_grad_false",
        _HEAD + "w = torch.ones(2)\nloss = (x * w).sum()\nloss.backward()\n",
        "w",
        "w",
        "grad",
    ),
    Case("requires_grad_false", _HEAD + "loss = (x * torch.ones(2)).sum()\nloss.backward()\n", "torch.ones(2)", "`"),
    Case(
        "created_under_no_grad",
        _HEAD + "with torch.no_grad():\n    y = x * 2\nloss = (x * y).sum()\nloss.backward()\n",
        "y",
        "y",
    ),
    Case("detached", _HEAD + "d = x.detach()\nloss = (x * d).sum()\nloss.backward()\n", "d", "d"),
    Case("detached", _HEAD + "d = x.data\nloss = (x * d).sum()\nloss.backward()\n", "d", "d"),
    Case(
        "not_on_path",
        _HEAD + "b = torch.ones(2, requires_grad=True)\ng = b + 1\nloss = (x * 2).sum()\nloss.backward()\n",
        "g",
        "g",
    ),
    Case(
        "not_on_path",
        _HEAD + "b = torch.ones(2, requires_grad=True)\ng = b + 1\nloss = (x * 2).sum()\nloss.backward()\n",
        "b",
        "b",
    ),
    Case("integer_dtype", _HEAD + "n = torch.tensor([1, 2])\nloss = (x * n).sum()\nloss.backward()\n", "n", "n"),
    Case(
        "grad_via_autograd_grad",
        _HEAD + "loss = (x * x).sum()\n(gx,) = torch.autograd.grad(loss, [x])\n",
        "x",
        "x",
    ),
    Case("python_number", _HEAD + "loss = (x * 3).sum()\nloss.backward()\n", "3", "3"),
    Case("backward_not_called", _HEAD + "loss = (x * 2).sum()\n", "x", "x"),
    Case("grad_reset", _HEAD + "loss = (x * 2).sum()\nloss.backward()\nx.grad = None\n", "x", "x"),
    # A fix that helps only up to the next reason: w now requires grad, but loss never used it.
    Case(
        "requires_grad_false",
        _HEAD + "w = torch.ones(2)\nq = w * 2\nloss = (x * 2).sum()\nloss.backward()\n",
        "w",
        "w",
        "not_on_path",
    ),
    # retain_grad() before any backward: the fix is right, and then backward is what is missing.
    Case("not_leaf_no_retain", _HEAD + "y = x * 2\n", "y", "y", "backward_not_called"),
]


def _run(script: str) -> CellResult:
    return Session().run_cell(0, script)


def _tensor(result: CellResult, wanted: str) -> dict:
    assert result.graph is not None
    tensors = [n for n in result.graph["nodes"] if n.get("kind") == "tensor"]
    for node in tensors:
        if node.get("name") == wanted or node.get("source_text") == wanted:
            return node
    for node in tensors:
        if node.get("wrapped_number") and str(node.get("label")) == wanted:
            return node
    raise AssertionError(f"no tensor {wanted!r} in {[n.get('label') for n in tensors]}")


def _reason(result: CellResult, wanted: str) -> dict | None:
    return _tensor(result, wanted)["grad_none_reason"]


@pytest.mark.parametrize("case", WHY_NONE_CASES, ids=lambda c: f"{c.code}:{c.tensor}")
def test_why_none_reason_text_and_fix(case: Case) -> None:
    result = _run(case.script)
    assert result.error is None, result.error
    reason = _reason(result, case.tensor)
    assert reason is not None and reason["code"] == case.code, reason
    for lang in LANGS:
        text = render(reason, lang)
        assert case.shown in text, (lang, text)
        assert not _INTERNAL_ID.search(text), (lang, text)
        assert "{" not in text and "?" not in text.replace("？", "")
        assert bool(_CJK.search(text)) == (lang == "zh")
    params = reason["params"]
    if case.fixed is None:
        assert not params.get("fix"), params
        return
    code, name, after = params["fix"], _tensor(result, case.tensor)["name"], params["fix_after_line"]
    assert code.startswith(f"{case.tensor}.")
    for lang in LANGS:
        assert code in render(reason, lang)
    insertion = fix_insertion(case.script, code, name, after)
    assert insertion is not None
    fixed_script = apply_insertion(case.script, insertion)
    ast.parse(fixed_script)
    again = _run(fixed_script)
    assert again.error is None, again.error
    node = _tensor(again, case.tensor)
    if case.fixed == "grad":
        assert node["grad"] is not None and node["grad_none_reason"] is None
    else:
        assert node["grad_none_reason"]["code"] == case.fixed


def test_every_why_none_code_has_a_case() -> None:
    errors = {c for c in REASON_CODES if c.startswith("err_")}
    assert {c.code for c in WHY_NONE_CASES} == set(REASON_CODES) - errors


def test_the_unused_tensor_of_the_issue_is_not_told_to_retain_grad() -> None:
    """Issue 15: ``g = b + 1`` with a loss that ignores g was told "call g.retain_grad()"."""
    script = (
        _HEAD + "b = torch.ones(2, requires_grad=True)\ng = b + 1\nh = (b * 2).sum()\nloss = (x * 2).sum()\n"
        "loss.backward()\n"
    )
    reason = _reason(_run(script), "g")
    assert reason == {"code": "not_on_path", "params": {"name": "g", "roots": "loss"}}
    assert render(reason).startswith("No gradient reached g: backward() started from loss")


def test_an_unnamed_root_is_named_by_its_source_text() -> None:
    reason = _reason(_run(_HEAD + "g = x + 1\n(x * 2).sum().backward()\n"), "g")
    assert reason is not None and reason["params"]["roots"] == "`(x * 2).sum()`"


# -- where fixes may go ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "script, after_line",
    [
        ("def f(x):\n    y = x * 2\n    return y\n", 2),  # inside a function: y is not the learner's y
        ("for i in range(2): y = x * i\n", 1),  # shares its line with the loop header
        ("ys = []\nys.append(x * 2)\n", 2),  # the statement does not bind the name
        ("y = (x *\n", 1),  # the script no longer parses
    ],
)
def test_no_fix_where_it_could_be_wrong(script: str, after_line: int) -> None:
    assert fix_insertion(script, "y.retain_grad()", "y", after_line) is None


def test_a_fix_inside_a_loop_keeps_the_loop_indentation_and_follows_a_multiline_statement() -> None:
    script = "for i in range(2):\n    y = (x *\n         i)\n    print(y)\n"
    insertion = fix_insertion(script, "y.retain_grad()", "y", 3)
    assert insertion is not None and insertion.before_line == 4 and insertion.text == "    y.retain_grad()"
    assert apply_insertion(script, insertion).splitlines()[3] == "    y.retain_grad()"


def test_a_fix_in_a_later_cell_uses_file_lines() -> None:
    cell = "y = x * 2\nloss = y.sum()\n"  # a cell starting at file line 10
    insertion = fix_insertion(cell, "y.retain_grad()", "y", 10, first_line=10)
    assert insertion is not None and insertion.before_line == 11
    assert apply_insertion(cell, insertion, first_line=10) == "y = x * 2\ny.retain_grad()\nloss = y.sum()\n"


def test_the_fix_is_dropped_when_the_script_cannot_take_it() -> None:
    script = _HEAD + "def make():\n    return x * 2\ny = make()\nloss = y.sum()\nloss.backward()\n"
    reason = _reason(_run(script), "y")
    # y's tensor was made inside make(): "after that line" is the return statement.
    assert reason is not None and reason["code"] == "not_leaf_no_retain" and "fix" not in reason["params"]
    assert ".retain_grad()" in render(reason) and "y.retain_grad()" not in render(reason)


# -- names from source text ------------------------------------------------------------------


def test_intermediates_are_named_by_their_source_text() -> None:
    result = _run(_HEAD + "y = x + 2\nz = y * y * 3\nout = z.mean()\nout.backward()\n")
    assert result.graph is not None
    unnamed = [n for n in result.graph["nodes"] if n.get("kind") == "tensor" and not n.get("name")]
    labels = {str(n["label"]).split("\n")[0] for n in unnamed}
    assert "y * y" in labels and not any("(unnamed)" in label for label in labels)
    assert _tensor(result, "y * y")["grad_none_reason"]["params"]["name"] == "`y * y`"


def test_long_source_text_is_cut_with_an_ellipsis() -> None:
    result = _run(_HEAD + "loss = (x * 2 + x * 3 + x * 4 + x * 5 + x * 6).sum()\n")
    texts = [n.get("source_text") for n in result.graph["nodes"] if n.get("source_text")]  # type: ignore[index]
    longest = max(texts, key=len)
    assert longest.endswith("…") and len(longest) <= 28


# -- errors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorCase:
    code: str
    script: str
    message: str  # a part of the exact PyTorch message gradviz raises
    shown: tuple[str, ...] = ()  # what the English text must contain (numbers from the message)
    fix: str | None = None  # the fix that names the learner's variable


ERROR_CASES = [
    ErrorCase(
        "err_non_scalar_backward",
        _HEAD + "h = x * 2\nh.backward()\n",
        "grad can be implicitly created only for scalar outputs",
        fix="h.sum().backward()",
    ),
    ErrorCase(
        "err_backward_twice",
        _HEAD + "h = (x * x).sum()\nh.backward()\nh.backward()\n",
        "Trying to backward through the graph a second time",
        fix="h.backward(retain_graph=True)",
    ),
    ErrorCase(
        "err_backward_twice",
        _HEAD + "z = (x * x).sum()\nh = z * 2\nz.backward()\nh.backward()\n",
        "Trying to backward through the graph a second time",
        fix="z.backward(retain_graph=True)",  # the earlier call is the one that must keep the graph
    ),
    ErrorCase(
        "err_version_counter",
        _HEAD + "y = x.exp()\ny.add_(1)\ny.sum().backward()\n",
        "modified by an inplace operation",
    ),
    ErrorCase(
        "err_leaf_inplace",
        _HEAD + "x.add_(1)\n",
        "a leaf Variable that requires grad is being used in an in-place operation.",
    ),
    ErrorCase(
        "err_no_grad_fn",
        "import torch\nc = torch.ones(2)\nc.sum().backward()\n",
        "element 0 of tensors does not require grad and does not have a grad_fn",
    ),
    ErrorCase(
        "err_int_requires_grad",
        "import torch\nn = torch.tensor([1, 2], requires_grad=True)\n",
        "Only Tensors of floating point and complex dtype can require gradients",
    ),
    ErrorCase(
        "err_unused_input",
        _HEAD + "b = torch.ones(2, requires_grad=True)\ntorch.autograd.grad((x * 2).sum(), [x, b])\n",
        "appears to not have been used in the graph",
    ),
    ErrorCase(
        "err_matmul_shapes",
        "import torch\na = torch.ones(2, 3)\nb = torch.ones(2, 3)\nc = a @ b\n",
        "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
        ("2x3 (3 columns)", "2x3 (2 rows)"),
    ),
    ErrorCase(
        "err_matmul_shapes",
        "import torch\nlayer = torch.nn.Linear(4, 2)\nout = layer(torch.ones(5, 3))\n",
        "mat1 and mat2 shapes cannot be multiplied (5x3 and 4x2)",
        ("5x3 (3 columns)", "4x2 (4 rows)"),
    ),
    ErrorCase(
        "err_matvec_shapes",
        "import torch\nm = torch.ones(2, 3)\nv = torch.ones(4)\nr = torch.mv(m, v)\n",
        "size mismatch, got input (2), mat (2x3), vec (4)",
        ("2x3 (3 columns)", "4 elements"),
    ),
    ErrorCase(
        "err_dot_sizes",
        "import torch\nr = torch.dot(torch.ones(3), torch.ones(4))\n",
        "inconsistent tensor size, expected tensor [3] and src [4]",
        ("3 and 4 elements",),
    ),
    ErrorCase(
        "err_broadcast",
        "import torch\na = torch.ones(2, 3)\nb = torch.ones(2, 4)\nc = a + b\n",
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
        ("dimension 1 the sizes are 3 and 4",),
    ),
    ErrorCase(
        "err_view_size",
        "import torch\na = torch.ones(2, 3)\nb = a.view(2, 4)\n",
        "shape '[2, 4]' is invalid for input of size 6",
        ("(6)", "[2, 4] holds 8"),
    ),
    ErrorCase(
        "err_view_size",
        "import torch\na = torch.ones(2, 3)\nb = a.reshape(4, -1)\n",
        "shape '[4, -1]' is invalid for input of size 6",
        ("multiply to 4, which does not divide 6",),
    ),
    ErrorCase(
        "err_expand",
        "import torch\na = torch.ones(2, 3)\nb = a.expand(2, 4)\n",
        "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1",
        ("Dimension 1 has size 3, which cannot become 4", "[2, 4]", "[2, 3]"),
    ),
    ErrorCase(
        "err_cat_sizes",
        "import torch\nc = torch.cat([torch.ones(2, 3), torch.ones(3, 3)], dim=1)\n",
        "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1",
        ("dimension 1", "number 1", "size 3", "size 2"),
    ),
]


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda c: c.code)
def test_error_explanations(case: ErrorCase) -> None:
    result = _run(case.script)
    assert result.error is not None and case.message in result.error.message, result.error
    explanation = result.error.explanation
    assert explanation is not None and explanation["code"] == case.code
    reason = Reason.from_dict(explanation)
    assert reason.fix == case.fix
    for lang in LANGS:
        text = render(reason, lang)
        assert not _INTERNAL_ID.search(text) and "{" not in text and "?" not in text.replace("？", "")
        assert bool(_CJK.search(text)) == (lang == "zh")
        if case.fix:
            assert case.fix in text
    english = render(reason, "en")
    for part in case.shown:
        assert part in english, english
    if case.fix is not None:
        # The fix rewrites the call it names: applied to that line, the script runs cleanly.
        receiver = case.fix.split(".", 1)[0]
        lines = case.script.splitlines()
        at = lines.index(f"{receiver}.backward()")
        fixed = "\n".join([*lines[:at], case.fix, *lines[at + 1 :]]) + "\n"
        ast.parse(fixed)
        assert _run(fixed).error is None


def test_every_error_code_has_a_case() -> None:
    assert {c.code for c in ERROR_CASES} == {c for c in REASON_CODES if c.startswith("err_")}


def test_every_code_has_both_languages_and_matching_fields() -> None:
    field = re.compile(r"\{(\w+)\}")
    for code, templates in TEXTS.items():
        assert {"en", "zh"} <= set(templates), code
        for key, text in templates.items():
            twin = templates["zh" if key.startswith("en") else "en"]
            if key.endswith("_nofix"):
                assert "{fix}" not in text and key.replace("en", "zh").replace("zh_", "zh_") in templates
            assert not _CJK.search(text) if key.startswith("en") else _CJK.search(text), (code, key)
            # Chinese may use the "holds_zh" twin of an English field; everything else is shared.
            fields = {f.removesuffix("_zh") for f in field.findall(text)}
            assert fields <= {f.removesuffix("_zh") for f in field.findall(twin)} | {"fix"}, (code, key)
