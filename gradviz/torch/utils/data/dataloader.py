"""``DataLoader``: batches of a dataset in the order its sampler gives, as PyTorch 2.13 makes them.

Every iteration starts, as torch's does, by drawing a 64-bit base seed for worker processes from
the loader's generator (the default generator if none was given) — so iterating a DataLoader
moves the random stream even without shuffling, and the numbers drawn after a loop match torch's.
gradviz loads in the learner's process: ``num_workers > 0`` gives the same batches in the same
order (torch's workers keep the order), without worker processes, so a ``worker_init_fn`` never runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from gradviz.autograd.random.generator import Generator
from gradviz.torch.utils.data._names import torch_repr
from gradviz.torch.utils.data.collate import default_collate, default_convert
from gradviz.torch.utils.data.dataset import IterableDataset
from gradviz.torch.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, random_int64

__all__ = ["DataLoader", "get_worker_info"]

PIN_MEMORY_WARNING = (
    "'pin_memory' argument is set as true but no accelerator is found, then device pinned memory won't be used."
)


def get_worker_info() -> None:
    """None: the code is not running in a worker process (gradviz loads data in-process)."""
    return


class _InfiniteConstantSampler(Sampler):
    """What an IterableDataset is "sampled" with: None, forever."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


class DataLoader:
    """Iterates a dataset in batches (see the module docstring for the random stream)."""

    def __class_getitem__(cls, item: object) -> type:
        return cls

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Iterable[Any] | None = None,
        batch_sampler: Iterable[list[Any]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: object = None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable "
                "multiprocessing, otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                    f"batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Iterable[Any]:
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self) -> Iterator[Any]:
        if self.pin_memory:
            warnings.warn(PIN_MEMORY_WARNING, UserWarning, stacklevel=2)
        indices = iter(self._index_sampler)
        random_int64(self.generator)  # the base seed for worker processes, drawn as torch draws it
        if self._iterable:
            return self._iterate_dataset(indices)
        return self._fetch_batches(indices)

    def _fetch_batches(self, indices: Iterator[Any]) -> Iterator[Any]:
        dataset, collate = self.dataset, self.collate_fn
        for index in indices:
            if not self._auto_collation:
                yield collate(dataset[index])
                continue
            fetch_many = getattr(dataset, "__getitems__", None)
            samples = fetch_many(index) if callable(fetch_many) else [dataset[i] for i in index]
            yield collate(samples)

    def _iterate_dataset(self, indices: Iterator[Any]) -> Iterator[Any]:
        source = iter(self.dataset)
        collate = self.collate_fn
        for index in indices:
            if not self._auto_collation:
                try:
                    yield collate(next(source))
                except StopIteration:
                    return
                continue
            samples = list(_take(source, len(index)))
            if not samples or (self.drop_last and len(samples) < len(index)):
                return
            yield collate(samples)
            if len(samples) < len(index):
                return

    def __len__(self) -> int:
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                return length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self._index_sampler)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return torch_repr(self, "dataloader")


def _take(source: Iterator[Any], count: int) -> Iterator[Any]:
    for _ in range(count):
        try:
            yield next(source)
        except StopIteration:
            return
