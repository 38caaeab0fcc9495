# A Python number divided by a tensor (1 / x, lr / (norm + eps)) is the tensor's reciprocal times
# the number, as PyTorch records and computes it; .tolist() shows every bit of the float32,
# float64 and float16 results, and of float16 multiplied or divided by a number (computed in
# float32, rounded once) next to float16 plus a number (the number rounded to float16 first).
# %% imports
import torch
# %% bits of number / tensor
torch.manual_seed(0)
x = torch.randn(12) * 10 + 0.1
for num in (1.0, 0.1, 7.3, 1 / 3, 3):
    print(num, (num / x).tolist())
print((0.1 / x.double()).tolist()[:4], (2 / torch.arange(1, 5)).tolist(), (2 / torch.arange(1, 5)).dtype)
# %% float16
h = x.half()
print((0.1 / h).tolist(), (h * 0.1).tolist(), (h / 7.3).tolist(), sep="\n")
print((h + 0.1).tolist(), (h - 1 / 3).tolist(), (0.1 * h).dtype, sep="\n")
# %% what it records
w = torch.tensor([0.5, 2.0, -4.0], requires_grad=True)
q = 3.0 / w
print(q, q.grad_fn, q.grad_fn.next_functions, q.grad_fn._saved_other)
q.sum().backward()
print(w.grad)
