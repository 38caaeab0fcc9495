# torch.inference_mode as tutorials use it around evaluation: the mode flags, which tensors are
# inference tensors, and what autograd refuses to do with them afterwards.
# %% imports
import torch
import torch.nn as nn
# %% the flags inside and outside
print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
with torch.inference_mode():
    print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
    with torch.inference_mode(False):
        print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
    with torch.no_grad():
        print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
with torch.no_grad():
    with torch.inference_mode(False):
        print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())


@torch.inference_mode()
def evaluate(model, x):
    return model(x), torch.is_inference_mode_enabled()


# %% which tensors are inference tensors
torch.manual_seed(0)
model = nn.Linear(3, 2)
x = torch.randn(4, 3)
with torch.inference_mode():
    y = model(x)
    z = torch.ones(2)
    v = x.view(12)
print(y.is_inference(), z.is_inference(), v.is_inference(), x.is_inference(), torch.is_inference(y))
print(y.requires_grad, y.grad_fn, model.weight.is_inference())
out, flag = evaluate(model, x)
print(out.is_inference(), flag, torch.is_inference_mode_enabled())
with torch.no_grad():
    n = model(x)
print(n.is_inference(), n.requires_grad)
print(y + 1, (y * 2).is_inference())
# %% an inference tensor cannot be saved for backward
(model(x) * y).sum().backward()
# %% a clone is a normal tensor
c = y.clone()
print(c.is_inference(), (model(x) * c).sum().backward(), model.weight.grad)
# %% in-place update outside inference mode
y.add_(1)
# %% item assignment outside inference mode
y[0] = 1.0
# %% zero_ outside inference mode, and inside
with torch.inference_mode():
    y.zero_()
print(y)
y.zero_()
