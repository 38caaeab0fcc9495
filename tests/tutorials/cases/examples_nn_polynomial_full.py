# FULL-LENGTH training loop (issue 14 requires it to finish within gradviz's default limits):
# the "Learning PyTorch with Examples: nn" workload, 2,000 samples x 2,000 steps through
# nn.Sequential(Linear, Flatten) with MSELoss(reduction="sum") and a manual update over
# model.parameters(). Features built by broadcasting x.unsqueeze(-1).pow(powers).
# Values are printed rounded: this case measures that the full loop runs within the limits; exact
# float32 digits are held by the shorter loops (examples_polynomial_tensor, ..._custom_function).

# %%
import math

import torch

torch.manual_seed(1)
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x) + 0.5 * torch.cos(x)
powers = torch.tensor([1, 2, 3])
feats = x.unsqueeze(-1).pow(powers)
print(feats.shape, feats.dtype)

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")

# %%
lr = 1e-6
for t in range(2000):
    pred = model(feats)
    loss = loss_fn(pred, y)
    if t % 250 == 249:
        print(t, f"{loss.item():.2f}")
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for prm in model.parameters():
            prm -= lr * prm.grad

lin = model[0]
print(
    f"Result: y = {lin.bias.item():.3f} + {lin.weight[:, 0].item():.3f} x + "
    f"{lin.weight[:, 1].item():.3f} x^2 + {lin.weight[:, 2].item():.3f} x^3"
)
