"""Datasets: ``Dataset`` (map-style, for learners to subclass), ``IterableDataset``,
``TensorDataset``, ``Subset``, ``ConcatDataset`` and ``random_split``, with PyTorch 2.13's rules.

``random_split`` draws one ``randperm`` of the whole length from the given generator (the default
one if none is given); fractions that sum to 1 become lengths by flooring, the remainder added
one by one from the first split on.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from gradviz.autograd.random import generator as rng
from gradviz.autograd.random.generator import Generator
from gradviz.autograd.tensor import Tensor
from gradviz.torch.utils.data._names import torch_repr

__all__ = ["ConcatDataset", "Dataset", "IterableDataset", "Subset", "TensorDataset", "random_split"]


class Dataset:
    """A map-style dataset: subclasses give ``__getitem__`` (and usually ``__len__``)."""

    def __class_getitem__(cls, item: object) -> type:
        return cls  # Dataset[int] in a learner's class statement, as with typing.Generic

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])

    def __repr__(self) -> str:
        return torch_repr(self, "dataset")


class IterableDataset(Dataset):
    """A dataset read by iterating it (subclasses give ``__iter__``)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        raise NotImplementedError("gradviz does not support ChainDataset (adding IterableDatasets) yet")


class TensorDataset(Dataset):
    """Samples are the tensors' rows: ``dataset[i] == (t[i] for t in tensors)``."""

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != tensor.size(0) for tensor in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after another."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


def _fraction_lengths(total: int, fractions: Sequence[float]) -> list[int]:
    lengths: list[int] = []
    for index, fraction in enumerate(fractions):
        if fraction < 0 or fraction > 1:
            raise ValueError(f"Fraction at index {index} is not between 0 and 1")
        lengths.append(math.floor(total * fraction))
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for index, length in enumerate(lengths):
        if length == 0:
            warnings.warn(
                f"Length of split at index {index} is 0. This might result in an empty dataset.", stacklevel=3
            )
    return lengths


def random_split(
    dataset: Any, lengths: Sequence[int | float], generator: Generator | None = rng.default_generator
) -> list[Subset]:
    """Non-overlapping random subsets of the given lengths (or fractions of the whole)."""
    sizes: Sequence[int | float] = lengths
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = _fraction_lengths(len(dataset), lengths)
    if sum(sizes) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = rng.randperm(int(sum(sizes)), generator=generator).tolist()
    subsets = []
    for end, length in zip(itertools.accumulate(sizes), sizes):
        subsets.append(Subset(dataset, order[int(end - length) : int(end)]))
    return subsets
