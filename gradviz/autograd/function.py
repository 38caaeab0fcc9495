"""torch.autograd's user-facing extras: custom ``Function``, ``gradcheck`` and anomaly mode."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradviz.autograd import grad_mode
from gradviz.autograd.class_names import present_as
from gradviz.autograd.grad_mode import no_grad
from gradviz.autograd.node import FREED_MESSAGE, BackwardRun, Edge, Grad, Node, NodeOutput, SavedTensor
from gradviz.autograd.tensor import Tensor

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "detect_anomaly",
    "gradcheck",
    "set_detect_anomaly",
]


class FunctionCtx:
    """The ``ctx`` a custom Function's forward and backward share."""

    def __init__(self) -> None:
        self._saved: list[SavedTensor | None] = []
        self._freed = False
        self.needs_input_grad: tuple[bool, ...] = ()
        self.materialize_grads = True
        self._non_differentiable: set[int] = set()
        self._dirty: set[int] = set()
        self._node: Node | None = None

    def save_for_backward(self, *tensors: object) -> None:
        self._saved = [SavedTensor(t, is_output=False) if isinstance(t, Tensor) else None for t in tensors]
        self._saved_plain = list(tensors)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        out = []
        for saved, plain in zip(self._saved, getattr(self, "_saved_plain", [])):
            out.append(saved.unpack(self._node) if saved is not None and self._node is not None else plain)
        return tuple(out)

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors: Tensor) -> None:
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)


class _FunctionNode(Node):
    """The grad_fn of a custom Function's outputs. Each Function subclass gets its own subclass of
    this, ``<Class>Backward`` in ``torch.autograd.function`` (its ``_backward_cls``), as in PyTorch."""

    def __init__(
        self,
        cls: type[Function],
        ctx: FunctionCtx,
        edges: tuple[Edge, ...],
        tensor_positions: list[int],
        n_args: int,
    ) -> None:
        super().__init__(None, f"{cls.__name__}Backward", edges)
        self.cls = cls
        self.ctx = ctx
        self.tensor_positions = tensor_positions
        self.n_args = n_args

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{self._name} object at {hex(id(self))}>"

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        return self.ctx.saved_tensors

    def __getattr__(self, attr: str) -> Any:
        ctx = self.__dict__.get("ctx")
        if ctx is not None and not attr.startswith("__") and hasattr(ctx, attr):
            return getattr(ctx, attr)
        return super().__getattr__(attr)

    def release_variables(self) -> list[tuple[str, SavedTensor]]:
        freed: list[tuple[str, SavedTensor]] = []
        if not self.ctx._freed:
            for i, saved in enumerate(self.ctx._saved):
                if saved is not None:
                    freed.append((f"saved_tensors[{i}]", saved))
            self.ctx._freed = True
        return freed

    def apply(self, *args: Any) -> Any:
        """The engine's step (``apply(grads, run)``), or, called by a learner as PyTorch's
        ``grad_fn.apply(*grad_outputs)``, the Function's own backward on those grads."""
        if len(args) == 2 and isinstance(args[1], BackwardRun) and isinstance(args[0], dict):
            return self._engine_apply(args[0], args[1])
        return self.cls.backward(self.ctx, *args)

    def _engine_apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        graph_mode = run.graph_mode
        outputs = self.outputs
        grad_args: list[Tensor | None] = []
        for i in range(max(len(outputs), 1)):
            g = grads.get(i)
            if g is None and self.ctx.materialize_grads and i < len(outputs):
                g = np.zeros_like(outputs[i]._data)
            grad_args.append(g if isinstance(g, Tensor) or g is None else Tensor._make(np.asarray(g), outputs[i].dtype))
        with grad_mode.enable_grad() if graph_mode else no_grad():
            result = self.cls.backward(self.ctx, *grad_args)
        if not isinstance(result, tuple):
            result = (result,)
        if len(result) != self.n_args:
            # PyTorch accepts extra trailing Nones only.
            if len(result) > self.n_args and all(r is None for r in result[self.n_args :]):
                result = result[: self.n_args]
            else:
                raise RuntimeError(
                    f"function {self._name} returned an incorrect number of gradients "
                    f"(expected {self.n_args}, got {len(result)})"
                )
        outs: list[Grad | None] = []
        for position in self.tensor_positions:
            g = result[position]
            if g is None:
                outs.append(None)
            elif not isinstance(g, Tensor):
                raise TypeError(f"{self._name}.backward must return Tensors or None, got {type(g).__name__}")
            else:
                outs.append(g if graph_mode else g._data)
        return NodeOutput(outs, {})


class _FunctionMeta(type):
    """Gives every Function subclass its node class, ``<Name>Backward`` (PyTorch's FunctionMeta)."""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        node_class = type(f"{name}Backward", (_FunctionNode,), {"__doc__": f"The grad_fn of {name}.apply."})
        cls._backward_cls = present_as(node_class, "torch.autograd.function")


present_as(_FunctionMeta, "torch.autograd.function", "FunctionMeta")


