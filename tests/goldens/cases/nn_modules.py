# nn.Module: registration by attribute assignment, traversal, printing, train/eval, zero_grad,
# state_dict, Sequential, the activation modules, and the errors learners meet.
# %% imports
import torch
import torch.nn as nn
# %% a user-defined module registers what is assigned in __init__
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(3, 1)
        self.scale = 2.0
    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale
torch.manual_seed(0)
net = Net()
print(net)
# %% parameters in registration order, with dotted names
for name, p in net.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print(sum(p.numel() for p in net.parameters()))
# %% modules and children
print([name for name, _ in net.named_modules()])
print(list(net.children()))
print([name for name, _ in net.named_children()])
# %% calling the module runs forward
out = net(torch.tensor([[1.0, -1.0], [0.5, 2.0]]))
print(out)
print(out.grad_fn.name(), out.grad_fn.next_functions[0][0].name())
# %% train and eval flip the flag on every submodule
print(net.training, net.fc1.training)
net.eval()
print(net.training, net.fc1.training)
print(net.train() is net, net.act.training)
# %% zero_grad sets grads to None by default; set_to_none=False zeroes them instead
out.sum().backward()
print(net.fc2.bias.grad)
net.zero_grad(set_to_none=False)
print(net.fc2.bias.grad)
net.zero_grad()
print(net.fc2.bias.grad)
# %% state_dict holds detached copies of every parameter, in order
sd = net.state_dict()
print(list(sd.keys()))
print(sd["fc2.bias"])
print(sd["fc2.weight"].requires_grad)
print(net.load_state_dict(sd))
# %% Sequential: numbered children, indexing and slicing, len
torch.manual_seed(0)
seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid())
print(seq)
print(seq[0])
print(seq[1:3])
print(len(seq), [n for n, _ in seq.named_parameters()])
print(seq(torch.ones(2, 3)))
# %% nested Sequential: dotted names follow the nesting
model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
print(model)
print([n for n, _ in model.named_parameters()])
# %% the activation and reshaping modules print their arguments
print(nn.ReLU(), nn.ReLU(inplace=True), nn.Tanh(), nn.Sigmoid(), nn.Identity())
print(nn.Softmax(dim=1), nn.Softmax(), nn.LogSoftmax(dim=-1), nn.Flatten(), nn.Flatten(0, 1))
print(nn.Flatten()(torch.ones(2, 3, 4)).shape)
# %% nn.Parameter wraps a tensor as a learnable leaf
p = nn.Parameter(torch.tensor([1.0, 2.0]))
print(p)
print(nn.Parameter(torch.tensor([1.0, 2.0]), requires_grad=False))
print(p * 2)
print(isinstance(p, torch.Tensor), p.is_leaf)
# %% a plain tensor attribute is not a parameter
class WithTensor(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.ones(2, requires_grad=True)
        self.p = nn.Parameter(torch.zeros(2))
print([n for n, _ in WithTensor().named_parameters()])
