# backward() frees saved tensors; nodes that saved none can run again; scalars survive.
# %% imports
import torch
# %% (x*2).sum() saves a tensor: a second backward fails
x = torch.tensor([1.0, 2.0], requires_grad=True)
s = (x * 2).sum()
s.backward()
print(x.grad)
# %% the second backward
s.backward()
# %% (x+1).sum() saves no tensor: a second backward works and accumulates
x = torch.tensor([1.0, 2.0], requires_grad=True)
s = (x + 1).sum()
s.backward()
s.backward()
print(x.grad)
# %% reading a freed saved tensor raises the same error
y = x * x
y.sum().backward()
y.grad_fn._saved_self
# %% the other operand is freed too
y.grad_fn._saved_other
# %% scalar attributes survive the backward
p = x ** 3
p.sum().backward()
print(p.grad_fn._saved_exponent)
# %% but the saved base does not
print(p.grad_fn._saved_self)
# %% sizes and dims survive as well
m = torch.ones(2, 3, requires_grad=True)
r = m.sum(1)
r.sum().backward()
print(r.grad_fn._saved_dim, r.grad_fn._saved_keepdim, r.grad_fn._saved_self_sym_sizes)
# %% a saved result is freed
e = x.exp()
e.sum().backward()
e.grad_fn._saved_result
# %% retain_graph=True keeps the buffers for another backward
x = torch.tensor([1.0, 2.0], requires_grad=True)
s = (x * x).sum()
s.backward(retain_graph=True)
print(s.grad_fn.next_functions[0][0]._saved_self)
s.backward()
print(x.grad)
# %% after the last backward without retain_graph they are gone
s.backward()
# %% backward on a part of a graph frees only what it ran through
x = torch.tensor([1.0, 2.0], requires_grad=True)
a = x * x
b = a.exp()
a.sum().backward()
print(b.grad_fn._saved_result)
b.sum().backward()
