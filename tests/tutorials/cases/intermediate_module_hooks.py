# Learner-style script on hooks as tutorials and blog posts teach them: tensor.register_hook on an
# intermediate and a leaf, Module.register_forward_pre_hook / register_forward_hook (one edits the
# input, one reads the output), register_full_backward_hook with grad_input/grad_output, handles
# removed, and Module.apply visiting modules in PyTorch's order.

# %%
import torch
import torch.nn as nn

torch.manual_seed(6)
a = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
b = a * 4
b.register_hook(lambda g: print("grad reaching b:", g))
handle = a.register_hook(lambda g: g * 0.5)
(b**2).sum().backward()
print(a.grad)
handle.remove()
a.grad = None
(a * 4).sum().backward()
print(a.grad)


# %%
class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(4, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


net = TwoLayer()
seen = {}


def record_output(module, inputs, output):
    seen[module.__class__.__name__] = output.shape
    print("forward hook on", module.__class__.__name__, [i.shape for i in inputs], output.shape)


def double_input(module, inputs):
    print("pre-hook on", type(module).__name__)
    return (inputs[0] * 2,)


h1 = net.fc1.register_forward_hook(record_output)
h2 = net.act.register_forward_hook(record_output)
h3 = net.fc2.register_forward_pre_hook(double_input)
x = torch.randn(2, 3)
y = net(x)
print(y)
print(seen)


# %%
def show_grads(module, grad_input, grad_output):
    print(type(module).__name__, "grad_input:", grad_input)
    print(type(module).__name__, "grad_output:", grad_output)


h4 = net.fc2.register_full_backward_hook(show_grads)
h5 = net.act.register_full_backward_hook(show_grads)
net(x).sum().backward()

# %%
for h in (h1, h2, h3, h4, h5):
    h.remove()
print(net(x))
net(x).sum().backward()
print(net.fc2.weight.grad)

# %%
order = []
deep = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 3)), TwoLayer())
deep.apply(lambda m: order.append(type(m).__name__))
print(order)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=0.1)
        nn.init.zeros_(m.bias)


deep.apply(init_weights)
print(deep[0].weight)
print(deep[2].fc2.weight)
print([name for name, _ in deep.named_modules()])
