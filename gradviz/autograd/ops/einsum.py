"""``torch.einsum`` decomposed the way torch 2.13's ATen kernel decomposes it, so the recorded graph
is PyTorch's: every operand takes diagonals for repeated subscripts (DiagonalBackward0, then a
movedim's PermuteBackward0), is unsqueezed for the subscripts it lacks and permuted to one common
order (output dims first, then the summed ones); operands are then contracted left to right, each
pair as a batched matrix product (PermuteBackward0, ViewBackward0, BmmBackward0, ViewBackward0,
PermuteBackward0) or a MulBackward0 when nothing is summed; leftover size-1 summed dims are viewed
away (one operand: summed with SumBackward1). Also ``torch.diagonal`` / ``Tensor.diagonal``, the
view the diagonals are.

The contraction order is always left to right: the optional ``path`` of opt_einsum is not used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.lib.stride_tricks import as_strided

from gradviz.autograd.node import Grad
from gradviz.autograd.ops import registry as _registry
from gradviz.autograd.ops.registry import OPS, VJP, GradCase, SavedView, call, defop

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["diagonal", "einsum"]

_LETTERS = 26
_ELLIPSIS = 2 * _LETTERS  # the subscript code of "..."


# -- diagonal (a view) ----------------------------------------------------------------------------------


def _diagonal_view(a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """The diagonal of dims (dim1, dim2) as a last dim, sharing ``a``'s memory (writes go through)."""
    key = [slice(None)] * a.ndim
    if offset >= 0:
        key[dim2] = slice(offset, None)
    else:
        key[dim1] = slice(-offset, None)
    b = a[tuple(key)]
    length = max(min(b.shape[dim1], b.shape[dim2]), 0)
    others = [d for d in range(a.ndim) if d not in (dim1, dim2)]
    shape = (*[b.shape[d] for d in others], length)
    strides = (*[b.strides[d] for d in others], b.strides[dim1] + b.strides[dim2])
    return as_strided(b, shape, strides)


def diagonal_key(grad_shape: tuple[int, ...], offset: int, dim1: int, dim2: int) -> tuple[np.ndarray, ...]:
    """Index arrays (one per input dim, shaped like the diagonal) naming where each element of a
    diagonal of dims (dim1, dim2) sits in its input: for writing a grad back with index_put."""
    grid = np.indices(grad_shape)
    others = iter(grid[:-1])
    steps = grid[-1]
    key: list[np.ndarray] = []
    for d in range(len(grad_shape) + 1):
        if d == dim1:
            key.append(steps + max(-offset, 0))
        elif d == dim2:
            key.append(steps + max(offset, 0))
        else:
            key.append(next(others))
    return tuple(key)


def _diagonal_vjp(g: Grad, s: SavedView) -> Grad:
    attrs = s.node.attrs
    if s.graph_mode:  # under create_graph: an index_put of the grad into zeros, recorded
        key = diagonal_key(tuple(g.shape), attrs["offset"], attrs["dim1"], attrs["dim2"])
        return s.B.index_backward(g, s.self_sym_sizes, key)
    array = cast("np.ndarray", g)
    out = np.zeros(s.self_sym_sizes, dtype=array.dtype)
    _diagonal_view(out, attrs["offset"], attrs["dim1"], attrs["dim2"])[...] = array
    return out


def _written(dim: int) -> int:
    return dim + 2**64 if dim < 0 else dim


defop(
    "diagonal",
    "DiagonalBackward0",
    ("self",),
    lambda a, offset, dim1, dim2, written: _diagonal_view(a, offset, dim1, dim2),
    {"self": VJP(("dim1", "dim2", "offset", "self_sym_sizes"), _diagonal_vjp)},
    dtype_rule="same",
    view=True,
    save=lambda arrays, attrs: {
        "dim1": _written(attrs["written"][0]),
        "dim2": _written(attrs["written"][1]),
        "offset": _written(attrs["offset"]),
        "self_sym_sizes": tuple(arrays[0].shape),
    },
    cases=(
        GradCase(((3, 3),), {"offset": 0, "dim1": 0, "dim2": 1, "written": (0, 1)}),
        GradCase(((2, 3, 4),), {"offset": 1, "dim1": 2, "dim2": 0, "written": (-1, 0)}),
        GradCase(((4, 3),), {"offset": -1, "dim1": 0, "dim2": 1, "written": (0, 1)}),
    ),
)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """torch.diagonal / Tensor.diagonal: the diagonal of dims (dim1, dim2) as the last dim (a view)."""
    from gradviz.autograd.ops.stacking import _wrap

    first, second = _wrap(dim1, input.dim()), _wrap(dim2, input.dim())
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    attrs = {"offset": int(offset), "dim1": first, "dim2": second, "written": (dim1, dim2)}
    return call(OPS["diagonal"], (input,), attrs)


# -- einsum -----------------------------------------------------------------------------------------------


def _subscript(label: str) -> int:
    return ord(label) - ord("A") if label.isupper() else ord(label) - ord("a") + _LETTERS


