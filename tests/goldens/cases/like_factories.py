# Making tensors like another (new_zeros / new_ones / new_full / new_tensor keep the source's
# dtype; type_as), repeat_interleave (what it records and its grad) and nonzero, as training
# and data-preparation code uses them.
# %% imports
import torch
# %% new_* and type_as
x = torch.tensor([[1.5, -2.0], [0.25, 4.0]], requires_grad=True)
i = torch.tensor([3, 1, 2])
print(x.new_zeros(2, 3), x.new_zeros((2,)), x.new_ones(3), i.new_ones(2), x.new_full((2, 2), 7), i.new_full((3,), 2.9))
print(x.new_tensor([1, 2]), i.new_tensor([1.7, 2.2]), x.new_zeros(2, dtype=torch.int64), x.new_ones(2, requires_grad=True))
print(x.new_zeros(1).requires_grad, x.new_empty(0).shape, x.new_tensor(i).dtype, i.new_zeros(()).shape)
d = x.type_as(torch.ones(1, dtype=torch.float64))
print(d, d.grad_fn, x.type_as(x) is x, i.type_as(x), torch.ones(2).type_as(i).dtype)
# %% repeat_interleave
print(torch.tensor([1, 2, 3]).repeat_interleave(2), torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), 2, dim=0))
print(torch.repeat_interleave(torch.tensor([1, 2]), torch.tensor([1, 3])), torch.tensor([[1, 2], [3, 4]]).repeat_interleave(torch.tensor([2, 1]), dim=1))
r = x.repeat_interleave(3, dim=1)
print(r, r.grad_fn, r.grad_fn.next_functions[0][0], r.grad_fn.next_functions[0][0].next_functions[0][0])
(r * torch.arange(12.0).view(2, 6)).sum().backward()
print(x.grad, x.repeat_interleave(2).shape)
# %% nonzero
m = torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
print(m.nonzero(), torch.nonzero(m, as_tuple=True), torch.nonzero(torch.tensor([0, 0])), (m > 0).nonzero().shape)
# %% negative repeats
torch.tensor([1, 2]).repeat_interleave(-1)
