# Learner-style script in the manner of Dive into Deep Learning's "Layers and Modules": an MLP
# subclass, a hand-made Sequential that stores children in self._modules, a block with a constant
# random weight, Python control flow and a reused layer, nested blocks, and the container modules
# (ModuleList, ModuleDict, ParameterList, ParameterDict) with their reprs.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: N803

# %%
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
X = torch.rand(2, 10)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(10, 16)
        self.out = nn.Linear(16, 4)

    def forward(self, X):
        return self.out(F.relu(self.hidden(X)))


net = MLP()
print(net(X))
print(net)


# %%
class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self._modules[str(idx)] = module

    def forward(self, X):
        for block in self._modules.values():
            X = block(X)
        return X


seq = MySequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 4))
print(seq(X))
print(seq)
print([n for n, _ in seq.named_parameters()])


# %%
class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.rand_weight = torch.rand((10, 10), requires_grad=False)
        self.linear = nn.Linear(10, 10)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(torch.mm(X, self.rand_weight) + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


fixed = FixedHiddenMLP()
print(fixed(X))


class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 12), nn.ReLU(), nn.Linear(12, 10), nn.ReLU())
        self.linear = nn.Linear(10, 10)

    def forward(self, X):
        return self.linear(self.net(X))


chimera = nn.Sequential(NestMLP(), nn.Linear(10, 10), FixedHiddenMLP())
print(chimera(X))
print(chimera)

# %%
layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
layers.append(nn.Tanh())
heads = nn.ModuleDict({"cls": nn.Linear(4, 2), "reg": nn.Linear(4, 1)})
scales = nn.ParameterList([nn.Parameter(torch.ones(4) * i) for i in range(2)])
extras = nn.ParameterDict({"shift": nn.Parameter(torch.zeros(4)), "gain": nn.Parameter(torch.full((4,), 2.0))})
print(layers)
print(heads)
print(scales)
print(extras)


class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = layers
        self.heads = heads
        self.scales = scales
        self.extras = extras

    def forward(self, x):
        for i, layer in enumerate(self.layers[:-1]):
            x = layer(x) * self.scales[i % 2]
        x = self.layers[-1](x) * self.extras["gain"] + self.extras["shift"]
        return {k: h(x) for k, h in self.heads.items()}


stack = Stack()
res = stack(torch.ones(1, 4))
print(res)
res["cls"].sum().backward()
print(stack.extras["gain"].grad, stack.scales[1].grad)
print(len(list(stack.parameters())), [n for n, _ in stack.named_parameters()])
print(len(layers), "cls" in heads, list(heads.keys()))
