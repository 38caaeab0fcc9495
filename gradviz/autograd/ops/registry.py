"""The op table: every differentiable op's forward and its VJPs, side by side.

An entry names the PyTorch node (``MulBackward0``), the tensor inputs in PyTorch's argument names
(``self``, ``other``), a numpy forward, one VJP per input, and what the node saves. Like PyTorch's
derivatives.yaml, a node saves only what the VJPs of the inputs that need grad will read, and every
saved name is visible as ``_saved_<name>`` (None when not saved).

VJPs are written once and run in two modes: over numpy arrays (ordinary backward, fast) and over
Tensors (``create_graph=True``, so the backward pass itself is differentiable). ``SavedView.B`` is
the matching backend of helper functions.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast, get_args

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.grad_mode import is_grad_enabled
from gradviz.autograd.node import BackwardRun, Grad, Node, NodeOutput, SavedTensor
from gradviz.autograd.ops.backend import TENSOR, sum_to_array

if TYPE_CHECKING:
    from gradviz.autograd.ops.backend import NumpyBackend, TensorBackend
    from gradviz.autograd.tensor import Tensor
    from gradviz.autograd.types import TensorLike
else:
    Tensor = None  # bound by gradviz.autograd.tensor once the class exists (it imports this module)

__all__ = [
    "OPS",
    "VJP",
    "Attrs",
    "DtypeRule",
    "GradCase",
    "OpDef",
    "SavedView",
    "VJPFn",
    "bind_tensor_class",
    "call",
    "defop",
    "validate_table",
]

# An op's non-tensor arguments (dims, shapes, scalars, masks), passed to its forward as keywords.
Attrs: TypeAlias = dict[str, Any]
# promote: PyTorch's type promotion; same: input 0's dtype; float: promoted, ints become the default
# float; div: like float (true division); bool: comparisons and logic.
DtypeRule: TypeAlias = Literal["promote", "same", "float", "div", "bool"]
# A numpy kernel: arrays (and attrs as keywords) in, an array (or a numpy scalar) out.
Forward: TypeAlias = Callable[..., "np.ndarray | np.generic"]
# One input's grad from the output's grad and what the node saved (arrays, or Tensors under
# create_graph=True: the same formula serves both).
VJPFn: TypeAlias = Callable[[Grad, "SavedView"], Grad]
# What a node saves beyond its inputs and result: from the input arrays and attrs, optionally
# also told which inputs need grad.
SaveFn: TypeAlias = Callable[..., Attrs]


def bind_tensor_class(cls: type[Tensor]) -> None:
    """Called once by gradviz.autograd.tensor: the table makes Tensors but cannot import the class."""
    globals()["Tensor"] = cls


@dataclass(frozen=True)
class VJP:
    needs: tuple[str, ...]  # saved names this formula reads ("self", "other", "result", attrs)
    fn: VJPFn


@dataclass(frozen=True)
class GradCase:
    """Input shapes (and attrs) for a finite-difference check of this op, driven from the table."""

    shapes: tuple[tuple[int, ...], ...]
    attrs: Attrs = field(default_factory=dict)
    positive: bool = False  # inputs must be positive (log, sqrt, pow with tensor exponent)
    away_from_zero: bool = False  # keep inputs off kinks (abs, relu)
    bounds: tuple[float, float] | None = None  # draw inputs from this open interval (probabilities)


@dataclass
class OpDef:
    """One entry of the op table (``defop`` makes and registers it)."""

    name: str
    node_name: str
    inputs: tuple[str, ...]
    forward: Forward
    vjps: dict[str, VJP]
    dtype_rule: DtypeRule = "promote"
    save: SaveFn | None = None
    view: bool = False  # output shares input 0's storage and version counter
    cases: tuple[GradCase, ...] = ()
    # False: the VJPs run on arrays only, and a create_graph=True backward through the node raises
    # NotImplementedError naming it (the heavy layers: convolution, pooling, normalisation).
    double_backward: bool = True
    saved_names: tuple[str, ...] = ()  # filled by defop: every name a VJP may read
    # Derived once in defop so the per-call path does no string work:
    cast: bool = False
    has_vjp: tuple[bool, ...] = ()
    input_index: dict[str, int] = field(default_factory=dict)
    save_takes_needs: bool = False
    node_class: type[Node] = Node
    _wanted: dict[tuple[bool, ...], frozenset[str]] = field(default_factory=dict)

    def wanted_for(self, needs: tuple[bool, ...]) -> frozenset[str]:
        """The saved names the VJPs of the inputs that need grad will read."""
        found = self._wanted.get(needs)
        if found is None:
            names: set[str] = set()
            for name, need in zip(self.inputs, needs):
                if need:
                    names.update(self.vjps[name].needs)
            found = self._wanted[needs] = frozenset(names)
        return found

    def apply_vjps(self, node: Node, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        """Each input's grad from the output's, summed down to the input's shape and dtype."""
        g = grads.get(0)
        if g is None:
            return NodeOutput([None] * len(node.next_functions), {})
        graph_mode = run.graph_mode
        if graph_mode and not self.double_backward:
            raise NotImplementedError(
                f"gradviz: double backward through {self.node_name} (create_graph=True) is not supported yet"
            )
        view = SavedView(node, run.backend, graph_mode)
        outs: list[Grad | None] = []
        reduced: dict[int, list[int]] = {}
        for i, name in enumerate(self.inputs):
            if not node.needs_input_grad[i]:
                outs.append(None)
                continue
            if graph_mode:
                global _formula_depth
                _formula_depth += 1
                try:
                    r = self.vjps[name].fn(g, view)
                finally:
                    _formula_depth -= 1
            else:
                r = self.vjps[name].fn(g, view)
            shape, dtype = node.input_meta[i]
            if graph_mode:  # the formula ran on Tensors
                t = cast("Tensor", r)
                if tuple(t.shape) != tuple(shape):
                    reduced[i] = list(t.shape)
                    t = TENSOR.sum_to(t, shape)
                outs.append(t if t.dtype is dtype else t.to(dtype))
                continue
            array = r if isinstance(r, np.ndarray) else np.asarray(r)
            if array.shape != shape:
                reduced[i] = list(array.shape)
                array = sum_to_array(array, shape)
            outs.append(array if array.dtype == dtype.np else array.astype(dtype.np))
        return NodeOutput(outs, reduced)

    def __repr__(self) -> str:
        return f"OpDef({self.name} -> {self.node_name})"


