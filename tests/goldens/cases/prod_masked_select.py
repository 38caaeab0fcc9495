# prod (with and without zeros in what it multiplies) and masked_select (broadcast masks): values,
# dtypes, the nodes and what they save, grads, and the mask dtype error.
# %% imports
import torch
# %% prod and masked_select
x = torch.tensor([[1., -2., 3.], [0.5, 4., -1.]], requires_grad=True)
m = x.masked_select(x > 0); print(m, m.grad_fn, m.grad_fn._saved_mask)
p = x.prod(); p1 = x.prod(1); print(p, p1, p1.grad_fn._saved_dim, p1.grad_fn._saved_keepdim, p.grad_fn._saved_result)
(m.sum() + p + p1.sum()).backward(); print(x.grad)
z = torch.tensor([[2., 0., 3.], [0., 0., 5.], [1., 2., 4.]], requires_grad=True)
(z.prod(1).sum() + z.prod(0, keepdim=True).sum()).backward(); print(z.grad)
z2 = torch.tensor([2., 0., 3.], requires_grad=True); z2.prod().backward(); print(z2.grad)
print(torch.arange(1, 5).prod(), torch.prod(torch.tensor([True, True])), torch.tensor([1., 2.]).prod(dtype=torch.float64))
print(torch.masked_select(x, torch.tensor([True, False, True])), torch.masked_select(torch.arange(4), torch.tensor([True, False, True, False])))
# %% a float mask
x.masked_select(x)
