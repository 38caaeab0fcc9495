# backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)
# %% imports
import torch
# %% a non-scalar output needs gradient=
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.backward(gradient=torch.tensor([1.0, 0.1, 0.01]))
print(x.grad)
# %% gradient= as the first positional argument
x.grad = None
y = x ** 2
y.backward(torch.ones(3))
print(x.grad)
# %% a scalar output may also be given an explicit gradient
x.grad = None
s = (x * x).sum()
s.backward(torch.tensor(2.0))
print(x.grad)
# %% retain_graph=True allows a second backward, grads add up
x.grad = None
s = (x * x).sum()
s.backward(retain_graph=True)
print(x.grad)
s.backward()
print(x.grad)
# %% create_graph=True makes the grad itself differentiable
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
y.backward(create_graph=True)
print(x.grad, x.grad.requires_grad)
print(x.grad.grad_fn.name())
# %% second derivative through autograd.grad
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
(g,) = torch.autograd.grad(y, x, create_graph=True)
print(g)
(h,) = torch.autograd.grad(g, x)
print(h)
# %% without create_graph the grad has no history
x = torch.tensor(2.0, requires_grad=True)
(x ** 3).backward()
print(x.grad, x.grad.requires_grad, x.grad.grad_fn)
# %% inputs= limits which leaves get a grad
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
s = (a * b).sum()
s.backward(inputs=[a])
print(a.grad, b.grad)
# %% inputs= takes a single tensor too
s = (a * b).sum()
s.backward(inputs=b)
print(a.grad, b.grad)
# %% inputs= may name a non-leaf: it gets a grad, the leaves below do not
a = torch.tensor([1.0, 2.0], requires_grad=True)
m = a * 3
s = (m * m).sum()
s.backward(inputs=[m])
print(m.grad, a.grad)
# %% torch.autograd.backward is the same call
a = torch.tensor([1.0, 2.0], requires_grad=True)
torch.autograd.backward((a * a).sum())
print(a.grad)
torch.autograd.backward(a * a, grad_tensors=torch.ones(2))
print(a.grad)
