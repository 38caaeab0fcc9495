"""Every public name an op answers to, in one table: ``torch.<name>``, ``Tensor.<name>``, the
in-place ``Tensor.<name>_``, aliases and Python operators.

``gradviz.torch`` takes its op functions and ``__all__`` from here, ``Tensor`` gets its op methods
from here, and ``tools/gen_stubs.py`` writes the type stubs editors read from here. The table is
checked when it is built (at import), so a name declared twice, a variant with no implementation
or a name PyTorch does not have fails at once rather than as a confusing AttributeError later.

To add an op: its forward and VJPs go in the op-table modules next door (``defop``), its argument
handling in ``functional``, and one ``OpVariants`` entry below names the ways learners call it.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gradviz.autograd.ops import (
    binary_math,
    comparison,
    einsum,
    functional,
    gather_scatter,
    inplace,
    like_factories,
    more_unary,
    predicates,
    random_ops,
    selection,
    softmax_functions,
    sort_scan,
    split_ops,
    stacking,
)
from gradviz.autograd.ops.shape import adjoint, unbind
from gradviz.autograd.unsupported import is_torch_function, is_torch_tensor_method

__all__ = ["VARIANTS", "OpVariants", "VariantError", "VariantTable"]

# Implementations are the engine's functions; what they accept is in their own signatures.
Impl = Callable[..., Any]


class VariantError(ValueError):
    """The variant table contradicts itself (raised at import)."""


@dataclass(frozen=True)
class OpVariants:
    """One public op and every name it answers to.

    ``impl`` is the out-of-place function, ``impl(self, *args)`` for a method; ``inplace`` is the
    in-place one, which writes into its first argument and returns it.
    """

    name: str
    impl: Impl | None = None
    function: bool = False  # torch.<name>
    method: bool = False  # Tensor.<name>
    inplace: Impl | None = None  # Tensor.<name>_
    function_aliases: tuple[str, ...] = ()  # more torch.* names for impl
    method_aliases: tuple[str, ...] = ()  # more Tensor.* names for impl
    operators: tuple[str, ...] = ()  # Tensor.__op__(self, other) is impl(self, other)
    reflected: tuple[str, ...] = ()  # Tensor.__rop__(self, other) is impl(other, self): 2 / x
    inplace_operators: tuple[str, ...] = ()  # Tensor.__iop__ is the in-place variant: x += 1
    inplace_function: bool = False  # torch.<name>_ too (torch.sin_(x), torch.relu_(x))
    inplace_aliases: tuple[str, ...] = ()  # more names of the in-place variant: clip_, negative_

    @property
    def inplace_name(self) -> str:
        return self.name + "_"


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _reflected(impl: Impl, name: str) -> Impl:
    def method(self: Any, other: Any) -> Any:
        return impl(other, self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = impl.__doc__
    return method


class VariantTable:
    """A checked table: ``functions`` are torch's names, ``methods`` what Tensor gets."""

    def __init__(self, entries: Iterable[OpVariants]) -> None:
        self.entries: tuple[OpVariants, ...] = tuple(entries)
        self.functions: dict[str, Impl] = {}
        self.methods: dict[str, Impl] = {}
        self._owner: dict[tuple[str, str], str] = {}  # (namespace, name) -> entry that declared it
        for entry in self.entries:
            self._add(entry)

    # -- building and checking ---------------------------------------------------------------
    def _claim(self, namespace: str, name: str, entry: OpVariants, value: Impl) -> None:
        if namespace == "torch" and not is_torch_function(name):
            raise VariantError(f"{entry.name}: PyTorch has no function torch.{name}")
        if namespace == "Tensor" and not _is_dunder(name) and not is_torch_tensor_method(name):
            raise VariantError(f"{entry.name}: PyTorch has no method Tensor.{name}")
        previous = self._owner.get((namespace, name))
        if previous is not None:
            raise VariantError(f"{namespace}.{name} is declared twice (by {previous!r} and {entry.name!r})")
        if not callable(value):
            raise VariantError(f"{entry.name}: {namespace}.{name} is bound to {value!r}, which is not callable")
        self._owner[namespace, name] = entry.name
        (self.functions if namespace == "torch" else self.methods)[name] = value

    def _add(self, entry: OpVariants) -> None:
        name = entry.name
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_") or name.endswith("_"):
            raise VariantError(f"{name!r}: an op's name is a plain identifier (its in-place form adds the '_')")
        for field_name, names, dunder in (
            ("function_aliases", entry.function_aliases, False),
            ("method_aliases", entry.method_aliases, False),
            ("operators", entry.operators, True),
            ("reflected", entry.reflected, True),
            ("inplace_operators", entry.inplace_operators, True),
        ):
            for alias in names:
                if _is_dunder(alias) != dunder:
                    kind = "operator methods like __add__" if dunder else "plain names"
                    raise VariantError(f"{name}: {field_name} holds {kind}, not {alias!r}")
        impl, inplace = entry.impl, entry.inplace
        needs_impl = [
            what
            for what, declared in (
                (f"torch.{name}", entry.function),
                (f"Tensor.{name}", entry.method),
                ("operators", bool(entry.operators or entry.reflected)),
            )
            if declared
        ]
        if impl is None and needs_impl:
            raise VariantError(f"{name}: {', '.join(needs_impl)} declared without an implementation (impl)")
        if impl is not None and not needs_impl:
            raise VariantError(f"{name}: impl is given but no variant (function, method, operator) reaches it")
        if inplace is None and (entry.inplace_operators or entry.inplace_function or entry.inplace_aliases):
            raise VariantError(f"{name}: in-place variants declared without an in-place implementation")
        for alias in entry.inplace_aliases:
            if not alias.endswith("_") or _is_dunder(alias):
                raise VariantError(f"{name}: in-place alias {alias!r} must be a plain name ending in '_'")
        if entry.function_aliases and not entry.function:
            raise VariantError(f"{name}: function aliases declared, but torch.{name} is not")
        if entry.method_aliases and not entry.method:
            raise VariantError(f"{name}: method aliases declared, but Tensor.{name} is not")
        if impl is not None:
            if entry.function:
                for function_name in (name, *entry.function_aliases):
                    self._claim("torch", function_name, entry, impl)
            if entry.method:
                for method_name in (name, *entry.method_aliases):
                    self._claim("Tensor", method_name, entry, impl)
            for operator in entry.operators:
                self._claim("Tensor", operator, entry, impl)
            for operator in entry.reflected:
                self._claim("Tensor", operator, entry, _reflected(impl, operator))
        if inplace is not None:
            for inplace_name in (entry.inplace_name, *entry.inplace_aliases):
                self._claim("Tensor", inplace_name, entry, inplace)
                if entry.inplace_function:
                    self._claim("torch", inplace_name, entry, inplace)
            for operator in entry.inplace_operators:
                self._claim("Tensor", operator, entry, inplace)

    # -- using it ------------------------------------------------------------------------------
    def install_methods(self, cls: type) -> None:
        """Attach every method to ``cls``, refusing to replace anything the class defines itself."""
        for name in self.methods:
            if name in cls.__dict__:
                raise VariantError(f"{cls.__name__}.{name} is defined by the class and declared as an op variant")
        for name, value in self.methods.items():
            setattr(cls, name, value)

    def entry(self, name: str) -> OpVariants:
        for candidate in self.entries:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


