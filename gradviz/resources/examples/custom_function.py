# A custom torch.autograd.Function: you write forward and backward yourself.
# ctx carries what backward needs; gradcheck compares your backward with finite differences.

# %% A ReLU written by hand
import torch
from torch.autograd import Function


class MyReLU(Function):
    @staticmethod
    def forward(ctx, inp):
        ctx.save_for_backward(inp)
        return inp.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (inp,) = ctx.saved_tensors
        grad = grad_output.clone()
        grad[inp < 0] = 0
        return grad


x = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
y = MyReLU.apply(x)
print(y, y.grad_fn.name())
y.sum().backward()
print(x.grad)

# %% gradcheck agrees with the hand-written backward (double precision, as it wants)
d = torch.tensor([-1.5, 0.7, 2.0], dtype=torch.float64, requires_grad=True)
print(torch.autograd.gradcheck(MyReLU.apply, (d,)))

# %% A backward with a mistake is caught
class WrongSquare(Function):
    @staticmethod
    def forward(ctx, inp):
        ctx.save_for_backward(inp)
        return inp * inp

    @staticmethod
    def backward(ctx, grad_output):
        (inp,) = ctx.saved_tensors
        return grad_output * inp  # should be 2 * inp


print(torch.autograd.gradcheck(WrongSquare.apply, (d,), raise_exception=False))
