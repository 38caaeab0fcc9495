"""The op variant table (gradviz/autograd/ops/variants.py): what it generates, and the mistakes
it refuses when it is built (at import)."""

from __future__ import annotations

from typing import Any

import pytest

import gradviz.torch as torch
from gradviz.autograd.ops import functional, inplace
from gradviz.autograd.ops.variants import VARIANTS, OpVariants, VariantError, VariantTable
from gradviz.autograd.tensor import Tensor


def _exp(a: Any) -> Any:
    return a


def _exp_(a: Any) -> Any:
    return a


# -- what the real table generates --------------------------------------------------------------


def test_torch_exports_every_function_variant_and_lists_it_in_all() -> None:
    for name, function in VARIANTS.functions.items():
        assert getattr(torch, name) is function
        assert name in torch.__all__
    assert torch.clip is torch.clamp and torch.concat is torch.cat and torch.subtract is torch.sub


def test_torch_all_is_sorted_unique_and_every_name_resolves() -> None:
    assert torch.__all__ == sorted(set(torch.__all__))
    for name in torch.__all__:
        getattr(torch, name)


def test_tensor_gets_every_method_and_operator() -> None:
    for name, method in VARIANTS.methods.items():
        assert Tensor.__dict__[name] is method, name
    x = torch.tensor([1.0, 2.0])
    assert x.clip(0.0, 1.5).tolist() == [1.0, 1.5]
    assert (2 / x).tolist() == [2.0, 1.0]  # reflected: div(2, x)
    assert (1 - x).grad_fn is None and (1 - x).tolist() == [0.0, -1.0]
    y = x.clone()
    y += 1
    assert y.tolist() == [2.0, 3.0]


def test_names_gradviz_lacks_stay_missing() -> None:
    x = torch.ones(2)
    for name in ("cummax", "lgamma_", "digamma_", "erfinv_", "logcumsumexp", "true_divide", "subtract", "where"):
        assert not hasattr(x, name), name
    for name in ("cummax", "logcumsumexp", "rsub", "zero_", "view", "expand", "getitem"):
        assert not hasattr(torch, name), name
    with pytest.raises(NotImplementedError, match=r"torch\.logcumsumexp"):
        torch.logcumsumexp  # noqa: B018


def test_in_place_unary_forms_are_methods_and_torch_functions() -> None:
    for name in ("sin_", "exp_", "sigmoid_", "relu_", "clamp_", "clip_", "neg_", "negative_", "abs_"):
        assert name in VARIANTS.methods, name
        assert VARIANTS.functions[name] is VARIANTS.methods[name], name
    for name in ("masked_fill_", "sign_", "scatter_", "scatter_add_", "index_add_"):  # Tensor only, as in PyTorch
        assert name in VARIANTS.methods and name not in VARIANTS.functions, name


def test_in_place_variants_need_an_in_place_implementation() -> None:
    with pytest.raises(VariantError, match="without an in-place implementation"):
        VariantTable([OpVariants("sin", torch.sin, function=True, inplace_function=True)])
    with pytest.raises(VariantError, match="must be a plain name ending in '_'"):
        VariantTable([OpVariants("clamp", torch.clamp, method=True, inplace=torch.clamp_, inplace_aliases=("clip",))])


def test_in_place_only_ops_have_no_out_of_place_name() -> None:
    for name in ("zero", "fill", "copy", "uniform"):
        assert VARIANTS.entry(name).impl is None
        assert f"{name}_" in VARIANTS.methods
        assert name not in VARIANTS.methods
    # torch.normal draws a new tensor, but there is no Tensor.normal, only normal_
    assert "normal" in VARIANTS.functions
    assert "normal_" in VARIANTS.methods
    assert "normal" not in VARIANTS.methods


# -- what the table refuses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            [OpVariants("exp", _exp, function=True), OpVariants("exp", _exp, function=True)],
            r"torch\.exp is declared twice",
        ),
        (
            [OpVariants("clamp", _exp, method=True, method_aliases=("clip",)), OpVariants("clip", _exp, method=True)],
            r"Tensor\.clip is declared twice \(by 'clamp' and 'clip'\)",
        ),
        (
            [OpVariants("add", _exp, operators=("__add__",)), OpVariants("sub", _exp, operators=("__add__",))],
            r"Tensor\.__add__ is declared twice",
        ),
        ([OpVariants("exp", None, function=True)], r"exp: torch\.exp declared without an implementation"),
        ([OpVariants("exp", None, method=True, inplace=_exp_)], r"Tensor\.exp declared without an implementation"),
        ([OpVariants("exp", _exp)], "no variant .* reaches it"),
        (
            [OpVariants("add", _exp, function=True, inplace_operators=("__iadd__",))],
            "without an in-place implementation",
        ),
        ([OpVariants("exp", _exp, method=True, function_aliases=("e",))], r"torch\.exp is not"),
        ([OpVariants("clamp", _exp, function=True, method_aliases=("clip",))], r"Tensor\.clamp is not"),
        ([OpVariants("frobnicate", _exp, function=True)], r"PyTorch has no function torch\.frobnicate"),
        ([OpVariants("exp", _exp, method=True, method_aliases=("exponential",))], r"no method Tensor\.exponential"),
        ([OpVariants("add", _exp, operators=("add",))], "operators holds operator methods"),
        ([OpVariants("sub", _exp, function=True, function_aliases=("__sub__",))], "function_aliases holds plain names"),
        ([OpVariants("exp_", inplace=_exp_)], "its in-place form adds the '_'"),
        ([OpVariants("exp", "exp", function=True)], "not callable"),  # type: ignore[arg-type]
    ],
)
def test_the_table_refuses_contradictions(entries: list[OpVariants], message: str) -> None:
    with pytest.raises(VariantError, match=message):
        VariantTable(entries)


def test_installing_never_replaces_what_the_class_defines() -> None:
    class Box:
        def exp(self) -> str:
            return "own"

    table = VariantTable([OpVariants("exp", _exp, method=True)])
    with pytest.raises(VariantError, match=r"Box\.exp is defined by the class"):
        table.install_methods(Box)
    assert Box().exp() == "own"


def test_a_consistent_table_generates_functions_methods_and_operators() -> None:
    table = VariantTable(
        [
            OpVariants(
                "add",
                functional.add,
                function=True,
                method=True,
                inplace=inplace.add_,
                operators=("__add__",),
                reflected=("__radd__",),
                inplace_operators=("__iadd__",),
            ),
            OpVariants("zero", inplace=inplace.zero_),
        ]
    )
    assert table.functions == {"add": functional.add}
    assert set(table.methods) == {"add", "__add__", "__radd__", "add_", "__iadd__", "zero_"}
    assert table.methods["__radd__"](torch.tensor(1.0), 2.0).item() == 3.0
