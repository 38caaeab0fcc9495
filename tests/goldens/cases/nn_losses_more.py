# The losses of a first course beyond MSE/NLL/CE basics, module and functional forms, reductions,
# nodes and saved attributes: L1, SmoothL1 (beta), Huber (delta), BCE (weight), BCEWithLogits
# (weight, pos_weight), CrossEntropy (weight, ignore_index, label_smoothing, probability targets),
# KLDiv, and the legacy size_average=/reduce= arguments.
# %% imports
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% L1, SmoothL1, Huber
torch.manual_seed(0)
x = torch.randn(3, 4, requires_grad=True)
y = torch.randn(3, 4)
for loss in [
    nn.L1Loss(),
    nn.L1Loss(reduction="sum"),
    nn.SmoothL1Loss(),
    nn.SmoothL1Loss(beta=0.3),
    nn.HuberLoss(),
    nn.HuberLoss(delta=0.5, reduction="none"),
]:
    value = loss(x, y)
    print(loss, value.grad_fn.name(), value if value.dim() == 0 else value[0])
s = F.smooth_l1_loss(x, y, beta=0.5)
print(s.grad_fn._saved_beta, s.grad_fn._saved_reduction, F.huber_loss(x, y).grad_fn._saved_delta)
(g,) = torch.autograd.grad(F.smooth_l1_loss(x, y, beta=0.5), x)
print(g)
(g,) = torch.autograd.grad(F.huber_loss(x, y, delta=0.7, reduction="sum"), x)
print(g)
(g,) = torch.autograd.grad(F.l1_loss(x, y), x)
print(g)
# %% BCE and BCEWithLogits
torch.manual_seed(1)
logits = torch.randn(4, 3, requires_grad=True)
labels = torch.randint(0, 2, (4, 3)).float()
probs = torch.sigmoid(logits)
b = F.binary_cross_entropy(probs, labels)
print(b, b.grad_fn._saved_reduction, b.grad_fn._saved_weight)
print(nn.BCELoss(weight=torch.tensor([1.0, 2.0, 3.0]))(probs, labels))
print(nn.BCELoss(reduction="none")(probs, labels))
bl = nn.BCEWithLogitsLoss()(logits, labels)
print(bl, bl.grad_fn._saved_pos_weight)
pw = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 3.0, 0.5]), weight=torch.tensor([2.0, 1.0, 1.0]))
print(pw, pw(logits, labels), pw.state_dict())
print(F.binary_cross_entropy_with_logits(logits, labels, reduction="sum"))
(g,) = torch.autograd.grad(pw(logits, labels), logits)
print(g)
(g,) = torch.autograd.grad(nn.BCELoss(weight=torch.tensor([1.0, 2.0, 3.0]))(torch.sigmoid(logits), labels), logits)
print(g)
print(F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])))
try:
    F.binary_cross_entropy_with_logits(logits, labels[:, :2])
except ValueError as e:
    print(e)
try:
    F.binary_cross_entropy(probs, labels[0])
except ValueError as e:
    print(e)
# %% CrossEntropy options
torch.manual_seed(2)
scores = torch.randn(5, 4, requires_grad=True)
target = torch.tensor([0, 3, 1, 1, 2])
for loss in [
    nn.CrossEntropyLoss(),
    nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5, 1.0])),
    nn.CrossEntropyLoss(ignore_index=1),
    nn.CrossEntropyLoss(label_smoothing=0.2),
    nn.CrossEntropyLoss(label_smoothing=0.1, weight=torch.tensor([1.0, 2.0, 0.5, 1.0])),
    nn.CrossEntropyLoss(label_smoothing=0.1, reduction="sum"),
    nn.CrossEntropyLoss(label_smoothing=0.1, reduction="none", ignore_index=3),
]:
    value = loss(scores, target)
    print(value)
    value.sum().backward()
    print(scores.grad[1])
    scores.grad = None
ls = F.cross_entropy(scores, target, label_smoothing=0.1)
print(ls.grad_fn.name(), [n.name() for n, _ in ls.grad_fn.next_functions])
soft = F.softmax(torch.randn(5, 4), dim=1)
print(F.cross_entropy(scores, soft), F.cross_entropy(scores, soft, weight=torch.tensor([1.0, 2.0, 0.5, 1.0])))
print(F.cross_entropy(scores, soft, label_smoothing=0.3, reduction="none"))
# %% KLDiv
torch.manual_seed(3)
logp = F.log_softmax(torch.randn(3, 5, requires_grad=True), dim=1)
q = F.softmax(torch.randn(3, 5), dim=1)
print(nn.KLDivLoss(reduction="batchmean")(logp, q), nn.KLDivLoss(reduction="sum")(logp, q))
print(nn.KLDivLoss(reduction="batchmean", log_target=True)(logp, q.log()))
print(F.kl_div(logp, q, reduction="none")[0])
print(F.kl_div(logp, q))
# %% legacy size_average / reduce
print(nn.L1Loss(size_average=False).reduction, nn.BCELoss(reduce=False).reduction)
print(nn.CrossEntropyLoss(size_average=True, reduce=True).reduction)
print(F.l1_loss(x, y, reduce=False).shape, F.smooth_l1_loss(x, y, size_average=False))
print(F.nll_loss(F.log_softmax(scores, 1), target, size_average=False))
print(F.binary_cross_entropy(probs, labels, reduce=False).shape)
