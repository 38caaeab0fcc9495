# Convolution and pooling: nn.Conv1d/Conv2d (stride, padding incl. 'same', dilation, groups, bias),
# their node (ConvolutionBackward0) and saved attributes, grads; max/avg/adaptive pooling modules
# and functions with their nodes, indices and grads; Flatten/Unflatten.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% Conv1d: repr, shapes, node and saved attributes
torch.manual_seed(0)
conv = nn.Conv1d(3, 4, kernel_size=3, padding=1)
print(conv)
x = torch.randn(2, 3, 7, requires_grad=True)
y = conv(x)
print(y.shape, y.grad_fn.name())
fn = y.grad_fn
print(fn._saved_stride, fn._saved_padding, fn._saved_dilation, fn._saved_transposed)
print(fn._saved_output_padding, fn._saved_groups, fn._saved_bias_sym_sizes_opt)
print(fn._saved_input.shape, fn._saved_weight.shape)
print([type(n).__name__ if n is not None else None for n, _ in fn.next_functions])
print(y[0, :, :3])
# %% Conv1d backward: input, weight and bias grads
y.pow(2).sum().backward()
print(x.grad[0])
print(conv.weight.grad[0])
print(conv.bias.grad)
# %% Conv2d with stride, dilation and groups, no bias
torch.manual_seed(1)
conv2 = nn.Conv2d(4, 6, kernel_size=(3, 2), stride=2, dilation=(1, 2), groups=2, bias=False)
print(conv2)
img = torch.randn(1, 4, 7, 8, requires_grad=True)
out = conv2(img)
print(out.shape)
print(out[0, 0])
print(out.grad_fn.next_functions[2], out.grad_fn._saved_bias_sym_sizes_opt)
out.sum().backward()
print(img.grad[0, 1])
print(conv2.weight.grad[5])
# %% padding='same' and 'valid', unbatched input
torch.manual_seed(2)
same = nn.Conv2d(2, 3, 3, padding="same")
print(same)
z = torch.randn(2, 5, 5)
print(same(z).shape, same(z).grad_fn.name())
even = nn.Conv1d(1, 1, 4, padding="same", bias=False)
signal = torch.randn(1, 1, 6, requires_grad=True)
out_even = even(signal)
print(out_even.shape, out_even.grad_fn.name(), out_even.grad_fn.next_functions[0][0].name())
print(out_even.grad_fn.next_functions[0][0]._saved_pad)
print(nn.Conv1d(1, 2, 3, padding="valid")(signal).shape)
# %% F.conv2d and F.pad
torch.manual_seed(3)
inp = torch.randn(1, 1, 4, 4)
kernel = torch.tensor([[[[1.0, 0.0], [0.0, -1.0]]]])
print(F.conv2d(inp, kernel))
print(F.conv2d(inp, kernel, stride=2, padding=1))
print(F.pad(torch.ones(2, 2), (1, 0, 0, 2), value=3.0))
# %% conv errors
try:
    conv(torch.randn(2, 5, 7))
except RuntimeError as e:
    print(e)
try:
    conv(torch.randn(7))
except RuntimeError as e:
    print(e)
# %% max pooling: modules, functions, indices, ceil_mode, padding
torch.manual_seed(4)
fm = torch.randn(1, 2, 5, 5, requires_grad=True)
pool = nn.MaxPool2d(2)
print(pool)
p = pool(fm)
print(p)
print(p.grad_fn.name(), p.grad_fn._saved_kernel_size, p.grad_fn._saved_stride, p.grad_fn._saved_padding)
print(p.grad_fn._saved_dilation, p.grad_fn._saved_ceil_mode, p.grad_fn._saved_result1)
print(F.max_pool2d(fm, 2).grad_fn._saved_stride)
values, idx = F.max_pool2d(fm, 3, stride=2, padding=1, ceil_mode=True, return_indices=True)
print(values.shape, idx)
p.sum().backward()
print(fm.grad[0, 0])
# %% max_pool1d goes through the 2-d kernel
seq = torch.randn(2, 3, 9, requires_grad=True)
m1 = nn.MaxPool1d(3, stride=2)
print(m1)
o1 = m1(seq)
print(o1.shape, o1.grad_fn.name(), o1.grad_fn.next_functions[0][0].name())
print(o1.grad_fn._saved_dim, o1.grad_fn.next_functions[0][0]._saved_kernel_size)
# %% average pooling
ap = nn.AvgPool2d(kernel_size=3, stride=2, padding=1)
print(ap)
a = ap(fm)
print(a)
print(a.grad_fn.name(), a.grad_fn._saved_count_include_pad, a.grad_fn._saved_divisor_override)
print(F.avg_pool2d(fm, 3, stride=2, padding=1, count_include_pad=False)[0, 1])
print(F.avg_pool2d(fm, 2, ceil_mode=True)[0, 0])
print(F.avg_pool2d(fm, 2, divisor_override=3)[0, 0])
fm.grad = None
a.sum().backward()
print(fm.grad[0, 1])
print(nn.AvgPool1d(2)(seq)[0], nn.AvgPool1d(2))
# %% adaptive average pooling
ad = nn.AdaptiveAvgPool2d((2, 3))
print(ad, ad(fm))
print(ad(fm).grad_fn.name(), nn.AdaptiveAvgPool2d(1)(fm).grad_fn.name())
print(nn.AdaptiveAvgPool2d((1, 1))(fm).flatten(1))
print(F.adaptive_avg_pool1d(seq, 4)[1])
# %% flatten and unflatten
flat = nn.Flatten()
unflat = nn.Unflatten(1, (2, 25))
print(flat, unflat)
print(flat(fm).shape, unflat(flat(fm)).shape, unflat(flat(fm)).grad_fn.name())
