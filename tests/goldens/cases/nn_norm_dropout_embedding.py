# BatchNorm1d/2d in train and eval mode (running statistics, momentum, num_batches_tracked,
# affine, track_running_stats), LayerNorm, Dropout (the mask drawn from torch's generator,
# train/eval), Embedding (padding_idx, from_pretrained), one_hot, and the new activation modules.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% BatchNorm1d in training mode
torch.manual_seed(0)
bn = nn.BatchNorm1d(3)
print(bn)
x = torch.randn(6, 3, requires_grad=True)
y = bn(x)
print(y)
fn = y.grad_fn
print(fn.name(), fn._saved_training, fn._saved_eps, fn._saved_result1, fn._saved_result2)
print(fn._saved_running_mean, fn._saved_running_var, fn._saved_weight)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
# %% BatchNorm1d backward
(y * torch.arange(18.0).view(6, 3)).sum().backward()
print(x.grad)
print(bn.weight.grad, bn.bias.grad)
# %% eval mode uses the running statistics
bn(x.detach() * 3 + 1)
print(bn.running_mean, bn.num_batches_tracked)
bn.eval()
e = bn(x)
print(e)
print(e.grad_fn._saved_training, e.grad_fn._saved_result1, e.grad_fn._saved_result2)
x.grad = None
e.sum().backward()
print(x.grad[0])
# %% momentum=None (cumulative average), affine=False, track_running_stats=False
torch.manual_seed(1)
cum = nn.BatchNorm1d(2, momentum=None)
for _ in range(3):
    cum(torch.randn(4, 2) * 2)
print(cum.running_mean, cum.running_var, cum.num_batches_tracked)
plain = nn.BatchNorm1d(2, affine=False, track_running_stats=False)
print(plain, plain.running_mean, list(plain.parameters()))
out = plain(torch.randn(3, 2, requires_grad=True))
print(out, out.grad_fn._saved_weight, out.grad_fn.next_functions)
plain.eval()
print(plain(torch.tensor([[1.0, 2.0], [3.0, 5.0]])))
# %% BatchNorm2d and errors
torch.manual_seed(2)
bn2 = nn.BatchNorm2d(2, momentum=0.5)
img = torch.randn(2, 2, 3, 3)
print(bn2(img).mean(dim=(0, 2, 3)).abs() < 1e-6, bn2.running_var)
print([k for k in bn2.state_dict()])
try:
    bn2(torch.randn(2, 2, 3))
except ValueError as err:
    print(err)
try:
    nn.BatchNorm1d(2)(torch.randn(1, 2))
except ValueError as err:
    print(err)
# %% LayerNorm
torch.manual_seed(3)
ln = nn.LayerNorm(4)
print(ln, nn.LayerNorm([2, 3], elementwise_affine=False))
h = torch.randn(2, 3, 4, requires_grad=True)
z = ln(h)
print(z[0])
print(z.grad_fn.name(), z.grad_fn._saved_normalized_shape, z.grad_fn._saved_result1.shape, z.grad_fn._saved_result2[0])
(z * (torch.arange(4.0) - 1.5)).sum().backward()
print(h.grad[1], ln.weight.grad, ln.bias.grad)
print(F.layer_norm(h, (3, 4))[1, 0])
# %% Dropout draws its mask from torch's generator
torch.manual_seed(4)
drop = nn.Dropout(p=0.5)
print(drop)
ones = torch.ones(3, 8)
print(drop(ones))
print(F.dropout(ones, 0.2))
w = torch.ones(2, 5, requires_grad=True)
d = F.dropout(w, 0.4)
print(d, d.grad_fn.name())
d.sum().backward()
print(w.grad)
drop.eval()
print(drop(ones) is ones, F.dropout(ones, 0.3, training=False) is ones)
print(torch.rand(2))
# %% Embedding
torch.manual_seed(5)
emb = nn.Embedding(6, 3, padding_idx=0)
print(emb)
print(emb.weight)
idx = torch.tensor([[1, 0, 4], [4, 4, 2]])
v = emb(idx)
print(v.shape, v.grad_fn.name(), v.grad_fn._saved_padding_idx, v.grad_fn._saved_weight_sym_argsize_0)
print(v.grad_fn._saved_indices, v.grad_fn._saved_scale_grad_by_freq, v.grad_fn._saved_sparse)
v.sum().backward()
print(emb.weight.grad)
pre = nn.Embedding.from_pretrained(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
print(pre, pre.weight.requires_grad, pre(torch.tensor([1, 1, 0])))
print(nn.Embedding(4, 2).weight.grad_fn, F.embedding(torch.tensor([2]), torch.eye(3)))
try:
    emb(torch.tensor([1.0]))
except RuntimeError as err:
    print(err)
try:
    emb(torch.tensor([6]))
except IndexError as err:
    print(err)
# %% one_hot
print(F.one_hot(torch.tensor([0, 2, 1])), F.one_hot(torch.tensor([1, 0]), num_classes=4).dtype)
# %% activation modules
torch.manual_seed(6)
t = torch.randn(6, requires_grad=True)
for act in [
    nn.LeakyReLU(),
    nn.LeakyReLU(0.2, inplace=True),
    nn.GELU(),
    nn.GELU(approximate="tanh"),
    nn.ELU(),
    nn.ELU(alpha=0.5),
    nn.SELU(),
    nn.CELU(),
    nn.Softplus(),
    nn.Softplus(beta=2, threshold=1),
    nn.SiLU(),
    nn.Mish(),
    nn.ReLU6(),
    nn.Hardtanh(-0.5, 0.5),
    nn.LogSigmoid(),
]:
    r = act(t * 2)
    print(act, r, r.grad_fn.name())
# %% activation grads and saved attributes
# (gelu's float32 gradient far in the negative tail is a cancellation gradviz matches only to ~1e-8)
print(torch.autograd.grad(F.gelu(t).sum(), t)[0], torch.autograd.grad(F.gelu(t, approximate="tanh").sum(), t)[0])
for f in [F.leaky_relu, F.elu, F.selu, F.celu, F.softplus, F.silu, F.mish, F.relu6, F.hardtanh, F.logsigmoid]:
    (g,) = torch.autograd.grad(f(t * 3).sum(), t)
    print(f.__name__, g)
print(F.elu(t).grad_fn._saved_alpha, F.selu(t).grad_fn._saved_scale, F.gelu(t).grad_fn._saved_approximate)
print(
    F.softplus(t).grad_fn._saved_beta,
    F.softplus(t).grad_fn._saved_threshold,
    F.leaky_relu(t).grad_fn._saved_negative_slope,
)
print(F.hardtanh(t).grad_fn._saved_min_val, F.relu6(t).grad_fn._saved_max_val)
# %% channel-wise dropout
torch.manual_seed(7)
maps = torch.ones(2, 3, 2, 2, requires_grad=True)
d2 = nn.Dropout2d(0.5)
print(d2, d2(maps)[:, :, 0, 0], d2(maps).grad_fn._saved_other.shape)
print(F.dropout1d(torch.ones(2, 4, 3), 0.5)[:, :, 0], F.dropout1d(torch.ones(4, 3), 0.5).shape)
print(F.dropout2d(torch.ones(2, 4, 3), 0.5)[:, :, 0])
print(nn.Dropout3d(0.25)(torch.ones(1, 4, 1, 1, 2))[0, :, 0, 0])
print(F.dropout(maps, 1.0).grad_fn._saved_other, F.dropout2d(maps, 0.0) is maps)
