# torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp with tuple and bare inputs/outputs,
# create_graph, strict and their errors; torch.autograd.gradgradcheck and the random stream it uses.
# %% imports
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
# %% a bare input and output give a bare Jacobian
x = torch.tensor([1.0, 2.0, 3.0])
print(jacobian(lambda t: t ** 2, x))
print(jacobian(lambda t: t.sum() * t[0], x))
# %% tuple inputs give a tuple; tuple outputs a tuple of tuples
def two(a, b):
    return a * b, a.exp() + b


print(jacobian(two, (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))))
print(jacobian(lambda a: (a.sin(), a.cos().sum()), x))
print(jacobian(lambda a, b: a @ b, (torch.ones(2, 3), torch.ones(3))))
# %% the result is detached unless create_graph=True
w = torch.tensor([0.5, -1.0], requires_grad=True)
J = jacobian(lambda t: t ** 3, w)
print(J, J.requires_grad)
Jg = jacobian(lambda t: t ** 3, w, create_graph=True)
print(Jg, Jg.grad_fn is not None)
Jg.sum().backward()
print(w.grad)
# %% an output that ignores an input gives zeros, or an error in strict mode
print(jacobian(lambda a, b: a * 2, (x, x)))
jacobian(lambda a, b: a * 2, (x, x), strict=True)
# %% strict mode refuses an output that does not require grad
jacobian(lambda t: torch.ones(2), x, strict=True)
# %% vectorize=True gives the same numbers
print(jacobian(lambda t: t.sin() * t, x, vectorize=True))
# %% strict and vectorize together are refused
jacobian(lambda t: t, x, strict=True, vectorize=True)
# %% inputs must be tensors
jacobian(lambda t: t, [1.0, 2.0])
# %% a tuple holding something else
jacobian(lambda a, b: a, (x, 3))
# %% hessian of a scalar function, bare and tuple
def f(t):
    return (t ** 3).sum() + t[0] * t[1]


print(hessian(f, torch.tensor([1.0, -1.0, 2.0])))
print(hessian(lambda a, b: (a * b).sum() + (a ** 2).sum(), (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))))
# %% hessian needs a single-element output
hessian(lambda t: t * 2, x)
# %% vjp and jvp return (output, product)
print(vjp(lambda t: t ** 2, x, torch.tensor([1.0, 0.5, 0.0])))
print(vjp(lambda t: (t ** 2).sum(), x))
print(jvp(lambda t: t.exp(), x, torch.ones(3)))
print(jvp(lambda a, b: (a * b, a + b), (x, x), (torch.ones(3), torch.zeros(3))))
print(vjp(two, (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])), (torch.ones(2), torch.ones(2))))
# %% v of the wrong size
vjp(lambda t: t ** 2, x, torch.ones(2))
# %% v left out for a function with several outputs
vjp(lambda t: t ** 2, x)
# %% v with the wrong number of entries
jvp(lambda a, b: a + b, (x, x), (torch.ones(3),))
# %% hvp and vhp
print(hvp(f, torch.tensor([1.0, -1.0, 2.0]), torch.tensor([1.0, 0.0, 0.0])))
print(vhp(f, torch.tensor([1.0, -1.0, 2.0]), torch.tensor([0.0, 1.0, 1.0])))
out, prod = hvp(lambda t: (t.sin() ** 2).sum(), w, torch.ones(2), create_graph=True)
print(out, prod, prod.requires_grad)
# %% hvp needs a scalar function
hvp(lambda t: t ** 2, x, torch.ones(3))
# %% the same Hessian rows with torch.autograd.grad
p = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
(g,) = torch.autograd.grad(f(p), p, create_graph=True)
rows = torch.stack([torch.autograd.grad(g[i], p, retain_graph=True)[0] for i in range(3)])
print(torch.equal(rows, hessian(f, p.detach())))
# %% gradgradcheck draws its random cotangents from the default generator
torch.manual_seed(9)
a = torch.rand(3, dtype=torch.float64, requires_grad=True)
print(torch.autograd.gradcheck(lambda t: (t ** 3).sin(), a), torch.autograd.gradgradcheck(lambda t: (t ** 3).sin(), a))
print(torch.rand(2))
print(torch.autograd.gradgradcheck(lambda t, u: (t * u.exp(), t.sum()), (a, a.detach().clone().requires_grad_())))
print(torch.rand(2))
# %% gradgradcheck with given grad_outputs draws nothing
torch.manual_seed(9)
print(torch.autograd.gradgradcheck(lambda t: t ** 2, a, torch.ones(3, dtype=torch.float64)))
print(torch.rand(2))
# %% a second derivative that is wrong is reported
class BadSquare(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t ** 2

    @staticmethod
    def backward(ctx, grad):
        (t,) = ctx.saved_tensors
        return grad * 2 * t.detach()


print(torch.autograd.gradcheck(BadSquare.apply, a))
print(torch.autograd.gradgradcheck(BadSquare.apply, a, raise_exception=False))
try:
    torch.autograd.gradgradcheck(BadSquare.apply, a)
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])
