"""copy.deepcopy of tensors, as torch.Tensor.__deepcopy__ and nn.Parameter.__deepcopy__ do it.

Learners deep-copy models all the time (keeping the best model of a training run), and models hold
leaves only. So: a leaf is copied with its data, requires_grad, .grad and its own Python attributes,
never its place in an autograd graph; a result of an op (a non-leaf) is refused with PyTorch's
message. Views of one storage copied together (``deepcopy([a, a[1:]])``) stay views of one copy,
as torch keeps them through the storage it memoizes.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gradviz.autograd.tensor import Tensor

__all__ = ["NON_LEAF_DEEPCOPY", "deepcopy_array", "deepcopy_tensor"]

NON_LEAF_DEEPCOPY = (
    "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  "
    "If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, "
    "see https://github.com/pytorch/pytorch/pull/103001"
)

# Engine state kept in a tensor's instance dict (see Tensor's class defaults): a copy starts a new
# leaf, so none of it carries over; everything else in the dict is the learner's own attributes.
_ENGINE_STATE = frozenset(
    {
        "_base",
        "_view_fn",
        "_hooks",
        "_post_accumulate_hooks",
        "_retains_grad",
        "_grad_accumulator",
        "_wrapped_number",
        "_is_param",
        "_origin",
        "_multi_output_view",
    }
)


def _root(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory, walking numpy's chain of views."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    return root


def _address(array: np.ndarray) -> int:
    return int(array.__array_interface__["data"][0])


def deepcopy_array(array: np.ndarray, memo: dict[int, Any]) -> np.ndarray:
    """A copy of ``array`` that shares memory with the copies of its other views in this ``memo``."""
    root = _root(array)
    if not (root.flags.c_contiguous or root.flags.f_contiguous):
        return array.copy(order="K")  # an owner with gaps: no layout to reproduce, so no sharing
    root_copy = memo.get(id(root))
    if not isinstance(root_copy, np.ndarray):
        root_copy = root.copy(order="C" if root.flags.c_contiguous else "F")
        # The key's object stays alive without help: the tensor being copied holds it.
        memo[id(root)] = root_copy
    if array is root:
        return root_copy
    offset = _address(array) - _address(root)
    return np.ndarray(array.shape, array.dtype, buffer=root_copy, offset=offset, strides=array.strides)


def deepcopy_tensor(tensor: Tensor, memo: dict[int, Any]) -> Tensor:
    from gradviz.autograd.tensor import Tensor

    if tensor.grad_fn is not None:
        raise RuntimeError(NON_LEAF_DEEPCOPY)
    new = object.__new__(type(tensor))
    Tensor._init(new, deepcopy_array(tensor._data, memo), tensor.dtype)
    new._version_counter = [1]  # torch fills a fresh tensor with set_(), which counts once
    new._requires_grad = tensor._requires_grad
    memo[id(tensor)] = new
    if tensor._grad is not None:
        new._grad = copy.deepcopy(tensor._grad, memo)
    for key, value in tensor.__dict__.items():
        if key not in _ENGINE_STATE:
            new.__dict__[key] = copy.deepcopy(value, memo)
    return new
