"""The committed type stubs match what tools/gen_stubs.py writes from the op variant table now,
so the methods and functions attached at run time and what editors and mypy see cannot drift."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

from gradviz.autograd.ops.variants import VARIANTS

REPO = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_stubs", REPO / "tools" / "gen_stubs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_stubs_are_what_the_generator_writes_now() -> None:
    generator = _generator()
    for path, render in generator.STUBS.items():
        assert path.read_text(encoding="utf-8") == render(), (
            f"{path.relative_to(REPO)} is stale: run tools/gen_stubs.py"
        )


def test_the_tensor_stub_declares_every_method_the_table_attaches() -> None:
    tree = ast.parse(_generator().render_tensor_stub())
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    declared = {node.name for node in cls.body if isinstance(node, ast.FunctionDef)}
    assert declared == set(VARIANTS.methods)


def test_the_torch_stub_exports_every_function_the_table_declares() -> None:
    tree = ast.parse(_generator().render_torch_stub())
    exported = {alias.asname for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    exported |= {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets}
    public = {name for name in exported if name and not name.startswith("_")}
    assert public == set(VARIANTS.functions)


def test_stub_signatures_follow_the_functions_they_describe() -> None:
    text = _generator().render_tensor_stub()
    assert "    def add(self, other: TensorLike, alpha: Scalar = 1) -> Tensor: ..." in text
    assert "    def __rtruediv__(self, other: TensorLike) -> Tensor: ..." in text  # 2 / x: div(2, x)
    assert "    def __eq__(self, other: TensorLike) -> Tensor: ...  # type: ignore[override]" in text
