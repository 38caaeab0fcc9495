# Learner-style script in the manner of Dive into Deep Learning's "Concise Implementation of Linear
# Regression": `from torch.utils import data`, TensorDataset(*arrays) + shuffled DataLoader,
# next(iter(...)), nn.Sequential(nn.Linear), initialising through .data.normal_ / .data.fill_,
# MSELoss, optim.SGD and the estimation error printed at the end. Also the Huber-loss exercise.

# %%
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(0)
true_w = torch.tensor([2.0, -3.4])
true_b = 4.2
X = torch.normal(0, 1, (60, 2))
y = (X @ true_w + true_b + torch.normal(0, 0.01, (60,))).reshape(-1, 1)


def load_array(arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


batch_size = 10
data_iter = load_array((X, y), batch_size)
next(iter(data_iter))

# %%
net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
print(net[0].weight, net[0].bias)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

# %%
num_epochs = 3
for epoch in range(num_epochs):
    for bx, by in data_iter:
        batch_l = loss(net(bx), by)
        trainer.zero_grad()
        batch_l.backward()
        trainer.step()
    epoch_l = loss(net(X), y)
    print(f"epoch {epoch + 1}, loss {epoch_l:f}")

# %%
w = net[0].weight.data
print("w的估计误差：", true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print("b的估计误差：", true_b - b)
print(net[0].weight.grad)

# %%
huber = nn.HuberLoss(delta=0.5)
summed = nn.MSELoss(reduction="sum")
print(huber(net(X[:4]), y[:4]), summed(net(X[:4]), y[:4]))
print(nn.SmoothL1Loss(beta=0.5)(net(X[:4]), y[:4]))