def _unary_ops(names: Sequence[str]) -> list[OpVariants]:
    """torch.<name>, Tensor.<name>, and the in-place Tensor.<name>_ and torch.<name>_ (``inplace.<name>_``)."""
    return [
        OpVariants(
            name,
            getattr(functional, name),
            function=True,
            method=True,
            inplace=getattr(inplace, name + "_"),
            inplace_function=True,
        )
        for name in names
    ]


def _more_unary_ops(names: Sequence[str], alias_prefix: str = "") -> list[OpVariants]:
    """Like ``_unary_ops`` for ``more_unary``'s functions; ``alias_prefix`` names NumPy's spelling
    too (torch.arcsin is torch.asin)."""
    entries = []
    for name in names:
        alias = (alias_prefix + name[1:],) if alias_prefix else ()
        entries.append(
            OpVariants(
                name,
                getattr(more_unary, name),
                function=True,
                method=True,
                inplace=getattr(inplace, name + "_"),
                function_aliases=alias,
                method_aliases=alias,
                inplace_function=True,
                inplace_aliases=tuple(a + "_" for a in alias),
            )
        )
    return entries


def _module_ops(module: Any, names: Sequence[str]) -> list[OpVariants]:
    """torch.<name> and Tensor.<name> for functions of ``module`` (no in-place form)."""
    return [OpVariants(name, getattr(module, name), function=True, method=True) for name in names]


