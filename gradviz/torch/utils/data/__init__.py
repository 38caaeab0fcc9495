"""``torch.utils.data``: datasets, samplers, ``DataLoader`` and ``random_split``, drawing their random
orders from gradviz's bit-exact copies of torch's generators."""

from __future__ import annotations

from gradviz.autograd.class_names import present_module as _present_module
from gradviz.torch.utils.data.collate import default_collate, default_convert
from gradviz.torch.utils.data.dataloader import DataLoader, get_worker_info
from gradviz.torch.utils.data.dataset import (
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from gradviz.torch.utils.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]

# PyTorch's module and name on the classes exported here (type(x) prints <class 'torch....'>).
_present_module(__name__, globals())
