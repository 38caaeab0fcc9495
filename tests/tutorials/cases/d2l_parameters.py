# Learner-style script in the manner of Dive into Deep Learning's "Parameter Management": reading a
# layer's state_dict, type(...) of a parameter, .data and .grad, named_parameters unpacked with *,
# nested blocks built with add_module and printed, net.apply with initialisers (normal_, zeros_,
# constant_, xavier_uniform_, a custom uniform_ with a mask), direct edits, and a shared layer.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: RUF015

# %%
import torch
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 1))
X = torch.rand(size=(2, 3))
print(net(X))

# %%
print(net[2].state_dict())
print(type(net[2].bias))
print(net[2].bias)
print(net[2].bias.data)
print(net[2].weight.grad == None)  # noqa: E711 - written as learners write it

# %%
print(*[(name, param.shape) for name, param in net[0].named_parameters()])
print(*[(name, param.shape) for name, param in net.named_parameters()])
print(net.state_dict()["2.bias"].data)
print(list(net.state_dict().keys()))


# %%
def block1():
    return nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 3), nn.ReLU())


def block2():
    outer = nn.Sequential()
    for i in range(3):
        outer.add_module(f"block {i}", block1())
    return outer


rgnet = nn.Sequential(block2(), nn.Linear(3, 1))
print(rgnet(X))
print(rgnet)
print(rgnet[0][1][0].bias.data)


# %%
def init_normal(m):
    if type(m) == nn.Linear:  # noqa: E721 - written as learners write it
        nn.init.normal_(m.weight, mean=0, std=0.01)
        nn.init.zeros_(m.bias)


net.apply(init_normal)
print(net[0].weight.data[0], net[0].bias.data[0])


def init_constant(m):
    if type(m) == nn.Linear:  # noqa: E721
        nn.init.constant_(m.weight, 1)
        nn.init.zeros_(m.bias)


net.apply(init_constant)
print(net[0].weight.data[0], net[0].bias.data[0])


# %%
def init_xavier(m):
    if type(m) == nn.Linear:  # noqa: E721
        nn.init.xavier_uniform_(m.weight)


def init_42(m):
    if type(m) == nn.Linear:  # noqa: E721
        nn.init.constant_(m.weight, 42)


net[0].apply(init_xavier)
net[2].apply(init_42)
print(net[0].weight.data[0])
print(net[2].weight.data)


# %%
def my_init(m):
    if type(m) == nn.Linear:  # noqa: E721
        print("Init", *[(name, param.shape) for name, param in m.named_parameters()][0])
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.data *= m.weight.data.abs() >= 5


net.apply(my_init)
print(net[0].weight[:2])
net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
print(net[0].weight.data[0])

# %%
shared = nn.Linear(4, 4)
tied = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(4, 1))
tied(X)
print(tied[2].weight.data[0] == tied[4].weight.data[0])
tied[2].weight.data[0, 0] = 100
print(tied[2].weight.data[0] == tied[4].weight.data[0])
print(len(list(tied.parameters())))
