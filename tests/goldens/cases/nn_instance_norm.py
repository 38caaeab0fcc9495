# nn.InstanceNorm1d/2d and F.instance_norm as style-transfer and image tutorials use them: printed
# forms, parameters and buffers, values, the nodes they record (a batch norm over a view, weight
# and bias repeated per sample), grads, running statistics when tracked, eval mode, unbatched
# input, and the warning and errors of common misuse.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F
# %% modules and values
torch.manual_seed(0)
inorm = nn.InstanceNorm2d(3)
print(inorm, nn.InstanceNorm1d(3, affine=True, track_running_stats=True), nn.InstanceNorm2d(2, affine=True, bias=False))
print(list(inorm.named_parameters()), list(inorm.named_buffers()))
x = torch.randn(2, 3, 4, 4, requires_grad=True)
y = inorm(x)
print(y[0, 0], y.mean(dim=(2, 3)).abs().max() < 1e-6)
print(y.grad_fn, y.grad_fn.next_functions, y.grad_fn.next_functions[0][0].next_functions)
(y * torch.arange(96.0).view(2, 3, 4, 4)).sum().backward()
print(x.grad[1, 2])
# %% affine and tracked running statistics
torch.manual_seed(1)
m = nn.InstanceNorm1d(2, affine=True, track_running_stats=True, momentum=0.5)
s = torch.randn(3, 2, 5, requires_grad=True)
out = m(s)
print(out.grad_fn.next_functions[0][0].next_functions)
(out * torch.arange(30.0).view(3, 2, 5).sin()).sum().backward()
print(m.running_mean, m.running_var, m.num_batches_tracked, m.weight.grad, m.bias.grad)
print(s.grad[0])
m.eval()
print(m(s)[0], m.running_mean)
# %% unbatched input and the functional form
torch.manual_seed(2)
single = torch.randn(3, 6)
print(nn.InstanceNorm1d(3)(single))
img = torch.randn(2, 2, 3, 3, dtype=torch.float64, requires_grad=True)
w = torch.randn(2, dtype=torch.float64, requires_grad=True)
o = F.instance_norm(img, weight=w, eps=1e-3)
o.pow(3).sum().backward()
print(o[1, 0], img.grad[0, 1], w.grad)
# %% feature count mismatch warns without affine
nn.InstanceNorm1d(4)(torch.randn(2, 3, 5)).shape
# %% feature count mismatch with affine
nn.InstanceNorm1d(4, affine=True)(torch.randn(2, 3, 5))
# %% wrong number of dimensions
nn.InstanceNorm2d(3)(torch.randn(2, 3, 4, 4, 1))
# %% one spatial element
nn.InstanceNorm1d(3)(torch.randn(2, 3, 1))
