# nn.GroupNorm and F.group_norm as convolutional tutorials use them: printed form, parameters,
# values, the node they record (NativeGroupNormBackward0) with its saved statistics, grads of the
# input, weight and bias, a small training step, and misuse.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F
# %% module, values and node
torch.manual_seed(0)
gn = nn.GroupNorm(2, 4)
print(gn, nn.GroupNorm(3, 6, eps=1e-3, affine=False), nn.GroupNorm(1, 2, bias=False))
print(list(gn.named_parameters()))
x = torch.randn(2, 4, 3, requires_grad=True)
y = gn(x)
print(y)
node = y.grad_fn
print(node, node._saved_N, node._saved_C, node._saved_HxW, node._saved_group, node._saved_eps)
print(node._saved_result1, node._saved_result2, node._saved_weight, node.next_functions)
(y * torch.arange(24.0).view(2, 4, 3)).sum().backward()
print(x.grad, gn.weight.grad, gn.bias.grad, sep="\n")
# %% functional form, 4-d input, no affine
torch.manual_seed(1)
img = torch.randn(2, 6, 2, 2, dtype=torch.float64, requires_grad=True)
w = torch.randn(6, dtype=torch.float64, requires_grad=True)
out = F.group_norm(img, 3, w, None, eps=1e-3)
print(out[0, :2], out.grad_fn.next_functions, out.grad_fn._saved_weight is not None)
out.pow(3).sum().backward()
print(img.grad[1, 4], w.grad)
plain = F.group_norm(img.detach(), 1)
print(plain.mean(dim=(1, 2, 3)).abs() < 1e-12, plain.grad_fn, plain.var(dim=(1, 2, 3), unbiased=False))
# %% inside a model, one SGD step
torch.manual_seed(2)
model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.GroupNorm(2, 4), nn.ReLU(), nn.Flatten(), nn.Linear(64, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
data = torch.randn(3, 1, 4, 4)
for step in range(3):
    opt.zero_grad()
    loss = model(data).pow(2).mean()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5))
print(model[1].weight.data, model[1].bias.data)
# %% channels not divisible by groups
nn.GroupNorm(3, 4)
# %% input channels not divisible
nn.GroupNorm(2, 4)(torch.randn(2, 3, 3))
