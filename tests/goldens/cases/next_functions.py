# grad_fn.next_functions: (node, input_nr) pairs pointing to the producers of each input.
# %% imports and a helper that names the pairs
import torch
def names(node):
    return [(None if fn is None else fn.name(), nr) for fn, nr in node.next_functions]
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([3.0, 4.0], requires_grad=True)
c = torch.tensor([5.0, 6.0])
# %% an op on two leaves points at two AccumulateGrad nodes
y = x * w
print(names(y.grad_fn))
print(y.grad_fn.next_functions)
# %% an input that does not require grad is None
print(names((x * c).grad_fn))
print(names((c * x).grad_fn))
# %% a Python scalar operand is None too
print(names((x * 2).grad_fn), names((2 * x).grad_fn), names((x + 1).grad_fn))
# %% unary ops and reductions have one input
print(names(x.exp().grad_fn), names(x.sum().grad_fn), names((-x).grad_fn))
# %% AccumulateGrad has no next functions and holds its leaf in .variable
acc = y.grad_fn.next_functions[0][0]
print(acc.name(), acc.next_functions)
print(acc.variable is x, acc.variable)
# %% the same leaf gets the same AccumulateGrad node each time
a1 = (x * 2).grad_fn.next_functions[0][0]
a2 = (x + 1).grad_fn.next_functions[0][0]
print(a1 is a2, a1 is acc)
# %% a chain: walk back from the output to the leaf
z = ((x * w).exp() + 1).sum()
node = z.grad_fn
while node is not None:
    print(node.name(), names(node))
    node = node.next_functions[0][0] if node.next_functions else None
# %% the same tensor used twice appears twice
q = x * x
print(names(q.grad_fn), q.grad_fn.next_functions[0][0] is q.grad_fn.next_functions[1][0])
# %% a non-leaf used twice: both entries are its grad_fn
h = x + 1
r = h * h
print(names(r.grad_fn), r.grad_fn.next_functions[0][0] is h.grad_fn)
# %% the seed's graph
x = torch.ones(3, 3, requires_grad=True)
y = x ** 2
z = (y + 1) * y
print(names(z.grad_fn))
print(names(z.grad_fn.next_functions[0][0]))
print(names(y.grad_fn))
# %% indexing and views point to their base's node
print(names(z[0].grad_fn), names(z[0][0].grad_fn), names(z.t().grad_fn), names(z.view(9).grad_fn))
# %% a matrix product
M = torch.ones(2, 2, requires_grad=True)
print(names((M @ M).grad_fn), names((M @ torch.ones(2, 2)).grad_fn))