def _ops(names: Sequence[str], *, function: bool = False, method: bool = False) -> list[OpVariants]:
    """Entries for ops with no aliases or operators whose implementation is ``functional.<name>``."""
    return [OpVariants(name, getattr(functional, name), function=function, method=method) for name in names]


VARIANTS = VariantTable(
    [
        # -- arithmetic ------------------------------------------------------------------------
        OpVariants(
            "add",
            functional.add,
            function=True,
            method=True,
            inplace=inplace.add_,
            operators=("__add__", "__radd__"),
            inplace_operators=("__iadd__",),
        ),
        OpVariants(
            "sub",
            functional.sub,
            function=True,
            method=True,
            inplace=inplace.sub_,
            function_aliases=("subtract",),
            operators=("__sub__",),
            inplace_operators=("__isub__",),
        ),
        OpVariants("rsub", functional.rsub, operators=("__rsub__",)),  # 1 - x (torch.rsub itself is not offered)
        OpVariants(
            "mul",
            functional.mul,
            function=True,
            method=True,
            inplace=inplace.mul_,
            function_aliases=("multiply",),
            operators=("__mul__", "__rmul__"),
            inplace_operators=("__imul__",),
        ),
        OpVariants(
            "div",
            functional.div,
            function=True,
            method=True,
            inplace=inplace.div_,
            function_aliases=("divide", "true_divide"),
            operators=("__truediv__",),
            reflected=("__rtruediv__",),
            inplace_operators=("__itruediv__",),
        ),
        OpVariants(
            "pow",
            functional.pow,
            function=True,
            method=True,
            inplace=inplace.pow_,
            operators=("__pow__",),
            reflected=("__rpow__",),
        ),
        OpVariants(
            "remainder",
            functional.remainder,
            function=True,
            method=True,
            operators=("__mod__",),
            reflected=("__rmod__",),
        ),
        OpVariants(
            "neg",
            functional.neg,
            function=True,
            method=True,
            inplace=inplace.neg_,
            function_aliases=("negative",),
            method_aliases=("negative",),
            operators=("__neg__",),
            inplace_function=True,
            inplace_aliases=("negative_",),
        ),
        OpVariants(
            "abs",
            functional.abs,
            function=True,
            method=True,
            inplace=inplace.abs_,
            operators=("__abs__",),
            inplace_function=True,
        ),
        OpVariants("sgn", functional.sgn, function=True, method=True, inplace=inplace.sgn_),
        OpVariants("sign", functional.sign, function=True, method=True, inplace=inplace.sign_),
        *_unary_ops(["reciprocal", "square", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt"]),
        *_more_unary_ops(["log1p", "expm1", "rsqrt", "tan", "sinh", "cosh", "erf", "floor", "ceil", "round"]),
        *_more_unary_ops(["asin", "acos", "atan"], alias_prefix="arc"),
        OpVariants(
            "trunc",
            more_unary.trunc,
            function=True,
            method=True,
            inplace=inplace.trunc_,
            function_aliases=("fix",),
            method_aliases=("fix",),
            inplace_function=True,
            inplace_aliases=("fix_",),
        ),
        # -- comparisons and logic -------------------------------------------------------------
        OpVariants("eq", functional.eq, function=True, method=True, operators=("__eq__",)),
        OpVariants("ne", functional.ne, function=True, method=True, operators=("__ne__",)),
        OpVariants("lt", functional.lt, function=True, method=True, operators=("__lt__",)),
        OpVariants("le", functional.le, function=True, method=True, operators=("__le__",)),
        OpVariants("gt", functional.gt, function=True, method=True, operators=("__gt__",)),
        OpVariants("ge", functional.ge, function=True, method=True, operators=("__ge__",)),
        OpVariants("logical_and", functional.logical_and, function=True, operators=("__and__",)),
        OpVariants("logical_or", functional.logical_or, function=True, operators=("__or__",)),
        OpVariants("logical_not", functional.logical_not, function=True, operators=("__invert__",)),
        OpVariants("where", functional.where, function=True),
        OpVariants("equal", comparison.equal, function=True, method=True),
        OpVariants("isclose", comparison.isclose, function=True, method=True),
        OpVariants("allclose", comparison.allclose, function=True, method=True),
        OpVariants("all", comparison.all, function=True, method=True),
        OpVariants("any", comparison.any, function=True, method=True),
        # -- reductions ------------------------------------------------------------------------
        *_ops(
            ["sum", "mean", "var", "std", "norm", "argmax", "argmin", "maximum", "minimum"], function=True, method=True
        ),
        *_module_ops(sort_scan, ["cumsum", "flip", "logsumexp", "amax", "amin", "sort", "argsort", "topk"]),
        *_module_ops(sort_scan, ["prod", "masked_select"]),
        OpVariants("max", functional.max_, function=True, method=True),
        OpVariants("min", functional.min_, function=True, method=True),
        # -- normalisations ----------------------------------------------------------------------
        OpVariants("softmax", softmax_functions.softmax, function=True, method=True),
        OpVariants("log_softmax", softmax_functions.log_softmax, function=True, method=True),
        # -- clamping and masking --------------------------------------------------------------
        OpVariants(
            "clamp",
            functional.clamp,
            function=True,
            method=True,
            inplace=inplace.clamp_,
            function_aliases=("clip",),
            method_aliases=("clip",),
            inplace_function=True,
            inplace_aliases=("clip_",),
        ),
        OpVariants(
            "clamp_min",
            functional.clamp_min,
            function=True,
            method=True,
            inplace=inplace.clamp_min_,
            inplace_function=True,
        ),
        OpVariants(
            "clamp_max",
            functional.clamp_max,
            function=True,
            method=True,
            inplace=inplace.clamp_max_,
            inplace_function=True,
        ),
        OpVariants("masked_fill", functional.masked_fill, function=True, method=True, inplace=inplace.masked_fill_),
        # -- along one dimension: gather, scatter, index_select ---------------------------------
        OpVariants("gather", gather_scatter.gather, function=True, method=True),
        OpVariants("scatter", gather_scatter.scatter, function=True, method=True, inplace=inplace.scatter_),
        OpVariants("scatter_add", gather_scatter.scatter_add, function=True, method=True, inplace=inplace.scatter_add_),
        OpVariants("index_select", gather_scatter.index_select, function=True, method=True),
        OpVariants("index_add", gather_scatter.index_add, function=True, method=True, inplace=inplace.index_add_),
        OpVariants("take_along_dim", gather_scatter.take_along_dim, function=True, method=True),
        # -- matrix products -------------------------------------------------------------------
        OpVariants(
            "matmul",
            functional.matmul,
            function=True,
            method=True,
            operators=("__matmul__",),
            reflected=("__rmatmul__",),
        ),
        *_ops(["mm", "mv", "dot", "bmm"], function=True, method=True),
        OpVariants("outer", functional.outer, function=True),
        # -- shapes and views ------------------------------------------------------------------
        *_ops(
            ["t", "transpose", "reshape", "flatten", "unsqueeze", "squeeze", "select", "permute", "clone"],
            function=True,
            method=True,
        ),
        *_ops(["view", "view_as", "reshape_as", "expand", "expand_as", "sum_to_size", "repeat"], method=True),
        *[
            OpVariants(name, getattr(like_factories, name), method=True)
            for name in ("new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "type_as")
        ],
        OpVariants("repeat_interleave", like_factories.repeat_interleave, function=True, method=True),
        OpVariants("nonzero", like_factories.nonzero, function=True, method=True),
        OpVariants("split", split_ops.split, function=True, method=True),
        OpVariants("chunk", split_ops.chunk, function=True, method=True),
        OpVariants("narrow", split_ops.narrow, function=True, method=True),
        OpVariants("tril", split_ops.tril, function=True, method=True, inplace=inplace.tril_),
        OpVariants("triu", split_ops.triu, function=True, method=True, inplace=inplace.triu_),
        OpVariants("stack", functional.stack, function=True),
        OpVariants("unbind", unbind, function=True, method=True),
        OpVariants("adjoint", adjoint, function=True, method=True),
        OpVariants("cat", functional.cat, function=True, function_aliases=("concat", "concatenate")),
        OpVariants("getitem", functional.getitem, operators=("__getitem__",)),
        # -- writes in place -------------------------------------------------------------------
        OpVariants("setitem", inplace.setitem, operators=("__setitem__",)),
        OpVariants("zero", inplace=inplace.zero_),
        OpVariants("fill", inplace=inplace.fill_),
        OpVariants("copy", inplace=inplace.copy_),
        OpVariants("normal", random_ops.normal, function=True, inplace=inplace.normal_),
        OpVariants("uniform", inplace=inplace.uniform_),
        # -- tests for NaN/inf, counts, stacking, diagonals, more elementwise math -------------
        *_module_ops(predicates, ["isnan", "isinf", "isfinite", "argwhere", "count_nonzero"]),
        OpVariants(
            "nan_to_num",
            predicates.nan_to_num,
            function=True,
            method=True,
            inplace=predicates.nan_to_num_,
            inplace_function=True,
        ),
        *_module_ops(binary_math, ["logaddexp"]),
        *[
            OpVariants(
                name,
                getattr(binary_math, name),
                function=True,
                method=True,
                inplace=getattr(binary_math, name + "_"),
                inplace_function=name == "xlogy",  # torch.xlogy_ exists, torch.addcmul_ does not
            )
            for name in ("hypot", "xlogy", "lerp", "addcmul", "addcdiv", "cumprod")
        ],
        OpVariants(
            "atan2",
            binary_math.atan2,
            function=True,
            method=True,
            inplace=binary_math.atan2_,
            function_aliases=("arctan2",),
            method_aliases=("arctan2",),
            inplace_aliases=("arctan2_",),
        ),
        *_module_ops(stacking, ["diag", "trace", "unflatten"]),
        OpVariants(
            "movedim",
            stacking.movedim,
            function=True,
            method=True,
            function_aliases=("moveaxis",),
            method_aliases=("moveaxis",),
        ),
        OpVariants(
            "swapaxes",
            stacking.swapaxes,
            function=True,
            method=True,
            function_aliases=("swapdims",),
            method_aliases=("swapdims",),
        ),
        OpVariants("vstack", stacking.vstack, function=True, function_aliases=("row_stack",)),
        *[
            OpVariants(name, getattr(stacking, name), function=True)
            for name in ("hstack", "dstack", "column_stack", "atleast_1d", "atleast_2d", "atleast_3d")
        ],
        *[OpVariants(name, getattr(stacking, name), function=True) for name in ("tril_indices", "triu_indices")],
        OpVariants("einsum", einsum.einsum, function=True),
        OpVariants("diagonal", einsum.diagonal, function=True, method=True),
        *_module_ops(selection, ["median", "kthvalue", "unique"]),
    ]
)
