# Learner-style script in the manner of "Datasets & DataLoaders": wrap tensors in a TensorDataset,
# write a map-style Dataset, batch with a DataLoader (shuffled from torch's generator), split
# with random_split, and read one batch with next(iter(...)).

# %%
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset, random_split

torch.manual_seed(5)
xs = torch.arange(20.0).reshape(10, 2)
ys = torch.arange(10) % 3
pairs = TensorDataset(xs, ys)
print(len(pairs))
print(pairs[4])

# %%
loader = DataLoader(pairs, batch_size=4, shuffle=True)
for step, (bx, by) in enumerate(loader):
    print(step, bx.shape, by)

# %%
first_x, first_y = next(iter(loader))
print(first_x)
print(first_y)
print(len(loader))

# %%
ordered = DataLoader(pairs, batch_size=3, shuffle=False, drop_last=True)
print([b[1].tolist() for b in ordered])


# %%
class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        v = torch.tensor(float(idx))
        return v, v * v


sq = Squares(7)
print(len(sq), sq[3])
for a, b in DataLoader(sq, batch_size=3):
    print(a, b)

# %%
train_part, test_part = random_split(pairs, [7, 3], generator=torch.Generator().manual_seed(42))
print(len(train_part), len(test_part))
print(train_part.indices, test_part.indices)
print(train_part[0])

# %%
left, right = random_split(range(8), [0.5, 0.5])
print(list(left), list(right))

# %%
g = torch.Generator()
g.manual_seed(1)
print([b.tolist() for b, _ in DataLoader(pairs, batch_size=5, shuffle=True, generator=g)])
