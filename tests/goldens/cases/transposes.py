# .T, .mT, .mH, .H, adjoint(), transpose and permute: the nodes they record and what they save.
# %% .T is a permute, even on a matrix; t() and transpose() have their own nodes
import torch

torch.manual_seed(0)
x = torch.randn(3, 2, requires_grad=True)
m = torch.randn(2, 3, 4, requires_grad=True)
print(x.T.grad_fn, x.T.grad_fn._saved_dims, x.t().grad_fn, x.transpose(0, 1).grad_fn)
print(x.T.shape, x.T._base is x, torch.equal(x.T, x.t()))

# %% mT, mH, adjoint() swap the last two dims; H is for matrices only
for name, r in (("mT", m.mT), ("mH", m.mH), ("adjoint", m.adjoint()), ("H", x.H), ("torch.adjoint", torch.adjoint(x))):
    print(name, r.shape, r.grad_fn, r.grad_fn._saved_dim0, r.grad_fn._saved_dim1)
v = torch.ones(3)
for attempt in (lambda: v.mT, lambda: v.mH, lambda: v.H, lambda: m.H, lambda: v.adjoint()):
    try:
        attempt()
    except RuntimeError as e:
        print(type(e).__name__, e)

# %% transpose and permute save the dims as written (negative ones as their uint64 pattern)
print(m.transpose(-1, 0).grad_fn._saved_dim0, m.transpose(-1, 0).grad_fn._saved_dim1)
p = m.permute(2, 0, 1).permute(1, 2, 0)
print(p.grad_fn, p.grad_fn.next_functions, p.grad_fn._saved_dims, m.permute(-1, 0, 1).grad_fn._saved_dims)
q = m.mT.mT
print(q.grad_fn.next_functions[0][0], torch.equal(q, m), p.is_contiguous(), m.permute(2, 1, 0).is_contiguous())

# %% their grads
(p * torch.arange(24.0).view(2, 3, 4)).sum().backward()
(m.mT * 2).sum().backward()
print(m.grad[1])
x.grad = None
(x.T @ x).sum().backward()
print(x.grad)

# %% double backward through transposes records transposes
(g,) = torch.autograd.grad((m.mT.pow(2) * 3).sum(), m, create_graph=True)
print(g.grad_fn, [f[0] for f in g.grad_fn.next_functions])
