# The error messages a learner meets most, word for word.
# %% imports
import torch
x = torch.ones(2, 2, requires_grad=True)
# %% backward on a non-scalar
(x * 2).backward()
# %% backward on a tensor without history
torch.ones(2).sum().backward()
# %% backward on a leaf that does not require grad
c = torch.tensor(1.0)
c.backward()
# %% backward on a leaf that requires grad works (grad 1)
w = torch.tensor(3.0, requires_grad=True)
w.backward()
print(w.grad)
# %% backward twice
y = (x * x).sum()
y.backward()
y.backward()
# %% gradient= of the wrong shape
y = x * 2
y.backward(torch.ones(3))
# %% gradient= of a shape that broadcasts is still rejected
y = x * 2
y.backward(torch.ones(2))
# %% gradient= of an integer dtype is accepted and converted
y = x * 2
y.backward(torch.ones(2, 2, dtype=torch.int64))
print(x.grad)
