# Nearest-neighbour upsampling as generator and U-Net tutorials use it: nn.Upsample and
# F.interpolate(mode='nearest') with a scale factor or a size, 1-d and 2-d, their printed forms,
# the nodes and what they save, grads that sum back into the copied elements, and misuse.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F
# %% 2-d
x = torch.arange(12.0).view(1, 1, 3, 4).requires_grad_()
up = nn.Upsample(scale_factor=2)
y = up(x)
print(up, nn.Upsample(size=(4, 4), mode="nearest"), nn.Upsample(scale_factor=(2, 3)), y.shape)
print(y[0, 0, :3], y.grad_fn, y.grad_fn._saved_output_size, y.grad_fn._saved_scales_h, y.grad_fn._saved_scales_w)
print(y.grad_fn._saved_self_sym_sizes)
y2 = F.interpolate(x, size=(5, 7))
print(y2, y2.grad_fn._saved_scales_h, F.interpolate(x, scale_factor=1.5).shape, F.interpolate(x, size=2)[0, 0])
(y2 * torch.arange(35.0).view(1, 1, 5, 7)).sum().backward()
print(x.grad)
# %% 1-d
z = torch.arange(5.0).view(1, 1, 5).requires_grad_()
w = F.interpolate(z, scale_factor=1.5)
print(w, w.grad_fn, w.grad_fn._saved_scales, F.interpolate(z, size=3), nn.Upsample(size=8)(z))
(w * torch.arange(7.0)).sum().backward()
print(z.grad)
# %% in a small generator
torch.manual_seed(0)
gen = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(1, 2, 3, padding=1), nn.Tanh())
print(gen(torch.randn(1, 1, 2, 2)).shape, gen)
# %% both size and scale_factor
F.interpolate(x, size=4, scale_factor=2)
