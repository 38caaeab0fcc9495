"""In-place ops on views of tensors that require grad: PyTorch's CopySlices.

Writing into a view (``y[0] = 5``, ``y[1:].mul_(2)``) changes the base tensor, so the base's
grad_fn becomes a CopySlices node: it passes the base's grad through, except in the view's region,
where the grad goes through the in-place op's own node (``fn``). The view itself then reaches the
base's new history through AsStridedBackward0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gradviz.autograd.node import BackwardRun, Grad, Node, NodeOutput, SavedTensor
from gradviz.autograd.ops.backend import NUMPY

if TYPE_CHECKING:
    from gradviz.autograd.dtypes import DType
    from gradviz.autograd.ops.registry import ViewFn
    from gradviz.autograd.tensor import Tensor

# CopySlices runs the in-place op's own node over the view's region, always over arrays.
_ARRAY_RUN = BackwardRun(graph_mode=False, backend=NUMPY, events=None)


class CopySlices(Node):
    def __init__(self, base: Tensor, view_fn: ViewFn, fn: Node) -> None:
        edges = (base._gradient_edge(), *tuple(fn.next_functions[1:]))
        super().__init__(None, "CopySlices", edges)
        self.fn = fn
        self.view_fn = view_fn
        self.input_meta = [(base._data.shape, base.dtype), *list(fn.input_meta[1:])]
        self.needs_input_grad = (base._requires_grad, *tuple(fn.needs_input_grad[1:]))
        self.inputs = (base, *tuple(fn.inputs[1:]))
        self.saved = {}

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        if run.graph_mode:
            raise NotImplementedError("gradviz: create_graph=True through CopySlices is not supported yet")
        g = grads.get(0)
        if g is None:
            return NodeOutput([None] * len(self.next_functions), {})
        result = np.array(g, copy=True)
        region = self.view_fn(result)
        inner = self.fn.apply({0: np.array(region, copy=True)}, _ARRAY_RUN).grads
        region[...] = 0 if inner[0] is None else inner[0]
        return NodeOutput([result, *inner[1:]], {})

    def release_variables(self) -> list[tuple[str, SavedTensor]]:
        return self.fn.release_variables()


class AsStridedBackward(Node, torch_name="AsStridedBackward0"):
    """The view's grad_fn after its base was rewritten: scatter the view's grad into the base."""

    def __init__(self, copy_slices: CopySlices, base_shape: tuple[int, ...], view_fn: ViewFn, dtype: DType) -> None:
        super().__init__(None, "AsStridedBackward0", ((copy_slices, 0),))
        self.view_fn = view_fn
        self.base_shape = base_shape
        self.input_meta = [(base_shape, dtype)]
        self.needs_input_grad = (True,)
        self.saved = {}

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        if run.graph_mode:
            raise NotImplementedError("gradviz: create_graph=True through AsStridedBackward0 is not supported yet")
        g = grads.get(0)
        if g is None:
            return NodeOutput([None], {})
        array = np.asarray(g)  # an ordinary backward: grads are arrays
        result = np.zeros(self.base_shape, dtype=array.dtype)
        region = self.view_fn(result)
        region[...] += array
        return NodeOutput([result], {})


def rebase_view(view: Tensor, fn: Node) -> None:
    """After an in-place op recorded as ``fn`` on ``view``, give its base a CopySlices grad_fn."""
    base = view._base
    view_fn = view._view_fn
    assert base is not None and view_fn is not None  # only views are rebased
    copy_slices = CopySlices(base, view_fn, fn)
    base.grad_fn = copy_slices
    base._output_nr = 0
    base._requires_grad = True
    copy_slices.outputs = [base]
    as_strided = AsStridedBackward(copy_slices, tuple(base._data.shape), view_fn, base.dtype)
    as_strided.outputs = [view]
    view.grad_fn = as_strided
    view._output_nr = 0
    view._requires_grad = True
