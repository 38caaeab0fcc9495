"""backward() and autograd.grad(): PyTorch's execution order, recorded as trace events.

The algorithm is PyTorch's: count how many grads each node waits for (its dependencies), start
from the root's node, and repeatedly run the ready node with the highest sequence number
(AccumulateGrad has the largest), accumulating grads per node input in buffers. Everything is
iterative: a 10,000-op chain needs no recursion.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from gradviz.autograd import grad_mode as _grad_mode
from gradviz.autograd import trace as tr
from gradviz.autograd.dtypes import from_numpy_dtype
from gradviz.autograd.grad_mode import enable_grad, no_grad
from gradviz.autograd.node import AccumulateGrad, BackwardRun, Edge, Grad, Hook, Node, NodeOutput, accumulate_grad
from gradviz.autograd.ops.backend import NUMPY, TENSOR
from gradviz.autograd.printing import format_size
from gradviz.autograd.ready_queue import ReadyQueue
from gradviz.autograd.tensor import Tensor
from gradviz.graph.summary import array_summary

if TYPE_CHECKING:
    from gradviz.runner.results import SourceSpan

__all__ = ["GraphRoot", "Tensors", "backward", "grad"]

# One tensor or several, as backward(), autograd.grad() and their grad arguments accept them.
Tensors: TypeAlias = "Tensor | Iterable[Tensor]"

SCALAR_ONLY = "grad can be implicitly created only for scalar outputs"
NOT_USED = (
    "The differentiated Tensor at index {index} appears to not have been used in the graph. "
    "Set allow_unused=True if this is the desired behavior."
)
CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak. "
    "(Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)"
)


class GraphRoot(Node):
    """Feeds several root grads at once (backward over more than one tensor)."""

    checks_nan = False  # its grads are the ones backward() was given, checked by _make_grads

    def __init__(self, edges: tuple[Edge, ...], root_grads: list[Grad | None]) -> None:
        super().__init__(None, "GraphRoot", edges)
        self.gid = "root"
        self.root_grads = root_grads

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        return NodeOutput(list(self.root_grads), {})


def _tensor_list(value: Tensors | None) -> list[Tensor]:
    if value is None:
        return []
    if isinstance(value, Tensor):
        return [value]
    return list(value)


def _grad_list(value: Tensor | Iterable[Tensor | None] | None, count: int) -> list[object]:
    """The grads given for ``count`` outputs (None each when not given)."""
    if value is None:
        return [None] * count
    if isinstance(value, Tensor):
        return [value]
    return list(value)


def _make_grads(outputs: list[Tensor], grads: list[object], create_graph: bool) -> list[Grad | None]:
    """The grads backward starts from: given ones checked, implicit ones created for scalars."""
    result: list[Grad | None] = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if isinstance(g, Tensor):
            if tuple(g.shape) != tuple(out.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {format_size(g.shape)} and "
                    f"output[{i}] has a shape of {format_size(out.shape)}."
                )
            if g.dtype is not out.dtype:
                g = g.to(out.dtype)
            result.append(g if create_graph else g._data)
        elif g is None:
            if out.requires_grad:
                if out.numel() != 1:
                    raise RuntimeError(SCALAR_ONLY)
                if not out.dtype.is_floating_point:
                    raise RuntimeError(
                        f"grad can be implicitly created only for real scalar outputs but got {out.dtype}"
                    )
                ones = np.ones(out._data.shape, dtype=out.dtype.np)
                result.append(Tensor._make(ones, out.dtype) if create_graph else ones)
            else:
                result.append(None)
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    return result


def backward(
    tensors: Tensors,
    grad_tensors: Tensor | Iterable[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: object = None,  # PyTorch's deprecated name for grad_tensors; ignored
    inputs: Tensors | None = None,
) -> None:
    """Accumulate the grads of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    outputs = _tensor_list(tensors)
    grads = _grad_list(grad_tensors, len(outputs))
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    input_list = _tensor_list(inputs)
    if inputs is not None and not input_list:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warnings.warn(CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    root_grads = _make_grads(outputs, grads, create_graph)
    _run(
        outputs,
        root_grads,
        bool(retain_graph),
        create_graph,
        input_list,
        accumulate=True,
        allow_unused=True,
        kind="backward",
    )


def grad(
    outputs: Tensors,
    inputs: Tensors,
    grad_outputs: Tensor | Iterable[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The grads of ``outputs`` with respect to ``inputs``, returned rather than accumulated."""
    if is_grads_batched:
        raise NotImplementedError("gradviz: autograd.grad(is_grads_batched=True) is not supported")
    out_list = _tensor_list(outputs)
    input_list = _tensor_list(inputs)
    grads = _grad_list(grad_outputs, len(out_list))
    if len(grads) != len(out_list):
        raise RuntimeError(
            f"grad requires one gradient per output: got {len(grads)} gradients and {len(out_list)} outputs"
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for t in input_list:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs must be Tensors, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    root_grads = _make_grads(out_list, grads, create_graph)
    captured = _run(
        out_list,
        root_grads,
        bool(retain_graph),
        create_graph,
        input_list,
        accumulate=False,
        allow_unused=bool(allow_unused),
        kind="grad",
    )
    result: list[Tensor | None] = []
    for t, g in zip(input_list, captured):
        if g is None:
            if materialize_grads:
                result.append(Tensor._make(np.zeros_like(t._data), t.dtype))
            else:
                result.append(None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(Tensor._make(g, t.dtype))
    return tuple(result)


class _Capture:
    __slots__ = ("index", "input_nr")

    def __init__(self, input_nr: int, index: int) -> None:
        self.input_nr = input_nr
        self.index = index


def _run(
    outputs: list[Tensor],
    root_grads: list[Grad | None],
    keep_graph: bool,
    create_graph: bool,
    inputs: list[Tensor],
    accumulate: bool,
    allow_unused: bool,
    kind: str,
) -> list[Grad | None]:
    graph_mode = create_graph
    record = tr.has_listeners()
    trace = tr.BackwardTrace() if record else None
    # A call no listener wants in full keeps a summary only: no events, no grad arrays.
    detailed = record and tr.detail_wanted()
    if trace is not None and detailed:
        # Live objects for the runner (never serialised): it draws the graph each call ran on,
        # temporaries such as the z[0][0] of `z[0][0].backward()` included.
        trace.root_tensors = list(outputs)
    events = trace.events if trace is not None and detailed else None

    root_edges: list[tuple[Node | None, int]] = []
    for i, out in enumerate(outputs):
        edge = out._gradient_edge()
        if edge[0] is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        root_edges.append(edge)

    if len(root_edges) == 1:
        start: Node = root_edges[0][0]  # type: ignore[assignment]
        first = root_grads[0]
        start_buffer: dict[int, Grad] = {root_edges[0][1]: first} if first is not None else {}
    else:
        start = GraphRoot(tuple(root_edges), root_grads)
        start_buffer = {}

    dependencies, order = _dependencies(start)

    captures: dict[Node, list[_Capture]] = {}
    needed: set[Node] | None = None
    if inputs:
        targets: list[Node] = []
        for index, t in enumerate(inputs):
            node, nr = t._gradient_edge()
            assert node is not None
            captures.setdefault(node, []).append(_Capture(nr, index))
            targets.append(node)
        needed = _needed_nodes(order, targets, include_targets=accumulate)

    if trace is not None and events is None:
        trace.summary = {
            "kind": kind,
            "roots": [o.gid for o in outputs],
            "root_values": [_root_value(o) for o in outputs],
            "node_count": len(order),
            "ok": True,
            "error": None,
        }
    if events is not None:
        events.append(
            tr.CallStarted(
                kind=kind,
                roots=[o.gid for o in outputs],
                root_grads=[_gv(g, o) for g, o in zip(root_grads, outputs)],
                retain_graph=keep_graph,
                create_graph=create_graph,
                inputs=[t.gid for t in inputs],
                nodes=[
                    tr.NodeInfo(
                        n.gid,
                        n.name(),
                        n.sequence_nr,
                        [(m.gid if m is not None else None, nr) for m, nr in n.next_functions],
                        dependencies.get(n, 0),
                        needed is None or n in needed or n in captures,
                    )
                    for n in order
                ],
                span=_span_of_now(),
                root_values=[_root_value(o) for o in outputs],
                leaf_values={
                    n.variable.gid: {
                        "version": int(n.variable._version_counter[0]),
                        "values": array_summary(n.variable._data, n.variable.dtype.name),
                    }
                    for n in order
                    if isinstance(n, AccumulateGrad) and n.variable is not None
                },
            )
        )  # the loss per iteration (training view); the parameters' values as this call saw them

    captured: list[Grad | None] = [None] * len(inputs)
    queue: ReadyQueue[Node] = ReadyQueue()
    buffers: dict[Node, dict[int, Grad]] = {start: start_buffer}
    queue.push(start.sequence_nr, start)
    run = BackwardRun(graph_mode, TENSOR if graph_mode else NUMPY, events)
    current: Node | None = None
    mode = enable_grad() if graph_mode else no_grad()
    try:
        with mode:
            while len(queue):
                node = queue.pop()
                current = node
                grads_in = buffers.pop(node, {})
                if node in captures:
                    grads_in = _tensor_pre_hooks(node, grads_in, graph_mode, events)
                    for capture in captures[node]:
                        value = grads_in.get(capture.input_nr)
                        captured[capture.index] = value
                        if events is not None:
                            t = inputs[capture.index]
                            events.append(tr.GradCaptured(t.gid, node.gid, _gv(value, t)))
                    if not accumulate and needed is not None and node not in needed:
                        continue
                if needed is not None and node not in needed:
                    continue
                outs = _call_node(node, grads_in, run, already_hooked=node in captures)
                if not keep_graph:
                    freed = node.release_variables()
                    if events is not None:
                        for attr, saved in freed:
                            events.append(
                                tr.BufferFreed(
                                    node.gid, f"_saved_{attr}", saved.nbytes, list(saved.shape), saved.dtype_name
                                )
                            )
                for (next_node, input_nr), g in zip(node.next_functions, outs):
                    if next_node is None:
                        continue
                    remaining = dependencies[next_node] - 1
                    dependencies[next_node] = remaining
                    if needed is not None and next_node not in needed and next_node not in captures:
                        continue
                    buffer = buffers.get(next_node)
                    if buffer is None:
                        buffer = buffers[next_node] = {}
                    if g is not None:
                        previous = buffer.get(input_nr)
                        buffer[input_nr] = g if previous is None else previous + g
                    if remaining == 0:
                        queue.push(next_node.sequence_nr, next_node)
            current = None
    except BaseException as error:
        stack = getattr(current, "_forward_stack", None) if _grad_mode._anomaly else None
        if current is not None and stack is not None and isinstance(error, Exception):
            warnings.warn(
                f"Error detected in {current.display_name}. Traceback of forward call that caused the "
                f"error:\n{stack} (Triggered internally at "
                "/__w/pytorch/pytorch/torch/csrc/autograd/python_anomaly_mode.cpp:122.)",
                UserWarning,
                stacklevel=3,
            )
        if events is not None:
            events.append(
                tr.ErrorRaised(current.gid if current is not None else None, type(error).__name__, str(error))
            )
            events.append(tr.CallFinished(ok=False))
        if trace is not None:
            if trace.summary is not None:
                trace.summary.update(ok=False, error=f"{type(error).__name__}: {error}")
            tr.publish(trace)
        raise
    # Non-leaf inputs of backward(inputs=...) get their .grad populated, as in PyTorch.
    if accumulate and inputs:
        for t, g in zip(inputs, captured):
            if t.grad_fn is not None and g is not None:
                accumulate_grad(t, g, graph_mode)
    if events is not None:
        events.append(tr.CallFinished(ok=True))
    if trace is not None:
        tr.publish(trace)
    if not accumulate and not allow_unused:
        for index, g in enumerate(captured):
            if g is None:
                raise RuntimeError(NOT_USED.format(index=index))
    return captured


def _span_of_now() -> SourceSpan | None:
    from gradviz.autograd.provenance import current_span

    return current_span()


def _root_value(out: Tensor) -> float | None:
    """A one-element floating root as a Python float (the loss a training loop plots), else None."""
    data = out._data
    if data.size != 1 or data.dtype.kind not in "fc":
        return None
    return float(data.real.reshape(()))


def _gv(value: Grad | None, like: Tensor | None = None) -> tr.GradValue | None:
    if value is None:
        return None
    if isinstance(value, Tensor):
        return tr.GradValue(value._data, value.dtype.name)
    return tr.GradValue(value, like.dtype.name if like is not None else str(value.dtype))


def _gv_array(value: Grad | None) -> tr.GradValue | None:
    if value is None:
        return None
    if isinstance(value, Tensor):
        return tr.GradValue(value._data, value.dtype.name)
    name = _DTYPE_NAMES.get(value.dtype.char)
    if name is None:  # (str(dtype) is slow in numpy: only for the rare dtypes)
        name = str(value.dtype)
    return tr.GradValue(value, name)


_DTYPE_NAMES = {"f": "float32", "d": "float64", "e": "float16", "l": "int64", "q": "int64", "?": "bool"}


def _dependencies(start: Node) -> tuple[dict[Node, int], list[Node]]:
    """How many grads each node waits for, counting every edge (duplicates too), iteratively."""
    dependencies: dict[Node, int] = {}
    seen = {start}
    order = [start]
    stack = [start]
    while stack:
        node = stack.pop()
        for next_node, _ in node.next_functions:
            if next_node is None:
                continue
            dependencies[next_node] = dependencies.get(next_node, 0) + 1
            if next_node not in seen:
                seen.add(next_node)
                order.append(next_node)
                stack.append(next_node)
    return dependencies, order


def _needed_nodes(order: list[Node], targets: list[Node], include_targets: bool) -> set[Node]:
    """Nodes on some path from the root to a target (the only ones autograd.grad runs)."""
    consumers: dict[Node, list[Node]] = {}
    for node in order:
        for next_node, _ in node.next_functions:
            if next_node is not None:
                consumers.setdefault(next_node, []).append(node)
    needed: set[Node] = set()
    stack: list[Node] = []
    for target in targets:
        if include_targets and isinstance(target, AccumulateGrad):
            needed.add(target)
        for consumer in consumers.get(target, []):
            if consumer not in needed:
                needed.add(consumer)
                stack.append(consumer)
    while stack:
        node = stack.pop()
        for consumer in consumers.get(node, []):
            if consumer not in needed:
                needed.add(consumer)
                stack.append(consumer)
    return needed


def _wrap(value: Grad) -> Tensor:
    """A grad as hooks see it: always a Tensor."""
    if isinstance(value, Tensor):
        return value
    return Tensor._make(value, from_numpy_dtype(value.dtype))


def _wrap_optional(value: Grad | None) -> Tensor | None:
    return None if value is None else _wrap(value)


def _unwrap(value: object, graph_mode: bool) -> Grad | None:
    """A hook's replacement grad back in the engine's form (an array unless recording)."""
    if value is None:
        return None
    if not isinstance(value, Tensor):
        raise TypeError(f"hook returned {type(value).__name__}, expected a Tensor or None")
    return value if graph_mode else value._data


def _hook_result(hook: Hook, result: object, original: Grad, graph_mode: bool) -> Grad:
    value = _unwrap(result, graph_mode)
    assert value is not None
    if tuple(value.shape) != tuple(original.shape):
        name = getattr(hook, "__name__", type(hook).__name__)
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return value


def _tensor_pre_hooks(
    node: Node, grads: dict[int, Grad], graph_mode: bool, events: list[tr.Event] | None
) -> dict[int, Grad]:
    """Tensor hooks (register_hook) then retain_grad, per output, before the node runs."""
    for nr, hooks, owner in node.tensor_hooks():
        if grads.get(nr) is None:
            continue
        for hook in list(hooks.values()):
            result = hook(_wrap(grads[nr]))
            if result is not None:
                grads[nr] = _hook_result(hook, result, grads[nr], graph_mode)
            if events is not None:
                events.append(
                    tr.HookCalled(node.gid, "tensor", owner.gid if owner is not None else None, result is not None)
                )
    if node._retains_grad:
        for nr, tensor in node._retains_grad.items():
            g = grads.get(nr)
            if g is None or tensor.grad_fn is not node:
                continue
            value = g if graph_mode else np.array(g, copy=True)
            if tensor._grad is None:
                tensor._grad = value if isinstance(value, Tensor) else Tensor._make(value, tensor.dtype)
            else:
                tensor._grad = Tensor._make(
                    tensor._grad._data + (value._data if isinstance(value, Tensor) else value), tensor.dtype
                )
            if events is not None:
                events.append(tr.HookCalled(node.gid, "retain_grad", tensor.gid, False))
    return grads


def _call_node(node: Node, grads_in: dict[int, Grad], run: BackwardRun, already_hooked: bool) -> list[Grad | None]:
    """Run one node: its hooks around ``node.apply``, each step recorded in the trace."""
    events = run.events
    graph_mode = run.graph_mode
    n_out = max(node.num_outputs, 1)
    if events is not None:
        events.append(
            tr.NodeStarted(node.gid, node.name(), node.sequence_nr, [_gv_array(grads_in.get(i)) for i in range(n_out)])
        )
    if not already_hooked:
        grads_in = _tensor_pre_hooks(node, grads_in, graph_mode, events)
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            result = hook(tuple(_wrap_optional(grads_in.get(i)) for i in range(n_out)))
            if result is not None:
                unwrapped = {i: _unwrap(v, graph_mode) for i, v in enumerate(result)}
                grads_in = {i: g for i, g in unwrapped.items() if g is not None}
            if events is not None:
                events.append(tr.HookCalled(node.gid, "pre", None, result is not None))

    outs, reduced = node.apply(grads_in, run)
    if _grad_mode._anomaly and node.checks_nan:
        from gradviz.autograd.function import check_nan

        check_nan(node, outs)
    if node._post_hooks:
        grad_inputs = tuple(_wrap_optional(g) for g in outs)
        grad_outputs = tuple(_wrap_optional(grads_in.get(i)) for i in range(n_out))
        for hook in list(node._post_hooks.values()):
            result = hook(grad_inputs, grad_outputs)
            # A node without inputs (AccumulateGrad) has no grad_inputs a hook could replace.
            replaced = result is not None and bool(node.next_functions)
            if replaced:
                outs = [_unwrap(v, graph_mode) for v in result]
                grad_inputs = tuple(result)
            if events is not None:
                events.append(tr.HookCalled(node.gid, "post", None, replaced))
    if events is not None:
        events.append(
            tr.NodeFinished(
                node.gid,
                [
                    tr.EdgeGrad(i, m.gid if m is not None else None, _gv_array(g), reduced.get(i))
                    for i, ((m, _), g) in enumerate(zip(node.next_functions, outs))
                ],
            )
        )
    return outs
