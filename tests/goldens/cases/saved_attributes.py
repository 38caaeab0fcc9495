# The _saved_* attributes each node exposes (names from dir(), values as PyTorch returns them).
# %% imports and a helper that lists a node's saved attributes
import torch
def saved(t):
    node = t.grad_fn
    names = [name for name in dir(node) if name.startswith("_saved_")]
    print(node.name(), {name: getattr(node, name) for name in names})
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
c = torch.tensor([5.0, 6.0])
M = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
# %% mul and div save both operands when both need grad
saved(x * y)
saved(x / y)
# %% an operand that does not require grad is saved, the other is not needed
saved(x * c)
saved(c * x)
# %% Python scalars are saved as 0-dim tensors
saved(x * 2)
saved(2 * x)
saved(x / 2)
saved(2 / x)
# %% add and sub keep only alpha
saved(x + y)
saved(x + 1)
saved(x - y)
saved(1 - x)
saved(-x)
# %% pow with a scalar exponent keeps the number
saved(x ** 2)
saved(x ** 0.5)
# %% pow with tensor exponent or tensor base keeps the result too
saved(x ** y)
saved(2 ** x)
# %% unary functions save their input or their result
for r in [x.exp(), x.log(), x.sin(), x.cos(), x.tanh(), x.sigmoid(), x.relu(), x.sqrt(), x.abs()]:
    saved(r)
# %% reductions keep sizes, dims and keepdim
saved(x.sum())
saved(x.mean())
saved(M.sum(0))
saved(M.sum(1, keepdim=True))
saved(M.mean(1))
saved(M.mean(dim=0, keepdim=True))
# %% matrix product
saved(M @ M)
saved(M @ torch.ones(2, 2))
saved(torch.ones(2, 2) @ M)
# %% views and shapes
saved(M.t())
saved(M.view(4))
saved(M.reshape(4))
saved(x.expand(3, 2))
saved(x.expand_as(M))
# %% indexing
saved(M[0])
saved(M[:, 1])
saved(M[0:1])
saved(x[1:])
saved(M[0][1])
# %% saved inputs are the input tensors themselves; a saved result is a new tensor each time
e = x.exp()
p = x * y
print(p.grad_fn._saved_self is x, p.grad_fn._saved_other is y)
h = x * 2
q = h * x
print(q.grad_fn._saved_self is h)
print(e.grad_fn._saved_result is e, e.grad_fn._saved_result.grad_fn.name())
