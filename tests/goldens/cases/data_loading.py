# torch.utils.data: Dataset, TensorDataset, DataLoader (batching, shuffling from torch's generator,
# drop_last, collate), random_split, Subset, ConcatDataset, samplers; the random stream after a loop.
# %% imports
import torch
from torch.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    TensorDataset,
    random_split,
)
from torch.utils.data import default_collate
# %% a TensorDataset indexes every tensor at once
torch.manual_seed(0)
xs = torch.arange(12.0).reshape(6, 2)
ys = torch.tensor([0, 1, 0, 1, 1, 0])
pairs = TensorDataset(xs, ys)
print(len(pairs), pairs[2], pairs[-1], pairs[1:3])
# %% tensors of different lengths are refused
TensorDataset(torch.zeros(3), torch.zeros(4))
# %% batches in order, the last one short, and a list of batches per step
loader = DataLoader(pairs, batch_size=4)
print(len(loader), [(bx.shape, by) for bx, by in loader])
print(next(iter(loader)))
# %% iterating a loader draws one number from the default generator, even without shuffling
torch.manual_seed(1)
for _ in DataLoader(pairs, batch_size=2):
    pass
print(torch.rand(2))
# %% shuffled batches come from torch's generator
torch.manual_seed(2)
shuffled = DataLoader(pairs, batch_size=4, shuffle=True)
print([by.tolist() for _, by in shuffled])
print([by.tolist() for _, by in shuffled])
print(torch.rand(1))
# %% drop_last and len
print(len(DataLoader(pairs, batch_size=4, drop_last=True)), len(DataLoader(pairs, batch_size=5)))
print([b[1].tolist() for b in DataLoader(pairs, batch_size=4, shuffle=True, drop_last=True)])
# %% a generator makes the order its own
g = torch.Generator().manual_seed(7)
print([by.tolist() for _, by in DataLoader(pairs, batch_size=3, shuffle=True, generator=g)])
print([by.tolist() for _, by in DataLoader(pairs, batch_size=3, shuffle=True, generator=g)])
# %% a learner's Dataset with numbers, dicts and strings
class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": i, "y": i * i / 2, "name": f"item{i}", "pair": (i, float(i))}


batch = next(iter(DataLoader(Squares(5), batch_size=3)))
print(batch)
print(batch["y"].dtype, batch["x"].dtype)
# %% default_collate by hand
print(default_collate([1, 2, 3]), default_collate([1.5, 2.0]), default_collate([True, False]))
print(default_collate([(torch.ones(2), 0), (torch.zeros(2), 1)]))
print(default_collate([[1, 2], [3, 4]]))
# %% batch_size=None gives the samples themselves
print(list(DataLoader(Squares(2), batch_size=None))[1]["pair"])
# %% a collate_fn of one's own
print(list(DataLoader(range(5), batch_size=2, collate_fn=lambda b: sum(b))))
# %% a Dataset without __getitem__
Dataset()[0]
# %% random_split by lengths and by fractions
torch.manual_seed(3)
first, second = random_split(range(10), [7, 3])
print(first.indices, second.indices, len(first), list(second))
a, b, c = random_split(range(10), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(42))
print(a.indices, b.indices, c.indices)
print([len(s) for s in random_split(range(7), [0.5, 0.5])])
# %% fractions that leave a split empty warn
print([len(s) for s in random_split(range(2), [0.1, 0.9])])
# %% lengths that do not add up
random_split(range(5), [2, 2])
# %% fractions out of range
random_split(range(5), [1.5, -0.5])
# %% Subset, ConcatDataset and adding datasets
part = Subset(pairs, [5, 0])
print(len(part), part[0], part[1][1])
both = ConcatDataset([range(3), range(10, 12)])
print(len(both), both[3], both[-1], list(both))
print(len(pairs + pairs), (pairs + Squares(2))[7]["x"])
# %% samplers
print(list(SequentialSampler(range(4))), list(BatchSampler(range(7), 3, False)), list(BatchSampler(range(7), 3, True)))
torch.manual_seed(4)
print(list(RandomSampler(range(5))), list(RandomSampler(range(5), replacement=True, num_samples=7)))
print(len(RandomSampler(range(5), num_samples=3)), list(RandomSampler(range(3), generator=torch.Generator().manual_seed(0))))
# %% samplers given to a DataLoader
print([b.tolist() for b in DataLoader(torch.arange(6), sampler=SequentialSampler(range(6)), batch_size=4)])
print([b.tolist() for b in DataLoader(torch.arange(6), batch_sampler=BatchSampler(range(6), 2, False))])
# %% shuffle and sampler together are refused
DataLoader(pairs, shuffle=True, sampler=SequentialSampler(pairs))
# %% a bad batch size
BatchSampler(range(3), 0, False)
# %% a training loop over a DataLoader
torch.manual_seed(5)
w = torch.zeros(2, requires_grad=True)
data = TensorDataset(torch.randn(8, 2), torch.randn(8))
for epoch in range(2):
    for bx, by in DataLoader(data, batch_size=3, shuffle=True):
        loss = ((bx @ w - by) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    print(epoch, loss.item())
print(w)