class Function(metaclass=_FunctionMeta):
    """Subclass with ``@staticmethod forward(ctx, ...)`` and ``backward(ctx, *grads)``; call
    ``MyFunction.apply(...)``."""

    _backward_cls: type[_FunctionNode]

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function "
            "to use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any) -> Any:
        ctx = FunctionCtx()
        tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            output = cls.forward(ctx, *args)
        outputs = output if isinstance(output, tuple) else (output,)
        record = grad_mode.is_grad_enabled() and any(ctx.needs_input_grad)
        if not record:
            return output
        edges = tuple(args[i]._gradient_edge() for i in tensor_positions)
        node = cls._backward_cls(cls, ctx, edges, tensor_positions, len(args))
        ctx._node = node
        node.inputs = tuple(args[i] for i in tensor_positions)
        node.input_meta = [(args[i]._data.shape, args[i].dtype) for i in tensor_positions]
        node.needs_input_grad = tuple(args[i].requires_grad for i in tensor_positions)
        node.num_outputs = len(outputs)
        wrapped = []
        input_ids = {id(args[i]) for i in tensor_positions}
        for nr, out in enumerate(outputs):
            if not isinstance(out, Tensor):
                wrapped.append(out)
                continue
            if id(out) in input_ids and id(out) not in ctx._dirty:
                out = out.detach()  # returning an input unchanged gives a new tensor, as in PyTorch
            if id(out) in ctx._non_differentiable or not out.dtype.is_floating_point:
                wrapped.append(out)
                continue
            out.grad_fn = node
            out._output_nr = nr
            out._requires_grad = True
            wrapped.append(out)
        node.outputs = [o for o in wrapped if isinstance(o, Tensor)]
        return tuple(wrapped) if isinstance(output, tuple) else wrapped[0]


# -- gradcheck ---------------------------------------------------------------------------------


class GradcheckError(RuntimeError):
    pass


def _flat_outputs(result: object) -> list[Tensor]:
    return [r for r in (result if isinstance(result, tuple) else (result,)) if isinstance(r, Tensor)]


def gradcheck(
    func: Callable[..., object],
    inputs: Tensor | tuple[object, ...],
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    raise_exception: bool = True,
    **_options: object,  # PyTorch's other options (nondet_tol, check_undefined_grad, ...) change nothing here
) -> bool:
    """Compare analytical and finite-difference Jacobians, column by column, as PyTorch does."""
    from gradviz.autograd.printing import format_tensor

    args = inputs if isinstance(inputs, tuple) else (inputs,)
    diff_inputs = [(i, a) for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    outputs = _flat_outputs(func(*args))
    for out_index, out in enumerate(outputs):
        for in_index, (_, x) in enumerate(diff_inputs):
            numerical = np.zeros((x.numel(), out.numel()), dtype=np.float64)
            flat = x._data.reshape(-1)
            for k in range(x.numel()):
                original = flat[k]
                flat[k] = original + eps
                with no_grad():
                    plus = _flat_outputs(func(*args))[out_index]._data.astype(np.float64).reshape(-1)
                flat[k] = original - eps
                with no_grad():
                    minus = _flat_outputs(func(*args))[out_index]._data.astype(np.float64).reshape(-1)
                flat[k] = original
                numerical[k] = (plus - minus) / (2 * eps)
            analytical = np.zeros_like(numerical)
            for j in range(out.numel()):
                from gradviz.autograd.engine import grad as autograd_grad

                fresh = _flat_outputs(func(*args))[out_index]
                cotangent = np.zeros(fresh._data.shape, dtype=fresh.dtype.np)
                cotangent.reshape(-1)[j] = 1
                (g,) = autograd_grad(fresh, x, Tensor._make(cotangent, fresh.dtype), allow_unused=True)
                if g is not None:
                    analytical[:, j] = g._data.astype(np.float64).reshape(-1)
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {out_index} with respect to input {in_index},\n"
                    f"numerical:{format_tensor(numerical, 'float64')}\n"
                    f"analytical:{format_tensor(analytical, 'float64')}\n"
                )
    return True


# -- anomaly mode ------------------------------------------------------------------------------


class set_detect_anomaly:
    """Check every backward output for NaN (context manager, or a plain call that sets it)."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.previous = grad_mode.anomaly_enabled()
        grad_mode.set_anomaly(bool(mode))

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        grad_mode.set_anomaly(self.previous)


class detect_anomaly:
    def __init__(self, check_nan: bool = True) -> None:
        self.previous = False
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled "
            "for debugging.",
            UserWarning,
            stacklevel=2,
        )

    def __enter__(self) -> None:
        self.previous = grad_mode.anomaly_enabled()
        grad_mode.set_anomaly(True)

    def __exit__(self, *exc: object) -> None:
        grad_mode.set_anomaly(self.previous)


def check_nan(node: Node, outputs: Sequence[Grad | None]) -> None:
    for index, value in enumerate(outputs):
        if value is None:
            continue
        data = value._data if isinstance(value, Tensor) else value
        if data.dtype.kind == "f" and np.isnan(data).any():
            raise RuntimeError(f"Function '{node.display_name}' returned nan values in its {index}th output.")
