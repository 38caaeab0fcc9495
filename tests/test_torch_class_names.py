"""No gradviz name in what a learner sees of a class: every class the torch facade exports carries
the module and name PyTorch's class of that name has (recorded from torch 2.13 in
gradviz/autograd/torch_names.json), node classes print as PyTorch's, and the language layer still
knows them for gradviz's own."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import gradviz.torch
from gradviz.autograd.class_names import defined_in, present_module, torch_class_name
from gradviz.autograd.function import Function
from gradviz.autograd.node import AccumulateGrad, Node
from gradviz.autograd.ops import OPS
from gradviz.autograd.tensor import Tensor
from gradviz.runner.sandbox.owners import gradviz_type, internal_type

# Every facade package learners import classes from; each names its classes when it is imported.
FACADES = (
    "gradviz.torch",
    "gradviz.torch.autograd",
    "gradviz.torch.autograd.graph",
    "gradviz.torch.nn",
    "gradviz.torch.optim",
    "gradviz.torch.utils.data",
)


def _exported_classes(module: ModuleType) -> list[tuple[str, type]]:
    names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
    return [(name, value) for name in names if isinstance(value := getattr(module, name, None), type)]


def _ours(cls: type) -> bool:
    return defined_in(cls) is not None or cls.__module__.startswith("gradviz.")


@pytest.mark.parametrize("facade", FACADES)
def test_every_exported_class_has_pytorchs_name(facade: str) -> None:
    module = importlib.import_module(facade)
    torch_path = "torch" + facade.removeprefix("gradviz.torch")
    checked = 0
    for name, cls in _exported_classes(module):
        found = torch_class_name(f"{torch_path}.{name}")
        if not _ours(cls) or found is None:
            continue
        torch_module, qualname = found
        assert repr(cls) == f"<class '{torch_module}.{qualname}'>", f"{torch_path}.{name}"
        assert cls.__name__ == qualname.rpartition(".")[2]
        checked += 1
    assert checked, f"{facade} exports no class PyTorch has"


@pytest.mark.parametrize("facade", FACADES)
def test_no_exported_class_pytorch_has_shows_a_gradviz_module(facade: str) -> None:
    module = importlib.import_module(facade)
    torch_path = "torch" + facade.removeprefix("gradviz.torch")
    leaking = [
        name
        for name, cls in _exported_classes(module)
        if torch_class_name(f"{torch_path}.{name}") is not None and "gradviz" in repr(cls)
    ]
    assert leaking == []


def test_submodules_loaded_with_a_facade_are_named_too() -> None:
    """``optim`` imports ``lr_scheduler``: naming optim's classes names the submodule's as well."""
    submodule = ModuleType("gradviz.torch.optim.lr_scheduler")
    scheduler = type("StepLR", (), {"__module__": submodule.__name__})
    submodule.StepLR = scheduler  # type: ignore[attr-defined]
    submodule.__all__ = ["StepLR"]
    present_module("gradviz.torch.optim", {"__all__": ["lr_scheduler"], "lr_scheduler": submodule})
    assert repr(scheduler) == "<class 'torch.optim.lr_scheduler.StepLR'>"
    assert defined_in(scheduler) == "gradviz.torch.optim.lr_scheduler"


def test_node_classes_print_as_pytorchs_cpp_classes() -> None:
    for op in OPS.values():
        assert repr(op.node_class) == f"<class '{op.node_name}'>"
        assert op.node_class.__module__ == "builtins"
    assert repr(AccumulateGrad) == "<class 'AccumulateGrad'>"
    assert repr(Node) == "<class 'torch.autograd.graph.Node'>"


def test_a_custom_functions_node_class_is_named_for_it() -> None:
    class Cube(Function):
        @staticmethod
        def forward(ctx: object, t: Tensor) -> Tensor:
            return t * t * t

    assert repr(Cube._backward_cls) == "<class 'torch.autograd.function.CubeBackward'>"
    assert repr(type(Cube)) == "<class 'torch.autograd.function.FunctionMeta'>"
    x = gradviz.torch.ones(2, requires_grad=True)
    assert type(Cube.apply(x).grad_fn) is Cube._backward_cls


def test_instances_print_with_pytorchs_module() -> None:
    assert repr(gradviz.torch.no_grad()).startswith("<torch.autograd.grad_mode.no_grad object at 0x")
    assert repr(gradviz.torch.manual_seed(0)).startswith("<torch._C.Generator object at 0x")
    assert repr(gradviz.torch.set_grad_enabled(True)) == "torch.autograd.grad_mode.set_grad_enabled(mode=True)"


def test_the_language_layer_still_knows_them_for_gradvizs_own() -> None:
    assert defined_in(Tensor) == "gradviz.autograd.tensor"
    assert defined_in(OPS["mul"].node_class) == "gradviz.autograd.ops.registry"
    for cls in (Tensor, gradviz.torch.nn.Linear, OPS["mul"].node_class, gradviz.torch.Generator):
        assert gradviz_type(cls)
        assert not internal_type(cls)
