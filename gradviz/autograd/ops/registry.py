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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.grad_mode import is_grad_enabled
from gradviz.autograd.node import BackwardRun, Grad, Node, NodeOutput, SavedTensor
from gradviz.autograd.ops.backend import sum_to_array

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["OPS", "VJP", "GradCase", "OpDef", "SavedView", "call", "defop", "validate_table"]


@dataclass(frozen=True)
class VJP:
    needs: tuple[str, ...]  # saved names this formula reads ("self", "other", "result", attrs)
    fn: Callable[[Any, SavedView], Any]


@dataclass(frozen=True)
class GradCase:
    """Input shapes (and attrs) for a finite-difference check of this op, driven from the table."""

    shapes: tuple[tuple[int, ...], ...]
    attrs: dict[str, Any] = field(default_factory=dict)
    positive: bool = False  # inputs must be positive (log, sqrt, pow with tensor exponent)
    away_from_zero: bool = False  # keep inputs off kinks (abs, relu)


@dataclass
class OpDef:
    name: str
    node_name: str
    inputs: tuple[str, ...]
    forward: Callable[..., np.ndarray]
    vjps: dict[str, VJP]
    dtype_rule: str = "promote"  # promote | same | float | div | bool
    save: Callable[[Sequence[np.ndarray], dict[str, Any]], dict[str, Any]] | None = None
    view: bool = False  # output shares input 0's storage and version counter
    cases: tuple[GradCase, ...] = ()
    saved_names: tuple[str, ...] = ()  # filled by defop: every name a VJP may read
    # Derived once in defop so the per-call path does no string work:
    cast: bool = False
    has_vjp: tuple[bool, ...] = ()
    input_index: dict[str, int] = field(default_factory=dict)
    save_takes_needs: bool = False
    node_class: type = Node
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
        view = SavedView(node, run.backend, graph_mode)
        outs: list[Grad | None] = []
        reduced: dict[int, list[int]] = {}
        for i, name in enumerate(self.inputs):
            if not node.needs_input_grad[i]:
                outs.append(None)
                continue
            r = self.vjps[name].fn(g, view)
            shape, dtype = node.input_meta[i]
            if graph_mode:
                if tuple(r.shape) != tuple(shape):
                    reduced[i] = list(r.shape)
                    r = run.backend.sum_to(r, shape)
                if r.dtype is not dtype:
                    r = r.to(dtype)
            else:
                if not isinstance(r, np.ndarray):
                    r = np.asarray(r)
                if r.shape != shape:
                    reduced[i] = list(r.shape)
                    r = sum_to_array(r, shape)
                if r.dtype != dtype.np:
                    r = r.astype(dtype.np)
            outs.append(r)
        return NodeOutput(outs, reduced)

    def __repr__(self) -> str:
        return f"OpDef({self.name} -> {self.node_name})"


OPS: dict[str, OpDef] = {}


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
    op.save_takes_needs = op.save is not None and op.save.__code__.co_argcount == 3
    # One Node subclass per node name, as PyTorch has one class per grad_fn kind, so
    # type(y.grad_fn).__name__ reads "MulBackward0" as it does there.
    op.node_class = _node_class(op.node_name)
    return op


_NODE_CLASSES: dict[str, type] = {}


def _node_class(name: str) -> type:
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__doc__": f"The grad_fn PyTorch calls {name}."})
    return cls


def defop(
    name: str,
    node_name: str,
    inputs: tuple[str, ...],
    forward: Callable[..., np.ndarray],
    vjps: dict[str, VJP],
    **options: Any,
) -> OpDef:
    op = prepare(OpDef(name, node_name, inputs, forward, vjps, **options))
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
        if op.dtype_rule not in ("promote", "same", "float", "div", "bool"):
            raise ValueError(f"{op.name}: unknown dtype rule {op.dtype_rule!r}")


class SavedView:
    """What a VJP sees: saved tensors (as arrays or Tensors), saved attributes, input shapes."""

    __slots__ = ("B", "graph_mode", "node")

    def __init__(self, node: Node, backend: Any, graph_mode: bool) -> None:
        self.node = node
        self.B = backend
        self.graph_mode = graph_mode

    def __getattr__(self, name: str) -> Any:
        value = self.node.saved.get(name)
        if isinstance(value, SavedTensor):
            tensor = value.unpack(self.node)
            return tensor if self.graph_mode else tensor._data
        if name in self.node.saved:
            return value
        if name in self.node.attrs:
            return self.node.attrs[name]
        raise AttributeError(name)

    def input_shape(self, index: int) -> tuple[int, ...]:
        meta = self.node.input_meta[index]
        assert meta is not None
        return meta[0]


Tensor: Any = None  # gradviz.autograd.tensor sets this when it is imported (it imports the op table)

# PyTorch never warns about inf/nan arithmetic, so the engine's numpy doesn't either. Set once
# here rather than entering np.errstate around every op (a measurable cost per op).
np.seterr(all="ignore")


def wrap_scalar(value: Any) -> Tensor:
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


def _as_operand(value: Any) -> Tensor:
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


def _compose_view(
    parent: Callable[[np.ndarray], np.ndarray] | None, forward: Callable[..., np.ndarray], attrs: dict[str, Any]
) -> Callable[[np.ndarray], np.ndarray]:
    """base array -> this view's region of it, replaying the chain of view ops."""
    if parent is None:
        return lambda array: forward(array, **attrs)
    return lambda array: forward(parent(array), **attrs)


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
    op: OpDef, operands: Sequence[Any], attrs: dict[str, Any] | None = None, out_dtype: dtypes.DType | None = None
) -> Tensor:
    """Run ``op`` forward on numpy and, if grad mode is on and an input requires grad, record it."""
    if attrs is None:
        attrs = {}
    tensors = [v if type(v) is Tensor or isinstance(v, Tensor) else _as_operand(v) for v in operands]
    dtype = out_dtype or result_dtype(op, tensors)
    target = dtype.np
    if op.cast:
        arrays = [t._data if t._data.dtype == target else t._data.astype(target) for t in tensors]
    else:
        arrays = [t._data for t in tensors]
    try:
        out = op.forward(*arrays, **attrs)
    except ValueError:
        if len(arrays) == 2:
            raise RuntimeError(_broadcast_message(arrays[0].shape, arrays[1].shape)) from None
        raise
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if out.dtype != target:
        out = out.astype(target)
    return record(op, tensors, out, dtype, attrs)


def record(op: OpDef, tensors: Sequence[Tensor], out: np.ndarray, dtype: dtypes.DType, attrs: dict[str, Any]) -> Tensor:
    result = Tensor._make(out, dtype)
    if op.view:
        base = tensors[0]
        result._version_counter = base._version_counter
        result._base = base._base if base._base is not None else base
        result._view_fn = _compose_view(base._view_fn, op.forward, attrs)
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
    saved: dict[str, Any] = {}
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
