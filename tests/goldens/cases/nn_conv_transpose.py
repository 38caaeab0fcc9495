# Transposed convolutions as generator and decoder tutorials use them: nn.ConvTranspose1d/2d
# (initialisation from the default generator, printed form, output_size=), F.conv_transpose1d/2d,
# the node they record (ConvolutionBackward0 with transposed=True), grads, and common misuse.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F
# %% modules: initialisation, repr and shapes
torch.manual_seed(0)
up = nn.ConvTranspose2d(2, 3, kernel_size=3, stride=2, padding=1, output_padding=1)
print(up, up.weight.shape, up.bias)
print(up.weight[0, 0])
print(nn.ConvTranspose1d(4, 2, 3, groups=2, bias=False, dilation=2), nn.ConvTranspose2d(4, 2, (3, 2)))
print(up.transposed, up.output_padding, up.kernel_size, up.stride, up.padding)
x = torch.randn(1, 2, 4, 4)
y = up(x)
print(y.shape, up(x, output_size=[7, 7]).shape, up(x, output_size=(1, 3, 8, 8)).shape, up(x[0]).shape)
print(y[0, 0])
print(y.grad_fn, y.grad_fn._saved_transposed, y.grad_fn._saved_output_padding, y.grad_fn._saved_stride)
print(y.grad_fn._saved_bias_sym_sizes_opt, y.grad_fn.next_functions)
# %% a generator in the DCGAN style, and a training step
torch.manual_seed(1)
gen = nn.Sequential(
    nn.ConvTranspose2d(4, 3, 4, 1, 0, bias=False),
    nn.BatchNorm2d(3),
    nn.ReLU(True),
    nn.ConvTranspose2d(3, 1, 4, 2, 1, bias=False),
    nn.Tanh(),
)
z = torch.randn(2, 4, 1, 1)
img = gen(z)
print(gen, img.shape)
print(img[0, 0, :2])
opt = torch.optim.SGD(gen.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = (gen(z) - 0.5).pow(2).mean()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5))
print(gen[3].weight.grad[0, 0])
# %% functional forms and grads (float64)
torch.manual_seed(2)
x = torch.randn(2, 4, 3, dtype=torch.float64, requires_grad=True)
w = torch.randn(4, 1, 3, dtype=torch.float64, requires_grad=True)
b = torch.randn(2, dtype=torch.float64, requires_grad=True)
y = F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1, groups=2)
print(y.shape, y[0])
(y * torch.arange(y.numel(), dtype=torch.float64).view(y.shape)).sum().backward()
print(x.grad[0], w.grad[:, 0], b.grad)
x2 = torch.randn(1, 2, 3, 3, dtype=torch.float64, requires_grad=True)
w2 = torch.randn(2, 2, 2, 2, dtype=torch.float64, requires_grad=True)
y2 = F.conv_transpose2d(x2, w2, dilation=2)
y2.pow(2).sum().backward()
print(y2.shape, y2.grad_fn.next_functions, x2.grad[0, 1], w2.grad[1, 0])
# %% channels do not match
F.conv_transpose2d(torch.ones(1, 3, 4, 4), torch.ones(2, 2, 3, 3))
# %% output padding too large
F.conv_transpose2d(torch.ones(1, 2, 4, 4), torch.ones(2, 2, 3, 3), stride=2, output_padding=2)
# %% output_size out of range
nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)(torch.ones(1, 2, 4, 4), output_size=[10, 10])
# %% padding modes
nn.ConvTranspose2d(4, 2, 3, padding_mode="reflect")
