# torch.autograd.grad: returns grads instead of accumulating into .grad.
# %% imports
import torch
# %% returns a tuple and leaves .grad alone
x = torch.tensor([1.0, 2.0], requires_grad=True)
s = (x ** 2).sum()
g = torch.autograd.grad(s, x)
print(g, x.grad)
# %% several inputs give several grads, in order
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
out = a * b + a
print(torch.autograd.grad(out, [a, b]))
# %% the graph is freed afterwards unless retain_graph=True
out = a * b
print(torch.autograd.grad(out, a, retain_graph=True))
print(torch.autograd.grad(out, b))
# %% a second call on the freed graph fails
torch.autograd.grad(out, a)
# %% an input that is not used fails
c = torch.tensor(1.0, requires_grad=True)
out = a * 2
torch.autograd.grad(out, [a, c])
# %% the only input unused: the message names index 0
out = a * 2
torch.autograd.grad(out, c)
# %% allow_unused=True gives None for it
out = a * 2
print(torch.autograd.grad(out, [a, c], allow_unused=True))
# %% grad_outputs for a non-scalar output
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
print(torch.autograd.grad(y, x, grad_outputs=torch.tensor([1.0, 0.0, 2.0])))
# %% a non-scalar output without grad_outputs fails
y = x * x
torch.autograd.grad(y, x)
# %% an input that does not require grad fails
d = torch.tensor(1.0)
torch.autograd.grad((x * 2).sum(), d)
# %% an output that does not require grad fails
torch.autograd.grad(torch.ones(1).sum(), x)
# %% grad w.r.t. a non-leaf
x = torch.tensor([1.0, 2.0], requires_grad=True)
m = x * 3
s = (m * m).sum()
print(torch.autograd.grad(s, m))
# %% tensor hooks run during autograd.grad as well
x = torch.tensor([1.0, 2.0], requires_grad=True)
x.register_hook(lambda g: print("hook", g))
y = x.exp()
y.register_hook(lambda g: print("y hook", g))
print(torch.autograd.grad(y.sum(), x))
print(x.grad)
# %% second derivatives with create_graph=True
x = torch.tensor(3.0, requires_grad=True)
y = x.sin() * x
(dy,) = torch.autograd.grad(y, x, create_graph=True)
(d2y,) = torch.autograd.grad(dy, x)
print(dy, d2y)
