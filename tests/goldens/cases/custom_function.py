# torch.autograd.Function: forward/backward static methods, ctx, gradcheck and anomaly mode.
import torch
from torch.autograd import Function

# %% a custom exp that saves its result
class MyExp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result

x = torch.tensor([0.0, 1.0], requires_grad=True)
y = MyExp.apply(x)
print(y)
print(y.grad_fn.name(), y.grad_fn.next_functions)
y.sum().backward()
print(x.grad)

# %% saved tensors are freed after backward
y.grad_fn.saved_tensors

# %% needs_input_grad and None for inputs without grads
class Scale(Function):
    @staticmethod
    def forward(ctx, a, k):
        print("needs", ctx.needs_input_grad)
        ctx.k = k
        return a * k

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None

a = torch.ones(3, requires_grad=True)
out = Scale.apply(a, 2.5)
out.sum().backward()
print(a.grad, out.requires_grad)

# %% a backward returning the wrong number of grads
class Bad(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, g):
        return g

p = torch.ones(2, requires_grad=True)
q = torch.ones(2, requires_grad=True)
Bad.apply(p, q).sum().backward()

# %% no grad needed: no node is recorded
c = torch.ones(2)
print(MyExp.apply(c).grad_fn)

# %% gradcheck passes on a correct function
print(torch.autograd.gradcheck(lambda t: (t ** 2).sum(), torch.tensor([0.5, 1.5], dtype=torch.double, requires_grad=True)))

# %% gradcheck reports a wrong backward
class Wrong(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a ** 2

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * a

print(torch.autograd.gradcheck(Wrong.apply, torch.tensor([1.0, 2.0], dtype=torch.double, requires_grad=True), raise_exception=False))