def _label(code: int) -> str:
    return chr(code + ord("A")) if code < _LETTERS else chr(code - _LETTERS + ord("a"))


def _parse_inputs(lhs: str, count: int) -> list[list[int]]:
    labels: list[list[int]] = [[] for _ in range(count)]
    current = 0
    ellipsis_seen = False
    i = 0
    while i < len(lhs):
        ch = lhs[i]
        if ch == " ":
            pass
        elif ch == ".":
            if ellipsis_seen:
                raise RuntimeError(f"einsum(): found '.' for operand {current} for which an ellipsis was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {current} that is not part of any ellipsis")
            i += 2
            labels[current].append(_ELLIPSIS)
            ellipsis_seen = True
        elif ch == ",":
            current += 1
            if current >= count:
                raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
            ellipsis_seen = False
        else:
            if not (ch.isascii() and ch.isalpha()):
                raise RuntimeError(
                    f"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be in "
                    "[a-zA-Z]"
                )
            labels[current].append(_subscript(ch))
        i += 1
    if current != count - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return labels


def _operand_list(operands: Sequence[object]) -> list[Tensor]:
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    items = list(operands)
    for position, item in enumerate(items):
        if not isinstance(item, _registry.Tensor):
            raise TypeError(
                f"einsum(): argument 'tensors' (position 2) must be tuple of Tensors, but found element of type "
                f"{type(item).__name__} at pos {position}"
            )
    return cast("list[Tensor]", items)


def einsum(equation: str, *operands: object) -> Tensor:
    """torch.einsum: sums of products over the subscripts the equation names, e.g. 'ij,jk->ik'
    (matmul), 'ii' (trace), 'bij,bjk->bik' (batched matmul), '...ij->...ji', 'i,j->ij' (outer)."""
    from gradviz.autograd.ops import functional as F
    from gradviz.autograd.ops.stacking import movedim

    tensors = _operand_list(operands)
    if not tensors:
        raise ValueError(
            "einsum(): must specify the equation string and at least one operand, or at least one operand and its "
            "subscripts list"
        )
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    op_labels = _parse_inputs(lhs, len(tensors))

    label_count = [0] * (2 * _LETTERS)
    ell_num_dim = 0
    for i, (t, labels) in enumerate(zip(tensors, op_labels)):
        named = [s for s in labels if s != _ELLIPSIS]
        has_ellipsis = len(named) != len(labels)
        for s in named:
            label_count[s] += 1
        if has_ellipsis:
            ell_num_dim = max(ell_num_dim, t.dim() - len(named))
        if (len(named) > t.dim()) if has_ellipsis else (len(named) != t.dim()):
            relation = "is more than" if has_ellipsis else "does not match"
            tail = "" if has_ellipsis else " and no ellipsis was given"
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(named)}) {relation} the number of "
                f"dimensions ({t.dim()}) for operand {i}{tail}"
            )

    # Every subscript's position in the common order: output dims first, then the summed ones.
    perm_of = [-1] * (2 * _LETTERS)
    perm_index = 0
    ell_index = 0
    ell_in_output = False
    if arrow < 0:
        perm_index = ell_num_dim
        ell_in_output = True
        for s in range(2 * _LETTERS):
            if label_count[s] == 1:
                perm_of[s] = perm_index
                perm_index += 1
    else:
        rhs = equation[arrow + 2 :]
        i = 0
        while i < len(rhs):
            ch = rhs[i]
            if ch == " ":
                pass
            elif ch == ".":
                if ell_in_output:
                    raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found")
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
                i += 2
                ell_index = perm_index
                perm_index += ell_num_dim
                ell_in_output = True
            else:
                if not (ch.isascii() and ch.isalpha()):
                    raise RuntimeError(
                        f"einsum(): invalid subscript given at index {len(lhs) + 2 + i} in the equation string, "
                        "subscripts must be in [a-zA-Z]"
                    )
                s = _subscript(ch)
                if label_count[s] == 0 or perm_of[s] != -1:
                    why = (
                        "appears more than once in the output"
                        if perm_of[s] > -1
                        else "does not appear in the equation for any input operand"
                    )
                    raise RuntimeError(f"einsum(): output subscript {ch} {why}")
                perm_of[s] = perm_index
                perm_index += 1
            i += 1
    out_num_dim = perm_index
    if not ell_in_output:
        ell_index = perm_index
        perm_index += ell_num_dim
    for s in range(2 * _LETTERS):
        if label_count[s] > 0 and perm_of[s] == -1:
            perm_of[s] = perm_index
            perm_index += 1

    # Align every operand to the common order, checking sizes as they are met.
    label_size = [1] * (2 * _LETTERS)
    ell_sizes = [1] * ell_num_dim
    dim_counts = [0] * perm_index
    ops: list[Tensor] = []
    for i, (original, labels) in enumerate(zip(tensors, op_labels)):
        op = original
        permutation = [-1] * perm_index
        dim = 0
        for s in labels:
            if s == _ELLIPSIS:
                covered = original.dim() - (len(labels) - 1)
                for j in range(ell_num_dim - covered, ell_num_dim):
                    size = op.shape[dim]
                    if size != 1:
                        if ell_sizes[j] != 1 and ell_sizes[j] != size:
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {i}has size {size} which "
                                f"does not broadcast with previously seen ellipsis with size {ell_sizes[j]} for the "
                                "respective dimension"
                            )
                        ell_sizes[j] = size
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j] = dim
                    dim += 1
            elif permutation[perm_of[s]] == -1:
                size = op.shape[dim]
                if size != 1:
                    if label_size[s] != 1 and label_size[s] != size:
                        raise RuntimeError(
                            f"einsum(): subscript {_label(s)} has size {size} for operand {i} which does not "
                            f"broadcast with previously seen size {label_size[s]}"
                        )
                    label_size[s] = size
                    dim_counts[perm_of[s]] += 1
                permutation[perm_of[s]] = dim
                dim += 1
            else:
                previous = permutation[perm_of[s]]
                if op.shape[dim] != op.shape[previous]:
                    raise RuntimeError(
                        f"einsum(): subscript {_label(s)} is repeated for operand {i} but the sizes don't match, "
                        f"{op.shape[dim]} != {op.shape[previous]}"
                    )
                op = movedim(diagonal(op, 0, previous, dim), -1, previous)
        for position, value in enumerate(permutation):
            if value == -1:
                op = F.unsqueeze(op, dim)
                permutation[position] = dim
                dim += 1
        ops.append(F.permute(op, permutation))

    # Contract left to right, summing a dim as soon as no later operand has it.
    while len(ops) > 1:
        a, b = ops[0], ops[1]
        del ops[:2]
        sum_dims: list[int] = []
        a_sums: list[int] = []
        b_sums: list[int] = []
        for dim in range(out_num_dim, perm_index):
            if a.shape[dim] != 1 and b.shape[dim] != 1:
                dim_counts[dim] -= 1
                if dim_counts[dim] == 1:
                    sum_dims.append(dim)
                    dim_counts[dim] = 0
            elif dim_counts[dim] == 1:
                if a.shape[dim] != 1:
                    a_sums.append(dim)
                    dim_counts[dim] = 0
                elif b.shape[dim] != 1:
                    b_sums.append(dim)
                    dim_counts[dim] = 0
        if a_sums:
            a = F.sum(a, tuple(a_sums), True)
        if b_sums:
            b = F.sum(b, tuple(b_sums), True)
        ops.insert(0, _sumproduct_pair(a, b, sum_dims))

    result = ops[0]
    if perm_index > out_num_dim:
        if len(tensors) > 1:
            return F.view(result, tuple(result.shape[:out_num_dim]))
        return F.sum(result, tuple(range(out_num_dim, perm_index)))
    return result


