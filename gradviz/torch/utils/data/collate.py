"""``default_collate`` and ``default_convert``: how a DataLoader turns a list of samples into a batch.

PyTorch 2.13's rules: tensors are stacked along a new first dimension; Python floats become a
float64 tensor, ints (and bools) a tensor of their own inferred dtype; strings stay a list;
numpy arrays and scalars become tensors first; a dict is collated key by key (keeping its type);
a namedtuple field by field; any other sequence position by position, and a tuple of samples
gives a *list* of batches (so ``next(iter(loader))`` is ``[xs, ys]``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any

import numpy as np

from gradviz.autograd import dtypes
from gradviz.autograd.factories import from_numpy, tensor
from gradviz.autograd.ops.functional import stack
from gradviz.autograd.tensor import Tensor

__all__ = ["default_collate", "default_convert"]

ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _numpy_to_tensor(value: np.ndarray | np.generic) -> Tensor:
    array = np.asarray(value)
    if array.dtype.kind in "USO":
        raise TypeError(ERROR.format(array.dtype))
    return from_numpy(array)


def default_collate(batch: Sequence[Any]) -> Any:
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if isinstance(elem, np.ndarray):
        return default_collate([_numpy_to_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number)):
        return from_numpy(np.asarray(batch))
    if isinstance(elem, float):
        return tensor(list(batch), dtype=dtypes.float64)
    if isinstance(elem, int):
        return tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            if isinstance(elem, MutableMapping):
                clone = copy.copy(elem)
                clone.update(collated)
                return clone
            return type(elem)(collated)  # type: ignore[call-arg]
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if not all(len(sample) == size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        try:
            if isinstance(elem, MutableSequence):
                clone_list = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone_list[i] = default_collate(samples)
                return clone_list
            return type(elem)([default_collate(samples) for samples in transposed])  # type: ignore[call-arg]
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError(ERROR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Without batching (``batch_size=None``): numpy arrays become tensors, the rest is kept."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "USO" else from_numpy(data)
    if isinstance(data, (np.bool_, np.number)):
        return from_numpy(np.asarray(data))
    if isinstance(data, Mapping):
        return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data
