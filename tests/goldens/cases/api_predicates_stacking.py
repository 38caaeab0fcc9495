# NaN/inf tests, nan_to_num, argwhere, count_nonzero; hstack/vstack/dstack/column_stack; diag,
# trace, tril/triu_indices; movedim, swapaxes, unflatten: values, dtypes, grad_fns, grads, errors.
# %% inputs
import torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
odd = torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), 0.0])
# %% isnan, isinf, isfinite on floats and integers
print(torch.isnan(odd), odd.isinf(), torch.isfinite(odd), odd.isnan().dtype)
print(torch.isnan(torch.tensor([1, 2])), torch.isinf(torch.tensor([3])), torch.tensor([0, 1]).isfinite())
print(torch.isnan(x), torch.isnan(x).requires_grad)
# %% nan_to_num values and defaults
print(torch.nan_to_num(odd))
print(torch.nan_to_num(odd, nan=-1.0, posinf=100.0, neginf=-100.0))
print(odd.double().nan_to_num(posinf=5.0), torch.nan_to_num(torch.tensor([1, 2])).dtype)
# %% nan_to_num grad: zero where the input was not finite
w = torch.tensor([1.0, float("nan"), float("inf"), 2.0], requires_grad=True)
y = torch.nan_to_num(w, nan=0.5)
print(y, y.grad_fn, y.grad_fn._saved_self is not None)
(y * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
print(w.grad)
# %% argwhere and count_nonzero
m = torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
print(torch.argwhere(m), m.argwhere().dtype, torch.argwhere(torch.tensor(3.0)))
print(torch.count_nonzero(m), m.count_nonzero(dim=0), torch.count_nonzero(m, dim=(0, 1)), torch.count_nonzero(m, 1))
print(torch.count_nonzero(torch.tensor([True, False, True])))
# %% hstack of vectors and of matrices
h = torch.hstack([v, v * 2])
print(h, h.grad_fn, h.grad_fn._saved_dim)
h2 = torch.hstack((x, x))
print(h2, h2.grad_fn._saved_dim)
(h * torch.arange(6.0)).sum().backward()
print(v.grad)
v.grad = None
# %% vstack: vectors become rows
s = torch.vstack([v, v])
print(s, s.grad_fn, [f[0].name() for f in s.grad_fn.next_functions])
(s * torch.tensor([[1.0], [10.0]])).sum().backward()
print(v.grad)
v.grad = None
print(torch.vstack([x, x]).shape, torch.row_stack([v, v]).shape)
# %% dstack and column_stack
d = torch.dstack([x, x * 10])
print(d, d.shape, d.grad_fn)
print(torch.dstack([v, v]).shape, torch.dstack([torch.tensor(1.0), torch.tensor(2.0)]))
c = torch.column_stack([v, v * v])
print(c, c.grad_fn, [f[0].name() for f in c.grad_fn.next_functions])
c.sum().backward()
print(v.grad)
v.grad = None
print(torch.column_stack([x, x]).shape, torch.column_stack([torch.tensor(1.0), torch.tensor(2.0)]))
print(torch.hstack([torch.tensor([1, 2]), torch.tensor([3])]), torch.vstack([torch.tensor([1, 2]), torch.tensor([3.0, 4.0])]))
# %% hstack of an empty list
torch.hstack([])
# %% vstack of mismatched rows
torch.vstack([v, torch.ones(2)])
# %% hstack of a tensor instead of a list
torch.hstack(v)
# %% diag of a vector, with offsets
dv = torch.diag(v)
print(dv, dv.grad_fn, dv.grad_fn._saved_offset, dv.grad_fn._saved_dim1, dv.grad_fn._saved_dim2)
print(torch.diag(v, 1), v.diag(-1).shape)
(dv * torch.arange(9.0).view(3, 3)).sum().backward()
print(v.grad)
v.grad = None
# %% diag of a matrix, with offsets
r = torch.arange(12.0).view(3, 4).requires_grad_()
dm = torch.diag(r, 1)
print(dm, dm.grad_fn, dm.grad_fn._saved_offset, dm.grad_fn._saved_self_sym_sizes)
print(r.diag(), torch.diag(r, -1), torch.diag(r, -1).grad_fn._saved_offset, torch.diag(r, 7))
(dm * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(r.grad)
r.grad = None
torch.diag(r, -2).sum().backward()
print(r.grad)
# %% diag of a 3-d tensor
torch.diag(torch.ones(2, 2, 2))
# %% trace
t = torch.trace(r)
print(t, t.grad_fn, t.grad_fn._saved_self_sym_sizes)
r.grad = None
t.backward()
print(r.grad)
print(torch.trace(torch.tensor([[1, 2], [3, 4]])), torch.arange(4).view(2, 2).trace().dtype)
# %% trace of a vector
torch.trace(v)
# %% tril_indices and triu_indices
print(torch.tril_indices(3, 3), torch.triu_indices(3, 4, 1))
print(torch.tril_indices(3, 4, -1), torch.triu_indices(2, 3, -1, dtype=torch.int32), torch.tril_indices(0, 3))
a = torch.arange(9.0).view(3, 3)
i = torch.triu_indices(3, 3)
print(a[i[0], i[1]])
# %% tril_indices with a float dtype
torch.tril_indices(3, 3, dtype=torch.float32)
# %% movedim and moveaxis
b = torch.arange(24.0).view(2, 3, 4).requires_grad_()
mv = torch.movedim(b, 0, -1)
print(mv.shape, mv.grad_fn, mv.grad_fn._saved_dims)
print(b.movedim((0, 1), (2, 0)).shape, b.movedim((0, 1), (2, 0)).grad_fn._saved_dims, torch.moveaxis(b, 1, 0).shape)
print(b.moveaxis(-1, 0).grad_fn._saved_dims, torch.movedim(b, 1, 1).grad_fn)
(mv * torch.arange(2.0)).sum().backward()
print(b.grad[:, 0, 0])
# %% movedim with lists of different lengths
torch.movedim(b, (0, 1), (1,))
# %% movedim with a repeated dim
torch.movedim(b, (0, 0), (1, 2))
# %% swapaxes and swapdims
sw = torch.swapaxes(b, 0, 2)
print(sw.shape, sw.grad_fn, sw.grad_fn._saved_dim0, sw.grad_fn._saved_dim1, sw._base is b)
print(b.swapdims(-1, 1).shape, torch.swapdims(b, 0, 1).grad_fn, b.swapaxes(1, 2).is_contiguous())
# %% unflatten
u = v.unflatten(0, (1, 3))
print(u, u.grad_fn, u.grad_fn._saved_self_sym_sizes)
print(torch.unflatten(b, 2, (2, -1)).shape, b.unflatten(-1, (2, 2)).shape, torch.unflatten(b, 1, (3,)).grad_fn)
(u * 2).sum().backward()
print(v.grad)
# %% unflatten into sizes of the wrong product
torch.ones(6).unflatten(0, (2, 2))
# %% unflatten into no sizes
torch.ones(6).unflatten(0, ())
# %% trace of a bool matrix
torch.trace(torch.ones(2, 2, dtype=torch.bool))
# %% atleast_1d, atleast_2d, atleast_3d
s0 = torch.tensor(2.0, requires_grad=True)
print(torch.atleast_1d(s0), torch.atleast_2d(s0), torch.atleast_3d(s0).shape, torch.atleast_1d(v) is v)
print(torch.atleast_2d(v), torch.atleast_3d(v).shape, torch.atleast_3d(x).shape, torch.atleast_3d(x).grad_fn)
print(torch.atleast_1d(s0, v), torch.atleast_2d([s0, v]), type(torch.atleast_1d((s0,))).__name__, torch.atleast_1d())
print(torch.atleast_3d(torch.ones(2, 3, 4, 5)).shape)
torch.atleast_3d(v).sum().backward()
print(v.grad)
# %% atleast_1d of a number
torch.atleast_1d(3.0)