OPS: dict[str, OpDef] = {}

# Above 0 while a VJP formula runs under create_graph: a Python number in its arithmetic is a C++
# Scalar there, recorded as PyTorch's formulas record it (ops.scalar_forms: MulBackward1, ...).
_formula_depth = 0
_SCALAR_FORMS = frozenset({"mul", "div", "add", "sub", "rsub"})


def prepare(op: OpDef) -> OpDef:
    """Derive the per-op facts the hot path reads (an entry built outside defop calls this too)."""
    names: list[str] = []
    for vjp in op.vjps.values():
        for needed in vjp.needs:
            if needed not in names:
                names.append(needed)
    op.saved_names = tuple(names)
    op.cast = op.dtype_rule in ("promote", "float", "div")
    op.has_vjp = tuple(i in op.vjps for i in op.inputs)
    op.input_index = {n: i for i, n in enumerate(op.inputs)}
    op.save_takes_needs = op.save is not None and len(inspect.signature(op.save).parameters) == 3
    # One Node subclass per node name, as PyTorch has one class per grad_fn kind, so
    # type(y.grad_fn).__name__ reads "MulBackward0" as it does there.
    op.node_class = _node_class(op.node_name)
    return op


_NODE_CLASSES: dict[str, type[Node]] = {}


def _node_class(name: str) -> type[Node]:
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__doc__": f"The grad_fn PyTorch calls {name}."})
    return cls


def defop(
    name: str,
    node_name: str,
    inputs: tuple[str, ...],
    forward: Forward,
    vjps: dict[str, VJP],
    *,
    dtype_rule: DtypeRule = "promote",
    save: SaveFn | None = None,
    view: bool = False,
    cases: tuple[GradCase, ...] = (),
    double_backward: bool = True,
) -> OpDef:
    """Register an op: ``forward`` on arrays, one VJP per differentiable input (by PyTorch's input
    name), ``save`` for the saved attributes that are not inputs or the result."""
    op = prepare(OpDef(name, node_name, inputs, forward, vjps, dtype_rule, save, view, cases, double_backward))
    if name in OPS:
        raise ValueError(f"op {name!r} defined twice")
    OPS[name] = op
    return op


