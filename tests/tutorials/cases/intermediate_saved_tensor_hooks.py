# Learner-style script in the manner of "Hooks for autograd saved tensors": the _saved_* attributes
# of a node and whether they are the same objects, pack/unpack hooks through
# torch.autograd.graph.saved_tensors_hooks (printing, scaling, storing an index, returning a
# tuple), _raw_saved_* with register_hooks, a Module wrapper, and double access after backward.

# %%
import torch
import torch.nn as nn

torch.manual_seed(8)
u = torch.randn(3, requires_grad=True)
v = torch.full((3,), 3.0, requires_grad=True)
prod = u * v
print(prod.grad_fn._saved_self)
print(prod.grad_fn._saved_other)
print(prod.grad_fn._saved_self is u, prod.grad_fn._saved_other is v)

# %%
e = torch.exp(u)
print(e.grad_fn._saved_result.equal(e))
print(e.grad_fn._saved_result is e)


def square(t):
    return t * t


chain = square(square(u))
print(chain.grad_fn._saved_self.equal(u * u))


# %%
def show_pack(t):
    print("pack", t)
    return t


def show_unpack(t):
    print("unpack", t)
    return t


left = torch.full((2,), 2.0, requires_grad=True)
right = torch.ones(2, requires_grad=True) * 5
with torch.autograd.graph.saved_tensors_hooks(show_pack, show_unpack):
    out = left * right
out.sum().backward()
print(left.grad)

# %%
w = torch.randn(4, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(lambda t: t * 10, lambda t: t / 10):
    sq = torch.pow(w, 2)
sq.sum().backward()
print(torch.allclose(w.grad, 2 * w), w.grad.equal(2 * w))

# %%
vault = []


def stash(t):
    vault.append(t)
    return len(vault) - 1


def fetch(i):
    return vault[i]


w.grad = None
with torch.autograd.graph.saved_tensors_hooks(stash, fetch):
    sq = w * w
sq.sum().backward()
print(len(vault), w.grad.equal(2 * w))


# %%
def pack_shifted(t):
    shift = torch.randn(*t.size())
    return t - shift, lambda z: z + shift


def unpack_shifted(packed):
    z, restore = packed
    return restore(z)


w.grad = None
with torch.autograd.graph.saved_tensors_hooks(pack_shifted, unpack_shifted):
    sq = w * w
sq.sum().backward()
print(torch.allclose(w.grad, 2 * w), torch.all(w.grad - 2 * w <= 1e-5))

# %%
k = torch.randn(3, requires_grad=True)
cubed = k.pow(3)
cubed.grad_fn._raw_saved_self.register_hooks(show_pack, show_unpack)
print(cubed.grad_fn._saved_self)
print(cubed.grad_fn._saved_exponent)
cubed.sum().backward()
print(k.grad)


# %%
class SavesThrough(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, *args):
        with torch.autograd.graph.saved_tensors_hooks(lambda t: t.clone(), lambda t: t):
            return self.inner(*args)


net = nn.Sequential(nn.Linear(4, 6), SavesThrough(nn.Linear(6, 6)), nn.Linear(6, 2))
loss = net(torch.randn(4)).sum()
loss.backward()
print(net[1].inner.weight.grad.shape)
with torch.autograd.graph.save_on_cpu():
    on_cpu = (w * 3).sin()
on_cpu.sum().backward()
print(w.grad)

# %%
y = (torch.ones(3, requires_grad=True) * 2).pow(2)
y.sum().backward()
try:
    print(y.grad_fn._saved_self)
except RuntimeError as e:
    print(type(e).__name__, e)
