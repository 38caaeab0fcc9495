# Learner-style script on the loss functions of a first course, module and functional forms: L1,
# MSE, BCE, BCEWithLogits, NLL, CrossEntropy with its options (weight, ignore_index,
# label_smoothing, probability targets, reduction), SmoothL1 / smooth_l1_loss, and the legacy
# size_average= / reduce= arguments older material still passes (PyTorch warns and maps them).

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
pred = torch.randn(4, 3, requires_grad=True)
goal = torch.randn(4, 3)
print(nn.L1Loss()(pred, goal), F.l1_loss(pred, goal, reduction="sum"))
print(nn.MSELoss()(pred, goal), F.mse_loss(pred, goal, reduction="none")[0])

# %%
probs = torch.sigmoid(pred)
labels = (goal > 0).float()
bce = nn.BCELoss()(probs, labels)
bcel = nn.BCEWithLogitsLoss()(pred, labels)
print(bce, bcel, torch.allclose(bce, bcel))
print(F.binary_cross_entropy(probs, labels, weight=torch.tensor([1.0, 2.0, 0.5])))
bcel.backward()
print(pred.grad)

# %%
classes = torch.tensor([2, 0, 1, 1])
logp = F.log_softmax(pred, dim=1)
print(nn.NLLLoss()(logp, classes), F.nll_loss(logp, classes, reduction="none"))
ce = nn.CrossEntropyLoss()
print(ce(pred, classes))
print(nn.CrossEntropyLoss(weight=torch.tensor([1.0, 0.5, 2.0]))(pred, classes))
print(nn.CrossEntropyLoss(ignore_index=1)(pred, classes))
print(nn.CrossEntropyLoss(label_smoothing=0.1)(pred, classes))
print(nn.CrossEntropyLoss(reduction="none")(pred, classes))
soft = torch.softmax(torch.randn(4, 3), dim=1)
print(F.cross_entropy(pred, soft))
print(ce(pred, classes).grad_fn)

# %%
print(nn.SmoothL1Loss()(pred, goal), F.smooth_l1_loss(pred, goal, beta=0.5))
print(F.smooth_l1_loss(pred, goal, reduction="sum").grad_fn)
print(F.huber_loss(pred, goal, delta=2.0))

# %%
legacy_sum = nn.MSELoss(size_average=False)
print(legacy_sum, legacy_sum.reduction)
print(legacy_sum(pred, goal))

# %%
legacy_none = nn.L1Loss(reduce=False)
print(legacy_none.reduction, legacy_none(pred, goal).shape)
print(F.mse_loss(pred, goal, size_average=True))
print(nn.NLLLoss(size_average=False, reduce=True).reduction)

# %%
try:
    ce(pred, classes.float().unsqueeze(1))
except (RuntimeError, ValueError) as e:
    print(type(e).__name__, e)
try:
    nn.BCELoss()(pred, labels)
except RuntimeError as e:
    print(type(e).__name__, e)
