# Learner-style script in the manner of "Learn the Basics: Automatic Differentiation": a one-layer
# logistic model scored with binary_cross_entropy_with_logits, grad_fn names in f-strings, detach
# and no_grad, and a vector-Jacobian product that accumulates across calls.

# %%
import torch

torch.manual_seed(3)
features = torch.ones(4)
target = torch.tensor([0.0, 1.0])
weight = torch.randn(4, 2, requires_grad=True)
offset = torch.randn(2, requires_grad=True)
logits = torch.matmul(features, weight) + offset
loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target)
print(f"grad_fn of logits: {logits.grad_fn}")
print(f"grad_fn of loss: {loss.grad_fn}")

# %%
loss.backward()
print(weight.grad)
print(offset.grad)

# %%
logits = torch.matmul(features, weight) + offset
print(logits.requires_grad)
with torch.no_grad():
    logits = torch.matmul(features, weight) + offset
print(logits.requires_grad)

# %%
logits = features @ weight + offset
frozen = logits.detach()
print(frozen.requires_grad, frozen.grad_fn, frozen.is_leaf)

# %%
grid = torch.eye(3, 4, requires_grad=True)
result = (grid * 2 - 1).pow(3).t()
result.backward(torch.ones_like(result), retain_graph=True)
print(f"after one call\n{grid.grad}")
result.backward(torch.ones_like(result), retain_graph=True)
print(f"\nafter two calls\n{grid.grad}")
grid.grad.zero_()
result.backward(torch.ones_like(result), retain_graph=True)
print(f"\nafter zeroing\n{grid.grad}")

# %%
# the functional form with a weight, and the module form with pos_weight
bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0, 0.5]))
print(bce(logits, target))
print(torch.nn.functional.binary_cross_entropy_with_logits(logits, target, weight=torch.tensor([1.0, 3.0])))
print(torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none"))
