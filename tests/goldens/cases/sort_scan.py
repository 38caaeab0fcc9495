# Ordering and scanning as tutorials use them: cumsum (running totals), flip, logsumexp (stable
# log-likelihoods), amax / amin (ties share the grad), sort / argsort / topk (top-k accuracy),
# with the return types they print, the nodes and what they save, grads, second derivatives and
# misuse.
# %% imports
import torch
# %% values
x = torch.tensor([[3.0, 1.0, 2.0, 5.0], [0.5, 4.0, -1.0, 2.5]], requires_grad=True)
print(x.cumsum(1), torch.cumsum(x, 0), torch.arange(5).cumsum(0), torch.tensor([True, False, True]).cumsum(0))
print(torch.cumsum(x, -1, dtype=torch.float64).dtype, torch.arange(4, dtype=torch.int32).cumsum(0).dtype)
print(x.flip(1), torch.flip(x, [0, -1]), torch.arange(6).view(2, 3).flip(0))
print(x.logsumexp(1), torch.logsumexp(x, dim=(0, 1)), torch.logsumexp(torch.tensor([1000.0, 1000.0]), 0))
print(torch.logsumexp(torch.tensor([-float("inf"), -float("inf")]), 0), torch.logsumexp(x, 0, keepdim=True))
print(x.amax(1), x.amin(dim=(0, 1)), torch.amax(x, 0, True), x.amax(), torch.amin(torch.arange(6).view(2, 3), 1))
print(x.sort(dim=1, descending=True), torch.sort(x[0]), x.argsort(1), torch.argsort(x, dim=0, descending=True), sep="\n")
print(x.topk(2), torch.topk(x, 1, dim=0, largest=False), type(x.topk(2)), sep="\n")
values, indices = torch.sort(torch.tensor([2, 7, 1, 9]), descending=True)
print(values, indices, torch.tensor([0.3, 0.1, 0.9]).topk(3).indices)
# %% nodes, saved attributes, grads
c, f, lse, mx, tk, st = x.cumsum(1), x.flip(-1), x.logsumexp(1), x.amax(1), x.topk(2), x.sort(dim=1, descending=True)
print(c.grad_fn, c.grad_fn._saved_dim, torch.cumsum(x, -1).grad_fn._saved_dim, f.grad_fn, f.grad_fn._saved_dims)
print(lse.grad_fn, lse.grad_fn._saved_dim, lse.grad_fn._saved_keepdim, lse.grad_fn._saved_result, mx.grad_fn, mx.grad_fn._saved_dim)
print(tk.values.grad_fn, tk.values.grad_fn._saved_dim, tk.values.grad_fn._saved_indices, st.values.grad_fn._saved_self_sym_sizes)
(c.sum() + f[0, 0] + lse.sum() + mx.sum() + tk.values.sum() + st.values[:, 0].sum()).backward()
print(x.grad)
ties = torch.tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
ties.amax().backward()
print(ties.grad)
# %% top-k accuracy and a log-likelihood
torch.manual_seed(0)
logits = torch.randn(6, 5)
labels = torch.tensor([0, 3, 1, 4, 2, 2])
top2 = logits.topk(2, dim=1).indices
print(top2, (top2 == labels.unsqueeze(1)).any(dim=1).float().mean())
w = torch.randn(5, requires_grad=True)
nll = -(logits @ w - torch.logsumexp(logits * w, dim=1)).mean()
nll.backward()
print(nll, w.grad)
# %% second derivatives
z = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
(g,) = torch.autograd.grad(torch.logsumexp(z, 0) + (z.cumsum(0) ** 2).sum(), z, create_graph=True)
print(g, g.grad_fn, torch.autograd.grad(g.sum(), z))
# %% k too large
x.topk(5)
# %% flip a dim twice
torch.flip(x, [1, 1])