def validate_table() -> None:
    """Fail at import if an entry is inconsistent, rather than mid-backward."""
    for op in OPS.values():
        for input_name in op.vjps:
            if input_name not in op.inputs:
                raise ValueError(f"{op.name}: VJP for unknown input {input_name!r}")
        for needed in op.saved_names:
            if needed not in op.inputs and needed != "result" and op.save is None:
                raise ValueError(f"{op.name}: VJP reads {needed!r}, which nothing saves")
        if op.dtype_rule not in get_args(DtypeRule):
            raise ValueError(f"{op.name}: unknown dtype rule {op.dtype_rule!r}")


class SavedView:
    """What a VJP sees: saved tensors (as arrays or Tensors), saved attributes, input shapes."""

    __slots__ = ("B", "graph_mode", "node", "unpacked")

    def __init__(self, node: Node, backend: NumpyBackend | TensorBackend, graph_mode: bool) -> None:
        self.node = node
        self.B = backend
        self.graph_mode = graph_mode
        self.unpacked: dict[str, Tensor] = {}  # each saved tensor is unpacked once per backward call

    # The helpers of the backend that matches graph_mode (numpy or Tensor ops). Typed loosely:
    # one formula calls them with arrays in one mode and Tensors in the other.
    B: Any

    def __getattr__(self, name: str) -> Any:
        value = self.node.saved.get(name)
        if isinstance(value, SavedTensor):
            tensor = self.unpacked.get(name)
            if tensor is None:
                tensor = self.unpacked[name] = value.unpack(self.node)
            return tensor if self.graph_mode else tensor._data
        if name in self.node.saved:
            return value
        if name in self.node.attrs:
            return self.node.attrs[name]
        raise AttributeError(name)

    def input_shape(self, index: int) -> tuple[int, ...]:
        return self.node.input_meta[index][0]


# PyTorch never warns about inf/nan arithmetic, so the engine's numpy doesn't either. Set once
# here rather than entering np.errstate around every op (a measurable cost per op).
np.seterr(all="ignore")


def wrap_scalar(value: bool | int | float) -> Tensor:
    """A Python number as PyTorch wraps it: a zero-dim int64/float64/bool tensor, marked wrapped."""
    if isinstance(value, bool):
        dtype = dtypes.bool_
    elif isinstance(value, int):
        dtype = dtypes.int64
    elif isinstance(value, float):
        dtype = dtypes.float64
    else:
        raise TypeError(f"unsupported operand type: {type(value).__name__}")
    tensor = Tensor._make(np.array(value, dtype=dtype.np), dtype)
    tensor._wrapped_number = True
    return tensor


def _as_operand(value: object) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float)):
        return wrap_scalar(value)
    if isinstance(value, (np.generic,)):
        return wrap_scalar(value.item())
    raise TypeError(f"gradviz: expected a Tensor or a number, got {type(value).__name__}")


def result_dtype(op: OpDef, tensors: Sequence[Tensor]) -> dtypes.DType:
    rule = op.dtype_rule
    if rule == "bool":
        return dtypes.bool_
    if rule == "same" or len(tensors) == 1:
        promoted = tensors[0].dtype
    else:
        promoted = dtypes.result_type(
            [(t.dtype, 0 if t._wrapped_number else (2 if t._data.ndim else 1)) for t in tensors]
        )
    if rule in ("float", "div") and not promoted.is_floating_point:
        return dtypes.get_default_dtype()
    return promoted


_HALF = np.dtype(np.float16)
_HALF_OPMATH_SCALAR = frozenset({"mul", "div"})

ViewFn: TypeAlias = Callable[[np.ndarray], np.ndarray]


def _compose_view(parent: ViewFn | None, forward: Forward, attrs: Attrs) -> ViewFn:
    """base array -> this view's region of it, replaying the chain of view ops."""
    if parent is None:
        return lambda array: np.asarray(forward(array, **attrs))
    return lambda array: np.asarray(forward(parent(array), **attrs))


