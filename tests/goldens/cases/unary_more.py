# More elementwise math as tutorials use it: log1p / expm1 (stable log-losses), rsqrt (norms),
# tan, sinh, cosh, the inverse trig functions (and NumPy's arcsin spellings), erf (GELU by hand),
# and the rounding functions floor / ceil / round (half to even, decimals=) / trunc (fix); values,
# dtypes, nodes and what they save, grads (zero through rounding), in-place forms, int inputs.
# %% imports
import torch
# %% values
x = torch.tensor([-2.5, -1.5, -0.5, 0.0, 0.4, 0.5, 1.5, 2.5, 3.7])
print(torch.floor(x), x.ceil(), torch.round(x), x.trunc(), torch.fix(x))
print(torch.round(torch.tensor([1.2345, -2.675, 150.0]), decimals=2), torch.round(torch.tensor([1234.5, 1250.0]), decimals=-2))
u = torch.linspace(-0.9, 0.9, 7)
print(torch.asin(u), torch.acos(u), torch.atan(x), torch.arcsin(u).equal(u.asin()), torch.arctan(x).equal(x.atan()))
p = torch.tensor([0.0, 1e-8, 0.5, 3.0])
print(torch.log1p(p), p.expm1(), torch.rsqrt(p[1:]), torch.tan(u), torch.sinh(x), torch.cosh(x), torch.erf(x), sep="\n")
print(torch.log1p(p).tolist(), torch.erf(x).tolist(), sep="\n")
i = torch.tensor([-3, 0, 5])
print(torch.floor(i), i.round(), i.ceil().dtype, torch.log1p(i), torch.erf(i).dtype, torch.rsqrt(torch.tensor([4, 16])))
# %% nodes, saved tensors and grads
w = torch.tensor([0.3, -0.7, 1.2], requires_grad=True)
outs = [torch.log1p(w.abs()), w.expm1(), w.abs().rsqrt(), w.tan(), w.sinh(), w.cosh(), (w / 2).asin(), (w / 2).acos(), w.atan(), w.erf()]
print([o.grad_fn for o in outs])
print(outs[0].grad_fn._saved_self, outs[1].grad_fn._saved_result, outs[2].grad_fn._saved_result, outs[3].grad_fn._saved_result)
sum(o.sum() for o in outs).backward()
print(w.grad)
w.grad = None
r = [w.floor(), w.ceil(), w.round(), w.trunc(), w.round(decimals=1)]
print([t.grad_fn for t in r])
sum(t.sum() for t in r).backward()
print(w.grad)
# %% in place
v = torch.tensor([0.25, 1.75, -0.6])
print(v.clone().floor_(), v.clone().ceil_(), v.clone().round_(), torch.trunc_(v.clone()), v.clone().fix_(), v.clone().round_(decimals=1))
print(v.clone().log1p_(), torch.expm1_(v.clone()), v.clone().abs_().rsqrt_(), v.clone().tan_(), v.clone().sinh_(), v.clone().cosh_())
print(v.clone().asin_(), v.clone().arccos_(), torch.atan_(v.clone()), v.clone().erf_(), torch.arcsin_(v.clone()))
leaf = torch.tensor([0.5, 2.0], requires_grad=True)
h = leaf * 1
h.log1p_()
h.sum().backward()
print(h.grad_fn, leaf.grad)
# %% second derivative through log1p and erf
z = torch.tensor([0.5, 1.5], requires_grad=True)
(g,) = torch.autograd.grad((z.log1p() + z.erf()).sum(), z, create_graph=True)
print(g, torch.autograd.grad(g.sum(), z))
# %% an integer tensor cannot hold log1p in place
torch.tensor([1, 2]).log1p_()
