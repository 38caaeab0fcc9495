# The version-counter error and "element 0 of tensors does not require grad", word for word.
# %% a saved output modified in place
import torch

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a.sigmoid()
b.mul_(2)
try:
    b.sum().backward()
except RuntimeError as e:
    print(e)

# %% a saved tensor modified through a view names torch::autograd::CopySlices
c = a * 1
c[0] = 5.0
sq = c * c
c[1] = 0.0
print(c.grad_fn, c._version)
try:
    sq.sum().backward()
except RuntimeError as e:
    print(e)

# %% a leaf modified under no_grad: no "which is output" part
w = torch.tensor([1.0, 2.0], requires_grad=True)
p = w.pow(2)
with torch.no_grad():
    w.add_(1)
try:
    p.sum().backward()
except RuntimeError as e:
    print(e)

# %% a saved view rewritten in place names AsStrided
h = a * 1
v = h[:2]
vv = v * v
v.add_(1)
try:
    vv.sum().backward()
except RuntimeError as e:
    print(e)

# %% a custom Function's saved tensor
class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t * 2

    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved_tensors
        return g * 2


d_in = a * 1
d_out = Double.apply(d_in)
d_in.add_(1)
try:
    d_out.sum().backward()
except RuntimeError as e:
    print(e)

# %% backward or grad from tensors without history
plain = torch.tensor([1.0, 2.0])
for attempt in (
    lambda: (plain * 2).sum().backward(),
    lambda: torch.autograd.grad((plain * 3).sum(), [a]),
    lambda: torch.autograd.backward([a.sum(), plain.sum()]),
    lambda: torch.autograd.grad([a.sum(), plain.sum()], [a]),
):
    try:
        attempt()
    except RuntimeError as e:
        print(type(e).__name__, e)
with torch.no_grad():
    made = a * 2
try:
    made.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
