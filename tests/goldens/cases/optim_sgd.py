# torch.optim.SGD: printed form, param groups, and updates bit for bit over several steps
# (plain, momentum, dampening, Nesterov, weight decay, maximize), with grads set by hand.
# %% imports and a helper that runs steps with fixed grads and prints every bit
import torch
def run(opt, params, grads):
    for g in grads:
        for p, gv in zip(params, g):
            p.grad = torch.tensor(gv)
        opt.step()
        print([p.tolist() for p in params])
grads = [[[0.5, -1.25, 3.0], [0.1]], [[-0.3, 0.7, 0.01], [2.5]], [[1e-3, 4.0, -2.0], [-0.75]], [[0.2, 0.2, 0.2], [0.3]]]
def fresh():
    return [torch.tensor([1.0, -2.0, 0.3], requires_grad=True), torch.tensor([0.7], requires_grad=True)]
# %% the printed form lists the group's settings
ps = fresh()
opt = torch.optim.SGD(ps, lr=0.1)
print(opt)
print(opt.param_groups[0]["lr"], len(opt.param_groups[0]["params"]))
print(opt.defaults)
# %% plain SGD: p -= lr * grad
run(opt, ps, grads)
print(opt.state)
# %% momentum: the buffer starts as the first grad
ps = fresh()
opt = torch.optim.SGD(ps, lr=0.05, momentum=0.9)
run(opt, ps, grads)
print(opt.state[ps[1]])
# %% dampening and weight decay
ps = fresh()
run(torch.optim.SGD(ps, lr=0.03, momentum=0.5, dampening=0.25, weight_decay=0.01), ps, grads)
# %% Nesterov
ps = fresh()
opt = torch.optim.SGD(ps, lr=0.01, momentum=0.8, nesterov=True, weight_decay=1e-4)
print(opt)
run(opt, ps, grads)
# %% maximize climbs the gradient
ps = fresh()
run(torch.optim.SGD(ps, lr=0.1, maximize=True), ps, grads[:2])
# %% a parameter without grad is skipped
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0], requires_grad=True)
opt = torch.optim.SGD([a, b], lr=0.5)
a.grad = torch.tensor([1.0, 1.0])
opt.step()
print(a, b, b.grad)
# %% parameter groups with their own learning rate
a = torch.tensor([1.0], requires_grad=True)
b = torch.tensor([1.0], requires_grad=True)
opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
print(opt)
a.grad = torch.tensor([1.0])
b.grad = torch.tensor([1.0])
opt.step()
print(a, b)
# %% zero_grad clears the grads (to None by default)
opt.zero_grad()
print(a.grad, b.grad)
a.grad = torch.tensor([4.0])
opt.zero_grad(set_to_none=False)
print(a.grad)
# %% state_dict refers to parameters by index
print(opt.state_dict())
# %% mistakes: a non-leaf, a single tensor, an empty list, a bad lr, Nesterov without momentum
for make in [lambda: torch.optim.SGD([a * 2], lr=0.1), lambda: torch.optim.SGD(a, lr=0.1),
             lambda: torch.optim.SGD([], lr=0.1), lambda: torch.optim.SGD([a], lr=-1.0),
             lambda: torch.optim.SGD([a], lr=0.1, nesterov=True)]:
    try:
        make()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
