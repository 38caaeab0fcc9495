# Iterating a tensor unbinds it: every row is a view and an output of one UnbindBackward0 node.
# %% rows share one node, each with its output number
import torch

torch.manual_seed(0)
x = torch.randn(3, 2, requires_grad=True)
rows = list(x)
first = rows[0].grad_fn
print(first, first is rows[2].grad_fn, [r.output_nr for r in rows], first.next_functions)
print(first._saved_dim, rows[1]._base is x, rows[1]._version, rows[1].is_leaf, rows[1].requires_grad)
a, b, c = x
print(a.grad_fn is first, b, torch.equal(c, x[2]))

# %% backward stacks the rows' grads, zeros where a row got none
x.grad = None
rows[1].sum().backward()
print(x.grad)
x.grad = None
total = sum(r.sum() * (i + 1) for i, r in enumerate(x))
total.backward()
print(total, x.grad)

# %% torch.unbind and Tensor.unbind, any dim; a negative dim is saved as written
cols = torch.unbind(x, 1)
print(len(cols), cols[1], cols[0].grad_fn._saved_dim, x.unbind(dim=-1)[0].grad_fn._saved_dim)
print(x.unbind(-1)[1].shape, torch.unbind(torch.ones(2, 3, 4), 2)[3].shape)
try:
    torch.tensor(1.0).unbind()
except IndexError as e:
    print(type(e).__name__, e)
try:
    x.unbind(2)
except IndexError as e:
    print(type(e).__name__, e)
try:
    list(torch.tensor(2.0))
except TypeError as e:
    print(type(e).__name__, e)

# %% rows are views: writing into them changes the tensor when nothing is recorded
z = torch.zeros(3, 2)
for i, row in enumerate(z):
    row.add_(i)
print(z, z._version)
with torch.no_grad():
    y = x * 1
    for row in y:
        row.mul_(0)
print(y)

# %% but PyTorch refuses in-place writes into views made by a multi-output op
y = x * 1
for target in (lambda r: r.add_(1), lambda r: r.t().mul_(2), lambda r: r[0:1].zero_()):
    try:
        target(list(y)[1])
    except RuntimeError as e:
        print(type(e).__name__, e)
try:
    y.unbind(0)[0][0] = 5.0
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    list(x)[0].add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)

# %% double backward through unbind records StackBackward0
x.grad = None
(g,) = torch.autograd.grad(sum(r.pow(2).sum() for r in x), x, create_graph=True)
print(g.grad_fn, g.grad_fn.next_functions)
(gg,) = torch.autograd.grad(g.sum(), x)
print(g, gg)

# %% a loop over rows in a model, as learners write it
w = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
data = torch.tensor([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]])
loss = torch.zeros(())
for sample in data:
    loss = loss + (w @ sample).pow(2).sum()
loss.backward()
print(loss, w.grad, [sample.grad_fn for sample in data][:1])
