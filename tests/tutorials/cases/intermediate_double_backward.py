# Learner-style script in the manner of "Double Backward with Custom Functions": custom Functions
# that save an input, an output, or intermediates returned as extra outputs (and one that wrongly
# stashes them on ctx), checked with gradcheck and gradgradcheck in float64; grads taken with
# create_graph=True and the node names of the double-backward graph.
# Written the way learners write it (echoed expressions, super(Cls, self), str.split, ...):
# ruff: noqa: BLE001

# %%
import torch


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * 3 * x**2


torch.manual_seed(12)
x = torch.rand(2, 2, requires_grad=True, dtype=torch.double)
print(torch.autograd.gradcheck(Cube.apply, x))
print(torch.autograd.gradgradcheck(Cube.apply, x))

# %%
s = torch.tensor(1.5, requires_grad=True).clone()
out = Cube.apply(s)
(g,) = torch.autograd.grad(out, s, create_graph=True)
print(out, g)
print(out.grad_fn, g.grad_fn)
print(g.grad_fn.next_functions)


# %%
class Expo(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        res = torch.exp(x)
        ctx.save_for_backward(res)
        return res

    @staticmethod
    def backward(ctx, grad_out):
        (res,) = ctx.saved_tensors
        return grad_out * res


t = torch.tensor(0.5, requires_grad=True, dtype=torch.double).clone()
print(torch.autograd.gradcheck(Expo.apply, t), torch.autograd.gradgradcheck(Expo.apply, t))
(ge,) = torch.autograd.grad(Expo.apply(t), t, create_graph=True)
print(ge, ge.grad_fn)


# %%
class Cosh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ep = torch.exp(x)
        en = torch.exp(-x)
        ctx.save_for_backward(ep, en)
        return (ep + en) / 2, ep, en

    @staticmethod
    def backward(ctx, grad_out, grad_ep, grad_en):
        ep, en = ctx.saved_tensors
        grad_in = grad_out * (ep - en) / 2
        grad_in += grad_ep * ep
        grad_in -= grad_en * en
        return grad_in


def cosh(x):
    return Cosh.apply(x)[0]


m = torch.rand(2, 3, requires_grad=True, dtype=torch.double)
print(torch.autograd.gradcheck(cosh, m), torch.autograd.gradgradcheck(cosh, m))
(gm,) = torch.autograd.grad(cosh(m).sum(), m, create_graph=True)
print(gm.grad_fn)


# %%
class CoshStashed(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.ep = torch.exp(x)
        ctx.en = torch.exp(-x)
        return (ctx.ep + ctx.en) / 2

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out * (ctx.ep - ctx.en) / 2


(gb,) = torch.autograd.grad(CoshStashed.apply(m).sum(), m, create_graph=True)
print(gb.requires_grad, gb.grad_fn)
try:
    torch.autograd.gradgradcheck(CoshStashed.apply, m)
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])

# %%
# built-in ops under create_graph: the second-order graph's node names
p = torch.tensor([0.5, 2.0], requires_grad=True)
f = (p * 3.0).sin() * p**2
(dp,) = torch.autograd.grad(f.sum(), p, create_graph=True)
print(dp.grad_fn)
print(dp.grad_fn.next_functions)
dp.sum().backward()
print(p.grad)
q = torch.tensor(2.0, requires_grad=True)
dq = torch.autograd.grad(q * 5, q, create_graph=True)[0]
print(dq, dq.grad_fn)
