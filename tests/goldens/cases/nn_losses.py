# Losses: mse_loss, nll_loss, cross_entropy (functional and modules): values, node names, saved
# attributes, gradients, reductions, and the target errors learners meet.
# %% imports and a helper
import torch
import torch.nn as nn
import torch.nn.functional as F
def saved(node):
    return {name: getattr(node, name) for name in dir(node) if name.startswith("_saved_")}
pred = torch.tensor([[0.5, -1.0], [2.0, 0.0], [1.5, 1.0]], requires_grad=True)
target = torch.tensor([[1.0, -1.0], [1.0, 1.0], [0.0, 1.0]])
# %% mse_loss: mean of squared differences
loss = F.mse_loss(pred, target)
print(loss, loss.item())
print(loss.grad_fn.name(), saved(loss.grad_fn))
loss.backward()
print(pred.grad)
# %% reductions sum and none
print(F.mse_loss(pred, target, reduction="sum"))
print(F.mse_loss(pred, target, reduction="none"))
print(saved(F.mse_loss(pred, target, reduction="sum").grad_fn)["_saved_reduction"])
# %% the module form
crit = nn.MSELoss()
print(crit, crit(pred, target))
# %% a target of another shape broadcasts, with a warning
col = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
wrong = F.mse_loss(col, torch.tensor([1.0, 2.0, 3.0]))
print(wrong)
print(wrong.grad_fn.next_functions[0][0].name())
# %% when the target requires grad it gets the opposite gradient
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([0.0, 4.0], requires_grad=True)
F.mse_loss(a, b).backward()
print(a.grad, b.grad)
# %% cross_entropy = nll_loss(log_softmax(logits)), with class-index targets
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0], [-2.0, 4.0, 0.0]], requires_grad=True)
labels = torch.tensor([0, 2, 1, 1])
ce = F.cross_entropy(logits, labels)
print(ce)
print(ce.grad_fn.name(), ce.grad_fn.next_functions[0][0].name())
print(saved(ce.grad_fn))
# %% its gradient is (softmax - one_hot) / N
ce.backward()
print(logits.grad)
one_hot = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
print((F.softmax(logits, dim=1) - one_hot) / 4)
# %% reductions and the total weight
print(F.cross_entropy(logits, labels, reduction="sum"))
none = F.cross_entropy(logits, labels, reduction="none")
print(none)
print(saved(none.grad_fn)["_saved_total_weight"], saved(none.grad_fn)["_saved_reduction"])
# %% class weights and ignore_index
w = torch.tensor([1.0, 2.0, 0.5])
wl = F.cross_entropy(logits, labels, weight=w)
print(wl, saved(wl.grad_fn)["_saved_total_weight"])
logits.grad = None
ig = F.cross_entropy(logits, torch.tensor([0, -100, 1, 1]))
ig.backward()
print(ig)
print(logits.grad)
# %% nll_loss on log-probabilities directly, and the modules
logp = F.log_softmax(logits, dim=1)
print(F.nll_loss(logp, labels))
print(nn.CrossEntropyLoss()(logits, labels), nn.NLLLoss()(logp, labels))
print(nn.CrossEntropyLoss(), nn.NLLLoss(), nn.CrossEntropyLoss(reduction="sum"))
# %% a single sample with a 0-d target
single = F.cross_entropy(torch.tensor([1.0, 2.0, 0.5], requires_grad=True), torch.tensor(1))
print(single, saved(single.grad_fn)["_saved_total_weight"])
# %% probability targets
probs = torch.tensor([[0.7, 0.2, 0.1], [0.0, 0.0, 1.0], [0.3, 0.3, 0.4], [0.0, 1.0, 0.0]])
soft = F.cross_entropy(logits, probs)
print(soft)
print(soft.grad_fn.name(), saved(soft.grad_fn))
