# exp log sin cos tanh sigmoid relu sqrt abs: values and gradients.
# %% imports
import torch
def check(name, f, values):
    x = torch.tensor(values, requires_grad=True)
    y = f(x)
    y.sum().backward()
    print(name, y, x.grad)
# %% exp and log
check("exp", torch.exp, [0.0, 1.0, -1.0])
check("log", torch.log, [1.0, 2.0, 0.5])
# %% sin and cos
check("sin", torch.sin, [0.0, 1.0, 3.0])
check("cos", torch.cos, [0.0, 1.0, 3.0])
# %% tanh and sigmoid
check("tanh", torch.tanh, [0.0, 1.0, -2.0])
check("sigmoid", torch.sigmoid, [0.0, 1.0, -2.0])
# %% relu, including its gradient at 0
check("relu", torch.relu, [-1.0, 0.0, 2.0])
# %% sqrt
check("sqrt", torch.sqrt, [1.0, 4.0, 2.0])
# %% abs, including its gradient at 0
check("abs", torch.abs, [-3.0, 0.0, 2.0])
# %% method spellings
x = torch.tensor([0.5, 1.5], requires_grad=True)
y = x.exp() + x.log() + x.sin() + x.cos() + x.tanh() + x.sigmoid() + x.relu() + x.sqrt() + x.abs()
print(y)
y.sum().backward()
print(x.grad)
# %% special values
print(torch.log(torch.tensor([0.0, -1.0])), torch.sqrt(torch.tensor([-1.0])), torch.exp(torch.tensor([100.0])))
# %% the gradient of sqrt and log at 0
x = torch.tensor([0.0], requires_grad=True)
torch.sqrt(x).sum().backward()
print(x.grad)
x.grad = None
torch.log(x).sum().backward()
print(x.grad)
# %% compositions
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.sigmoid(torch.tanh(x).exp()).sqrt()
y.sum().backward()
print(y, x.grad)
# %% unary minus
x = torch.tensor([1.0, -2.0], requires_grad=True)
y = -x
print(y)
(y * torch.tensor([3.0, 4.0])).sum().backward()
print(x.grad, (-(-x)).grad_fn.name())
# %% torch.nn.functional.relu and sigmoid give the same nodes
import torch.nn.functional as F
x = torch.tensor([-1.0, 2.0], requires_grad=True)
print(F.relu(x), torch.sigmoid(x).grad_fn.name())