def _broadcast_message(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    ndim = max(len(a), len(b))
    pa = (1,) * (ndim - len(a)) + tuple(a)
    pb = (1,) * (ndim - len(b)) + tuple(b)
    for dim in range(ndim - 1, -1, -1):
        if pa[dim] != pb[dim] and pa[dim] != 1 and pb[dim] != 1:
            return (
                f"The size of tensor a ({pa[dim]}) must match the size of tensor b ({pb[dim]}) "
                f"at non-singleton dimension {dim}"
            )
    return f"operands could not be broadcast together with shapes {a} {b}"


def call(
    op: OpDef, operands: Sequence[TensorLike], attrs: Attrs | None = None, out_dtype: dtypes.DType | None = None
) -> Tensor:
    """Run ``op`` forward on numpy and, if grad mode is on and an input requires grad, record it."""
    if attrs is None:
        attrs = {}
    if _formula_depth and op.name in _SCALAR_FORMS:
        from gradviz.autograd.ops.scalar_forms import scalar_form

        formed = scalar_form(op, operands, attrs)
        if formed is not None:
            return formed
    tensors = [v if type(v) is Tensor or isinstance(v, Tensor) else _as_operand(v) for v in operands]
    dtype = out_dtype or result_dtype(op, tensors)
    target = dtype.np
    if target == _HALF and op.name in _HALF_OPMATH_SCALAR:
        # PyTorch's CPU mul and div of float16 by a Python number keep the number as a float32
        # (opmath) and round once: 0.1 * h is half(float(h) * 0.1f), not h * half(0.1); add and
        # sub round the number to float16 first, as the plain path below does.
        arrays = [t._data.astype(np.float32 if t._wrapped_number else target) for t in tensors]
    elif op.cast:
        arrays = [t._data if t._data.dtype == target else t._data.astype(target) for t in tensors]
    else:
        arrays = [t._data for t in tensors]
    try:
        computed = op.forward(*arrays, **attrs)
    except ValueError:
        if len(arrays) == 2:
            raise RuntimeError(_broadcast_message(arrays[0].shape, arrays[1].shape)) from None
        raise
    out = computed if type(computed) is np.ndarray else np.asarray(computed)
    if out.dtype != target:
        out = out.astype(target)
    return record(op, tensors, out, dtype, attrs)


def record(op: OpDef, tensors: Sequence[Tensor], out: np.ndarray, dtype: dtypes.DType, attrs: Attrs) -> Tensor:
    """Wrap ``out`` as the op's result and, when it needs one, give it a node that saves what the
    VJPs of the inputs that need grad will read."""
    result = Tensor._make(out, dtype)
    if op.view:
        base = tensors[0]
        result._version_counter = base._version_counter
        result._base = base._base if base._base is not None else base
        result._view_fn = _compose_view(base._view_fn, op.forward, attrs)
        # A view is an inference tensor exactly when its base is, whatever the mode it is made in.
        result._is_inference = base._is_inference
        if base._multi_output_view:
            result._multi_output_view = True
    if not is_grad_enabled():
        # Remember why this result has no history, for the "why is .grad None" explanation.
        for t in tensors:
            if t._requires_grad:
                result._origin = "no_grad"
                break
        return result
    if not op.vjps or not dtype.is_floating_point:
        return result
    needs = tuple([t._requires_grad and has for t, has in zip(tensors, op.has_vjp)])
    if True not in needs:
        return result
    node = op.node_class(op, op.node_name, tuple([t._gradient_edge() for t in tensors]))
    node.needs_input_grad = needs
    node.inputs = tuple(tensors)  # kept for the data-flow view (constants included)
    node.input_meta = [(t._data.shape, t.dtype) for t in tensors]
    node.attrs = attrs
    # Save only what the needed VJPs read; the others show as None, as in PyTorch.
    wanted = op.wanted_for(needs)
    saved: dict[str, SavedTensor | object] = {}
    for name in op.saved_names:
        if name not in wanted or name == "result":
            saved[name] = None
        elif name in op.input_index:
            saved[name] = SavedTensor(tensors[op.input_index[name]], is_output=False)
    if op.save is not None:
        arrays = [t._data for t in tensors]
        saved.update(op.save(arrays, attrs, needs) if op.save_takes_needs else op.save(arrays, attrs))
    node.saved = saved
    result._requires_grad = True
    result.grad_fn = node
    node.outputs = [result]
    if "result" in wanted:
        saved["result"] = SavedTensor(result, is_output=True)
    return result
