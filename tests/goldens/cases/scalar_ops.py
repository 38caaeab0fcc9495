# Python scalars on either side of + - * / **, unary minus, and their gradients.
# %% imports and a helper
import torch
def grad_of(f, values=(1.0, 2.0, 4.0)):
    x = torch.tensor(list(values), requires_grad=True)
    y = f(x)
    y.sum().backward()
    return y, x.grad
# %% addition
print(*grad_of(lambda x: x + 3))
print(*grad_of(lambda x: 3 + x))
print(*grad_of(lambda x: x + 0.5))
# %% subtraction
print(*grad_of(lambda x: x - 3))
print(*grad_of(lambda x: 3 - x))
# %% multiplication
print(*grad_of(lambda x: x * 3))
print(*grad_of(lambda x: 3 * x))
print(*grad_of(lambda x: x * -0.5))
# %% division
print(*grad_of(lambda x: x / 4))
print(*grad_of(lambda x: 4 / x))
print(*grad_of(lambda x: 1 / x))
# %% powers
print(*grad_of(lambda x: x ** 2))
print(*grad_of(lambda x: x ** 3))
print(*grad_of(lambda x: x ** 0.5))
print(*grad_of(lambda x: x ** -1))
print(*grad_of(lambda x: x ** 0))
print(*grad_of(lambda x: x ** 1))
# %% scalar base
print(*grad_of(lambda x: 2 ** x))
print(*grad_of(lambda x: 0.5 ** x))
# %% tensor ** tensor
x = torch.tensor([1.0, 2.0], requires_grad=True)
e = torch.tensor([2.0, 3.0], requires_grad=True)
y = x ** e
y.sum().backward()
print(y, x.grad, e.grad)
# %% unary minus and double minus
print(*grad_of(lambda x: -x))
print(*grad_of(lambda x: -(-x * 2)))
# %% int scalars with float tensors stay float32
x = torch.tensor([1.0, 2.0])
print((x + 1).dtype, (x * 2).dtype, (x / 2).dtype, (x ** 2).dtype, (2 ** x).dtype)
# %% division by zero
x = torch.tensor([1.0, -1.0, 0.0])
print(x / 0, 1 / x)
# %% the gradient of x ** 2 at a negative number and of x ** 0.5 at zero
print(*grad_of(lambda x: x ** 2, (-3.0,)))
print(*grad_of(lambda x: x ** 0.5, (0.0,)))
# %% 0-dim tensors as scalars
x = torch.tensor(3.0, requires_grad=True)
y = x * x * 2 + 1 / x - 3
y.backward()
print(y, x.grad)
