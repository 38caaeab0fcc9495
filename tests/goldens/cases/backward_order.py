# The order in which backward runs nodes, made visible by hooks that print.
# %% imports and a helper that reports every node as it runs
import torch
def trace(*tensors):
    # Label each tensor's grad_fn; print the label when the node has run.
    for label, t in tensors:
        t.grad_fn.register_hook(lambda gi, go, label=label: print("ran", label))
def trace_leaf(*leaves):
    for label, t in leaves:
        t.register_hook(lambda g, label=label: print("leaf", label, g))
# %% a chain runs from the output back to the leaf
x = torch.tensor(1.0, requires_grad=True)
a = x * 2
b = a + 1
c = b.exp()
trace(("a", a), ("b", b), ("c", c))
c.backward()
# %% a diamond: both branches finish before the node they meet at
x = torch.tensor(1.0, requires_grad=True)
a = x * 2
l = a * 3
r = a + 4
out = l * r
trace(("a", a), ("l", l), ("r", r), ("out", out))
out.backward()
# %% the same diamond with the right branch created first: the later-created branch runs first
x = torch.tensor(1.0, requires_grad=True)
a = x * 2
r = a + 4
l = a * 3
out = l * r
trace(("a", a), ("l", l), ("r", r), ("out", out))
out.backward()
# %% a long and a short branch: the node runs only when both grads arrived
x = torch.tensor(1.0, requires_grad=True)
a = x.exp()
short = a * 2
long1 = a.sin()
long2 = long1 * 3
long3 = long2.cos()
out = short + long3
trace(("a", a), ("short", short), ("long1", long1), ("long2", long2), ("long3", long3), ("out", out))
out.backward()
# %% a leaf used twice: one AccumulateGrad, its hook fires once with the sum
x = torch.tensor(2.0, requires_grad=True)
p = x * 3
q = x.exp()
out = p + q
trace(("p", p), ("q", q), ("out", out))
trace_leaf(("x", x))
out.backward()
print(x.grad)
# %% several leaves: AccumulateGrad nodes run by creation order of the leaves' first use
u = torch.tensor(1.0, requires_grad=True)
v = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
out = u * v + w
trace_leaf(("u", u), ("v", v), ("w", w))
out.backward()
# %% a tie between AccumulateGrad nodes of one node's inputs
u = torch.tensor(1.0, requires_grad=True)
v = torch.tensor(2.0, requires_grad=True)
out = v * u
trace_leaf(("u", u), ("v", v))
out.backward()
# %% leaves reached at different depths
u = torch.tensor(1.0, requires_grad=True)
v = torch.tensor(2.0, requires_grad=True)
deep = ((u * 2).exp() * 3).sin()
out = deep + v
trace_leaf(("u", u), ("v", v))
trace(("deep", deep), ("out", out))
out.backward()
# %% the same leaves used in the opposite order
u = torch.tensor(1.0, requires_grad=True)
v = torch.tensor(2.0, requires_grad=True)
out = v + ((u * 2).exp() * 3).sin()
trace_leaf(("u", u), ("v", v))
out.backward()
# %% two independent branches joined by sum: the most recently created node runs first
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
bx = x.exp()
by = y.exp()
out = bx.sum() + by.sum()
trace(("bx", bx), ("by", by), ("out", out))
trace_leaf(("x", x), ("y", y))
out.backward()
# %% the seed's graph, traced
x = torch.ones(3, 2, requires_grad=True)
y = x ** 2
y1 = y + 1
z = y1 * y
s = z.sum()
trace(("y", y), ("y+1", y1), ("z", z), ("s", s))
trace_leaf(("x", x))
s.backward()
# %% tensor hooks on non-leaves interleave with node hooks
x = torch.tensor(1.0, requires_grad=True)
a = x * 2
b = a * 3
a.register_hook(lambda g: print("tensor hook a", g))
b.register_hook(lambda g: print("tensor hook b", g))
trace(("a", a), ("b", b))
b.backward()