def _sumproduct_pair(left: Tensor, right: Tensor, sum_dims: list[int]) -> Tensor:
    """(left * right) summed over sum_dims, keeping them as size 1: one bmm between permutes and
    reshapes (or a plain mul when nothing is summed)."""
    from gradviz.autograd.ops import functional as F

    if not sum_dims:
        return F.mul(left, right)
    ndim = left.dim()
    lro: list[int] = []
    lo: list[int] = []
    ro: list[int] = []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(ndim):
        in_left, in_right = left.shape[i] != 1, right.shape[i] != 1
        if i in sum_dims:
            if in_left and in_right:
                if left.shape[i] != right.shape[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left.shape[i]
            elif in_left:
                left = F.sum(left, (i,), True)
            elif in_right:
                right = F.sum(right, (i,), True)
        elif in_left and in_right:
            if left.shape[i] != right.shape[i]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(i)
            lro_size *= left.shape[i]
        elif in_left:
            lo.append(i)
            lo_size *= left.shape[i]
        else:
            ro.append(i)
            ro_size *= right.shape[i]
    if lo and ro and ro[-1] < lo[0]:
        # Every right-only output dim comes before every left-only one: torch 2.13 swaps the sides
        # so that bmm writes the result in output order.
        left, right, lo, ro, lo_size, ro_size = right, left, ro, lo, ro_size, lo_size
    out_size = [left.shape[d] for d in lro] + [left.shape[d] for d in lo] + [1] * len(sum_dims)
    out_size += [right.shape[d] for d in ro]
    left_order = lro + lo + sum_dims + ro
    right_order = lro + sum_dims + ro + lo
    out_order = [-1] * len(out_size)
    for position, d in enumerate(lro + lo + sum_dims + ro):
        out_order[d] = position
    left3 = F.reshape(F.permute(left, left_order), (lro_size, lo_size, sum_size))
    right3 = F.reshape(F.permute(right, right_order), (lro_size, sum_size, ro_size))
    product = F.bmm(left3, right3)
    return F.permute(F.view(product, tuple(out_size)), out_order)
