"""Splitting a tensor into views (``split``, ``chunk``: one SplitBackward0 / SplitWithSizesBackward0
node with an output per piece, as PyTorch records them), ``narrow``, and the triangle masks
``tril`` / ``triu`` (TrilBackward0 / TriuBackward0, saving ``diagonal``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from gradviz.autograd.grad_mode import is_grad_enabled
from gradviz.autograd.node import BackwardRun, Grad, Node, NodeOutput
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import VJP, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["chunk", "narrow", "split", "tril", "triu"]


def _narrow_forward(a: np.ndarray, dim: int, start: int, length: int) -> np.ndarray:
    key = [slice(None)] * a.ndim
    key[dim] = slice(start, start + length)
    return a[tuple(key)]


class _SplitNode(Node):
    """The grad_fn every piece of a split shares: backward concatenates the pieces' grads along
    the dim, zeros for pieces that got none (under create_graph a recorded cat, CatBackward0)."""

    def apply(self, grads: dict[int, Grad], run: BackwardRun) -> NodeOutput:
        dim: int = self.attrs["dim"]
        sizes: list[int] = self.attrs["sizes"]
        shape, dtype = self.input_meta[0]

        def piece_shape(n: int) -> tuple[int, ...]:
            return (*shape[:dim], n, *shape[dim + 1 :])

        if run.graph_mode:
            from gradviz.autograd.ops.functional_more import cat

            make = _registry.Tensor._make
            pieces = [
                cast("Tensor", grads[i])
                if grads.get(i) is not None
                else make(np.zeros(piece_shape(n), dtype.np), dtype)
                for i, n in enumerate(sizes)
            ]
            return NodeOutput([cat(pieces, dim)], {})
        arrays = [
            np.asarray(grads[i]) if grads.get(i) is not None else np.zeros(piece_shape(n), dtype.np)
            for i, n in enumerate(sizes)
        ]
        return NodeOutput([np.concatenate(arrays, axis=dim)], {})


_SPLIT_CLASSES: dict[str, type[_SplitNode]] = {}


def _split_class(name: str) -> type[_SplitNode]:
    cls = _SPLIT_CLASSES.get(name)
    if cls is None:
        cls = _SPLIT_CLASSES[name] = type(name, (_SplitNode,), {"__doc__": f"The grad_fn PyTorch calls {name}."})
    return cls


def _wrap_dim(dim: int, ndim: int) -> int:
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def _pieces(
    input: Tensor, dim: int, written_dim: int, sizes: list[int], node_name: str, saved: dict[str, object]
) -> tuple[Tensor, ...]:
    """Views of ``input`` along ``dim`` of the given sizes, all outputs of one node."""
    base = input._base if input._base is not None else input
    pieces: list[Tensor] = []
    start = 0
    for n in sizes:
        attrs = {"dim": dim, "start": start, "length": n}
        piece = _registry.Tensor._make(_narrow_forward(input._data, dim, start, n), input.dtype)
        piece._version_counter = input._version_counter
        piece._base = base
        piece._view_fn = _registry._compose_view(input._view_fn, _narrow_forward, attrs)
        pieces.append(piece)
        start += n
    if not is_grad_enabled():
        if input._requires_grad:
            for piece in pieces:
                piece._origin = "no_grad"
        return tuple(pieces)
    if not input._requires_grad or not input.dtype.is_floating_point:
        return tuple(pieces)
    node = _split_class(node_name)(None, node_name, (input._gradient_edge(),))
    node.num_outputs = len(pieces)
    node.needs_input_grad = (True,)
    node.inputs = (input,)
    node.input_meta = [(input._data.shape, input.dtype)]
    node.attrs = {"dim": dim, "sizes": sizes}
    # PyTorch keeps the dim as written and shows a negative one as its uint64 bit pattern.
    node.saved = {
        "dim": written_dim + 2**64 if written_dim < 0 else written_dim,
        "self_sym_sizes": tuple(input._data.shape),
        **saved,
    }
    node.outputs = list(pieces)
    for nr, piece in enumerate(pieces):
        piece.grad_fn = node
        piece._output_nr = nr
        piece._requires_grad = True
        piece._multi_output_view = True
    return tuple(pieces)


def split(tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """torch.split / Tensor.split: pieces of split_size (the last one smaller) or of the listed sizes."""
    if tensor.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    axis = _wrap_dim(dim, tensor.dim())
    length = tensor.shape[axis]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(n) for n in split_size_or_sections]
        if any(n < 0 for n in sizes) or sum(sizes) != length:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size at dimension "
                f"{axis}), but got split_sizes=[{', '.join(map(str, sizes))}]"
            )
        return _pieces(tensor, axis, dim, sizes, "SplitWithSizesBackward0", {"split_sizes": tuple(sizes)})
    size = int(cast("int", split_size_or_sections))
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0:
        if length != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {length}")
        sizes = [0]
    else:
        sizes = [min(size, length - start) for start in range(0, length, size)] or [0]
    return _pieces(tensor, axis, dim, sizes, "SplitBackward0", {"split_size": size})


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """torch.chunk / Tensor.chunk: split into pieces of ceil(size / chunks) (possibly fewer pieces)."""
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    axis = _wrap_dim(dim, input.dim())
    length = input.shape[axis]
    size = -(-length // chunks)
    if size == 0 and length == 0:
        return split(input, [0] * chunks, dim)
    return split(input, size, dim)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """torch.narrow / Tensor.narrow: ``length`` elements from ``start`` along ``dim`` (a slice view)."""
    from gradviz.autograd.ops.functional import slice_

    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = _wrap_dim(dim, input.dim())
    size = input.shape[axis]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    begin = start % size if start < 0 else start
    if begin + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return slice_(input, axis, begin, begin + length, 1)


# -- tril / triu -------------------------------------------------------------------------------------


def _triangle(a: np.ndarray, diagonal: int, lower: bool) -> np.ndarray:
    rows, cols = a.shape[-2], a.shape[-1]
    keep = np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    return np.where(keep, a, np.zeros((), dtype=a.dtype))


def _triangle_vjp(lower: bool) -> VJP:
    def vjp(g: Grad, s: SavedView) -> Grad:
        if s.graph_mode:
            return (tril if lower else triu)(cast("Tensor", g), s.diagonal)
        return _triangle(cast("np.ndarray", g), s.diagonal, lower)

    return VJP(("diagonal",), vjp)


for _name, _node, _lower in (("tril", "TrilBackward0", True), ("triu", "TriuBackward0", False)):
    defop(
        _name,
        _node,
        ("self",),
        lambda a, diagonal, lower=_lower: _triangle(a, diagonal, lower),
        {"self": _triangle_vjp(_lower)},
        dtype_rule="same",
        save=lambda arrays, attrs: {"diagonal": attrs["diagonal"]},
        cases=(GradCase(((3, 3),), {"diagonal": 0}), GradCase(((2, 3, 4),), {"diagonal": -1})),
    )


def _check_matrix(input: Tensor, name: str) -> None:
    if input.dim() < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """torch.tril / Tensor.tril: the lower triangle (on and below ``diagonal``), zeros above."""
    _check_matrix(input, "tril")
    return call(_registry.OPS["tril"], (input,), {"diagonal": int(diagonal)})


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """torch.triu / Tensor.triu: the upper triangle (on and above ``diagonal``), zeros below."""
    _check_matrix(input, "triu")
    return call(_registry.OPS["triu"], (input,), {"diagonal": int(diagonal)})
