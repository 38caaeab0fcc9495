# torch.autograd.graph.saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks and
# grad_fn._raw_saved_*: when pack and unpack run, what they see, and what they may return.
# %% imports
import torch
# %% pack runs when an op saves, unpack when backward (or _saved_*) reads
def pack(t):
    print("pack", t)
    return t


def unpack(t):
    print("unpack", t)
    return t


a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    y = a * b
    z = a.exp()
    q = (a * 2).sin()
    r = a / b
print("forward done")
print(z.grad_fn._saved_result)
print(z.grad_fn._saved_result is z)
r.sum().backward()
print(a.grad, b.grad)
# %% no grad, no saving, no pack
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    with torch.no_grad():
        n1 = a * b
    n2 = torch.ones(2) * torch.ones(2)
    n3 = a @ torch.ones(2)
print("nothing packed above the dot")
# %% nested hooks: only the innermost pair applies
c = torch.ones(2, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    with torch.autograd.graph.saved_tensors_hooks(lambda t: (print("inner"), t)[1], lambda t: t):
        s = c.exp()
    s2 = c.exp()
(s + s2).sum().backward()
print(c.grad)
# %% pack may return anything unpack can turn back into a tensor
store = []
with torch.autograd.graph.saved_tensors_hooks(lambda t: store.append(t * 10) or len(store) - 1, lambda i: store[i] / 10):
    e = (a * b).sum()
e.backward()
print(len(store), a.grad, b.grad)
# %% unpack must return a tensor
with torch.autograd.graph.saved_tensors_hooks(lambda t: 7, lambda x: x):
    bad = a.exp()
bad.sum().backward()
# %% pack must not change its input in place
with torch.autograd.graph.saved_tensors_hooks(lambda t: t.add_(1), lambda x: x):
    torch.ones(3, requires_grad=True).clone().exp()
# %% save_on_cpu keeps CPU tensors where they are
d = torch.tensor([0.5, 1.5], requires_grad=True)
with torch.autograd.graph.save_on_cpu():
    out = (d * 3).sin()
out.sum().backward()
print(d.grad)
with torch.autograd.graph.save_on_cpu(pin_memory=True):
    out2 = d.tanh()
out2.sum().backward()
print(d.grad)
# %% disable_saved_tensors_hooks refuses hooks inside it
with torch.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        pass
# %% _raw_saved_* and register_hooks on one saved tensor
k = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
cube = k.pow(3)
raw = cube.grad_fn._raw_saved_self
print(type(raw).__name__)
raw.register_hooks(pack, unpack)
print(cube.grad_fn._saved_self)
print(cube.grad_fn._saved_exponent)
cube.sum().backward()
print(k.grad)
# %% hooks can be set once per saved tensor
m = k * torch.ones(3)
m.grad_fn._raw_saved_other.register_hooks(lambda t: t, lambda t: t)
m.grad_fn._raw_saved_other.register_hooks(lambda t: t, lambda t: t)
# %% and not after backward has freed it
m2 = k.pow(2)
m2.sum().backward()
m2.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)
# %% numbers saved by a node have no raw form
k.pow(2).grad_fn._raw_saved_exponent
# %% a saved tensor read after backward is freed, hooks or not
with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
    f = (k * 2).exp()
f.sum().backward()
f.grad_fn._saved_result
