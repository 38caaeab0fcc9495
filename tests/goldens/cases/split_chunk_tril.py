# Splitting and masking as attention and recurrent-cell tutorials use them: chunk / split / narrow
# (views sharing one SplitBackward0 / SplitWithSizesBackward0 node), torch.tril / triu for causal
# masks, their grads, what the nodes save, second derivatives, and misuse.
# %% imports
import torch
# %% chunk and split
torch.manual_seed(0)
x = torch.arange(10.0).reshape(5, 2).requires_grad_()
a, b = x.chunk(2)
print(a, b, a.grad_fn is b.grad_fn, a.grad_fn, a.grad_fn._saved_dim, a.grad_fn._saved_self_sym_sizes, a.grad_fn._saved_split_size)
s = x.split([1, 4])
print(s[0].grad_fn, s[0].grad_fn._saved_split_sizes, [t.shape for t in torch.split(x, 2)], [t.shape for t in torch.arange(6).chunk(4)])
print(x.chunk(2, dim=-1)[1].grad_fn._saved_dim, a._base is x, a.is_leaf, b._version, [t.output_nr for t in s])
(b * 2).sum().backward()
print(x.grad)
print(x.narrow(0, 1, 2), torch.narrow(x, 1, -1, 1).grad_fn)
# %% a recurrent cell by hand and attention heads
torch.manual_seed(1)
gates = torch.randn(3, 8, requires_grad=True)
i, f, g, o = gates.chunk(4, 1)
c = torch.sigmoid(f) * 0.5 + torch.sigmoid(i) * torch.tanh(g)
h = torch.sigmoid(o) * torch.tanh(c)
h.sum().backward()
print(h, gates.grad, sep="\n")
qkv = torch.randn(2, 4, 6, requires_grad=True)
q, k, v = qkv.split(2, dim=-1)
scores = q @ k.transpose(-2, -1) / 2**0.5
mask = torch.tril(torch.ones(4, 4))
att = scores.masked_fill(mask == 0, float("-inf")).softmax(dim=-1)
out = att @ v
out.sum().backward()
print(mask, att[0], out.grad_fn, qkv.grad[0], sep="\n")
# %% tril and triu
m = torch.arange(1.0, 13.0).reshape(3, 4).requires_grad_()
lo, up = m.tril(), torch.triu(m, diagonal=1)
print(lo, up, torch.tril(m, -1), m.triu(-1), lo.grad_fn, lo.grad_fn._saved_diagonal, up.grad_fn._saved_diagonal)
(lo * 2 + up).sum().backward()
print(m.grad, torch.ones(2, 3, 3).tril().sum(), torch.tril(torch.ones(3, 3, dtype=torch.int64)).dtype)
t = torch.ones(3, 3)
t.triu_(1)
print(t, t._version)
# %% second derivative through split
w = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
p1, p2 = w.split([3, 1])
(gw,) = torch.autograd.grad((p2**3).sum(), w, create_graph=True)
print(gw, gw.grad_fn, gw.grad_fn.next_functions, torch.autograd.grad(gw.sum(), w))
# %% writing into a piece in place
a.mul_(2)
# %% split sizes must add up
x.split([1, 3])
# %% chunks must be positive
x.chunk(0)
# %% tril needs a matrix
torch.tril(torch.ones(3))
