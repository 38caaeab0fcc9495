# The Module API a first course uses: forward pre-hooks and hooks (changing inputs and outputs,
# removal), full backward hooks (grad_input/grad_output, the BackwardHookFunctionBackward nodes),
# Module.apply's order (and the random stream of an init function), named_modules/children order,
# state_dict/load_state_dict round trips, train/eval, zero_grad, requires_grad_, and the
# containers ModuleList, ModuleDict, ParameterList, ParameterDict.
# %% imports
import torch
import torch.nn as nn

# %% a model with nested modules
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.lin(x))


model = nn.Sequential(Block(), nn.Sequential(nn.Linear(3, 2), nn.Tanh()), nn.Linear(2, 1))
print(model)
print([n for n, _ in model.named_modules()])
print([n for n, _ in model.named_children()], len(list(model.modules())))
# %% apply visits children first, in registration order; an init function draws in that order
order = []
model.apply(lambda m: order.append(type(m).__name__))
print(order)


def init(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.constant_(m.bias, 0.1)


torch.manual_seed(1)
model.apply(init)
print(model[0].lin.weight, model[2].weight)
# %% forward pre-hooks and hooks
calls = []


def pre(module, args):
    calls.append(("pre", type(module).__name__, tuple(args[0].shape)))
    return (args[0] + 1,)


def post(module, args, output):
    calls.append(("post", type(module).__name__, tuple(output.shape)))
    return output * 2


h1 = model[2].register_forward_pre_hook(pre)
h2 = model[2].register_forward_hook(post)
h3 = model[0].register_forward_hook(lambda m, a, o: calls.append(("block", o.sum().item() > -100)))
x = torch.ones(2, 3)
print(model(x))
print(calls)
print(type(h1), type(model), type(model[2]))
h1.remove()
h2.remove()
h3.remove()
print(model(x), len(calls))


# %% full backward hooks see grad_input and grad_output
def show(module, grad_input, grad_output):
    print(type(module).__name__, [None if g is None else tuple(g.shape) for g in grad_input], grad_output[0])


hb = model[1].register_full_backward_hook(show)
hl = model[2].register_full_backward_hook(show)
out = model(x)
print(out.grad_fn, out.grad_fn.next_functions[0][0].name())
out.sum().backward()


def scale(module, grad_input, grad_output):
    return (grad_input[0] * 0,)


model.zero_grad()
hs = model[1].register_full_backward_hook(scale)
model(x).sum().backward()
print(model[0].lin.weight.grad, model[2].weight.grad)
hb.remove()
hl.remove()
hs.remove()
print(model(x).grad_fn)
# %% a backward hook on the first layer (its input needs no grad)
first = nn.Linear(3, 1)
first.register_full_backward_hook(lambda m, gi, go: print("first", gi, go))
first(torch.ones(1, 3)).sum().backward()
# %% state_dict and load_state_dict
sd = model.state_dict()
print(list(sd.keys()))
print(sd["2.bias"], sd["2.bias"].requires_grad)
torch.manual_seed(2)
clone = nn.Sequential(Block(), nn.Sequential(nn.Linear(3, 2), nn.Tanh()), nn.Linear(2, 1))
print(clone.load_state_dict(sd))
print((clone(x) - model(x)).abs().max().item() == 0)
try:
    clone.load_state_dict({"2.weight": torch.zeros(1, 2)})
except RuntimeError as e:
    print(e)
print(clone.load_state_dict({"2.weight": torch.zeros(1, 2)}, strict=False))
# %% train/eval, requires_grad_, zero_grad
model.eval()
print(model.training, model[1][0].training)
model.train()
print(model[1][1].training)
model.requires_grad_(False)
print([p.requires_grad for p in model.parameters()][:2])
model.requires_grad_()
model(x).sum().backward()
model.zero_grad(set_to_none=False)
print(model[2].weight.grad)
model.zero_grad()
print(model[2].weight.grad)
# %% ModuleList and ModuleDict
layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
layers.append(nn.ReLU())
layers.insert(0, nn.Identity())
print(layers)
print(len(layers), type(layers[1]).__name__, layers[-1])
layers.extend([nn.Tanh(), nn.Tanh()])
print(layers)
heads = nn.ModuleDict({"b": nn.Linear(2, 1), "a": nn.Linear(2, 3)})
heads["c"] = nn.Sigmoid()
print(heads)
print(list(heads.keys()), "a" in heads, len(heads))
print([n for n, _ in heads.named_parameters()])
# %% ParameterList and ParameterDict
plist = nn.ParameterList([nn.Parameter(torch.ones(2)), torch.zeros(3, 2)])
plist.append(nn.Parameter(torch.ones(1)))
print(plist)
print(type(plist[1]).__name__, plist[1].requires_grad, len(plist))
pdict = nn.ParameterDict({"w": nn.Parameter(torch.ones(2)), "b": torch.zeros(2)})
print(pdict)
print(list(pdict.keys()), [n for n, _ in pdict.named_parameters()])


class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.params = nn.ParameterList([nn.Parameter(torch.randn(2)) for _ in range(2)])
        self.table = nn.ParameterDict({"scale": nn.Parameter(torch.ones(1))})
        self.blocks = nn.ModuleList([nn.Linear(2, 2)])


print(Holder())
print([n for n, _ in Holder().named_parameters()])
