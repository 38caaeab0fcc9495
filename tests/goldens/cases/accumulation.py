# .grad accumulates across backward calls until it is zeroed or reset.
# %% imports
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
# %% .grad starts as None
print(x.grad)
# %% the first backward creates .grad
(x * 3).sum().backward()
print(x.grad)
# %% a second backward adds to it
(x * 3).sum().backward()
print(x.grad)
# %% grad.zero_() zeroes it in place
g = x.grad
x.grad.zero_()
print(x.grad, g is x.grad)
# %% after zeroing, backward accumulates into the same tensor
(x ** 2).sum().backward()
print(x.grad, g is x.grad)
# %% grad.data.zero_() works as well
x.grad.data.zero_()
print(x.grad)
# %% setting .grad to None drops it; the next backward makes a new tensor
x.grad = None
print(x.grad)
(x * 5).sum().backward()
print(x.grad, g is x.grad)
# %% .grad can be assigned a tensor of the right shape
x.grad = torch.tensor([10.0, 20.0])
(x * 1).sum().backward()
print(x.grad)
# %% assigning a wrong shape fails
x.grad = torch.tensor([1.0, 2.0, 3.0])
# %% a leaf used in two branches sums both contributions
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2 + x * 3
y.sum().backward()
print(x.grad)
# %% the grad is not a leaf requiring grad and has no history
print(x.grad.requires_grad, x.grad.grad_fn, x.grad.is_leaf)
# %% gradient accumulation over several losses, as in a training loop
w = torch.tensor([0.5], requires_grad=True)
for target in [1.0, 2.0, 3.0]:
    loss = ((w * 2 - target) ** 2).sum()
    loss.backward()
    print(loss.item(), w.grad)
