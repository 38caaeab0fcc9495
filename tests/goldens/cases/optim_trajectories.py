# Optimizer trajectories over 10 steps on a small model (SGD with momentum, dampening, nesterov,
# weight_decay and maximize; Adam, AdamW, amsgrad; RMSprop plain/centered/momentum; Adagrad with
# lr_decay; Adadelta), their state, reprs and errors; the learning-rate schedulers with
# get_last_lr(), their exact float sequences, and the step-order warning.
# %% imports
import torch
import torch.nn as nn


# %% ten steps of each optimizer on the same regression
def trajectory(make, steps=10):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    data = torch.randn(8, 3)
    target = data @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    opt = make(model.parameters())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(data) - target) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 3))
    return losses, model.weight.detach(), model.bias.detach(), opt


configs = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.05),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
    "sgd_nesterov_wd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    "sgd_maximize": lambda p: torch.optim.SGD(p, lr=0.01, maximize=True),
    "adam": lambda p: torch.optim.Adam(p, lr=0.05),
    "adam_wd": lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.05),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop_centered_momentum": lambda p: torch.optim.RMSprop(
        p, lr=0.01, momentum=0.5, centered=True, weight_decay=0.01
    ),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.3, lr_decay=0.01),
    "adagrad_init": lambda p: torch.optim.Adagrad(p, lr=0.3, initial_accumulator_value=0.5, weight_decay=0.1),
    "adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0),
    "adadelta_wd": lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.8, weight_decay=0.05),
}
for name, make in configs.items():
    losses, w, b, _ = trajectory(make)
    print(name, losses[0], losses[4], losses[9])
    print(" ", w, b)
# %% optimizer state and repr
_, _, _, opt = trajectory(configs["rmsprop_centered_momentum"], steps=2)
print(opt)
state = opt.state[opt.param_groups[0]["params"][1]]
print(sorted(state), state["step"], state["square_avg"], state["grad_avg"], state["momentum_buffer"])
_, _, _, opt = trajectory(configs["adagrad"], steps=1)
print(opt)
print(opt.state[opt.param_groups[0]["params"][1]])
print(torch.optim.Adagrad([torch.zeros(2, requires_grad=True)]).state)
_, _, _, opt = trajectory(configs["adadelta"], steps=1)
print(sorted(opt.state[opt.param_groups[0]["params"][0]]), opt.defaults)
print(torch.optim.AdamW([torch.zeros(1, requires_grad=True)]))
# %% optimizer argument errors
for bad in [
    lambda: torch.optim.RMSprop([torch.zeros(1, requires_grad=True)], lr=-1),
    lambda: torch.optim.Adagrad([torch.zeros(1, requires_grad=True)], lr_decay=-0.1),
    lambda: torch.optim.Adadelta([torch.zeros(1, requires_grad=True)], rho=1.5),
    lambda: torch.optim.AdamW([torch.zeros(1, requires_grad=True)], betas=(1.0, 0.9)),
]:
    try:
        bad()
    except ValueError as e:
        print(e)


# %% schedulers: the lr sequences
def lrs(make, steps=8, **opt_kwargs):
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, **opt_kwargs)
    sched = make(opt)
    seen = [sched.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        sched.step()
        seen.append(sched.get_last_lr()[0])
    return seen


print(lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)))
print(lrs(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1)))
print(lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)))
print(lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01), steps=12))
print(lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda epoch: 1 / (epoch + 1))))
print(lrs(lambda o: torch.optim.lr_scheduler.MultiplicativeLR(o, lambda epoch: 0.95)))
# %% scheduler objects, param_groups and state_dict
w = torch.zeros(2, requires_grad=True)
opt = torch.optim.SGD([w], lr=1.0, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2)
print(opt.param_groups[0]["lr"], opt.param_groups[0]["initial_lr"], sched.last_epoch, sched.base_lrs)
opt.step()
sched.step()
opt.step()
sched.step()
print(sched.get_last_lr(), sched.state_dict())
# %% ReduceLROnPlateau
w = torch.zeros(1, requires_grad=True)
opt = torch.optim.Adam([w], lr=0.1)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, cooldown=1, min_lr=0.02)
for metric in [1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0, 0.5, 0.6, 0.7, 0.8]:
    plateau.step(metric)
    print(metric, plateau.get_last_lr(), plateau.num_bad_epochs, plateau.best)
maxed = torch.optim.lr_scheduler.ReduceLROnPlateau(
    torch.optim.SGD([w], lr=1.0), mode="max", threshold=0.1, threshold_mode="abs", patience=0
)
for metric in [1.0, 1.05, 1.2, 1.25]:
    maxed.step(torch.tensor(metric))
print(maxed.get_last_lr(), isinstance(maxed, torch.optim.lr_scheduler.LRScheduler))
# %% the step-order warning
w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
sched.step()
sched.step()
print(sched.get_last_lr())
