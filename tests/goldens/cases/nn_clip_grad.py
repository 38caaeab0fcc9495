# Gradient clipping in a training step: nn.utils.clip_grad_norm_ (2-norm, inf-norm, a bound larger
# than the norm, an empty list) returns the total norm and scales the grads in place;
# clip_grad_value_ clamps them.
# %% imports
import torch
import torch.nn as nn
# %% clip_grad_norm_ and clip_grad_value_
torch.manual_seed(0)
m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
(m(torch.randn(5, 3)) * 10).sum().backward()
print(nn.utils.clip_grad_norm_(m.parameters(), max_norm=1.0))
print(m[0].weight.grad)
print(nn.utils.clip_grad_norm_(m.parameters(), 0.5, norm_type=float("inf")), m[2].bias.grad)
print(nn.utils.clip_grad_norm_(m.parameters(), 100.0), m[2].weight.grad)
nn.utils.clip_grad_value_(m.parameters(), 0.01)
print(m[0].bias.grad)
print(nn.utils.clip_grad_norm_([], 1.0), nn.utils.clip_grad_norm_(m[0].weight, 1e-3))
# %% inside a loop with an optimizer
opt = torch.optim.SGD(m.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = (m(torch.ones(2, 3)) ** 2).sum()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(m.parameters(), 0.25)
    opt.step()
    print(step, round(loss.item(), 4), round(norm.item(), 4))
